export const id = 199;
export const ids = [199];
export const modules = {

/***/ 199:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  ExecutableSource: () => (/* binding */ ExecutableSource)
});

// UNUSED EXPORTS: ALLOW_EXECUTABLES

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(24);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(916);
// EXTERNAL MODULE: ./src/google/sts.ts
var sts = __webpack_require__(75);
// EXTERNAL MODULE: ./src/jwt.ts
var jwt = __webpack_require__(962);
// EXTERNAL MODULE: ./src/provider-name.ts
var provider_name = __webpack_require__(556);
// EXTERNAL MODULE: ./src/results.ts + 1 modules
var results = __webpack_require__(834);
// EXTERNAL MODULE: ./src/sources/token-type.ts
var token_type = __webpack_require__(648);
// EXTERNAL MODULE: ./src/sources/executable/command.ts
var command = __webpack_require__(730);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(625);
;// CONCATENATED MODULE: ./src/sources/executable/response.ts
/**
 * The JSON answer of an executable (Google's executable-sourced credentials,
 * version 1), from its stdout or from the output file that caches it:
 *
 *   { "version": 1, "success": true, "token_type": "<URN>", "id_token": "..." | "saml_response": "...",
 *     "expiration_time": <epoch seconds> }
 *   { "version": 1, "success": false, "code": "...", "message": "..." }
 *
 * Checked field by field as google-auth-library checks it, with one message
 * per way it can be wrong. The token is masked the moment it is found, before
 * anything else can fail and print.
 */



/** The only version of the answer Google has defined. */
const SUPPORTED_VERSION = 1;
/** Parses an answer; `where` names it in errors ("executable_command printed", "the cached answer in X has"). */
function parseAnswer(text, where) {
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        // Never quote it: it may hold a token.
        throw new errors/* EnvironmentError */.eG(`${where} no valid JSON (${text.trim() === '' ? 'nothing' : `${Buffer.byteLength(text)} bytes that are not JSON`}). ` +
            'It must print one JSON object such as {"version": 1, "success": true, "token_type": ' +
            '"urn:ietf:params:oauth:token-type:jwt", "id_token": "...", "expiration_time": 1767225600}.');
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) {
        throw new errors/* EnvironmentError */.eG(`${where} JSON that is not an object: it must be {"version": 1, "success": ...}.`);
    }
    const answer = json;
    // Mask first: whatever is wrong below, the token is never printed.
    for (const field of ['id_token', 'saml_response']) {
        if (typeof answer[field] === 'string')
            (0,log/* maskSecret */.$)(answer[field]);
    }
    const { version, success } = answer;
    if (version === undefined)
        throw new errors/* EnvironmentError */.eG(`${where} an answer without "version" (it must be 1).`);
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
        throw new errors/* EnvironmentError */.eG(`${where} "version": ${JSON.stringify(version)}; it must be the number 1.`);
    }
    if (version > SUPPORTED_VERSION) {
        throw new errors/* EnvironmentError */.eG(`${where} an answer of version ${version}, which is not supported: Google's executable format has version ` +
            `${SUPPORTED_VERSION} only. Make the program print "version": ${SUPPORTED_VERSION}.`);
    }
    if (typeof success !== 'boolean') {
        throw new errors/* EnvironmentError */.eG(`${where} an answer without "success": true or false.`);
    }
    if (!success) {
        const { code, message } = answer;
        if (typeof code !== 'string' || code === '' || typeof message !== 'string' || message === '') {
            throw new errors/* EnvironmentError */.eG(`${where} "success": false without a "code" and a "message" saying what failed.`);
        }
        return { success, version, code, message };
    }
    const tokenType = answer['token_type'];
    const known = Object.values(token_type/* SUBJECT_TOKEN_TYPES */.V5);
    if (typeof tokenType !== 'string' || !known.includes(tokenType)) {
        throw new errors/* EnvironmentError */.eG(`${where} "token_type": ${JSON.stringify(tokenType ?? null)}; it must be one of ${known.join(', ')}.`);
    }
    const field = tokenType === token_type/* SUBJECT_TOKEN_TYPES */.V5.saml2 ? 'saml_response' : 'id_token';
    const token = answer[field];
    if (typeof token !== 'string' || token.trim() === '') {
        throw new errors/* EnvironmentError */.eG(`${where} "success": true but no "${field}" (required with token_type ${tokenType}).`);
    }
    const expiration = answer['expiration_time'];
    if (expiration !== undefined && (typeof expiration !== 'number' || !Number.isFinite(expiration))) {
        throw new errors/* EnvironmentError */.eG(`${where} "expiration_time": ${JSON.stringify(expiration)}; it must be a number of seconds since 1970 (Unix time).`);
    }
    return {
        success,
        version,
        tokenType,
        token,
        ...(expiration !== undefined ? { expiresAt: new Date(expiration * 1000) } : {}),
    };
}
/** Expired as the client libraries judge it: expiration_time before now, to the second. */
function isExpired(answer, now) {
    return answer.expiresAt !== undefined && answer.expiresAt.getTime() < Math.round(now.getTime() / 1000) * 1000;
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(421);
;// CONCATENATED MODULE: ./src/sources/executable/run.ts
/**
 * Runs the executable the way google-auth-library does (the program and its
 * arguments, no shell, the step's environment plus the GOOGLE_EXTERNAL_ACCOUNT_*
 * variables) and collects its stdout, with a time limit after which it is
 * killed. Its stdout holds the token and is never shown; its stderr is kept,
 * clipped, for the error message.
 *
 * node:child_process is loaded with this module, that is only when
 * subject_token_source is "executable".
 */


/** More than any token answer; a program printing more is broken, and is stopped. */
const MAX_STDOUT_BYTES = 1024 * 1024;
/** The end of stderr is what explains a failure; this much of it is kept. */
const STDERR_KEPT_CHARACTERS = 2000;
/** After the time limit: SIGTERM, then SIGKILL if the program is still there this much later. */
const KILL_GRACE_MS = 2000;
function runExecutable({ argv, env, timeoutMs, label }) {
    const [program = '', ...args] = argv;
    return new Promise((resolve, reject) => {
        let settled = false;
        const stdout = [];
        let stdoutBytes = 0;
        let stderr = '';
        const child = (0,external_node_child_process_.spawn)(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
        const finish = (error, result) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            if (error)
                reject(error);
            else if (result)
                resolve(result);
        };
        let killTimer;
        const stop = () => {
            child.kill('SIGTERM');
            // Not unref'd: the step must not end while the program still runs.
            killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
        };
        const timer = setTimeout(() => {
            stop();
            finish(new errors/* EnvironmentError */.eG(`${label} did not finish within ${timeoutMs / 1000}s and was stopped. Make it answer faster, or raise ` +
                `executable_timeout (at most 120s).${stderrPart(stderr)}`));
        }, timeoutMs);
        child.stdout.on('data', (chunk) => {
            stdoutBytes += chunk.length;
            if (stdoutBytes > MAX_STDOUT_BYTES) {
                stop();
                finish(new errors/* EnvironmentError */.eG(`${label} printed more than ${MAX_STDOUT_BYTES} bytes: not an answer; stopped.`));
                return;
            }
            stdout.push(chunk);
        });
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk) => {
            stderr = (stderr + chunk).slice(-STDERR_KEPT_CHARACTERS * 2);
        });
        child.on('error', (err) => {
            finish(new errors/* EnvironmentError */.eG(`${label} could not be started (${err.code ?? err.message}): check that the file exists, is executable ` +
                '(chmod +x) and, for a script, that its #! interpreter exists on the runner.'));
        });
        child.on('close', (code, signal) => {
            clearTimeout(killTimer);
            if (code === 0) {
                finish(undefined, { stdout: Buffer.concat(stdout).toString('utf8'), stderr: clip(stderr) });
                return;
            }
            const how = code !== null ? `exited with code ${code}` : `was ended by ${signal ?? 'a signal'}`;
            finish(new errors/* EnvironmentError */.eG(`${label} ${how}.${stderrPart(stderr)}`));
        });
    });
}
function stderrPart(stderr) {
    const shown = clip(stderr);
    return shown ? ` Its stderr:\n${shown}` : ' It wrote nothing to stderr.';
}
// Matching control characters is the point: they are escaped for display.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;
/**
 * The end of stderr, at most STDERR_KEPT_CHARACTERS, with control characters
 * (other than line breaks and tabs) made visible so that they cannot forge
 * log lines or workflow commands.
 */
function clip(stderr) {
    const trimmed = stderr.trim();
    const kept = trimmed.length > STDERR_KEPT_CHARACTERS ? `…${trimmed.slice(-STDERR_KEPT_CHARACTERS)}` : trimmed;
    return kept
        .replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n');
}

;// CONCATENATED MODULE: ./src/sources/executable/executable-source.ts
/**
 * subject_token_source: executable — Google's executable-sourced
 * credentials. A program of the user's prints a JSON answer holding an OIDC
 * token or a SAML assertion; the action runs it now for the direct exchange,
 * and the credentials file names it (credential_source.executable) so that
 * tools run it again themselves, once GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1
 * lets them.
 *
 * Loaded only when subject_token_source is "executable" (see index.ts).
 */










const SERVICE = 'Executable';
/** Claims of an OIDC token that may be shown (none of them secret). */
const DIAGNOSTIC_CLAIMS = ['iss', 'sub', 'aud', 'azp', 'exp'];
/** The variable without which the client libraries refuse to run an executable. */
const ALLOW_EXECUTABLES = 'GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES';
class ExecutableSource {
    options;
    name = SERVICE;
    diagnosticClaims = DIAGNOSTIC_CLAIMS;
    subjectTokenType;
    provider;
    env;
    log;
    serviceAccount;
    now;
    label;
    constructor(options, context) {
        this.options = options;
        this.provider = context.provider;
        this.env = context.env;
        this.log = context.log;
        this.serviceAccount = context.serviceAccount;
        this.now = context.now ?? (() => new Date());
        this.subjectTokenType = options.subjectTokenType;
        this.label = `${command/* COMMAND_INPUT */.l_} (${options.argv[0] ?? ''})`;
    }
    /** What gcloud's create-cred-config --executable-command writes. */
    async credentialSource() {
        const { command, timeoutMs, outputFile } = this.options;
        return {
            executable: {
                command,
                timeout_millis: timeoutMs,
                ...(outputFile !== undefined ? { output_file: outputFile } : {}),
            },
        };
    }
    async subjectToken() {
        const answer = this.cachedAnswer() ?? (await this.freshAnswer());
        if (!answer.success) {
            throw new errors/* EnvironmentError */.eG(`${this.label} answered "success": false with code ${JSON.stringify(answer.code)}: ` +
                `${JSON.stringify(answer.message.slice(0, 500))}`);
        }
        if (this.options.outputFile !== undefined && answer.expiresAt === undefined) {
            throw new errors/* EnvironmentError */.eG(`${this.label} answered without "expiration_time", which is required with executable_output_file (the ` +
                'client libraries would otherwise reuse the cached answer forever). Add "expiration_time" (Unix seconds).');
        }
        if (isExpired(answer, this.now())) {
            throw new errors/* EnvironmentError */.eG(`${this.label} answered with a token that expired at ${(0,results/* rfc3339 */.a)(answer.expiresAt ?? this.now())}: ` +
                "make it fetch a fresh one (and check the runner's clock).");
        }
        if (answer.tokenType !== this.subjectTokenType) {
            throw new errors/* EnvironmentError */.eG(`${this.label} answered "token_type": "${answer.tokenType}", but subject_token_type is ` +
                `${this.subjectTokenType}. Set subject_token_type to ${shortName(answer.tokenType)} (the type the ` +
                'provider expects), or make the program answer that type.');
        }
        const claims = answer.tokenType === token_type/* SUBJECT_TOKEN_TYPES */.V5.saml2 ? {} : ((0,jwt/* decodeJwtClaims */.dG)(answer.token) ?? {});
        const shown = (0,jwt/* claimsLine */.i3)(claims, DIAGNOSTIC_CLAIMS);
        if (shown)
            this.log.debug(`${SERVICE}: token claims: ${shown}`);
        return { token: answer.token, claims };
    }
    /**
     * A still valid answer in executable_output_file, as the client libraries
     * reuse it: a missing, empty or non-file path, a failed or expired answer
     * means the program runs; an answer that is not valid JSON is an error.
     */
    cachedAnswer() {
        const file = this.options.outputFile;
        if (file === undefined)
            return undefined;
        let text;
        try {
            const real = (0,external_node_fs_.realpathSync)(file);
            if (!(0,external_node_fs_.lstatSync)(real).isFile())
                return undefined;
            text = (0,external_node_fs_.readFileSync)(real, 'utf8');
        }
        catch (err) {
            const code = err.code;
            if (code === 'ENOENT' || code === 'ENOTDIR') {
                this.log.info(`No cached answer in ${file} (executable_output_file) yet: running ${this.label}.`);
                return undefined;
            }
            throw new errors/* EnvironmentError */.eG(`executable_output_file ${file} could not be read (${code ?? 'error'}): make it readable, or remove it.`);
        }
        if (text === '')
            return undefined;
        const answer = parseAnswer(text, `executable_output_file ${file} holds`);
        if (!answer.success || isExpired(answer, this.now())) {
            this.log.info(`The cached answer in ${file} (executable_output_file) ${answer.success ? 'has expired' : 'is a failure'}: ` +
                `running ${this.label}.`);
            return undefined;
        }
        const until = answer.expiresAt ? `, valid until ${(0,results/* rfc3339 */.a)(answer.expiresAt)}` : '';
        this.log.info(`Used the cached answer in ${file} (executable_output_file${until}); ${this.label} was not run.`);
        return answer;
    }
    async freshAnswer() {
        const { argv, timeoutMs, outputFile } = this.options;
        const impersonatedEmail = this.serviceAccount;
        const started = Date.now();
        const { stdout, stderr } = await runExecutable({
            argv,
            env: {
                ...commandEnvironment(this.env),
                // What google-auth-library sets, so that the program behaves the same here and in tools.
                GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE: this.provider.stsAudience,
                GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE: this.subjectTokenType,
                GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE: '0',
                ...(outputFile !== undefined ? { GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE: outputFile } : {}),
                ...(impersonatedEmail !== undefined ? { GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL: impersonatedEmail } : {}),
            },
            timeoutMs,
            label: this.label,
        });
        const answer = parseAnswer(stdout, `${this.label} printed`);
        this.log.info(`Ran ${this.label} (${Date.now() - started} ms).`);
        if (stderr) {
            // google-auth-library (Node.js) parses stdout and stderr together as the answer.
            this.log.warning(`${this.label} succeeded but wrote to stderr. google-auth-library (Node.js) reads stdout and stderr as one ` +
                'answer, so tools reading the credentials file may fail to parse it: write nothing to stderr on success.');
            this.log.debug(`${SERVICE}: stderr:\n${stderr}`);
        }
        return answer;
    }
    /** Tools read the same file and run the same program, which they do only when allowed. */
    environmentForTools() {
        return {
            variables: { [ALLOW_EXECUTABLES]: '1' },
            note: `Exported ${ALLOW_EXECUTABLES}=1: tools reading the credentials file run ${this.label} themselves ` +
                'to get a subject token, and Google client libraries refuse to run it without this variable.',
        };
    }
    /** google.subject = assertion.sub, the mapping of an OIDC provider. */
    principal(claims) {
        return (0,provider_name/* subjectPrincipal */.hF)(this.provider, claims['sub']);
    }
    /** The token's own principal: the one member every provider mapping (google.subject) yields. */
    impersonationMember(claims) {
        return (0,provider_name/* principalOf */.i6)(this.provider, typeof claims?.['sub'] === 'string' ? claims['sub'] : 'SUBJECT');
    }
    hints(err, claims) {
        if (err.service !== sts/* STS_SERVICE */.$W)
            return [];
        const text = err.serviceMessage.toLowerCase();
        const hints = [];
        if (text.includes('audience')) {
            hints.push(`The token's audience${typeof claims?.['aud'] === 'string' ? ` "${claims['aud']}"` : ''} is not one the ` +
                `provider accepts: by default "https://${this.provider.iamHost}/${this.provider.name}", or its allowed ` +
                'audiences. The program gets the provider as GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE.');
        }
        if (text.includes('issuer')) {
            hints.push("The provider's issuer URI must be the token's iss claim exactly, and the issuer's keys (JWKS) must sign it.");
        }
        if (text.includes('signature')) {
            hints.push("The token's signature does not verify with the provider's keys: check its JWKS (or uploaded keys).");
        }
        if (text.includes('subject_token_type') || text.includes('saml')) {
            hints.push(`subject_token_type (${this.subjectTokenType}) must be what the provider takes: jwt or id_token for an ` +
                'OIDC provider, saml2 for a SAML provider.');
        }
        if (text.includes('attribute condition')) {
            hints.push("The provider's attribute condition rejected this token: compare it with the claims shown below.");
        }
        if (/stale|expired|not yet valid|issued at/.test(text)) {
            hints.push("The token is expired or not yet valid: check its exp/iat and the runner's clock.");
        }
        return hints;
    }
}
/** The step's environment without its INPUT_* variables, which later steps (where tools run the program) lack. */
function commandEnvironment(env) {
    return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('INPUT_')));
}
function shortName(urn) {
    return Object.entries(token_type/* SUBJECT_TOKEN_TYPES */.V5).find(([, value]) => value === urn)?.[0] ?? urn;
}


/***/ })

};
