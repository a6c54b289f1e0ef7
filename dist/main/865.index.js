export const id = 865;
export const ids = [865];
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

/***/ 246:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   UrlSource: () => (/* binding */ UrlSource)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(916);
/* harmony import */ var _external_token_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(343);
/* harmony import */ var _token_format_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(391);
/** subject_token_source: url at run time: fetches the token (token-url.ts has its inputs). */



class UrlSource extends _external_token_js__WEBPACK_IMPORTED_MODULE_1__/* .ExternalTokenSource */ .qv {
    options;
    http;
    name = 'Token URL';
    constructor(options, provider, http, log) {
        super(options.subjectTokenType, provider, log);
        this.options = options;
        this.http = http;
    }
    async credentialSource() {
        const { url, headers, format } = this.options;
        return {
            url,
            ...(Object.keys(headers).length > 0 ? { headers } : {}),
            ...(0,_token_format_js__WEBPACK_IMPORTED_MODULE_2__/* .credentialSourceFormat */ .gu)(format),
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
                service: this.name,
                method: 'GET',
                url,
                headers: { Accept: format.type === 'json' ? 'application/json' : 'text/plain, */*', ...headers },
            }));
        }
        catch (err) {
            // diagnose.ts answers "no answer" with hints about Google's endpoints; this one is about the token URL.
            if (err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ServiceError */ ._7 && err.status === undefined) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EnvironmentError */ .eG(`${err.message}\nHint: ${unreachableHint(err.serviceMessage, shown)}`);
            }
            throw err;
        }
        return (0,_token_format_js__WEBPACK_IMPORTED_MODULE_2__/* .tokenFrom */ .ow)(body, format, `The answer of ${shown}`);
    }
    sourceHints(err) {
        if (err.service !== this.name || err.status === undefined)
            return [];
        if (err.status === 401 || err.status === 403) {
            return [
                `subject_token_url refused the request (HTTP ${err.status}): check the credential in subject_token_headers ` +
                    '(wrong, expired, or not the header the service expects) and that this identity may get a token there.',
            ];
        }
        if (err.status >= 300 && err.status < 400) {
            return [
                `subject_token_url answered with a redirect (HTTP ${err.status}): give the final URL. Redirects are not ` +
                    'followed, so that the headers never go to another host.',
            ];
        }
        if (err.status === 404 || err.status === 405) {
            return [`subject_token_url answered HTTP ${err.status}: check the path of the URL (it is fetched with GET).`];
        }
        return [`subject_token_url answered HTTP ${err.status}: see the service's message above.`];
    }
}
/** Node's codes for a server certificate it refused: a CA to add, not a host to fix. */
const CERTIFICATE_REJECTED = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;
function unreachableHint(networkError, shown) {
    if (CERTIFICATE_REJECTED.test(networkError)) {
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


/***/ })

};
