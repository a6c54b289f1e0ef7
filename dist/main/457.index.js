export const id = 457;
export const ids = [457];
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

/***/ 457:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createFileSource: () => (/* reexport */ createFileSource),
  createUrlSource: () => (/* reexport */ createUrlSource)
});

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(916);
// EXTERNAL MODULE: ./src/regular-file.ts
var regular_file = __webpack_require__(702);
// EXTERNAL MODULE: ./src/jwt.ts
var jwt = __webpack_require__(962);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(625);
// EXTERNAL MODULE: ./src/sources/shared/token-type.ts
var token_type = __webpack_require__(636);
;// CONCATENATED MODULE: ./src/sources/shared/external-token.ts
/**
 * What the `file` and `url` sources share once they have the text: a token
 * that another issuer made (a Kubernetes projected service-account token, a
 * re-signer's JWT, an identity provider's SAML response), which this action
 * passes on as it is. This base class masks it, reads what it may show
 * (JWT claims, or the issuer and subject of a SAML assertion), names the
 * principal Google sees, and gives the hints for Google STS refusing it. None
 * of them assumes GitHub: the issuer may be anything.
 */



/**
 * Claims shown when Google refuses the token; none is secret. `kubernetes.io`
 * names the namespace, service account and pod of a projected token; the
 * saml_* entries are read from a SAML assertion (see samlClaims).
 */
const DIAGNOSTIC_CLAIMS = [
    'sub',
    'aud',
    'iss',
    'azp',
    'iat',
    'exp',
    'kubernetes.io',
    'saml_issuer',
    'saml_subject',
    'saml_audience',
];
class ExternalTokenSource {
    subjectTokenType;
    facts;
    log;
    constructor(name, subjectTokenType, context, 
    /** Hints for failures of what the source itself reads (the token URL). */
    serviceHints = []) {
        this.subjectTokenType = subjectTokenType;
        this.log = context.log;
        this.facts = externalTokenFacts(name, subjectTokenType, serviceHints);
    }
    async subjectToken() {
        const token = await this.readToken();
        (0,log/* maskSecret */.$l)(token);
        const claims = this.subjectTokenType === token_type/* SUBJECT_TOKEN_TYPES */.V5.saml2 ? samlClaims(token) : ((0,jwt/* decodeJwtClaims */.dG)(token) ?? {});
        const shown = DIAGNOSTIC_CLAIMS.filter((name) => claims[name] !== undefined)
            .map((name) => `${name}=${JSON.stringify(claims[name])}`)
            .join(' ');
        this.log.debug(`${this.facts.name}: token claims: ${shown || '(none readable)'}`);
        return { token, claims };
    }
}
/** Principals and hints for a token of an issuer that may be anything, as data (diagnose.ts applies them). */
function externalTokenFacts(name, subjectTokenType, service) {
    // google.subject = assertion.sub (or the SAML NameID): the mapping providers for other issuers usually have;
    // the member is the principal of this very subject: no attribute mapping can be assumed for an unknown issuer.
    const subject = { subject: ['sub', 'saml_subject'], placeholder: 'SUBJECT' };
    return {
        name,
        diagnosticClaims: DIAGNOSTIC_CLAIMS,
        principal: subject,
        member: subject,
        hints: {
            audience: ({ claims, provider }) => `The token's audience${claims?.['aud'] !== undefined ? ` (${JSON.stringify(claims['aud'])})` : ''} is not one ` +
                `the provider accepts: by default "https://${provider.iamHost}/${provider.name}", else its ` +
                '--allowed-audiences. Have the issuer mint the token for that audience (for a Kubernetes projected token, ' +
                'the serviceAccountToken "audience").',
            rules: [
                {
                    when: ({ text }) => /subject_token_type|parse|saml|malformed/.test(text),
                    hint: () => `Google could not read the token as ${subjectTokenType}. subject_token_type must match the provider: ` +
                        'jwt (or id_token) for an OIDC provider, saml2 for a SAML provider (the base64 SAML response, as the ' +
                        'identity provider returns it); check that subject_token_format/subject_token_field pick the token itself.',
                },
                {
                    when: ({ text }) => text.includes('issuer'),
                    hint: ({ claims }) => `The token's issuer${claims?.['iss'] !== undefined ? ` (${JSON.stringify(claims['iss'])})` : ''} must be ` +
                        "the provider's --issuer-uri exactly (for Kubernetes: kubectl get --raw /.well-known/openid-configuration).",
                },
                {
                    when: ({ text }) => text.includes('signature') || text.includes('jwk'),
                    hint: () => "Google could not verify the token's signature: the issuer must publish its keys at a public " +
                        'jwks_uri, or give them to the provider with --jwk-json-path (private clusters); update them after a ' +
                        'key rotation.',
                },
            ],
            attributeCondition: "The provider's attribute condition rejected this token. Compare the condition " +
                '(gcloud iam workload-identity-pools providers describe ...) with the claims shown below.',
            expired: "The token is expired or not yet valid: check the runner's clock, and that whatever writes or serves the " +
                'token refreshes it (the action reads it once, when the step starts).',
            service,
        },
    };
}
/**
 * The issuer, subject (NameID) and audience of a base64 SAML response, for
 * diagnostics only: read with patterns rather than an XML parser, and never
 * trusted (Google verifies the signature). Empty when it is not SAML.
 */
function samlClaims(token) {
    // Node decodes what it can and never throws: text that is not base64 simply matches nothing below.
    const xml = Buffer.from(token, 'base64').toString('utf8');
    const text = (element) => {
        const match = new RegExp(`<(?:[\\w-]+:)?${element}\\b[^>]*>([^<]{1,512})</(?:[\\w-]+:)?${element}>`).exec(xml);
        return match?.[1]?.trim() || undefined;
    };
    const claims = {};
    const issuer = text('Issuer');
    const subject = text('NameID');
    const audience = text('Audience');
    if (issuer)
        claims['saml_issuer'] = issuer;
    if (subject)
        claims['saml_subject'] = subject;
    if (audience)
        claims['saml_audience'] = audience;
    return claims;
}

// EXTERNAL MODULE: ./src/sources/shared/subject-token-format.ts
var subject_token_format = __webpack_require__(264);
;// CONCATENATED MODULE: ./src/sources/file/file-source.ts
/** subject_token_source: file at run time: reads the token (index.ts has its inputs). */




/** Far above any token (SAML responses are the largest, tens of KB); a bound against a wrong path such as a log. */
const MAX_TOKEN_FILE_BYTES = regular_file/* MAX_SMALL_FILE_BYTES */.Oe;
function createFileSource(options, context) {
    return new FileSource(options, context);
}
class FileSource extends ExternalTokenSource {
    options;
    constructor(options, context) {
        super('Token file', options.subjectTokenType, context);
        this.options = options;
    }
    async credentialSource() {
        return { file: this.options.file, ...(0,subject_token_format/* credentialSourceFormat */.gu)(this.options.format) };
    }
    async readToken() {
        const { file, format } = this.options;
        this.log.info(`Reading the subject token from ${file}.`);
        return tokenFromFile(file, format);
    }
}
/** Never blocks (a FIFO is refused before anything waits on it) and never reads more than 1 MiB: see regular-file.ts. */
function tokenFromFile(file, format) {
    let read;
    try {
        read = (0,regular_file/* readSmallRegularFile */.qZ)(file, { maxBytes: MAX_TOKEN_FILE_BYTES });
    }
    catch (err) {
        throw openError(file, err.code);
    }
    if (!read.ok) {
        switch (read.problem) {
            case 'directory':
                throw new errors/* EnvironmentError */.eG(`subject_token_file ${file} is a directory: name the token file inside it.`);
            case 'not-regular':
                throw new errors/* EnvironmentError */.eG(`subject_token_file ${file} is not a regular file (a FIFO, socket or device): it must be a regular ` +
                    'file that holds the token.');
            case 'too-large':
                throw new errors/* EnvironmentError */.eG(`subject_token_file ${file} is ${read.size} bytes, too large for a token (at most ` +
                    `${(0,regular_file/* describeLimit */.XW)(MAX_TOKEN_FILE_BYTES)}): check the path.`);
        }
    }
    return (0,subject_token_format/* tokenFrom */.ow)(read.text, format, `subject_token_file ${file}`);
}
function openError(file, code) {
    switch (code) {
        case 'ENOENT':
            return new errors/* EnvironmentError */.eG(`subject_token_file ${file} does not exist. Check the path; on Kubernetes, mount a projected ` +
                'service-account token there (a serviceAccountToken volume with the audience of your provider), and ' +
                'check that the runner container has that volume mounted.');
        case 'EACCES':
        case 'EPERM':
            return new errors/* EnvironmentError */.eG(`subject_token_file ${file} exists but the runner's user may not read it (${code}). Make it readable by ` +
                "that user: on Kubernetes give the pod a securityContext.runAsUser or fsGroup, or set the volume's defaultMode.");
        case 'EISDIR':
            return new errors/* EnvironmentError */.eG(`subject_token_file ${file} is a directory: name the token file inside it.`);
        default:
            return new errors/* EnvironmentError */.eG(`Could not read subject_token_file ${file} (${code ?? 'error'}).`);
    }
}

// EXTERNAL MODULE: ./src/sources/url/index.ts
var url = __webpack_require__(76);
;// CONCATENATED MODULE: ./src/sources/url/url-source.ts
/** subject_token_source: url at run time: fetches the token (index.ts has its inputs). */




const SERVICE = 'Token URL';
function createUrlSource(options, context) {
    (0,url/* maskUrlSecrets */.N$)(options);
    return new UrlSource(options, context);
}
class UrlSource extends ExternalTokenSource {
    options;
    http;
    constructor(options, context) {
        super(SERVICE, options.subjectTokenType, context, URL_HINTS);
        this.options = options;
        this.http = context.http;
    }
    async credentialSource() {
        const { url, headers, format } = this.options;
        return {
            url,
            ...(Object.keys(headers).length > 0 ? { headers } : {}),
            ...(0,subject_token_format/* credentialSourceFormat */.gu)(format),
        };
    }
    async readToken() {
        const { url, headers, format } = this.options;
        const shown = safeUrl(url);
        this.log.info(`Fetching the subject token from ${shown}` +
            (Object.keys(headers).length > 0 ? ` with the header(s) ${Object.keys(headers).join(', ')}.` : '.'));
        let body;
        try {
            ({ body } = await this.http.request({
                service: SERVICE,
                method: 'GET',
                url,
                headers: { Accept: format.type === 'json' ? 'application/json' : 'text/plain, */*', ...headers },
                // The workflow named this URL: nothing listening there is most likely a typo, not an outage.
                userEndpoint: true,
            }));
        }
        catch (err) {
            // diagnose.ts answers "no answer" with hints about Google's endpoints; this one is about the token URL.
            if (err instanceof errors/* ServiceError */._7 && err.status === undefined) {
                throw new errors/* StageError */.Zu(err.message, { hints: [unreachableHint(err.serviceMessage, shown)], cause: err });
            }
            throw err;
        }
        return (0,subject_token_format/* tokenFrom */.ow)(body, format, `The answer of ${shown}`);
    }
}
/** What an answer of subject_token_url most likely means (its unreachable hint goes with the StageError above). */
const URL_HINTS = [
    { when: ({ err }) => err.status !== undefined, hint: ({ err }) => answerHint(err.status ?? 0) },
];
function answerHint(status) {
    if (status === 401 || status === 403) {
        return (`subject_token_url refused the request (HTTP ${status}): check the credential in subject_token_headers ` +
            '(wrong, expired, or not the header the service expects) and that this identity may get a token there.');
    }
    if (status >= 300 && status < 400) {
        return (`subject_token_url answered with a redirect (HTTP ${status}): give the final URL. Redirects are not ` +
            'followed, so that the headers never go to another host.');
    }
    if (status === 404 || status === 405) {
        return `subject_token_url answered HTTP ${status}: check the path of the URL (it is fetched with GET).`;
    }
    return `subject_token_url answered HTTP ${status}: see the service's message above.`;
}
/** Nothing answered at the token URL, or its certificate was refused: a CA to add, not a host to fix. */
function unreachableHint(networkError, shown) {
    if ((0,errors/* isCertificateRejection */.tZ)(networkError)) {
        return (`The TLS certificate of subject_token_url (${shown}) was not trusted. For a service with an internal CA, ` +
            'give this step the CA: env NODE_EXTRA_CA_CERTS: /path/to/ca.pem (or NODE_OPTIONS: --use-system-ca); ' +
            'ERR_TLS_CERT_ALTNAME_INVALID means the certificate names another host.');
    }
    return (`Nothing answered at subject_token_url (${shown}). Check its host, port and scheme, that the service runs ` +
        'and the runner can reach it; a proxy in HTTPS_PROXY/HTTP_PROXY is used unless NO_PROXY lists the host.');
}
/** Origin and path only: a query string may carry a credential. */
function safeUrl(url) {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

;// CONCATENATED MODULE: ./src/sources/shared/external-token-chunk.ts
/**
 * Not a source: a bundling unit. The run-time halves of the file and url sources, loaded together when a
 * run selects either: they share ExternalTokenSource and the token formats,
 * which one chunk then carries once instead of twice.
 */




/***/ })

};
