export const id = 326;
export const ids = [326];
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

/***/ 326:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  AwsSource: () => (/* binding */ AwsSource),
  createAwsSource: () => (/* binding */ createAwsSource)
});

// EXTERNAL MODULE: ./src/timestamp.ts
var timestamp = __webpack_require__(699);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(625);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(916);
;// CONCATENATED MODULE: ./src/sources/aws/credentials.ts
/**
 * AWS credentials as every provider of the chain returns them, with where
 * they came from. Built only through `awsCredentials`, which masks the
 * secrets the moment they exist, so no provider can forget to.
 *
 * Errors and logs name credentials by their source and the first four
 * characters of the access key ID (AKIA = long-term user key, ASIA =
 * temporary), never more.
 */


/** Validates, masks and labels credentials. */
function awsCredentials(fields, source) {
    // Mask before checking: even a half-formed secret must not reach the log.
    (0,log/* maskSecret */.$l)(fields.secretAccessKey);
    (0,log/* maskSecret */.$l)(fields.sessionToken);
    // Not a secret, but AWS treats it as sensitive and so does
    // aws-actions/configure-aws-credentials; errors show its first 4 characters.
    (0,log/* maskSecret */.$l)(fields.accessKeyId);
    if (!fields.accessKeyId || !fields.secretAccessKey) {
        throw new errors/* EnvironmentError */.eG(`AWS credentials from ${source} are incomplete: ${fields.accessKeyId ? 'the secret access key' : 'the access key ID'} is missing.`);
    }
    return {
        accessKeyId: fields.accessKeyId,
        secretAccessKey: fields.secretAccessKey,
        ...(fields.sessionToken ? { sessionToken: fields.sessionToken } : {}),
        ...(fields.expiration ? { expiration: fields.expiration } : {}),
        ...(fields.roleArn ? { roleArn: fields.roleArn } : {}),
        source,
    };
}
/**
 * The JSON shape that EC2 instance metadata and the ECS/EKS container
 * endpoints share: {AccessKeyId, SecretAccessKey, Token, Expiration, RoleArn?}.
 */
function parseJsonCredentials(body, source, roleArn) {
    let json;
    try {
        json = JSON.parse(body);
    }
    catch {
        throw new errors/* EnvironmentError */.eG(`${source} answered with something that is not JSON credentials.`);
    }
    const text = (name) => typeof json[name] === 'string' ? json[name] : undefined;
    if (text('Code') !== undefined && text('Code') !== 'Success') {
        throw new errors/* EnvironmentError */.eG(`${source} could not provide credentials: ${text('Code')}: ${text('Message') ?? ''}`.trim());
    }
    return awsCredentials({
        accessKeyId: text('AccessKeyId'),
        secretAccessKey: text('SecretAccessKey'),
        sessionToken: text('Token'),
        expiration: parseTime(text('Expiration')),
        roleArn: text('RoleArn') ?? roleArn,
    }, source);
}
function parseTime(text) {
    if (!text)
        return undefined;
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? undefined : date;
}
/** "AKIA…": the first four characters of an access key ID, all a message may show. */
function keyHint(accessKeyId) {
    return `${accessKeyId.slice(0, 4)}…`;
}
/** "access key ASIA… from EC2 instance metadata (role arn:aws:iam::1:role/ci)". */
function describeCredentials(credentials) {
    const role = credentials.roleArn ? ` (role ${credentials.roleArn})` : '';
    return `access key ${keyHint(credentials.accessKeyId)} from ${credentials.source}${role}`;
}

;// CONCATENATED MODULE: ./src/sources/aws/errors.ts
/**
 * One error for a failed AWS-side step (AssumeRole, web identity, instance
 * metadata, the container endpoint): what failed, what AWS said, which
 * identity was used (source + first 4 characters of the key + role), and
 * the likely fix as a hint, which diagnose.ts prints after the message.
 *
 * The rules (AWS error codes and what they mean) live here, in the lazily
 * loaded AWS chunk, because only AWS users need them. Why Google STS refuses
 * an AWS token is in the facts of aws-source.ts, applied by diagnose.ts.
 */

/** AWS error codes (from the XML `<Code>`) and what they most likely mean. */
const CODE_HINTS = {
    InvalidClientTokenId: 'AWS does not know this access key ID: it was deleted or deactivated, belongs to another partition, ' +
        'or a temporary key is used without its session token (AWS_SESSION_TOKEN / aws_session_token).',
    SignatureDoesNotMatch: 'The secret access key does not belong to this access key ID: check the secret (a copy with a trailing ' +
        'space or newline is a common cause).',
    ExpiredToken: 'The temporary credentials have expired: obtain them closer to this step, or ask for a longer duration.',
    RequestExpired: "AWS refused the request's timestamp: the runner's clock is off by more than 15 minutes. Sync it (NTP).",
    AccessDenied: "The role's trust policy does not let this identity assume it: allow sts:AssumeRole for this principal " +
        '(and check the sts:ExternalId condition if the role requires an external ID).',
    InvalidIdentityToken: "AWS rejected the web identity token: check the role's trust policy (the OIDC provider, aud and sub " +
        'conditions) and that the token file is fresh.',
    IDPRejectedClaim: "AWS rejected the web identity token's claims: compare the role's trust policy conditions with the token.",
    ValidationError: 'AWS refused a parameter: check the role ARN, the session name and the duration.',
};
function awsFailure(step, err, identity) {
    const lines = [`${step} failed: ${(0,errors/* messageOf */.bD)(err)}`];
    if (identity)
        lines.push(`AWS identity: ${identity}`);
    const hints = [];
    if (err instanceof errors/* ServiceError */._7) {
        const code = err.reason ?? '';
        const hint = CODE_HINTS[code] ??
            (/expired/i.test(code) ? CODE_HINTS['ExpiredToken'] : undefined) ??
            (err.status === undefined
                ? 'The endpoint could not be reached: check the network, HTTPS_PROXY / NO_PROXY, and AWS_ENDPOINT_URL_STS / ' +
                    'AWS_ENDPOINT_URL if set.'
                : undefined);
        if (hint)
            hints.push(hint);
    }
    return new errors/* StageError */.Zu(lines.join('\n'), { hints, cause: err });
}

// EXTERNAL MODULE: ./src/sources/aws/region.ts
var aws_region = __webpack_require__(118);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(598);
;// CONCATENATED MODULE: ./src/sources/aws/sigv4.ts
/**
 * AWS Signature Version 4 (AWS4-HMAC-SHA256), the header form.
 *
 * Only what this action signs: STS query-API calls (AssumeRole) and the
 * GetCallerIdentity request that becomes the Google subject token. It is a
 * pure function of its inputs (the clock is a parameter), so the AWS test
 * suite's vectors can check it byte for byte.
 *
 * Steps, as AWS documents them: canonical request -> string to sign ->
 * signing key (HMAC chain over date, region, service) -> signature.
 */

const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** `20150830T123600Z`: ISO 8601 basic format, UTC, no fractions. */
function amzDate(date) {
    return date
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}Z$/, 'Z');
}
function signRequest(input) {
    const { credentials, region, service } = input;
    const timestamp = amzDate(input.date);
    const day = timestamp.slice(0, 8);
    const headers = {};
    for (const [name, value] of Object.entries(input.headers ?? {}))
        headers[name.toLowerCase()] = value;
    // `host` is the URL's host as sent: no port when it is the scheme's default.
    headers['host'] ??= input.url.host;
    headers['x-amz-date'] = timestamp;
    // The session token is signed: STS rejects temporary credentials whose
    // token is not covered by the signature.
    if (credentials.sessionToken)
        headers['x-amz-security-token'] = credentials.sessionToken;
    const names = Object.keys(headers).sort();
    const signedHeaders = names.join(';');
    const canonicalRequest = [
        input.method.toUpperCase(),
        canonicalPath(input.url.pathname),
        canonicalQuery(input.url.searchParams),
        names.map((name) => `${name}:${normalizeHeaderValue(headers[name] ?? '')}\n`).join(''),
        signedHeaders,
        sha256Hex(input.body ?? ''),
    ].join('\n');
    const scope = `${day}/${region}/${service}/aws4_request`;
    const stringToSign = [SIGV4_ALGORITHM, timestamp, scope, sha256Hex(canonicalRequest)].join('\n');
    const signingKey = [day, region, service, 'aws4_request'].reduce((key, part) => hmac(key, part), Buffer.from(`AWS4${credentials.secretAccessKey}`, 'utf8'));
    const signature = hmac(signingKey, stringToSign).toString('hex');
    headers['authorization'] =
        `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, ` +
            `SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return { headers, signature, canonicalRequest, stringToSign };
}
/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
function uriEncode(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
/**
 * Each path segment encoded once. `URL` has already percent-encoded the
 * path, so segments are decoded first: the result is the same whether the
 * caller wrote `/a b` or `/a%20b`. (Our paths are `/` in practice.)
 */
function canonicalPath(pathname) {
    if (pathname === '' || pathname === '/')
        return '/';
    return pathname
        .split('/')
        .map((segment) => uriEncode(safeDecode(segment)))
        .join('/');
}
function safeDecode(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}
/** Parameters encoded, then sorted by name and value (byte order). */
function canonicalQuery(params) {
    const pairs = [...params].map(([name, value]) => [uriEncode(name), uriEncode(value)]);
    pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
    return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}
/** Trim, and collapse inner runs of spaces to one, as the canonical form requires. */
function normalizeHeaderValue(value) {
    return value.trim().replace(/\s+/g, ' ');
}
function sha256Hex(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text, 'utf8').digest('hex');
}
function hmac(key, text) {
    return (0,external_node_crypto_.createHmac)('sha256', key).update(text, 'utf8').digest();
}

;// CONCATENATED MODULE: ./src/sources/aws/assume-role.ts





const AWS_STS_SERVICE = 'AWS STS';
const API_VERSION = '2011-06-15';
async function assumeRole(ctx, base, role, source) {
    const params = {
        Action: 'AssumeRole',
        Version: API_VERSION,
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName,
        ...(role.durationSeconds !== undefined ? { DurationSeconds: String(role.durationSeconds) } : {}),
        ...(role.externalId ? { ExternalId: role.externalId } : {}),
    };
    const url = new URL(`${(0,aws_region/* stsEndpoint */.u1)(ctx.region, ctx.env)}/`);
    // Http form-encodes `form` with URLSearchParams; the signature covers these exact bytes.
    const body = new URLSearchParams(params).toString();
    const signed = signRequest({
        method: 'POST',
        url,
        body,
        region: ctx.region,
        service: 'sts',
        credentials: base,
        date: ctx.now(),
    });
    (0,log/* maskSecret */.$l)(signed.headers['authorization']);
    try {
        const res = await ctx.http.request({
            service: AWS_STS_SERVICE,
            method: 'POST',
            url: url.href,
            headers: { ...signed.headers, Accept: 'text/xml' },
            form: params,
        });
        return parseCredentialsXml(res.body, source, role.roleArn);
    }
    catch (err) {
        throw awsFailure(`AssumeRole of ${role.roleArn}`, err, describeCredentials(base));
    }
}
async function assumeRoleWithWebIdentity(ctx, role, webIdentityToken, source) {
    (0,log/* maskSecret */.$l)(webIdentityToken);
    const params = {
        Action: 'AssumeRoleWithWebIdentity',
        Version: API_VERSION,
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName,
        WebIdentityToken: webIdentityToken,
        ...(role.durationSeconds !== undefined ? { DurationSeconds: String(role.durationSeconds) } : {}),
    };
    try {
        const res = await ctx.http.request({
            service: AWS_STS_SERVICE,
            method: 'POST',
            url: `${(0,aws_region/* stsEndpoint */.u1)(ctx.region, ctx.env)}/`,
            headers: { Accept: 'text/xml' },
            form: params,
        });
        return parseCredentialsXml(res.body, source, role.roleArn);
    }
    catch (err) {
        throw awsFailure(`AssumeRoleWithWebIdentity of ${role.roleArn}`, err, `web identity token from ${source}`);
    }
}
/** The <Credentials> element of an AssumeRole* answer. */
function parseCredentialsXml(xml, source, roleArn) {
    const field = (name) => {
        const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
        return match?.[1] === undefined ? undefined : decodeXml(match[1].trim());
    };
    return awsCredentials({
        accessKeyId: field('AccessKeyId'),
        secretAccessKey: field('SecretAccessKey'),
        sessionToken: field('SessionToken'),
        expiration: parseTime(field('Expiration')),
        roleArn,
    }, source);
}
function decodeXml(text) {
    return text
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
        .replace(/&amp;/g, '&');
}

;// CONCATENATED MODULE: ./src/sources/aws/caller-identity.ts
/**
 * The Google subject token for AWS: a GetCallerIdentity request, signed but
 * never sent by us. Google STS sends it to AWS, and AWS's answer (the caller's
 * ARN and account) is the identity Google federates.
 *
 *   {"url": "https://sts.<region>.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
 *    "method": "POST",
 *    "headers": [{"key": "Authorization", "value": "AWS4-HMAC-SHA256 ..."},
 *                {"key": "host", ...}, {"key": "x-amz-date", ...},
 *                {"key": "x-goog-cloud-target-resource", "value": "//iam.googleapis.com/projects/..."},
 *                {"key": "x-amz-security-token", ...}]}      (temporary credentials only)
 * serialized as JSON, then URL-encoded. The target resource header is signed
 * too, so the signed request is good for this one provider only.
 */


const AWS_SUBJECT_TOKEN_TYPE = 'urn:ietf:params:aws:token-type:aws4_request';
const GET_CALLER_IDENTITY_QUERY = 'Action=GetCallerIdentity&Version=2011-06-15';
/** The GetCallerIdentity URL as Google expects it (no path, the query right after the host). */
function callerIdentityUrl(host) {
    return `https://${host}?${GET_CALLER_IDENTITY_QUERY}`;
}
/** The URL-encoded subject token; masked (whole, and its secret parts) before it is returned. */
function callerIdentityToken(req) {
    const url = callerIdentityUrl(req.host);
    const signed = signRequest({
        method: 'POST',
        url: new URL(url),
        headers: { 'x-goog-cloud-target-resource': req.targetResource },
        region: req.region,
        service: 'sts',
        credentials: req.credentials,
        date: req.date,
    });
    const { authorization, ...rest } = signed.headers;
    // The signature is what makes the token usable: mask it on its own too, in
    // case some message ever quotes a header rather than the whole token.
    (0,log/* maskSecret */.$l)(authorization);
    const headers = [{ key: 'Authorization', value: authorization ?? '' }];
    for (const [key, value] of Object.entries(rest))
        headers.push({ key, value });
    const json = JSON.stringify({ url, method: 'POST', headers });
    const token = encodeURIComponent(json);
    (0,log/* maskSecret */.$l)(json);
    (0,log/* maskSecret */.$l)(token);
    return token;
}

// EXTERNAL MODULE: ./src/forms.ts
var src_forms = __webpack_require__(388);
// EXTERNAL MODULE: ./src/regular-file.ts
var regular_file = __webpack_require__(702);
;// CONCATENATED MODULE: ./src/sources/aws/read-file.ts
/**
 * Reads a small text file named by AWS configuration (token files, the
 * shared config files), with an error that says which setting named it.
 * Through regular-file.ts: a FIFO or device is refused without blocking, and
 * nothing over 1 MiB is read.
 */


/** The file's text, trimmed; `undefined` for a missing file when `optional`. */
async function readConfiguredFile(path, namedBy, optional = false) {
    let read;
    try {
        read = (0,regular_file/* readSmallRegularFile */.qZ)(path);
    }
    catch (err) {
        const code = err.code;
        if (optional && code === 'ENOENT')
            return undefined;
        throw new errors/* EnvironmentError */.eG(`Could not read ${path} (named by ${namedBy}): ${code ?? String(err)}.`);
    }
    if (!read.ok) {
        const why = read.problem === 'too-large'
            ? `it is ${read.size} bytes, over the limit of ${(0,regular_file/* describeLimit */.XW)(regular_file/* MAX_SMALL_FILE_BYTES */.Oe)}: check the path`
            : `it is ${read.problem === 'directory' ? 'a directory' : 'not a regular file (a FIFO, socket or device)'}; it must be a regular file`;
        throw new errors/* EnvironmentError */.eG(`Could not read ${path} (named by ${namedBy}): ${why}.`);
    }
    return read.text.trim();
}

;// CONCATENATED MODULE: ./src/sources/aws/ecs.ts
/**
 * Container credentials: the endpoint ECS (task roles) and EKS Pod Identity
 * give a container.
 *   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -> http://169.254.170.2<uri>  (ECS)
 *   AWS_CONTAINER_CREDENTIALS_FULL_URI     -> that URL, which must be HTTPS,
 *       loopback, or the ECS/EKS link-local addresses (the SDKs' rule: the
 *       authorization token must not go anywhere else in clear text)
 *   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (preferred) / _TOKEN -> the
 *       Authorization header.
 */






const ECS_SERVICE = 'ECS container credentials';
const ECS_HOST = 'http://169.254.170.2';
/** ECS, EKS Pod Identity (IPv4 and IPv6). */
const LINK_LOCAL_HOSTS = new Set(['169.254.170.2', '169.254.170.23', '[fd00:ec2::23]']);
/** True when the environment points at a container credentials endpoint. */
function hasContainerCredentials(env) {
    return Boolean(env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] || env['AWS_CONTAINER_CREDENTIALS_FULL_URI']);
}
async function containerCredentials(http, env) {
    const { url, variable } = endpointOf(env);
    const source = `${ECS_SERVICE} (${variable})`;
    const token = await authorizationToken(env);
    try {
        const res = await http.request({
            service: ECS_SERVICE,
            method: 'GET',
            url,
            headers: token ? { Authorization: token } : {},
        });
        return parseJsonCredentials(res.body, source);
    }
    catch (err) {
        throw awsFailure(`Reading ${source}`, err);
    }
}
function endpointOf(env) {
    const relative = env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];
    if (relative) {
        return {
            url: `${ECS_HOST}${relative.startsWith('/') ? '' : '/'}${relative}`,
            variable: 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
        };
    }
    const full = env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ?? '';
    let url;
    try {
        url = new URL(full);
    }
    catch {
        throw new errors/* EnvironmentError */.eG(`AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: "${full}".`);
    }
    const allowed = url.protocol === 'https:' ||
        (url.protocol === 'http:' && ((0,src_forms/* isLoopback */.U9)(url.hostname) || LINK_LOCAL_HOSTS.has(url.hostname)));
    if (!allowed) {
        throw new errors/* EnvironmentError */.eG(`AWS_CONTAINER_CREDENTIALS_FULL_URI "${url.origin}" must use HTTPS, a loopback address, or the ECS/EKS ` +
            'link-local address (169.254.170.2, 169.254.170.23, fd00:ec2::23): the AWS SDKs refuse other plain-HTTP hosts.');
    }
    return { url: url.href, variable: 'AWS_CONTAINER_CREDENTIALS_FULL_URI' };
}
async function authorizationToken(env) {
    const file = env['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'];
    let token = env['AWS_CONTAINER_AUTHORIZATION_TOKEN'];
    if (file)
        token = await readConfiguredFile(file, 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE');
    if (token?.includes('\n') || token?.includes('\r')) {
        throw new errors/* EnvironmentError */.eG('The container authorization token contains a line break, which no HTTP header may.');
    }
    (0,log/* maskSecret */.$l)(token);
    return token || undefined;
}

;// CONCATENATED MODULE: ./src/sources/aws/env.ts
/**
 * Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN: what aws-actions/configure-aws-credentials exports, and
 * the first place every AWS SDK looks.
 */



const ENV_SOURCE = 'environment variables (AWS_ACCESS_KEY_ID)';
function envCredentials(env) {
    const accessKeyId = env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
    // An empty value is "not set": that is what a missing secret expands to.
    if (!accessKeyId && !secretAccessKey)
        return undefined;
    (0,log/* maskSecret */.$l)(secretAccessKey); // before any message could be built
    if (!accessKeyId || !secretAccessKey) {
        throw new errors/* EnvironmentError */.eG(`${accessKeyId ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is set but ` +
            `${accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'} is empty. If it comes from a secret, ` +
            'note that GitHub does not pass secrets to workflows triggered from forks or by Dependabot.');
    }
    return awsCredentials({
        accessKeyId,
        secretAccessKey,
        sessionToken: env['AWS_SESSION_TOKEN'] || env['AWS_SECURITY_TOKEN'] || undefined,
        // Set by some tools (e.g. aws configure export-credentials); informative only.
        expiration: parseTime(env['AWS_CREDENTIAL_EXPIRATION']),
    }, ENV_SOURCE);
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
// EXTERNAL MODULE: ./src/sources/aws/constants.ts
var constants = __webpack_require__(865);
;// CONCATENATED MODULE: ./src/sources/aws/shared-config.ts
/**
 * The shared AWS files, ~/.aws/config and ~/.aws/credentials (or
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE): INI parsing, merging, and
 * turning a profile into a *plan* — static keys, a role to assume on top of
 * another profile or a credential_source, or a web identity. Executing the
 * plan (network calls) is the chain's job; this module only reads files.
 */






const CREDENTIAL_SOURCES = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'];
/** Keys of ways to get credentials that this action does not implement. */
const UNSUPPORTED = ['credential_process', 'sso_session', 'sso_start_url', 'login_session'];
function profileLabel(name) {
    return `AWS profile "${name}"`;
}
/** Reads and merges both files; missing files are empty. */
async function loadSharedConfig(env) {
    const home = env['HOME'] || env['USERPROFILE'] || (0,external_node_os_.homedir)();
    const expand = (path) => (path.startsWith('~/') ? (0,external_node_path_.join)(home, path.slice(2)) : path);
    const configFile = expand(env['AWS_CONFIG_FILE'] || (0,external_node_path_.join)(home, '.aws', 'config'));
    const credentialsFile = expand(env['AWS_SHARED_CREDENTIALS_FILE'] || (0,external_node_path_.join)(home, '.aws', 'credentials'));
    const profiles = new Map();
    const files = [];
    const config = await readConfiguredFile(configFile, 'AWS_CONFIG_FILE or the default path', true);
    if (config !== undefined) {
        files.push(configFile);
        for (const [section, values] of parseIni(config)) {
            // In the config file profiles are "[profile NAME]", except "[default]".
            const name = section === 'default' ? 'default' : /^profile\s+(.+)$/.exec(section)?.[1]?.trim();
            if (name)
                profiles.set(name, { ...profiles.get(name), ...values });
        }
    }
    const credentials = await readConfiguredFile(credentialsFile, 'AWS_SHARED_CREDENTIALS_FILE or the default path', true);
    if (credentials !== undefined) {
        files.push(credentialsFile);
        // In the credentials file sections are bare names, and win over the config file.
        for (const [name, values] of parseIni(credentials))
            profiles.set(name, { ...profiles.get(name), ...values });
    }
    return { profiles, files };
}
/**
 * The AWS INI dialect: `[section]`, `key = value`, full-line comments with
 * # or ;, inline comments after whitespace, and indented sub-settings
 * (`s3 =` followed by indented lines), which are kept as `s3.key`.
 */
function parseIni(text) {
    const sections = new Map();
    let current;
    let parent;
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.replace(/\s[#;].*$/, '');
        if (/^\s*([#;].*)?$/.test(line))
            continue;
        const section = /^\s*\[([^\]]+)\]\s*$/.exec(line);
        if (section?.[1] !== undefined) {
            const name = section[1].trim();
            current = sections.get(name) ?? {};
            sections.set(name, current);
            parent = undefined;
            continue;
        }
        const pair = /^(\s*)([^=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
        if (!pair || !current)
            continue;
        const [, indent, key, value] = pair;
        if (indent && parent) {
            current[`${parent}.${key.toLowerCase()}`] = value;
        }
        else {
            current[key.toLowerCase()] = value;
            parent = value === '' ? key.toLowerCase() : undefined;
        }
    }
    return sections;
}
/**
 * What the named profile says about credentials; undefined when it holds
 * none (then the chain goes on to the container and instance metadata).
 */
function planProfile(config, name, visited = []) {
    const profile = config.profiles.get(name);
    if (!profile)
        return undefined;
    const label = profileLabel(name);
    for (const key of UNSUPPORTED) {
        if (profile[key] && !profile['role_arn'] && !profile['aws_access_key_id']) {
            throw new errors/* EnvironmentError */.eG(`${label} gets its credentials with ${key}, which this action does not support (CI has no browser or ` +
                'helper process to run). Give it static keys, a role_arn with source_profile or credential_source, or ' +
                'a web_identity_token_file; or export credentials first (aws configure export-credentials).');
        }
    }
    const roleArn = profile['role_arn'];
    if (roleArn && profile['mfa_serial']) {
        throw new errors/* EnvironmentError */.eG(`${label} assumes ${roleArn} with mfa_serial set: an MFA code is needed, and no one can type it in CI. ` +
            'Use a role whose trust policy does not require MFA for this caller.');
    }
    if (roleArn && (profile['source_profile'] || profile['credential_source'])) {
        return {
            kind: 'assume-role',
            profile: name,
            role: roleOf(profile, label),
            base: basePlan(config, name, profile, visited),
        };
    }
    if (roleArn && profile['web_identity_token_file']) {
        return {
            kind: 'web-identity',
            profile: name,
            webIdentity: {
                tokenFile: profile['web_identity_token_file'],
                roleArn,
                sessionName: profile['role_session_name'] || undefined,
                durationSeconds: durationOf(profile, label),
            },
        };
    }
    if (roleArn) {
        throw new errors/* EnvironmentError */.eG(`${label} has role_arn but neither source_profile, credential_source nor web_identity_token_file: ` +
            'nothing to assume the role with.');
    }
    return staticPlan(profile, name);
}
function basePlan(config, name, profile, visited) {
    const label = profileLabel(name);
    const sourceProfile = profile['source_profile'];
    const credentialSource = profile['credential_source'];
    if (sourceProfile && credentialSource) {
        throw new errors/* EnvironmentError */.eG(`${label} sets both source_profile and credential_source: keep one.`);
    }
    if (credentialSource) {
        const known = CREDENTIAL_SOURCES.find((s) => s.toLowerCase() === credentialSource.toLowerCase());
        if (!known) {
            throw new errors/* EnvironmentError */.eG(`${label} has credential_source "${credentialSource}"; valid values are ${CREDENTIAL_SOURCES.join(', ')}.`);
        }
        return { kind: 'credential-source', name: known };
    }
    const source = sourceProfile;
    if (source === name) {
        // A profile may name itself: its own static keys are the base, as the SDKs allow.
        const own = staticPlan(profile, name);
        if (!own)
            throw new errors/* EnvironmentError */.eG(`${label} names itself as source_profile but has no static keys.`);
        return own;
    }
    if (visited.includes(source)) {
        throw new errors/* EnvironmentError */.eG(`${label}: source_profile loops (${[...visited, name, source].join(' -> ')}).`);
    }
    if (!config.profiles.has(source)) {
        throw new errors/* EnvironmentError */.eG(`${label} has source_profile "${source}", which is not in ${config.files.join(' or ') || 'the shared files'}.`);
    }
    const plan = planProfile(config, source, [...visited, name]);
    if (!plan)
        throw new errors/* EnvironmentError */.eG(`${label} has source_profile "${source}", which holds no credentials.`);
    return plan;
}
/** The profile's own access keys, if it has any. */
function staticPlan(profile, name) {
    if (!profile['aws_access_key_id'] && !profile['aws_secret_access_key'])
        return undefined;
    return {
        kind: 'static',
        profile: name,
        credentials: awsCredentials({
            accessKeyId: profile['aws_access_key_id'],
            secretAccessKey: profile['aws_secret_access_key'],
            sessionToken: profile['aws_session_token'] || profile['aws_security_token'] || undefined,
        }, profileLabel(name)),
    };
}
function roleOf(profile, label) {
    return {
        roleArn: profile['role_arn'],
        sessionName: profile['role_session_name'] || constants/* DEFAULT_AWS_ROLE_SESSION_NAME */.C,
        externalId: profile['external_id'] || undefined,
        durationSeconds: durationOf(profile, label),
    };
}
function durationOf(profile, label) {
    const text = profile['duration_seconds'];
    if (!text)
        return undefined;
    const seconds = Number(text);
    if (!/^\d+$/.test(text) || seconds < 900 || seconds > 43200) {
        throw new errors/* EnvironmentError */.eG(`${label} has duration_seconds "${text}"; AWS accepts 900 to 43200.`);
    }
    return seconds;
}

;// CONCATENATED MODULE: ./src/sources/aws/web-identity.ts
/**
 * Web identity credentials: an OIDC token in a file (EKS IRSA projects one,
 * and so can anything else) exchanged for a role's credentials with
 * AssumeRoleWithWebIdentity. Configured by AWS_WEB_IDENTITY_TOKEN_FILE +
 * AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME), or by a profile's
 * web_identity_token_file + role_arn.
 */




/** The environment's web identity settings, when both variables are set. */
function webIdentityFromEnv(env) {
    const tokenFile = env['AWS_WEB_IDENTITY_TOKEN_FILE'];
    const roleArn = env['AWS_ROLE_ARN'];
    if (!tokenFile && !roleArn)
        return undefined;
    if (!tokenFile || !roleArn) {
        throw new errors/* EnvironmentError */.eG(`${tokenFile ? 'AWS_WEB_IDENTITY_TOKEN_FILE' : 'AWS_ROLE_ARN'} is set but ` +
            `${tokenFile ? 'AWS_ROLE_ARN' : 'AWS_WEB_IDENTITY_TOKEN_FILE'} is not: web identity credentials need both.`);
    }
    return { tokenFile, roleArn, sessionName: env['AWS_ROLE_SESSION_NAME'] || undefined };
}
async function webIdentityCredentials(ctx, config, source) {
    const token = await readConfiguredFile(config.tokenFile, `the web identity token file setting of ${source}`);
    if (!token)
        throw new errors/* EnvironmentError */.eG(`The web identity token file ${config.tokenFile} (from ${source}) is empty.`);
    return assumeRoleWithWebIdentity(ctx, {
        roleArn: config.roleArn,
        sessionName: config.sessionName ?? constants/* DEFAULT_AWS_ROLE_SESSION_NAME */.C,
        durationSeconds: config.durationSeconds,
    }, token, source);
}

;// CONCATENATED MODULE: ./src/sources/aws/chain.ts
/**
 * The AWS credential chain, in the order the AWS SDKs look:
 *   1. environment variables (AWS_ACCESS_KEY_ID, ...)
 *   2. web identity from the environment (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN)
 *   3. the shared config/credentials files: the profile (aws_profile input,
 *      AWS_PROFILE, else "default"), including assume-role profiles
 *   4. ECS / EKS container credentials
 *   5. EC2 instance metadata
 * When the aws_profile input names a profile, 1 and 2 are skipped: the user
 * asked for that profile (the JavaScript SDK does the same for AWS_PROFILE).
 * The first source that is configured wins; a configured source that fails
 * is an error, not a reason to try the next (that would hide the real cause).
 */






async function findCredentials(ctx) {
    const { env, profile } = ctx;
    const tried = [];
    const viaInput = profile.namedBy === 'the aws_profile input';
    if (!viaInput) {
        const fromEnv = envCredentials(env);
        if (fromEnv)
            return { credentials: fromEnv, link: 'environment' };
        tried.push(`${ENV_SOURCE}: not set`);
        const webIdentity = webIdentityFromEnv(env);
        if (webIdentity) {
            const credentials = await webIdentityCredentials(ctx.sts, webIdentity, 'AWS_WEB_IDENTITY_TOKEN_FILE');
            return { credentials, link: 'web-identity' };
        }
        tried.push('web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN): not set');
    }
    const plan = planProfile(ctx.shared, profile.name);
    if (plan)
        return { credentials: await runPlan(ctx, plan), link: 'profile' };
    const files = ctx.shared.files.length > 0 ? ctx.shared.files.join(', ') : 'no shared config or credentials file';
    if (profile.namedBy && !ctx.shared.profiles.has(profile.name)) {
        const known = [...ctx.shared.profiles.keys()];
        throw new errors/* EnvironmentError */.eG(`${profileLabel(profile.name)} (named by ${profile.namedBy}) does not exist in ${files}. ` +
            (known.length > 0 ? `Profiles found: ${known.join(', ')}.` : 'No profiles were found.'));
    }
    tried.push(`${profileLabel(profile.name)} (${files}): no credentials`);
    if (hasContainerCredentials(env))
        return { credentials: await containerCredentials(ctx.http, env), link: 'container' };
    tried.push('container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI): not set');
    const fromInstance = await ctx.imds.credentials();
    if (fromInstance)
        return { credentials: fromInstance, link: 'instance-metadata' };
    tried.push(`EC2 instance metadata (${ctx.imds.endpoint}): ${ctx.imds.unavailable ?? 'no answer'}`);
    throw new errors/* EnvironmentError */.eG('No AWS credentials found for subject_token_source "aws". Looked at, in order:\n' +
        tried.map((line) => `  - ${line}`).join('\n') +
        '\nOn a GitHub-hosted runner, run aws-actions/configure-aws-credentials before this step; on a self-hosted ' +
        'EC2 runner, attach an instance profile (IAM role) to the instance.');
}
/** Executes a profile's plan: static keys, web identity, or a role on top of a base. */
async function runPlan(ctx, plan) {
    const label = profileLabel(plan.profile);
    switch (plan.kind) {
        case 'static':
            return plan.credentials;
        case 'web-identity':
            return webIdentityCredentials(ctx.sts, plan.webIdentity, label);
        case 'assume-role': {
            const base = plan.base.kind === 'credential-source'
                ? await credentialSource(ctx, plan.base.name, label)
                : await runPlan(ctx, plan.base);
            return assumeRole(ctx.sts, base, plan.role, `${label} via ${base.source}`);
        }
    }
}
/** The base credentials a profile's `credential_source` names. */
async function credentialSource(ctx, name, label) {
    const missing = (what) => new errors/* EnvironmentError */.eG(`${label} has credential_source = ${name}, but ${what}.`);
    switch (name) {
        case 'Environment': {
            const fromEnv = envCredentials(ctx.env);
            if (!fromEnv)
                throw missing('AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set');
            return fromEnv;
        }
        case 'EcsContainer':
            if (!hasContainerCredentials(ctx.env))
                throw missing('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI are not set');
            return containerCredentials(ctx.http, ctx.env);
        case 'Ec2InstanceMetadata': {
            const fromInstance = await ctx.imds.credentials();
            if (!fromInstance)
                throw missing(`EC2 instance metadata is not available (${ctx.imds.unavailable ?? 'no answer'})`);
            return fromInstance;
        }
    }
}

// EXTERNAL MODULE: ./src/sources/aws/forms.ts
var aws_forms = __webpack_require__(995);
;// CONCATENATED MODULE: ./src/sources/aws/imds.ts
/**
 * EC2 instance metadata (IMDS): the instance role's credentials and the
 * instance's region, with IMDSv2 session tokens.
 *
 *   PUT /latest/api/token (x-aws-ec2-metadata-token-ttl-seconds) -> token
 *   GET /latest/meta-data/iam/security-credentials/        -> role name
 *   GET /latest/meta-data/iam/security-credentials/<role>  -> credentials JSON
 *   GET /latest/meta-data/placement/availability-zone      -> us-east-1a
 *
 * The first request is a probe: off EC2 nothing answers at 169.254.169.254,
 * so it gets a short timeout and silence (a timeout, a refused or unreachable
 * address) ends it at once (as the AWS SDKs do) instead of the step's 30 s x
 * retries. An HTTP answer, or a connection accepted and then reset, proves
 * IMDS is there, so a transient one (503, 429, a reset) is retried with the
 * normal policy: an IMDS outage on EC2 is ridden out. Later requests use the
 * normal policy.
 * Honours AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE,
 * AWS_EC2_METADATA_DISABLED and AWS_EC2_METADATA_V1_DISABLED.
 */






const IMDS_SERVICE = 'EC2 instance metadata';
const TOKEN_PATH = '/latest/api/token';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials';
const ZONE_PATH = '/latest/meta-data/placement/availability-zone';
const TOKEN_TTL_SECONDS = '21600';
/** Off EC2 nothing answers at 169.254.169.254: give up on the first contact quickly (the SDKs wait 1 s). */
const PROBE_TIMEOUT_MS = 1000;
class InstanceMetadata {
    options;
    endpoint;
    disabled;
    session;
    /** Why instance metadata could not be used, once a probe failed; for the "no credentials" message. */
    unavailable;
    constructor(options) {
        this.options = options;
        const { env } = options;
        const mode = (env['AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE'] ?? '').toLowerCase();
        const configured = env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
        this.endpoint = (configured
            ? (0,aws_forms/* endpointFromEnvironment */.TR)(configured, 'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'http://169.254.169.254')
            : mode === 'ipv6'
                ? 'http://[fd00:ec2::254]'
                : 'http://169.254.169.254').replace(/\/+$/, '');
        this.disabled = /^true$/i.test(env['AWS_EC2_METADATA_DISABLED'] ?? '');
    }
    /** URLs of the `aws1` credential source, so client libraries ask the same service. */
    urls() {
        return {
            region_url: `${this.endpoint}${ZONE_PATH}`,
            url: `${this.endpoint}${CREDENTIALS_PATH}`,
            imdsv2_session_token_url: `${this.endpoint}${TOKEN_PATH}`,
        };
    }
    /** The instance's region (its availability zone minus the letter), or undefined off EC2. */
    async region() {
        const session = await this.open();
        if (!session)
            return undefined;
        try {
            return (0,aws_region/* regionOfZone */.wA)(await this.get(session, ZONE_PATH));
        }
        catch (err) {
            throw awsFailure('Reading the region from EC2 instance metadata', err);
        }
    }
    /** The instance role's credentials, or undefined off EC2 (or when disabled). */
    async credentials() {
        const session = await this.open();
        if (!session)
            return undefined;
        let role;
        try {
            role = (await this.get(session, `${CREDENTIALS_PATH}/`)).split('\n')[0]?.trim();
        }
        catch (err) {
            if (err instanceof errors/* ServiceError */._7 && err.status === 404)
                role = undefined;
            else
                throw awsFailure('Listing the instance role in EC2 instance metadata', err);
        }
        if (!role) {
            throw new errors/* EnvironmentError */.eG('This EC2 instance has no IAM role: attach an instance profile to it ' +
                '(aws ec2 associate-iam-instance-profile), or provide AWS credentials another way.');
        }
        const source = `${IMDS_SERVICE} (instance role "${role}")`;
        try {
            return parseJsonCredentials(await this.get(session, `${CREDENTIALS_PATH}/${encodeURIComponent(role)}`), source);
        }
        catch (err) {
            throw awsFailure(`Reading credentials of the instance role "${role}"`, err);
        }
    }
    /** Opens the session once; undefined when disabled or no EC2 metadata service answers. */
    open() {
        if (this.disabled)
            this.unavailable ??= 'disabled by AWS_EC2_METADATA_DISABLED';
        this.session ??= this.disabled ? Promise.resolve(undefined) : this.probe();
        return this.session;
    }
    /** The first contact: short attempts, and silence is final (see `probe`). */
    probeRequest(request) {
        return this.options.http.request({
            service: IMDS_SERVICE,
            probe: true,
            timeoutMs: this.options.probeTimeoutMs ?? PROBE_TIMEOUT_MS,
            ...request,
        });
    }
    async probe() {
        try {
            const res = await this.probeRequest({
                method: 'PUT',
                url: `${this.endpoint}${TOKEN_PATH}`,
                headers: { 'x-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS },
            });
            const token = res.body.trim();
            (0,log/* maskSecret */.$l)(token);
            return { token };
        }
        catch (err) {
            if (!(err instanceof errors/* ServiceError */._7))
                throw err;
            const timedOut = err.status === undefined && /^timeout/.test(err.serviceMessage);
            // 403/404/405: IMDSv2 is off or unsupported. A timeout: the PUT's answer
            // may have been dropped on the way (hop limit 1 and we run in a
            // container). The AWS SDKs fall back to IMDSv1 then; so do we.
            if (timedOut || [403, 404, 405].includes(err.status ?? 0))
                return await this.fallBackToV1(err, timedOut);
            // Anything else (nothing listening, another cloud's metadata service
            // answering 400): not EC2. Remembered for the "no credentials" message.
            this.unavailable = err.message;
            return undefined;
        }
    }
    async fallBackToV1(tokenError, tokenTimedOut) {
        this.unavailable = tokenError.message;
        if (/^true$/i.test(this.options.env['AWS_EC2_METADATA_V1_DISABLED'] ?? ''))
            return undefined;
        try {
            await this.probeRequest({ method: 'GET', url: `${this.endpoint}/latest/meta-data/` });
            this.unavailable = undefined;
            return {};
        }
        catch (err) {
            // 401 on a v1 request is EC2 saying "IMDSv2 only": we are on EC2 but
            // could not get a token.
            if (err instanceof errors/* ServiceError */._7 && err.status === 401) {
                throw new errors/* EnvironmentError */.eG('EC2 instance metadata requires IMDSv2, but no session token could be obtained ' +
                    `(${tokenError.message}).` +
                    (tokenTimedOut
                        ? " In a container on EC2, raise the instance's metadata hop limit to 2: aws ec2 " +
                            'modify-instance-metadata-options --instance-id ID --http-put-response-hop-limit 2.'
                        : ''));
            }
            return undefined;
        }
    }
    async get(session, path) {
        const res = await this.options.http.request({
            service: IMDS_SERVICE,
            method: 'GET',
            url: `${this.endpoint}${path}`,
            headers: session.token ? { 'x-aws-ec2-metadata-token': session.token } : {},
        });
        return res.body;
    }
}

;// CONCATENATED MODULE: ./src/sources/aws/aws-source.ts








function createAwsSource(options, context) {
    return new AwsSource(options, context);
}
class AwsSource {
    options;
    context;
    facts = FACTS;
    subjectTokenType = AWS_SUBJECT_TOKEN_TYPE;
    imds;
    now;
    env;
    resolved;
    constructor(options, context, tuning = {}) {
        this.options = options;
        this.context = context;
        const { env, http } = context;
        this.env = env;
        this.now = context.now ?? (() => new Date());
        this.imds = new InstanceMetadata({
            env,
            http,
            ...(tuning.imdsProbeTimeoutMs !== undefined ? { probeTimeoutMs: tuning.imdsProbeTimeoutMs } : {}),
        });
    }
    /** The `aws1` credential source of google-auth-library and gcloud. */
    async credentialSource() {
        const { region_url, url, imdsv2_session_token_url } = this.imds.urls();
        return {
            environment_id: 'aws1',
            region_url,
            url,
            regional_cred_verification_url: callerIdentityUrl((0,aws_region/* stsHost */.HP)('{region}')),
            imdsv2_session_token_url,
        };
    }
    async subjectToken() {
        const { env, options } = this;
        const { http, log, provider } = this.context;
        const shared = await loadSharedConfig(env);
        const profile = options.profile
            ? { name: options.profile, namedBy: 'the aws_profile input' }
            : env['AWS_PROFILE']
                ? { name: env['AWS_PROFILE'], namedBy: 'AWS_PROFILE' }
                : { name: 'default' };
        const profileRegion = shared.profiles.get(profile.name)?.['region'];
        // A missing region is reported only after the credentials are looked
        // for: with neither, "no credentials" is the cause to fix first (the
        // region usually comes with them, from configure-aws-credentials or the
        // instance). Credentials that need AWS STS to be found (web identity, a
        // role profile) need the region, and report its absence then.
        const region = await (0,aws_region/* resolveRegion */.Zv)({
            input: options.region,
            env,
            profileRegion: profileRegion ? { region: profileRegion, profile: profile.name } : undefined,
            instanceRegion: () => this.imds.region(),
        }).catch((err) => ({ missing: err }));
        const regionName = () => {
            if ('missing' in region)
                throw region.missing;
            return region.region;
        };
        if (!('missing' in region))
            log.info(`AWS region ${region.region} (from ${region.from}).`);
        const sts = {
            http,
            env,
            get region() {
                return regionName();
            },
            now: this.now,
        };
        const found = await findCredentials({ env, http, sts, imds: this.imds, shared, profile });
        if ('missing' in region)
            throw region.missing;
        let credentials = found.credentials;
        log.info(`AWS credentials: ${describeCredentials(credentials)}.`);
        if (options.role) {
            credentials = await assumeRole(sts, credentials, {
                roleArn: options.role.arn,
                sessionName: options.role.sessionName,
                externalId: options.role.externalId,
                durationSeconds: options.role.durationSeconds,
            }, `AssumeRole (aws_role_arn) with ${credentials.source}`);
            log.info(`Assumed ${options.role.arn}: ${describeCredentials(credentials)}${until(credentials)}.`);
        }
        this.resolved = { credentials, region, reachableByTools: !options.role && reachable(found.link) };
        const token = callerIdentityToken({
            credentials,
            region: region.region,
            host: (0,aws_region/* stsHost */.HP)(region.region),
            targetResource: provider.stsAudience,
            date: this.now(),
        });
        return {
            token,
            // Non-secret facts shown if Google rejects the token (see diagnose.ts).
            claims: {
                aws_access_key: keyHint(credentials.accessKeyId),
                aws_credential_source: credentials.source,
                ...(credentials.roleArn ? { aws_role_arn: credentials.roleArn } : {}),
                aws_region: region.region,
            },
        };
    }
    /**
     * Client libraries reading an aws1 credentials file look for AWS
     * credentials only in AWS_ACCESS_KEY_ID/... and instance metadata, and for
     * the region only in AWS_REGION/AWS_DEFAULT_REGION and instance metadata.
     * Whatever we found elsewhere is exported so that they see the same.
     */
    environmentForTools() {
        if (!this.resolved)
            return undefined;
        const { credentials, region, reachableByTools } = this.resolved;
        const variables = {};
        const notes = [];
        if ((this.env['AWS_REGION'] || this.env['AWS_DEFAULT_REGION']) !== region.region) {
            variables['AWS_REGION'] = region.region;
            notes.push(`AWS_REGION=${region.region}`);
        }
        if (!reachableByTools) {
            variables['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
            variables['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
            // Clear a session token left over from other credentials rather than pair it with these.
            if (credentials.sessionToken || this.env['AWS_SESSION_TOKEN']) {
                variables['AWS_SESSION_TOKEN'] = credentials.sessionToken ?? '';
            }
            notes.push(`the AWS credentials (${describeCredentials(credentials)}${until(credentials)}) as AWS_ACCESS_KEY_ID, ` +
                'AWS_SECRET_ACCESS_KEY' +
                (variables['AWS_SESSION_TOKEN'] !== undefined ? ', AWS_SESSION_TOKEN' : '') +
                ' — later AWS tools in this job use them too' +
                (credentials.expiration ? ', and the credentials file stops working when they expire' : ''));
        }
        if (notes.length === 0)
            return undefined;
        return {
            variables,
            note: `For tools that read the credentials file (they find AWS credentials only in the environment or instance metadata), exported ${notes.join(' and ')}.`,
        };
    }
}
/**
 * Why Google STS rejects a signed GetCallerIdentity request. Google forwards
 * it to AWS and quotes AWS's error code; the provider's own checks (type,
 * account, condition) come first.
 */
const EXPIRED_SIGNATURE = /expired|skew|not yet valid/;
const FACTS = {
    name: 'AWS',
    /** What the AWS source reports about the identity it signed for (never a secret), in the order shown. */
    diagnosticClaims: ['aws_access_key', 'aws_credential_source', 'aws_role_arn', 'aws_region'],
    /**
     * google.subject = assertion.arn under the default AWS mapping, which for a
     * role ends in the session name that only AWS knows; so the summary names
     * the role's principal set (attribute.aws_role) instead.
     */
    principal: {
        attribute: 'aws_role',
        value: assumedRoleArn,
        placeholder: 'arn:aws:sts::ACCOUNT_ID:assumed-role/ROLE_NAME',
    },
    /** The principalSet naming this AWS role (attribute.aws_role, from the default AWS mapping). */
    member: {
        attribute: 'aws_role',
        value: assumedRoleArn,
        placeholder: 'arn:aws:sts::ACCOUNT_ID:assumed-role/ROLE_NAME',
    },
    hints: {
        rules: [
            {
                // AWS reports an expired signature as SignatureDoesNotMatch too: then the key is not the problem.
                when: ({ text }) => !EXPIRED_SIGNATURE.test(text) &&
                    /signaturedoesnotmatch|invalidclienttokenid|security token included/.test(text),
                hint: () => 'AWS rejected the signed request: the secret access key does not match the access key ID, the key was ' +
                    'deleted or deactivated, or temporary credentials are used without their session token.',
            },
            {
                when: ({ text }) => EXPIRED_SIGNATURE.test(text),
                hint: () => "The signed request is outside AWS's 15-minute window, or the credentials expired: check the runner's clock " +
                    '(NTP) and that temporary credentials are fresh.',
            },
            {
                when: ({ text }) => /subject_token_type|token type|not of type|aws provider|does not accept/.test(text),
                hint: () => 'The provider is not of type AWS: create it with "gcloud iam workload-identity-pools providers create-aws", ' +
                    'or point workload_identity_provider at your AWS provider.',
            },
            {
                when: ({ text }) => /aws account|account id|account [0-9]{12}|not authorized for account/.test(text),
                hint: () => 'The AWS account ID configured on the provider (--account-id) is not the account of these credentials: ' +
                    'compare it with "aws sts get-caller-identity".',
            },
        ],
        attributeCondition: "The provider's attribute condition rejected this AWS identity: compare the condition with the role shown " +
            'below (e.g. attribute.aws_role must be the assumed-role ARN).',
        // No `expired`: the signature window rule above says it for AWS.
        usualCauses: () => 'For an AWS provider the usual causes are: the provider is not of type AWS; its AWS account ID is not the ' +
            "account of these credentials; its attribute condition rejects this role; the runner's clock is off by more " +
            'than 15 minutes.',
    },
};
/**
 * arn:aws:iam::ACCOUNT:role/NAME becomes arn:aws:sts::ACCOUNT:assumed-role/NAME,
 * the ARN GetCallerIdentity reports (and so the attribute Google maps).
 */
function assumedRoleArn(claims) {
    const roleArn = typeof claims?.['aws_role_arn'] === 'string' ? claims['aws_role_arn'] : '';
    const match = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    return match ? `arn:${match[1]}:sts::${match[2]}:assumed-role/${match[3]}` : undefined;
}
/** Links of the chain whose credentials client libraries find on their own: the environment and instance metadata. */
function reachable(link) {
    return link === 'environment' || link === 'instance-metadata';
}
function until(credentials) {
    return credentials.expiration ? `, expiring ${(0,timestamp/* rfc3339 */.a)(credentials.expiration)}` : '';
}


/***/ })

};
