export const id = 402;
export const ids = [402];
export const modules = {

/***/ 343:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   qv: () => (/* binding */ ExternalTokenSource)
/* harmony export */ });
/* unused harmony exports DIAGNOSTIC_CLAIMS, samlClaims */
/* harmony import */ var _google_sts_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(75);
/* harmony import */ var _jwt_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(962);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(625);
/* harmony import */ var _provider_name_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(556);
/* harmony import */ var _token_type_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(648);





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
    provider;
    log;
    diagnosticClaims = DIAGNOSTIC_CLAIMS;
    constructor(subjectTokenType, provider, log) {
        this.subjectTokenType = subjectTokenType;
        this.provider = provider;
        this.log = log;
    }
    /** Hints for failures of what the source itself reads (the token URL); none by default. */
    sourceHints(_err) {
        return [];
    }
    async subjectToken() {
        const token = await this.readToken();
        (0,_log_js__WEBPACK_IMPORTED_MODULE_2__/* .maskSecret */ .$)(token);
        const claims = this.isSaml() ? samlClaims(token) : ((0,_jwt_js__WEBPACK_IMPORTED_MODULE_1__/* .decodeJwtClaims */ .dG)(token) ?? {});
        const shown = DIAGNOSTIC_CLAIMS.filter((name) => claims[name] !== undefined)
            .map((name) => `${name}=${JSON.stringify(claims[name])}`)
            .join(' ');
        this.log.debug(`${this.name}: token claims: ${shown || '(none readable)'}`);
        return { token, claims };
    }
    /** google.subject = assertion.sub (or the SAML NameID): the mapping providers for other issuers usually have. */
    principal(claims) {
        return (0,_provider_name_js__WEBPACK_IMPORTED_MODULE_3__/* .subjectPrincipal */ .hF)(this.provider, subjectOf(claims));
    }
    /** The principal of this very subject: no attribute mapping can be assumed for an unknown issuer. */
    impersonationMember(claims) {
        return (0,_provider_name_js__WEBPACK_IMPORTED_MODULE_3__/* .principalOf */ .i6)(this.provider, subjectOf(claims) ?? 'SUBJECT');
    }
    hints(err, claims) {
        if (err.service !== _google_sts_js__WEBPACK_IMPORTED_MODULE_0__/* .STS_SERVICE */ .$W)
            return this.sourceHints(err);
        const text = err.serviceMessage.toLowerCase();
        const hints = [];
        const audience = `https://${this.provider.iamHost}/${this.provider.name}`;
        if (/subject_token_type|parse|saml|malformed/.test(text)) {
            hints.push(`Google could not read the token as ${this.subjectTokenType}. subject_token_type must match the provider: ` +
                'jwt (or id_token) for an OIDC provider, saml2 for a SAML provider (the base64 SAML response, as the ' +
                'identity provider returns it); check that subject_token_format/subject_token_field pick the token itself.');
        }
        // invalid_target ("the audience parameter is invalid") is about the provider's name, not the token's aud.
        if (text.includes('audience') && err.reason !== 'invalid_target' && !text.includes('pool or provider')) {
            hints.push(`The token's audience${claims?.['aud'] !== undefined ? ` (${JSON.stringify(claims['aud'])})` : ''} is not one ` +
                `the provider accepts: by default "${audience}", else its --allowed-audiences. Have the issuer mint the ` +
                'token for that audience (for a Kubernetes projected token, the serviceAccountToken "audience").');
        }
        if (text.includes('issuer')) {
            hints.push(`The token's issuer${claims?.['iss'] !== undefined ? ` (${JSON.stringify(claims['iss'])})` : ''} must be the ` +
                "provider's --issuer-uri exactly (for Kubernetes: kubectl get --raw /.well-known/openid-configuration).");
        }
        if (text.includes('signature') || text.includes('jwk')) {
            hints.push("Google could not verify the token's signature: the issuer must publish its keys at a public " +
                'jwks_uri, or give them to the provider with --jwk-json-path (private clusters); update them after a ' +
                'key rotation.');
        }
        if (text.includes('attribute condition')) {
            hints.push("The provider's attribute condition rejected this token. Compare the condition " +
                '(gcloud iam workload-identity-pools providers describe ...) with the claims shown below.');
        }
        if (/stale|expired|exp\b|issued at|not yet valid/.test(text)) {
            hints.push("The token is expired or not yet valid: check the runner's clock, and that whatever writes or serves the " +
                'token refreshes it (the action reads it once, when the step starts).');
        }
        return hints;
    }
    isSaml() {
        return this.subjectTokenType === _token_type_js__WEBPACK_IMPORTED_MODULE_4__/* .SUBJECT_TOKEN_TYPES */ .V5.saml2;
    }
}
function subjectOf(claims) {
    const subject = claims?.['sub'] ?? claims?.['saml_subject'];
    return typeof subject === 'string' && subject !== '' ? subject : undefined;
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


/***/ }),

/***/ 402:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FileSource: () => (/* binding */ FileSource)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(916);
/* harmony import */ var _external_token_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(343);
/* harmony import */ var _token_format_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(391);
/** subject_token_source: file at run time: reads the token (token-file.ts has its inputs). */




/** Far above any token (SAML responses are the largest, tens of KB); a bound against a wrong path such as a log. */
const MAX_TOKEN_FILE_BYTES = 1024 * 1024;
class FileSource extends _external_token_js__WEBPACK_IMPORTED_MODULE_2__/* .ExternalTokenSource */ .qv {
    options;
    name = 'Token file';
    constructor(options, provider, log) {
        super(options.subjectTokenType, provider, log);
        this.options = options;
    }
    async credentialSource() {
        return { file: this.options.file, ...(0,_token_format_js__WEBPACK_IMPORTED_MODULE_3__/* .credentialSourceFormat */ .gu)(this.options.format) };
    }
    async readToken() {
        const { file, format } = this.options;
        this.log.info(`Reading the subject token from ${file}.`);
        return tokenFromFile(file, format);
    }
}
/** Synchronous on purpose, as credentials-file.ts: one small local read, and fs.promises costs every run to load. */
function tokenFromFile(file, format) {
    let fd;
    try {
        fd = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync)(file, 'r');
    }
    catch (err) {
        throw openError(file, err.code);
    }
    try {
        const stat = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.fstatSync)(fd);
        if (stat.isDirectory()) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EnvironmentError */ .eG(`subject_token_file ${file} is a directory: name the token file inside it.`);
        }
        if (!stat.isFile()) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EnvironmentError */ .eG(`subject_token_file ${file} is not a regular file: name the file that holds the token.`);
        }
        if (stat.size > MAX_TOKEN_FILE_BYTES) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EnvironmentError */ .eG(`subject_token_file ${file} is ${stat.size} bytes, too large for a token (at most 1 MiB): check the path.`);
        }
        const buffer = Buffer.alloc(stat.size);
        let read = 0;
        while (read < stat.size) {
            const n = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync)(fd, buffer, read, stat.size - read, read);
            if (n === 0)
                break;
            read += n;
        }
        return (0,_token_format_js__WEBPACK_IMPORTED_MODULE_3__/* .tokenFrom */ .ow)(buffer.subarray(0, read).toString('utf8'), format, `subject_token_file ${file}`);
    }
    catch (err) {
        if (err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EnvironmentError */ .eG)
            throw err;
        throw openError(file, err.code);
    }
    finally {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync)(fd);
    }
}
function openError(file, code) {
    switch (code) {
        case 'ENOENT':
            return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EnvironmentError */ .eG(`subject_token_file ${file} does not exist. Check the path; on Kubernetes, mount a projected ` +
                'service-account token there (a serviceAccountToken volume with the audience of your provider), and ' +
                'check that the runner container has that volume mounted.');
        case 'EACCES':
        case 'EPERM':
            return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EnvironmentError */ .eG(`subject_token_file ${file} exists but the runner's user may not read it (${code}). Make it readable by ` +
                "that user: on Kubernetes give the pod a securityContext.runAsUser or fsGroup, or set the volume's defaultMode.");
        case 'EISDIR':
            return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EnvironmentError */ .eG(`subject_token_file ${file} is a directory: name the token file inside it.`);
        default:
            return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EnvironmentError */ .eG(`Could not read subject_token_file ${file} (${code ?? 'error'}).`);
    }
}


/***/ })

};
