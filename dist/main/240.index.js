export const id = 240;
export const ids = [240];
export const modules = {

/***/ 702:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Oe: () => (/* binding */ MAX_SMALL_FILE_BYTES),
/* harmony export */   XW: () => (/* binding */ describeLimit),
/* harmony export */   qZ: () => (/* binding */ readSmallRegularFile)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/**
 * Reads a small file that an input or a variable names (a token file, the
 * executable's cached answer, an AWS token or config file) without ever
 * blocking and without reading more than a bound.
 *
 * Why not readFile: open() on a FIFO blocks until a writer appears, before
 * any type check can run, freezing the whole process (even the step deadline's
 * timers); and a wrong path (a log, a disk image) would be read whole. So the
 * file is opened with O_NONBLOCK (which makes open() return at once on a
 * FIFO and changes nothing for a regular file), its type and size are checked
 * on the open descriptor (fstat: no race with a rename), and only then read.
 *
 * Synchronous on purpose: one small local read, and fs.promises costs every
 * run to load.
 */

/** Far above any token or answer (SAML responses, the largest, are tens of KB). */
const MAX_SMALL_FILE_BYTES = 1024 * 1024;
/**
 * The file's text (UTF-8), or why it was not read. Errors of open() and
 * read() (ENOENT, EACCES, ELOOP with `noFollow`, ...) are thrown as they are,
 * for the caller to word.
 */
function readSmallRegularFile(file, { maxBytes = MAX_SMALL_FILE_BYTES, noFollow = false } = {}) {
    // Windows has neither flag (and no FIFOs in the file system): 0 there.
    const flags = node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_RDONLY | (node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_NONBLOCK ?? 0) | (noFollow ? (node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_NOFOLLOW ?? 0) : 0);
    const fd = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync)(file, flags);
    try {
        const stat = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.fstatSync)(fd);
        if (stat.isDirectory())
            return { ok: false, problem: 'directory', size: stat.size };
        if (!stat.isFile())
            return { ok: false, problem: 'not-regular', size: stat.size };
        if (stat.size > maxBytes)
            return { ok: false, problem: 'too-large', size: stat.size };
        // Read to the end, not to stat.size: a file that grew since fstat is still bounded.
        const chunks = [];
        let total = 0;
        for (;;) {
            const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
            const n = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync)(fd, chunk, 0, chunk.length, total);
            if (n === 0)
                break;
            chunks.push(chunk.subarray(0, n));
            total += n;
            if (total > maxBytes)
                return { ok: false, problem: 'too-large', size: total };
        }
        return { ok: true, text: Buffer.concat(chunks).toString('utf8'), stat };
    }
    finally {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync)(fd);
    }
}
/** "1 MiB" for the usual bound, else bytes: for error messages. */
function describeLimit(bytes) {
    return bytes === MAX_SMALL_FILE_BYTES ? '1 MiB' : `${bytes} bytes`;
}


/***/ }),

/***/ 240:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  ALLOW_EXECUTABLES: () => (/* binding */ ALLOW_EXECUTABLES),
  ExecutableSource: () => (/* binding */ ExecutableSource),
  createExecutableSource: () => (/* binding */ createExecutableSource)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(24);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(916);
// EXTERNAL MODULE: ./src/jwt.ts
var jwt = __webpack_require__(962);
// EXTERNAL MODULE: ./src/regular-file.ts
var regular_file = __webpack_require__(702);
// EXTERNAL MODULE: ./src/timestamp.ts
var timestamp = __webpack_require__(699);
// EXTERNAL MODULE: ./src/sources/shared/token-type.ts
var token_type = __webpack_require__(636);
// EXTERNAL MODULE: ./src/sources/executable/command.ts
var command = __webpack_require__(730);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(625);
;// CONCATENATED MODULE: ./src/sources/executable/redact.ts
/**
 * What a token program wrote to stderr, made safe to print: no token it
 * produced may appear there unmasked, whether it succeeded or failed.
 *
 * Three layers, because a failing program may never have printed its token on
 * stdout: the tokens found in its answers (stdout, the output file) are
 * registered as secrets and cut out; then anything shaped like a JWT (three
 * base64url segments); then any long opaque word (base64-like, mixing upper
 * and lower case and digits) such as a SAML response or an access token.
 * Paths, URLs, hex digests and ordinary words are left as they are.
 */

/** What replaces a secret in the text (what the runner itself prints for a masked value). */
const REDACTED = '***';
/** The fields of an executable's answer that hold a token. */
const TOKEN_FIELDS = ['id_token', 'saml_response'];
/** Three base64url segments: a JWT ("ey..." header) or something shaped like one. */
const JWT_LIKE = /\bey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*|[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g;
/** A candidate opaque token: a long run of base64/base64url characters. */
const LONG_WORD = /[A-Za-z0-9+/=_~.-]{40,}/g;
/** The tokens in an answer's JSON (stdout or the output file); none when it is not an answer. */
function tokensInAnswer(text) {
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        return [];
    }
    if (!json || typeof json !== 'object')
        return [];
    const answer = json;
    return TOKEN_FIELDS.map((field) => answer[field]).filter((value) => typeof value === 'string' && value.trim() !== '');
}
/**
 * `text` without the known `tokens` (each masked first), JWT-shaped words, long opaque words, or any part of a
 * secret the step registered (log.ts redactSecrets).
 */
function redactProgramOutput(text, tokens) {
    let safe = text;
    // Longest first, so that a token containing another is cut whole.
    for (const token of [...new Set(tokens)].sort((a, b) => b.length - a.length)) {
        (0,log/* maskSecret */.$l)(token);
        safe = safe.split(token).join(REDACTED);
    }
    safe = safe.replace(JWT_LIKE, REDACTED).replace(LONG_WORD, (word) => (looksOpaque(word) ? REDACTED : word));
    // Last, what is left of any secret of the step (a token cut at the start of the kept stderr, say).
    return (0,log/* redactSecrets */.fp)(safe);
}
/**
 * A long word that looks random rather than written: upper case, lower case
 * and digits all present, and a long stretch without the separators of paths
 * and host names.
 */
function looksOpaque(word) {
    if (!/[A-Z]/.test(word) || !/[a-z]/.test(word) || !/\d/.test(word))
        return false;
    return word.split(/[/.]/).some((part) => part.length >= 24);
}

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
            (0,log/* maskSecret */.$l)(answer[field]);
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
// EXTERNAL MODULE: ./src/runner-commands.ts
var runner_commands = __webpack_require__(280);
;// CONCATENATED MODULE: ./src/sources/executable/run.ts
/**
 * Runs the executable the way google-auth-library does (the program and its
 * arguments, no shell, the step's environment plus the GOOGLE_EXTERNAL_ACCOUNT_*
 * variables) and collects its stdout, with a time limit after which it is
 * stopped. Its stdout holds the token and is never shown; its stderr is kept,
 * clipped and with every token cut out (redact.ts), for the error message.
 *
 * The program runs in a process group of its own (a process tree on
 * Windows), so that stopping it stops whatever it started too: a background
 * grandchild that keeps stdout or stderr open must not keep the step running.
 * For the same reason the step never waits for the pipes longer than a short
 * grace after the program itself ended.
 *
 * node:child_process is loaded with this module, that is only when
 * subject_token_source is "executable".
 */




/** More than any token answer; a program printing more is broken, and is stopped. */
const MAX_STDOUT_BYTES = 1024 * 1024;
/** The end of stderr is what explains a failure; this much of it is kept. */
const STDERR_KEPT_CHARACTERS = 2000;
/** After the time limit: SIGTERM to the group, then SIGKILL if any of it is still there this much later. */
const KILL_GRACE_MS = 1000;
/** How often, within KILL_GRACE_MS, whether the group is gone is checked. */
const GROUP_POLL_MS = 50;
/**
 * After the program exited, how long its pipes may stay open (the last of its
 * output still in flight). Longer means a process it left behind holds them:
 * it is stopped and the pipes are closed.
 */
const PIPE_GRACE_MS = 500;
/** POSIX: a process group per run, ended as a whole. Windows has no groups: taskkill /T ends the tree. */
const OWN_GROUP = process.platform !== 'win32';
function runExecutable({ argv, env, timeoutMs, label, otherTokens }) {
    const [program = '', ...args] = argv;
    return new Promise((resolve, reject) => {
        let settled = false;
        let stopping = false;
        const stdout = [];
        let stdoutBytes = 0;
        let stderr = '';
        let stderrCut = false;
        let pipeTimer;
        const child = (0,external_node_child_process_.spawn)(program, args, {
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
            windowsHide: true,
            detached: OWN_GROUP,
        });
        // Should the step itself end while the program runs, the program ends with it.
        const killOnExit = () => killTree(child, 'SIGKILL');
        process.once('exit', killOnExit);
        /** stderr as it may be shown: redacted, then clipped. */
        const shownStderr = () => {
            const tokens = [...tokensInAnswer(Buffer.concat(stdout).toString('utf8')), ...(otherTokens?.() ?? [])];
            // A cut through the middle of a token leaves its tail, which no longer matches it: that word goes too.
            const first = /^\S*/.exec(stderr)?.[0] ?? '';
            const cutToken = stderrCut && first.length > 0 && tokens.some((token) => token.endsWith(first));
            return clip(redactProgramOutput(cutToken ? `${REDACTED}${stderr.slice(first.length)}` : stderr, tokens));
        };
        const finish = (error, result) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            clearTimeout(pipeTimer);
            process.removeListener('exit', killOnExit);
            // Whoever still holds the other ends, the step stops listening.
            child.stdout?.destroy();
            child.stderr?.destroy();
            if (error)
                reject(error);
            else if (result)
                resolve(result);
        };
        /** Ends the program and everything it started, then fails with `message(stderr)`. */
        const stopAndFail = (message) => {
            if (stopping || settled)
                return;
            stopping = true;
            void endTree(child).then(() => finish(new errors/* EnvironmentError */.eG(message())));
        };
        const timer = setTimeout(() => {
            stopAndFail(() => `${label} did not finish within ${timeoutMs / 1000}s and was stopped. Make it answer faster, or raise ` +
                `executable_timeout (at most 120s).${stderrPart(shownStderr())}`);
        }, timeoutMs);
        child.stdout.on('data', (chunk) => {
            if (stopping)
                return;
            stdoutBytes += chunk.length;
            if (stdoutBytes > MAX_STDOUT_BYTES) {
                stopAndFail(() => `${label} printed more than ${MAX_STDOUT_BYTES} bytes: not an answer; stopped.`);
                return;
            }
            stdout.push(chunk);
        });
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk) => {
            const all = stderr + chunk;
            if (all.length > STDERR_KEPT_CHARACTERS * 2)
                stderrCut = true;
            stderr = all.slice(-STDERR_KEPT_CHARACTERS * 2);
        });
        child.on('error', (err) => {
            finish(new errors/* EnvironmentError */.eG(`${label} could not be started (${err.code ?? err.message}): check that the file exists, is executable ` +
                '(chmod +x) and, for a script, that its #! interpreter exists on the runner.'));
        });
        const ended = (code, signal) => {
            if (stopping || settled)
                return;
            if (code === 0) {
                finish(undefined, { stdout: Buffer.concat(stdout).toString('utf8'), stderr: shownStderr() });
                return;
            }
            const how = code !== null ? `exited with code ${code}` : `was ended by ${signal ?? 'a signal'}`;
            finish(new errors/* EnvironmentError */.eG(`${label} ${how}.${stderrPart(shownStderr())}`));
        };
        // 'close' comes once the pipes are closed too; a process left behind may hold them open.
        child.on('close', ended);
        child.on('exit', (code, signal) => {
            pipeTimer = setTimeout(() => {
                // The program is gone but something it started holds its pipes: that is ended too.
                if (stopping || settled)
                    return;
                stopping = true;
                void endTree(child).then(() => {
                    stopping = false;
                    ended(code, signal);
                });
            }, PIPE_GRACE_MS);
        });
    });
}
/** Sends `signal` to the program's group (its tree on Windows); nothing if it is gone already. */
function killTree(child, signal) {
    const { pid } = child;
    if (pid === undefined)
        return;
    try {
        if (OWN_GROUP)
            process.kill(-pid, signal);
        else
            (0,external_node_child_process_.spawn)('taskkill', ['/T', '/F', '/PID', String(pid)], { stdio: 'ignore', windowsHide: true }).on('error', () => { });
    }
    catch {
        // ESRCH: the group is gone.
    }
}
/** Whether any process of the program's group is left (POSIX). */
function groupAlive(pid) {
    try {
        process.kill(-pid, 0);
        return true;
    }
    catch {
        return false;
    }
}
/**
 * SIGTERM to the whole group, a short wait for it to go, then SIGKILL to
 * whatever is left: resolves within KILL_GRACE_MS. On Windows, taskkill /T /F.
 */
async function endTree(child) {
    const { pid } = child;
    if (pid === undefined)
        return;
    if (!OWN_GROUP) {
        killTree(child, 'SIGKILL');
        return;
    }
    killTree(child, 'SIGTERM');
    const until = Date.now() + KILL_GRACE_MS;
    while (groupAlive(pid) && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, GROUP_POLL_MS));
    }
    killTree(child, 'SIGKILL');
}
function stderrPart(shown) {
    return shown ? ` Its stderr:\n${shown}` : ' It wrote nothing to stderr.';
}
/**
 * The end of stderr, at most STDERR_KEPT_CHARACTERS, with control, line-separator
 * and bidi characters made visible (tabs as spaces, line breaks kept) so that
 * they cannot forge log lines or workflow commands; '' when nothing but blanks
 * was written.
 */
function clip(stderr) {
    const trimmed = stderr.trim();
    if (trimmed === '')
        return '';
    const kept = trimmed.length > STDERR_KEPT_CHARACTERS ? `…${trimmed.slice(-STDERR_KEPT_CHARACTERS)}` : trimmed;
    // Line by line (LF and CRLF kept as line breaks, tabs kept), the one display escape (runner-commands.ts).
    return kept
        .split(/\r?\n/)
        .map((line) => `  ${(0,runner_commands/* escapeInvisible */.ts)(line.replace(/\t/g, '    '))}`)
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
function createExecutableSource(options, context) {
    return new ExecutableSource(options, context);
}
class ExecutableSource {
    options;
    facts;
    subjectTokenType;
    provider;
    env;
    log;
    /**
     * Tools pass the program the account they impersonate (from the file's
     * service_account_impersonation_url); the action passes the same.
     */
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
        this.facts = factsFor(options.subjectTokenType);
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
                `${JSON.stringify(redactProgramOutput(answer.message.slice(0, 500), []))}`);
        }
        if (this.options.outputFile !== undefined && answer.expiresAt === undefined) {
            throw new errors/* EnvironmentError */.eG(`${this.label} answered without "expiration_time", which is required with executable_output_file (the ` +
                'client libraries would otherwise reuse the cached answer forever). Add "expiration_time" (Unix seconds).');
        }
        if (isExpired(answer, this.now())) {
            throw new errors/* EnvironmentError */.eG(`${this.label} answered with a token that expired at ${(0,timestamp/* rfc3339 */.a)(answer.expiresAt ?? this.now())}: ` +
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
     * reuse it: a missing or empty file, a failed or expired answer means the
     * program runs; an answer that is not valid JSON is an error. Unlike the
     * client libraries, the file must be one only the runner's user could have
     * written (as OpenSSH treats key files): whoever writes it chooses the token.
     */
    cachedAnswer() {
        const file = this.options.outputFile;
        if (file === undefined)
            return undefined;
        const text = this.readOutputFile(file);
        if (text === undefined) {
            this.log.info(`No cached answer in ${file} (executable_output_file) yet: running ${this.label}.`);
            return undefined;
        }
        if (text === '')
            return undefined;
        const answer = parseAnswer(text, `executable_output_file ${file} holds`);
        if (!answer.success || isExpired(answer, this.now())) {
            this.log.info(`The cached answer in ${file} (executable_output_file) ${answer.success ? 'has expired' : 'is a failure'}: ` +
                `running ${this.label}.`);
            return undefined;
        }
        const until = answer.expiresAt ? `, valid until ${(0,timestamp/* rfc3339 */.a)(answer.expiresAt)}` : '';
        this.log.info(`Used the cached answer in ${file} (executable_output_file${until}); ${this.label} was not run.`);
        return answer;
    }
    /** The output file's text, or undefined when there is none yet; an error for a file that must not be trusted. */
    readOutputFile(file) {
        const where = `executable_output_file ${file}`;
        let read;
        try {
            // lstat first for a clear message about a link (Windows has no O_NOFOLLOW); the checks below use fstat.
            if ((0,external_node_fs_.lstatSync)(file).isSymbolicLink())
                throw Object.assign(new Error('link'), { code: 'ELOOP' });
            read = (0,regular_file/* readSmallRegularFile */.qZ)(file, { noFollow: true });
        }
        catch (err) {
            const code = err.code;
            if (code === 'ENOENT' || code === 'ENOTDIR')
                return undefined;
            if (code === 'ELOOP') {
                throw new errors/* EnvironmentError */.eG(`${where} is a symbolic link: the cached answer must be a regular file of the runner's user. Remove ` +
                    `the link (rm ${file}); ${this.label} then writes the file itself.`);
            }
            throw new errors/* EnvironmentError */.eG(`${where} could not be read (${code ?? 'error'}): make it readable, or remove it.`);
        }
        if (!read.ok) {
            if (read.problem === 'too-large') {
                throw new errors/* EnvironmentError */.eG(`${where} is ${read.size} bytes, over the limit of ${(0,regular_file/* describeLimit */.XW)(regular_file/* MAX_SMALL_FILE_BYTES */.Oe)} for an ` +
                    `answer: remove it, and check that ${this.label} writes only its JSON answer there.`);
            }
            throw new errors/* EnvironmentError */.eG(`${where} is ${read.problem === 'directory' ? 'a directory' : 'not a regular file (a FIFO, socket or device)'}: ` +
                `it must be a regular file, or not exist yet. Remove it (${this.label} then writes it).`);
        }
        const uid = process.getuid?.();
        if (uid !== undefined && read.stat.uid !== uid) {
            throw new errors/* EnvironmentError */.eG(`${where} is owned by uid ${read.stat.uid}, not by the runner's user (uid ${uid}): another user could ` +
                `choose the token it holds. Remove it (${this.label} then writes it as the runner's user), or ` +
                `chown it to that user and chmod 600 it.`);
        }
        // Windows reports no group/other bits (any writable file is 0666): its ACLs decide there.
        if (process.platform !== 'win32' && (read.stat.mode & 0o022) !== 0) {
            const mode = (read.stat.mode & 0o777).toString(8).padStart(4, '0');
            throw new errors/* EnvironmentError */.eG(`${where} is writable by ${read.stat.mode & 0o020 ? 'its group' : 'other users'} (mode ${mode}): ` +
                `another user could choose the token it holds. Run chmod 600 ${file} (and have ${this.label} create ` +
                'it with mode 0600).');
        }
        return read.text;
    }
    /** The tokens in the output file now (the program may have written one there before failing). */
    tokensInOutputFile() {
        const file = this.options.outputFile;
        if (file === undefined)
            return [];
        try {
            const read = (0,regular_file/* readSmallRegularFile */.qZ)(file, { noFollow: true });
            return read.ok ? tokensInAnswer(read.text) : [];
        }
        catch {
            return [];
        }
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
            otherTokens: () => this.tokensInOutputFile(),
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
}
/** Principals and hints as data (diagnose.ts applies them). */
function factsFor(subjectTokenType) {
    return {
        name: SERVICE,
        diagnosticClaims: DIAGNOSTIC_CLAIMS,
        // google.subject = assertion.sub, the mapping of an OIDC provider.
        principal: { subject: ['sub'], placeholder: 'SUBJECT' },
        // The token's own principal: the one member every provider mapping (google.subject) yields.
        member: { subject: ['sub'], placeholder: 'SUBJECT' },
        hints: {
            audience: ({ claims, provider }) => `The token's audience${typeof claims?.['aud'] === 'string' ? ` "${claims['aud']}"` : ''} is not one the ` +
                `provider accepts: by default "https://${provider.iamHost}/${provider.name}", or its allowed ` +
                'audiences. The program gets the provider as GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE.',
            rules: [
                {
                    when: ({ text }) => text.includes('issuer'),
                    hint: () => "The provider's issuer URI must be the token's iss claim exactly, and the issuer's keys (JWKS) must sign it.",
                },
                {
                    when: ({ text }) => text.includes('signature'),
                    hint: () => "The token's signature does not verify with the provider's keys: check its JWKS (or uploaded keys).",
                },
                {
                    when: ({ text }) => text.includes('subject_token_type') || text.includes('saml'),
                    hint: () => `subject_token_type (${subjectTokenType}) must be what the provider takes: jwt or id_token for an ` +
                        'OIDC provider, saml2 for a SAML provider.',
                },
            ],
            attributeCondition: "The provider's attribute condition rejected this token: compare it with the claims shown below.",
            expired: "The token is expired or not yet valid: check its exp/iat and the runner's clock.",
        },
    };
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
