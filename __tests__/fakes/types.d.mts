/**
 * The shapes the fake servers and the runner harness share: options, the
 * servers they return, recorded requests, results. Types only: the .mjs
 * modules name these in their JSDoc, and tsc checks the code against them
 * (tsconfig.json's allowJs and `// @ts-check` in every fake). The functions'
 * signatures are the code's own JSDoc, which tests read through `index.mjs`
 * (no .d.mts may sit beside a .mjs: it would hide the code from the check;
 * __tests__/repo/fakes-typed.test.ts holds that).
 */
import type { KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

// ---------------------------------------------------------------- jwt.mjs
export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Stable key id derived from the public key (40 hex chars). */
  kid: string;
}
export interface DecodedJwt {
  header: Record<string, any>;
  payload: Record<string, any>;
  signature: Buffer;
  signingInput: string;
}
export interface VerifyJwtOptions {
  /** Check exp / nbf / iat (default true). */
  checkTimes?: boolean;
  nowMs?: number;
  clockSkewSeconds?: number;
}
export interface ServiceAccountKeyJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}
export interface CreateServiceAccountKeyOptions {
  email?: string;
  projectId?: string;
  clientId?: string;
  /** Defaults to a per-process cached pair for this email. */
  keyPair?: KeyPair;
  /** Defaults to https://oauth2.<universe>/token. */
  tokenUri?: string;
  universe?: string;
}
export type JwtErrorReason =
  'malformed' | 'unsupported_alg' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'issued_in_future';

// -------------------------------------------------------- http-server.mjs
/**
 * One queued fault; consumed by the next request to that listener, except
 * an outage window (`forMs`) and a quota (`quota`), which stay at the head of
 * the queue while they last.
 */
export interface Fault {
  /** Answer with this status (body: `body`, or a Google-style error envelope). */
  status?: number;
  /** Seconds, sent as a Retry-After header. */
  retryAfter?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Accept, say nothing for N ms, then destroy the socket. */
  hangMs?: number;
  /** Wait N ms, then answer normally (or with `status`). */
  delayMs?: number;
  /**
   * Outage window: answer every request this way for N ms, counted from the
   * first request that meets it; then it is gone and the listener recovers
   * (or the next queued fault applies).
   */
  forMs?: number;
  /**
   * A quota: a token bucket of `burst` requests (default `perSecond`),
   * refilled at `perSecond`. Requests beyond it are answered 429
   * RESOURCE_EXHAUSTED (or `status`/`body`/`retryAfter` as given); the others
   * reach the service. Stays until clearFaults() or reset().
   */
  quota?: { perSecond: number; burst?: number };
}
export interface RecordedRequest {
  service: string;
  method: string;
  path: string;
  query: Record<string, string>;
  url: string;
  headers: Record<string, string>;
  /** Raw body. */
  body: string;
  json?: unknown;
  form?: Record<string, string>;
  time: number;
  fault?: Fault;
  status?: number;
  responseBody?: string;
  /** The request came over TLS (the listener was started with `tls`). */
  tls: boolean;
}
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  json?: unknown;
  form?: Record<string, string>;
  record: RecordedRequest;
}
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}
/** Key and certificate (PEM) for an HTTPS listener, e.g. from createTestCertificates(). */
export interface TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
}
export interface FakeServer {
  name: string;
  port: number;
  /** http://127.0.0.1:PORT, or https://127.0.0.1:PORT when started with `tls`. */
  origin: string;
  /** Serves HTTPS. */
  tls: boolean;
  /** Every request received, including fault-injected ones. */
  readonly requestCount: number;
  /**
   * TCP connections accepted. Counts attempts that never became a request,
   * such as a client that refused the TLS certificate.
   */
  readonly connectionCount: number;
  requests: RecordedRequest[];
  server: Server | HttpsServer;
  injectFaults(faults: Fault[]): void;
  pendingFaults(): number;
  clearFaults(): void;
  /** Clear faults, recorded requests and the counters. */
  reset(): void;
  close(): Promise<void>;
}

// -------------------------------------------------------- github-oidc.mjs
export interface GithubClaims {
  sub: string;
  repository: string;
  repository_owner: string;
  repository_id: string;
  repository_owner_id: string;
  repository_visibility: string;
  ref: string;
  ref_type: string;
  sha: string;
  workflow: string;
  workflow_ref: string;
  workflow_sha: string;
  job_workflow_ref: string;
  job_workflow_sha: string;
  actor: string;
  actor_id: string;
  event_name: string;
  run_id: string;
  run_number: string;
  run_attempt: string;
  runner_environment: string;
  environment?: string;
  [claim: string]: unknown;
}
export interface FakeGithubOidcOptions {
  /** Value for ACTIONS_ID_TOKEN_REQUEST_TOKEN (random by default). */
  requestToken?: string;
  /** Claim overrides; `undefined` deletes a default claim. */
  claims?: Record<string, unknown>;
  /** exp - iat, default 300. */
  lifetimeSeconds?: number;
  issuer?: string;
  keyPair?: KeyPair;
  /** Clock in ms (default Date.now). */
  now?: () => number;
  /** Serve HTTPS (default: plain HTTP). */
  tls?: TlsOptions;
}
export interface MintGithubTokenOptions {
  /** Default: https://github.com/<repository_owner>, as GitHub does without ?audience=. */
  audience?: string | string[];
  claims?: Record<string, unknown>;
  iat?: number;
  nbf?: number;
  exp?: number;
  lifetimeSeconds?: number;
  issuer?: string;
  /** Sign with another key (e.g. for bad-signature tests). */
  privateKey?: KeyObject;
}
export interface FakeGithubOidc extends FakeServer {
  /** Origin of the fake, http(s)://127.0.0.1:PORT */
  url: string;
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL (`${url}/token?api-version=2.0`). */
  requestUrl: string;
  jwksUrl: string;
  requestToken: string;
  issuer: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  kid: string;
  /** Every JWT minted so far (for leak checks). */
  issuedTokens: string[];
  /** ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN for the runner env. */
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  mintToken(options?: MintGithubTokenOptions): string;
  /** Replace the claim overrides used for later tokens. */
  setClaims(claims: Record<string, unknown>): void;
  setLifetimeSeconds(seconds: number): void;
}

// ------------------------------------------------------------- google.mjs
export interface FederatedPrincipal {
  type: 'federated';
  /** principal://iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/subject/SUB */
  id: string;
  provider: string;
  subjectTokenKind: 'oidc' | 'aws' | 'saml';
  subject: string;
  claims: Record<string, any>;
  attributes: Record<string, string>;
}
export interface ServiceAccountPrincipal {
  type: 'serviceAccount';
  /** serviceAccount:<email> */
  id: string;
  email: string;
  via: 'selfSignedJwt' | 'oauth2' | 'generateAccessToken' | 'delegation' | 'metadata';
  impersonatedBy?: Principal;
}
export interface UserPrincipal {
  type: 'user';
  id: string;
  /** Domain-wide delegation subject. */
  email: string;
  serviceAccount: string;
}
export type Principal = FederatedPrincipal | ServiceAccountPrincipal | UserPrincipal;
export interface AllowContext {
  permission: string;
  method: string;
  serviceAccount: string;
  /** The original caller (differs from the principal on delegation hops). */
  caller: Principal;
}
export type AllowPredicate = (principal: Principal, ctx: AllowContext) => boolean;
export interface IssuedToken {
  token: string;
  kind: 'federated' | 'service_account' | 'oauth2';
  issuedBy: 'sts' | 'iamcredentials' | 'oauth2' | 'metadata';
  principal: Principal;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  /** Domain-wide delegation subject, for OAuth2 tokens. */
  subject?: string;
}
export interface ProviderConfig {
  /** Restrict to one kind of subject token (default: OIDC and AWS; SAML needs verifySamlAssertion). */
  type?: 'oidc' | 'aws' | 'saml';
  /** Default: the GitHub issuer. */
  issuer?: string;
  /** Default: the top-level githubIssuerKey. */
  issuerKeys?: KeyObject | KeyObject[];
  /** Default: https://iam.<universe>/<name> and //iam.<universe>/<name>. */
  allowedAudiences?: string[];
  attributeCondition?: (claims: Record<string, any>, attributes: Record<string, string>) => boolean;
  attributeMapping?: (claims: Record<string, any>) => Record<string, string>;
  disabled?: boolean;
  verifyAwsSubjectToken?: AwsVerifier;
  /** Accepts SAML 2 assertions (subject_token_type saml2) with the claims it returns (`subject` maps to google.subject). */
  verifySamlAssertion?: AwsVerifier;
}
/** Returns the principal's claims, or throws (`message`, optional `error` code). */
export type AwsVerifier = (
  subjectToken: string,
  provider: { name: string; projectNumber: string; poolId: string; providerId: string },
) => Record<string, any> | Promise<Record<string, any>>;
export interface ServiceAccountConfig {
  /** Who may impersonate this account (default: nobody). */
  allow?: AllowPredicate;
  projectId?: string;
  uniqueId?: string;
  /** generateAccessToken lifetime cap (default 3600). */
  maxLifetimeSeconds?: number;
  /** Allow jwt-bearer assertions with a `sub` (default true). */
  domainWideDelegation?: boolean;
  /** User-managed keys to trust. */
  keys?: ServiceAccountKeyJson[];
}
export interface FakeGoogleOptions {
  githubIssuerKey?: KeyObject | KeyObject[];
  githubIssuer?: string;
  /** Allowed `aud` values for OIDC providers without their own list. */
  expectedAudiences?: string[];
  /** Condition for OIDC tokens (default: claims.repository_owner === 'octo-org'). */
  attributeCondition?: (claims: Record<string, any>, attributes: Record<string, string>) => boolean;
  /** Keyed by resource name (`projects/N/locations/global/workloadIdentityPools/P/providers/X`); default: DEFAULT_PROVIDER. */
  providers?: Record<string, ProviderConfig | true>;
  serviceAccounts?: Record<string, ServiceAccountConfig>;
  verifyAwsSubjectToken?: AwsVerifier;
  /** Default googleapis.com. */
  universe?: string;
  /** Federated token lifetime (default 3600). */
  tokenLifetimeSeconds?: number;
  now?: () => number;
  /** Serve HTTPS on all three listeners (default: plain HTTP). */
  tls?: TlsOptions;
}
export interface FakeGoogle {
  sts: FakeServer;
  iamcredentials: FakeServer;
  oauth2: FakeServer;
  /** http://127.0.0.1:P1/v1 (https:// with `tls`) */
  stsEndpoint: string;
  /** http://127.0.0.1:P2/v1 (https:// with `tls`) */
  iamcredentialsEndpoint: string;
  /** http://127.0.0.1:P3 (https:// with `tls`) */
  oauth2Endpoint: string;
  endpointInputs: EndpointInputs;
  /** All requests across the three services, in arrival order. */
  requests: RecordedRequest[];
  universe: string;
  /** Verifies ID tokens from generateIdToken / OAuth2 target_audience. */
  idTokenPublicKey: KeyObject;
  tokens: Map<string, IssuedToken>;
  providers: Map<string, unknown>;
  serviceAccounts: Map<string, unknown>;
  addProvider(name: string, config?: ProviderConfig): void;
  addServiceAccount(email: string, config?: ServiceAccountConfig): void;
  registerServiceAccountKey(keyJson: ServiceAccountKeyJson): void;
  /** New key JSON (token_uri = fake OAuth2) that the fake trusts; creates the account if needed. */
  createServiceAccountKey(email: string, options?: { fresh?: boolean }): ServiceAccountKeyJson;
  /** Public key of the Google-managed key that signJwt / signBlob use. */
  serviceAccountPublicKey(email: string): KeyObject;
  lookupToken(token: string): IssuedToken | undefined;
  /**
   * A token this Google accepts, minted outside its three listeners (the fake
   * metadata server's machine tokens): IAM Credentials authenticates it as
   * `info.principal`, and refuses it without the cloud-platform scope.
   */
  issueToken(prefix: string, info: Omit<IssuedToken, 'token' | 'issuedAt'>): IssuedToken;
  injectFaults(service: 'sts' | 'iamcredentials' | 'oauth2', faults: Fault[]): void;
  readonly requestCount: number;
  reset(): void;
  close(): Promise<void>;
}
export interface EndpointInputs {
  sts_endpoint: string;
  iamcredentials_endpoint: string;
  oauth2_endpoint: string;
}

// --------------------------------------------------------- run-action.mjs
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
  /** 0-based line number in its stream. */
  line: number;
  stream: 'stdout' | 'stderr';
}
export interface RunActionOptions {
  /** Path of the action entry point, e.g. dist/main/index.js. */
  script: string;
  /** Action inputs by name as in action.yml; null/undefined become ''. */
  inputs?: Record<string, string | number | boolean | null | undefined>;
  /** Extra env; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** GITHUB_WORKSPACE and cwd (default: fresh temp dir, or the main step's for a post step). */
  workspace?: string;
  runnerTemp?: string;
  /** The main step's result, to run its post step (STATE_* and exported env). */
  stateFrom?: RunActionResult;
  /** Default: node_modules/node/bin/node (Node 24). */
  nodeBinary?: string;
  nodeArgs?: string[];
  args?: string[];
  /** SIGKILL after this long (default 60000); result.timedOut tells. */
  timeoutMs?: number;
}
export interface RunActionFiles {
  output: string;
  env: string;
  state: string;
  summary: string;
  path: string;
}
export interface RunActionResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  addedPaths: string[];
  commands: WorkflowCommand[];
  /** Values registered with ::add-mask:: on stdout, in order. */
  masks: string[];
  durationMs: number;
  files: RunActionFiles;
  workspace: string;
  runnerTemp: string;
  /** The exact environment the child got. */
  env: Record<string, string>;
  /** Remove this run's temp dirs (the workspace too, unless it was given or inherited). */
  cleanup(): Promise<void>;
}
export interface RunnerEnvironmentOptions {
  /** GITHUB_WORKSPACE. */
  workspace: string;
  /** RUNNER_TEMP. */
  runnerTemp: string;
  /** The file-command files (GITHUB_OUTPUT, GITHUB_ENV, ...). */
  files: RunActionFiles;
  /** A main step's saved state and exported variables, for its post step. */
  stateFrom?: Pick<RunActionResult, 'state' | 'exportedEnv'>;
  /** Action inputs by name as in action.yml; null/undefined become ''. */
  inputs?: Record<string, string | number | boolean | null | undefined>;
  /** Applied last; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
}

// -------------------------------------------------------------- index.mjs
export interface StartEnvironmentOptions {
  /** Serve every fake over HTTPS (default: plain HTTP); `github.tls` / `google.tls` override it per side. */
  tls?: TlsOptions;
  github?: FakeGithubOidcOptions;
  /** Merged over the defaults (providers / serviceAccounts are merged per key). */
  google?: FakeGoogleOptions;
}
export interface FakeEnvironment {
  github: FakeGithubOidc;
  google: FakeGoogle;
  /** DEFAULT_PROVIDER */
  workloadIdentityProvider: string;
  /** DEFAULT_SERVICE_ACCOUNT */
  serviceAccount: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN for runAction's env. */
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  endpointInputs: EndpointInputs;
  close(): Promise<void>;
}

// ---------------------------------------------------------- connect-proxy.mjs
export interface ConnectProxy {
  /** http://127.0.0.1:PORT, for HTTPS_PROXY / HTTP_PROXY. */
  url: string;
  /** CONNECT host:port targets and absolute-URI requests, in order. */
  requests: Array<{ method: string; target: string }>;
  close(): Promise<void>;
}

// ------------------------------------------------------------------ tls.mjs
export interface TestCertificates {
  /** Server private key (PEM, EC P-256). */
  key: string;
  /** Server certificate (PEM), signed by the CA; the leaf alone, as real servers never send their root. */
  cert: string;
  /** CA certificate (PEM). */
  ca: string;
  /** Path of the CA certificate, for NODE_EXTRA_CA_CERTS; lives until cleanup(). */
  caFile: string;
  /** Remove the temp directory. */
  cleanup(): Promise<void>;
}
