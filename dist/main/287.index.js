export const id = 287;
export const ids = [287];
export const modules = {

/***/ 287:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AZURE_IMDS_SERVICE: () => (/* binding */ AZURE_IMDS_SERVICE),
/* harmony export */   AZURE_IMDS_TEST_ENDPOINT: () => (/* binding */ AZURE_IMDS_TEST_ENDPOINT),
/* harmony export */   AzureSource: () => (/* binding */ AzureSource),
/* harmony export */   createAzureSource: () => (/* binding */ createAzureSource)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(916);
/* harmony import */ var _forms_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(388);
/* harmony import */ var _jwt_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(962);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(625);
/* harmony import */ var _shared_token_type_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(636);
/**
 * subject_token_source: azure — the access token of an Azure managed identity,
 * from the instance metadata service (IMDS) of the VM, scale set or AKS node
 * the self-hosted runner lives on:
 *
 *   GET http://169.254.169.254/metadata/identity/oauth2/token
 *       ?api-version=2018-02-01&resource=<azure_resource>[&client_id=<azure_client_id>]
 *   Metadata: True
 *   -> {"access_token": "<JWT from https://sts.windows.net/<tenant>/>", "expires_on": ..., ...}
 *
 * The JWT (aud = the resource, sub = oid = the identity's object ID) is what
 * Google STS exchanges, through an OIDC provider whose issuer is the tenant's.
 * The credentials file carries the same URL source that `gcloud iam
 * workload-identity-pools create-cred-config --azure --app-id-uri=...`
 * writes, so tools ask IMDS themselves.
 *
 * IMDS is never proxied (http.ts lists 169.254.169.254 in NO_PROXY) and we
 * send no X-Forwarded-For, which IMDS refuses. For tests only, the endpoint
 * may be moved with AZURE_IMDS_TEST_ENDPOINT, to a loopback address and
 * nowhere else: the override can point at this machine only, so it cannot
 * send a token request (or a tool reading the file) to another host.
 */





const SOURCE_NAME = 'Azure managed identity';
const AZURE_IMDS_SERVICE = 'Azure instance metadata';
const IMDS_ORIGIN = 'http://169.254.169.254';
const TOKEN_PATH = '/metadata/identity/oauth2/token';
/** The version gcloud writes into the file; the direct fetch asks the same URL. */
const API_VERSION = '2018-02-01';
/** Moves IMDS to a loopback address, for tests (see the header comment). */
const AZURE_IMDS_TEST_ENDPOINT = 'AZURE_IMDS_TEST_ENDPOINT';
/** Claims shown when Google refuses the token; none is secret. */
const DIAGNOSTIC_CLAIMS = ['sub', 'aud', 'iss', 'tid', 'oid', 'appid', 'xms_mirid'];
function createAzureSource(options, context) {
    return new AzureSource(options, context);
}
/** subject_token_source: azure, with the azure_* inputs. */
class AzureSource {
    options;
    context;
    subjectTokenType = _shared_token_type_js__WEBPACK_IMPORTED_MODULE_4__/* .SUBJECT_TOKEN_TYPES */ .V5.jwt;
    facts;
    /** The token URL, with the resource written as gcloud writes it (not percent-encoded). */
    tokenUrl;
    constructor(options, context) {
        this.options = options;
        this.context = context;
        this.facts = factsFor(options);
        this.tokenUrl =
            `${imdsOrigin(context.env)}${TOKEN_PATH}?api-version=${API_VERSION}&resource=${options.resource}` +
                (options.clientId ? `&client_id=${options.clientId}` : '');
    }
    /**
     * What gcloud writes for --azure. gcloud has no flag for a user-assigned
     * identity; with azure_client_id the URL carries client_id as well, which
     * tools send on to IMDS as it is.
     */
    async credentialSource() {
        return {
            url: this.tokenUrl,
            headers: { Metadata: 'True' },
            format: { type: 'json', subject_token_field_name: 'access_token' },
        };
    }
    async subjectToken() {
        const answer = await this.fetchToken();
        const token = answer.access_token;
        if (typeof token !== 'string' || token === '') {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .StageError */ .Zu(`${AZURE_IMDS_SERVICE} answered without a token ("access_token" is missing or empty). ` +
                'Is something other than Azure instance metadata listening at 169.254.169.254?');
        }
        (0,_log_js__WEBPACK_IMPORTED_MODULE_3__/* .maskSecret */ .$l)(token);
        const claims = (0,_jwt_js__WEBPACK_IMPORTED_MODULE_2__/* .decodeJwtClaims */ .dG)(token) ?? {};
        this.context.log.info(`${SOURCE_NAME}: token for "${this.options.resource}" from ${identityOf(this.options, claims)}` +
            (typeof claims['oid'] === 'string' ? ` (object ID ${claims['oid']})` : '') +
            '.');
        this.context.log.debug(`${SOURCE_NAME}: token claims: ${(0,_jwt_js__WEBPACK_IMPORTED_MODULE_2__/* .claimsLine */ .i3)(claims, DIAGNOSTIC_CLAIMS)}`);
        return { token, claims };
    }
    /**
     * Retried by the HTTP layer's policy like every request (429, 5xx), and
     * also what IMDS answers while it is not ready: 404 while it updates, 410
     * while it restarts, which Azure says is over within 70 s — well inside the
     * default retry_timeout of 2 min.
     */
    async fetchToken() {
        try {
            return await this.context.http.requestJson({
                service: AZURE_IMDS_SERVICE,
                method: 'GET',
                url: this.tokenUrl,
                headers: { Metadata: 'True' },
                retryableAnswer: (status) => status === 404 || status === 410,
            });
        }
        catch (err) {
            throw this.failure(err);
        }
    }
    /** An IMDS failure as one message: what IMDS said, and what most likely fixes it (printed by diagnose.ts). */
    failure(err) {
        const hint = err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ServiceError */ ._7 ? imdsHint(err, this.options) : undefined;
        return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .StageError */ .Zu(`Getting a token from ${AZURE_IMDS_SERVICE} failed: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .messageOf */ .bD)(err)}`, {
            hints: hint ? [hint] : [],
            cause: err,
        });
    }
}
/** Principals and hints as data (diagnose.ts applies them). */
function factsFor({ resource }) {
    return {
        name: SOURCE_NAME,
        diagnosticClaims: DIAGNOSTIC_CLAIMS,
        // google.subject = assertion.sub (the identity's object ID), as Google's Azure guide maps it.
        principal: { subject: ['sub'], placeholder: 'MANAGED_IDENTITY_OBJECT_ID' },
        member: { subject: ['sub'], placeholder: 'MANAGED_IDENTITY_OBJECT_ID' },
        // Why Google STS refuses an Azure token (IMDS failures carry their hint in their StageError).
        hints: {
            audience: ({ provider }) => `The provider does not accept the token's audience. The token was requested for azure_resource ` +
                `"${resource}"; the provider's allowed audiences must list that Application ID URI. See them with: ` +
                `gcloud iam workload-identity-pools providers describe ${provider.providerId} --location=global ` +
                `--workload-identity-pool=${provider.poolId} --project=${provider.projectNumber} ` +
                `--format="value(oidc.allowedAudiences)" and add it with: gcloud iam workload-identity-pools providers ` +
                `update-oidc ${provider.providerId} --location=global --workload-identity-pool=${provider.poolId} ` +
                `--project=${provider.projectNumber} --allowed-audiences="${resource}". (An app that issues v2 tokens ` +
                'puts its client ID in aud instead: allow that.)',
            rules: [
                {
                    when: ({ text }) => text.includes('issuer'),
                    hint: ({ claims }) => `The provider's issuer URI must be the tenant's v1 issuer, which managed identity tokens carry: ` +
                        `https://sts.windows.net/${typeof claims?.['tid'] === 'string' ? claims['tid'] : '<TENANT_ID>'}/ ` +
                        '(with the trailing slash).',
                },
            ],
            attributeCondition: "The provider's attribute condition rejected this managed identity: compare the condition with the claims " +
                'shown below (e.g. assertion.tid for the tenant, assertion.oid or assertion.sub for the identity).',
            expired: "The Azure token is expired or not yet valid: check the runner's clock.",
            usualCauses: () => 'For an Azure managed identity the usual causes are: the provider is not an OIDC provider with issuer ' +
                `https://sts.windows.net/<TENANT_ID>/; its allowed audiences do not include "${resource}"; its attribute ` +
                'condition rejects this identity.',
        },
    };
}
/** Which identity IMDS used: without azure_client_id, the system-assigned one or else the only user-assigned one. */
function identityOf({ clientId }, claims) {
    if (clientId)
        return `the user-assigned identity with client ID ${clientId}`;
    const resourceId = typeof claims['xms_mirid'] === 'string' ? claims['xms_mirid'] : '';
    const userAssigned = /\/userAssignedIdentities\/([^/]+)$/i.exec(resourceId)?.[1];
    return userAssigned ? `the user-assigned identity "${userAssigned}"` : "the machine's system-assigned identity";
}
/** IMDS, or its loopback stand-in for tests. */
function imdsOrigin(env) {
    const override = env[AZURE_IMDS_TEST_ENDPOINT];
    if (!override)
        return IMDS_ORIGIN;
    let url;
    try {
        url = new URL(override);
    }
    catch {
        url = undefined;
    }
    const loopback = url !== undefined && (0,_forms_js__WEBPACK_IMPORTED_MODULE_1__/* .isLoopback */ .U9)(url.hostname);
    if (!url ||
        !loopback ||
        !['http:', 'https:'].includes(url.protocol) ||
        url.username ||
        url.password ||
        url.pathname !== '/' ||
        url.search ||
        url.hash) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EnvironmentError */ .eG(`${AZURE_IMDS_TEST_ENDPOINT} must be a loopback origin such as http://127.0.0.1:8080: it exists for tests and ` +
            'never points off this machine. Unset it to use Azure instance metadata at http://169.254.169.254.');
    }
    return url.origin;
}
/** What most likely fixes an IMDS answer, by Azure's documented errors. */
function imdsHint(err, { resource, clientId }) {
    const text = err.serviceMessage.toLowerCase();
    if (err.status === undefined) {
        return ('Nothing answered at the Azure instance metadata address. subject_token_source "azure" works on an Azure VM, ' +
            'scale set or AKS node whose managed identity is enabled; GitHub-hosted runners have none. (HTTPS_PROXY is ' +
            'never used for this address.)');
    }
    if (err.status === 410) {
        return ('Azure instance metadata was still restarting when the retries ran out (Azure expects 70 s at most): ' +
            're-run the job, or raise retry_timeout.');
    }
    if (text.includes('multiple user assigned identities')) {
        return 'This VM has several user-assigned identities: set azure_client_id to the client ID of the one to use.';
    }
    if (text.includes('identity not found')) {
        return clientId
            ? `No user-assigned identity with client ID ${clientId} is attached to this VM: attach it ` +
                '(az vm identity assign --identities <IDENTITY_RESOURCE_ID>, or the scale set / node pool equivalent), or ' +
                'correct azure_client_id (az identity show --query clientId).'
            : 'This VM has no system-assigned managed identity: enable it (az vm identity assign), or set ' +
                'azure_client_id to the client ID of an attached user-assigned identity.';
    }
    if (/aadsts500011|invalid_resource|resource principal/.test(text)) {
        return (`Entra ID knows no application with the ID URI "${resource}" in this identity's tenant: set azure_resource ` +
            'to the Application ID URI of your app registration (az ad app show --id <APP_ID> --query identifierUris), ' +
            'the same value the provider lists in its allowed audiences.');
    }
    if (err.status === 429) {
        return 'Azure instance metadata throttled the request (it allows a few token requests per second per VM): run fewer jobs at once on this VM, or raise retries.';
    }
    if (err.status >= 500)
        return 'The managed identity service failed for now: re-run the job.';
    if (err.status === 200) {
        return 'The answer was not JSON: something other than Azure instance metadata is listening at this address.';
    }
    return undefined;
}


/***/ })

};
