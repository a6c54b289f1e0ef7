import { generateKeyPairSync } from 'node:crypto';

import { type Config, readConfig } from '../../src/config.js';
import { parseList } from '../../src/inputs.js';
import { ConfigError } from '../../src/errors.js';
import { githubOidc } from '../../src/sources/github-oidc.js';
import { captureRunnerOutput } from '../support/runner-output.js';
import { GITHUB_PROVIDER as PROVIDER } from '../support/fixtures.js';
import { sourceOptions } from '../support/source-options.js';
import { messageOf } from '../support/unit.js';

// credentials_json is masked as it is read: keep the ::add-mask:: lines out of the test log.
const runnerOutput = captureRunnerOutput();

function config(inputs: Record<string, string>): Config {
  return readConfig((name) => inputs[name] ?? '');
}

function errorOf(inputs: Record<string, string>): string {
  return messageOf(() => config(inputs));
}

const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;
const key = {
  type: 'service_account',
  project_id: 'key-project',
  private_key_id: 'abc123',
  private_key: privateKey,
  client_email: 'keyed@key-project.iam.gserviceaccount.com',
  client_id: '1',
};

describe('choosing the way in', () => {
  it('refuses neither input, naming both and the fork/Dependabot cause', () => {
    const message = errorOf({});
    expect(message).toContain('workload_identity_provider');
    expect(message).toContain('credentials_json');
    expect(message).toMatch(/forks or by Dependabot/);
  });

  it('refuses both inputs, saying which to keep and nothing about secrets on forks', () => {
    const message = errorOf({ workload_identity_provider: PROVIDER, credentials_json: JSON.stringify(key) });
    expect(message).toBe(
      'Both "workload_identity_provider" and "credentials_json" were given: set exactly one of them. ' +
        'Use workload_identity_provider for Workload Identity Federation (recommended), or credentials_json for a ' +
        'service-account key (or use_metadata_server: true on a self-hosted runner on Google Cloud).',
    );
  });

  it('takes a provider with the default audiences and endpoints', () => {
    const c = config({ workload_identity_provider: PROVIDER });
    expect(c.auth).toMatchObject({
      kind: 'workload_identity',
      provider: {
        name: PROVIDER,
        stsAudience: `//iam.googleapis.com/${PROVIDER}`,
      },
      source: { kind: 'github' },
    });
    expect(sourceOptions(githubOidc, { workload_identity_provider: PROVIDER })).toEqual({
      audience: `https://iam.googleapis.com/${PROVIDER}`,
    });
    expect(c.endpoints).toEqual({
      universe: 'googleapis.com',
      sts: 'https://sts.googleapis.com/v1',
      iamcredentials: 'https://iamcredentials.googleapis.com/v1',
      oauth2: 'https://oauth2.googleapis.com',
      www: 'https://www.googleapis.com',
      userOrigins: [],
    });
    expect(c.createCredentialsFile).toBe(true);
    expect(c.credentialsFileLocation).toEqual({ kind: 'workspace' });
    expect(c.exportEnvironmentVariables).toBe(true);
    expect(c.cleanupCredentials).toBe(true);
    expect(c.tokenFormat).toBe('');
    expect(c.accessToken).toEqual({
      lifetimeSeconds: 3600,
      lifetimeRequested: false,
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
  });

  it('lets audience, universe and endpoint overrides change what they name', () => {
    const c = config({
      workload_identity_provider: PROVIDER,
      audience: 'my-aud',
      universe: 'example.goog',
      sts_endpoint: 'https://sts.p.example.goog/v1/',
      oauth2_endpoint: 'http://127.0.0.1:9999',
    });
    expect(c.auth).toMatchObject({
      provider: { stsAudience: `//iam.example.goog/${PROVIDER}`, iamHost: 'iam.example.goog' },
      source: { kind: 'github' },
    });
    expect(sourceOptions(githubOidc, { workload_identity_provider: PROVIDER, audience: 'my-aud' })).toEqual({
      audience: 'my-aud',
    });
    expect(c.endpoints).toEqual({
      universe: 'example.goog',
      sts: 'https://sts.p.example.goog/v1',
      iamcredentials: 'https://iamcredentials.example.goog/v1',
      oauth2: 'http://127.0.0.1:9999',
      www: 'https://www.example.goog',
      userOrigins: ['https://sts.p.example.goog', 'http://127.0.0.1:9999'],
    });
  });

  it('honours GHA_ENDPOINT_OVERRIDE_<endpoint> as the action we replace does; an input wins over it', () => {
    const env = {
      GHA_ENDPOINT_OVERRIDE_sts: 'https://sts-psc.p.googleapis.com/v1/',
      GHA_ENDPOINT_OVERRIDE_iamcredentials: 'https://iamcredentials-psc.p.googleapis.com/v1',
      GHA_ENDPOINT_OVERRIDE_oauth2: 'https://oauth2-psc.p.googleapis.com',
      GHA_ENDPOINT_OVERRIDE_www: 'https://www-psc.p.googleapis.com',
    };
    const c = readConfig(
      (name) => ({ workload_identity_provider: PROVIDER, oauth2_endpoint: 'https://oauth2.input.example' })[name] ?? '',
      env,
    );
    expect(c.endpoints).toEqual({
      universe: 'googleapis.com',
      sts: 'https://sts-psc.p.googleapis.com/v1',
      iamcredentials: 'https://iamcredentials-psc.p.googleapis.com/v1',
      oauth2: 'https://oauth2.input.example',
      www: 'https://www-psc.p.googleapis.com',
      userOrigins: [
        'https://sts-psc.p.googleapis.com',
        'https://iamcredentials-psc.p.googleapis.com',
        'https://oauth2.input.example',
        'https://www-psc.p.googleapis.com',
      ],
    });
    // Upstream's names are lower-case; an empty variable is unset.
    const other = readConfig((name) => ({ workload_identity_provider: PROVIDER })[name] ?? '', {
      GHA_ENDPOINT_OVERRIDE_STS: 'https://ignored.example/v1',
      GHA_ENDPOINT_OVERRIDE_iamcredentials: '',
    });
    expect([other.endpoints.sts, other.endpoints.iamcredentials]).toEqual([
      'https://sts.googleapis.com/v1',
      'https://iamcredentials.googleapis.com/v1',
    ]);
  });

  it.each([
    [
      'GHA_ENDPOINT_OVERRIDE_sts',
      'http://sts.example.com/v1',
      /^"GHA_ENDPOINT_OVERRIDE_sts" must be an https:\/\/ URL/,
    ],
    ['GHA_ENDPOINT_OVERRIDE_iamcredentials', 'https://u:pw@iam.example', /must not contain a user name or password/],
    ['GHA_ENDPOINT_OVERRIDE_www', 'https://www.example.com/?x=1', /must not have a query or fragment/],
  ])('holds %s to the rule of the endpoint inputs', (variable, value, expected) => {
    let message = '';
    try {
      readConfig((name) => ({ workload_identity_provider: PROVIDER })[name] ?? '', { [variable]: value });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(expected);
    expect(message).not.toContain('pw');
  });

  it('rejects an endpoint that is not a URL', () => {
    expect(errorOf({ workload_identity_provider: PROVIDER, sts_endpoint: 'sts.example.com' })).toMatch(
      /"sts_endpoint" must be a full URL/,
    );
  });
});

describe("a source's inputs", () => {
  it('names every source that reads an input set with another source', () => {
    expect(errorOf({ workload_identity_provider: PROVIDER, subject_token_format: 'json' })).toBe(
      '"subject_token_format" applies only with subject_token_source: file or url, but subject_token_source is "github".',
    );
    expect(errorOf({ workload_identity_provider: PROVIDER, subject_token_type: 'jwt' })).toBe(
      '"subject_token_type" applies only with subject_token_source: file, url or executable, but subject_token_source ' +
        'is "github".',
    );
  });

  it('lets sources share an input', () => {
    const c = config({
      workload_identity_provider: PROVIDER,
      subject_token_source: 'url',
      subject_token_url: 'https://resigner.example.com/token',
      subject_token_type: 'id_token',
    });
    expect(c.auth.kind === 'workload_identity' && c.auth.source.kind).toBe('url');
  });
});

describe('workload_identity_provider', () => {
  const expectedForm =
    'projects/<PROJECT_NUMBER>/locations/global/workloadIdentityPools/<POOL_ID>/providers/<PROVIDER_ID>';

  it.each([
    [
      'a pool without a provider',
      PROVIDER.replace(/\/providers\/.*$/, ''),
      /names the pool "github-pool", not a provider/,
    ],
    [
      'a project ID instead of a number',
      PROVIDER.replace('123456789012', 'my-project'),
      /by its NUMBER, not its ID "my-project".*gcloud projects describe my-project/,
    ],
    [
      'a leading //iam.googleapis.com/',
      `//iam.googleapis.com/${PROVIDER}`,
      /must not start with "\/\/iam.googleapis.com\/"/,
    ],
    [
      'an https:// URL',
      `https://iam.googleapis.com/${PROVIDER}`,
      /must not start with "https:\/\/iam.googleapis.com\/"/,
    ],
    ['another URL', 'https://example.com/x', /must be a resource name, not a URL/],
    ['a regional location', PROVIDER.replace('global', 'us-east1'), /locations\/global/],
    ['garbage', 'github-provider', /does not start with "projects\/"/],
  ])('explains %s and shows the expected form', (_what, value, pattern) => {
    const message = errorOf({ workload_identity_provider: value });
    expect(message).toMatch(pattern);
    expect(message).toContain(expectedForm);
  });
});

describe('tokens', () => {
  it('needs service_account for id_token and access_token_subject, not for a direct access_token', () => {
    expect(config({ workload_identity_provider: PROVIDER, token_format: 'access_token' }).tokenFormat).toBe(
      'access_token',
    );
    expect(errorOf({ workload_identity_provider: PROVIDER, token_format: 'id_token', id_token_audience: 'x' })).toMatch(
      /^token_format "id_token" needs "service_account": Google issues ID tokens only for service accounts/,
    );
    expect(
      errorOf({
        workload_identity_provider: PROVIDER,
        token_format: 'access_token',
        access_token_subject: 'alice@example.com',
      }),
    ).toMatch(/^token_format "access_token" with access_token_subject needs "service_account": domain-wide/);
  });

  it('asks tools for a lifetime only when it is not the default the runner passes', () => {
    const lifetime = (value: string) =>
      config({ workload_identity_provider: PROVIDER, access_token_lifetime: value }).accessToken;
    expect(lifetime('3600s')).toMatchObject({ lifetimeSeconds: 3600, lifetimeRequested: false });
    expect(lifetime('1h')).toMatchObject({ lifetimeSeconds: 3600, lifetimeRequested: false });
    expect(lifetime('30m')).toMatchObject({ lifetimeSeconds: 1800, lifetimeRequested: true });
  });

  it('takes access_token_subject only with token_format access_token', () => {
    expect(
      errorOf({
        workload_identity_provider: PROVIDER,
        service_account: 'a@b.iam.gserviceaccount.com',
        access_token_subject: 'alice@example.com',
      }),
    ).toMatch(/^"access_token_subject" applies only with token_format: access_token/);
  });

  it('needs id_token_audience for id_token', () => {
    expect(
      errorOf({
        workload_identity_provider: PROVIDER,
        token_format: 'id_token',
        service_account: 'a@b.iam.gserviceaccount.com',
      }),
    ).toMatch(/needs "id_token_audience"/);
  });

  it('rejects an unknown token_format', () => {
    expect(errorOf({ workload_identity_provider: PROVIDER, token_format: 'jwt' })).toMatch(
      /"token_format" must be empty, "access_token" or "id_token", got "jwt"/,
    );
  });

  it.each([
    ['3600s', 3600],
    ['3600', 3600],
    ['1h', 3600],
    ['30m', 1800],
    ['1h30m', 5400],
    ['12h', 43200],
  ])('accepts lifetime %s', (text, seconds) => {
    const c = config({ workload_identity_provider: PROVIDER, access_token_lifetime: text });
    expect(c.accessToken.lifetimeSeconds).toBe(seconds);
  });

  it.each(['1 hour', '-5', '1d', 'h', '0s', '3600ms'])('rejects lifetime %s clearly', (text) => {
    expect(errorOf({ workload_identity_provider: PROVIDER, access_token_lifetime: text })).toMatch(
      /"access_token_lifetime" must be a duration such as 3600s, 3600, 1h, 30m or 1h30m/,
    );
  });

  it('rejects a lifetime over 12h', () => {
    expect(errorOf({ workload_identity_provider: PROVIDER, access_token_lifetime: '13h' })).toMatch(/at most 12h/);
  });

  it('reads lists separated by commas and/or newlines, and delegates in either form', () => {
    const c = config({
      workload_identity_provider: PROVIDER,
      access_token_scopes: 'https://a/x, https://b/y\nhttps://c/z\n',
      delegates: 'one@p.iam.gserviceaccount.com\nprojects/-/serviceAccounts/two@p.iam.gserviceaccount.com,',
    });
    expect(c.accessToken.scopes).toEqual(['https://a/x', 'https://b/y', 'https://c/z']);
    expect(c.delegates).toEqual(['one@p.iam.gserviceaccount.com', 'two@p.iam.gserviceaccount.com']);
    expect(parseList(' , \n ')).toEqual([]);
  });

  it('rejects a delegate that is not an email', () => {
    expect(errorOf({ workload_identity_provider: PROVIDER, delegates: 'not-an-email' })).toMatch(
      /"delegates" must be a service account email/,
    );
  });

  it('rejects a non-boolean flag', () => {
    expect(errorOf({ workload_identity_provider: PROVIDER, create_credentials_file: 'yes' })).toBe(
      '"create_credentials_file" must be true or false, got "yes".',
    );
  });
});

describe('project ID', () => {
  it('prefers the input', () => {
    const c = config({
      workload_identity_provider: PROVIDER,
      project_id: 'my-input-project',
      service_account: 'sa@other-project.iam.gserviceaccount.com',
    });
    expect([c.projectId, c.projectIdSource]).toEqual(['my-input-project', 'input']);
  });

  it('then the service account email', () => {
    const c = config({
      workload_identity_provider: PROVIDER,
      service_account: 'sa@sa-project.iam.gserviceaccount.com',
    });
    expect([c.projectId, c.projectIdSource]).toEqual(['sa-project', 'service_account']);
  });

  it('then the key', () => {
    const c = config({ credentials_json: JSON.stringify({ ...key, client_email: 'x@developer.gserviceaccount.com' }) });
    expect([c.projectId, c.projectIdSource]).toEqual(['key-project', 'credentials_json']);
  });

  it('else none', () => {
    const c = config({ workload_identity_provider: PROVIDER });
    expect(c.projectId).toBeUndefined();
  });
});

describe('credentials_json', () => {
  it('accepts the JSON and its base64, and uses the key account as service_account', () => {
    for (const text of [JSON.stringify(key), Buffer.from(JSON.stringify(key)).toString('base64')]) {
      const c = config({ credentials_json: text });
      expect(c.auth.kind).toBe('service_account_key');
      expect(c.serviceAccount).toBe(key.client_email);
      expect(runnerOutput.masks()).toEqual(expect.arrayContaining([text, privateKey]));
    }
  });

  it.each([
    ['not JSON', '{"type": "service_account", "private_key": "-----BEGIN', /neither JSON nor base64-encoded JSON/],
    [
      'an external_account file',
      JSON.stringify({ type: 'external_account', audience: 'secretish' }),
      /external_account configuration/,
    ],
    ['a JSON without a private key', JSON.stringify({ ...key, private_key: undefined }), /has no "private_key"/],
    [
      'a bad PEM',
      JSON.stringify({ ...key, private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }),
      /not a valid PEM/,
    ],
    ['a JSON array', '["TOPSECRETVALUE"]', /its "type" is not "service_account"/],
  ])('fails on %s without echoing any of it', (_what, text, pattern) => {
    const message = errorOf({ credentials_json: text });
    expect(message).toMatch(pattern);
    for (const fragment of ['BEGIN', 'TOPSECRETVALUE', 'secretish', privateKey.slice(40, 70)]) {
      expect(message).not.toContain(fragment);
    }
  });

  it.each([
    ['a word that happens to be base64 letters', 'notakeyatall'],
    ['a token-looking value', 'ya29.a0AfH6SMBxyz-not-a-key'],
    ['a multi-line value', 'line one of something\nline two of something'],
  ])(
    'says a value that is neither JSON nor base64 of JSON is neither, and masks only the value itself (%s)',
    (_what, text) => {
      expect(errorOf({ credentials_json: text })).toMatch(/neither JSON nor base64-encoded JSON/);
      const lines = text.includes('\n') ? text.split('\n') : [];
      // The input (and, for a multi-line value, each line) and nothing else: no decoded bytes.
      expect(runnerOutput.masks()).toEqual([text, ...lines]);
    },
  );

  it("takes the key account's unique ID (the key's client_id) as its service_account, and uses the email", () => {
    const withId = { ...key, client_id: '112233445566778899001' };
    const c = config({ credentials_json: JSON.stringify(withId), service_account: '112233445566778899001' });
    expect(c.serviceAccount).toBe(key.client_email);
    expect(errorOf({ credentials_json: JSON.stringify(withId), service_account: '998877665544332211009' })).toMatch(
      /differs from the account of the key/,
    );
  });

  it('refuses a service_account that is not the key account', () => {
    expect(
      errorOf({ credentials_json: JSON.stringify(key), service_account: 'other@p.iam.gserviceaccount.com' }),
    ).toMatch(/differs from the account of the key/);
  });
});

describe('verify_service_account', () => {
  const wif = { workload_identity_provider: PROVIDER, service_account: 'deployer@my-project.iam.gserviceaccount.com' };

  it('checks the impersonation by default, only for federation with a service account and no token asked for', () => {
    expect(config(wif).checkImpersonation).toBe(true);
    expect(config({ ...wif, verify_service_account: 'true' }).checkImpersonation).toBe(true);
    expect(config({ ...wif, verify_service_account: 'FALSE' }).checkImpersonation).toBe(false);
    // A token asked for proves it anyway; direct federation and a key impersonate nothing.
    expect(config({ ...wif, token_format: 'access_token' }).checkImpersonation).toBe(false);
    expect(
      config({ ...wif, token_format: 'id_token', id_token_audience: 'https://x.example' }).checkImpersonation,
    ).toBe(false);
    expect(config({ workload_identity_provider: PROVIDER }).checkImpersonation).toBe(false);
    expect(config({ credentials_json: JSON.stringify(key) }).checkImpersonation).toBe(false);
  });

  it('is true or false', () => {
    expect(errorOf({ ...wif, verify_service_account: 'no' })).toBe(
      '"verify_service_account" must be true or false, got "no".',
    );
  });
});

describe('retries and time limits', () => {
  it('defaults: retries bounded by a 2 min budget alone, 30 s per attempt', () => {
    const c = config({ workload_identity_provider: PROVIDER });
    expect(c.retries).toBeUndefined();
    expect(c.retryTimeoutMs).toBe(120_000);
    expect(c.requestTimeoutMs).toBe(30_000);
  });

  it('reads retry_timeout as a duration, like access_token_lifetime', () => {
    const retryTimeout = (text: string) => config({ workload_identity_provider: PROVIDER, retry_timeout: text });
    expect(retryTimeout('90s').retryTimeoutMs).toBe(90_000);
    expect(retryTimeout('1m30s').retryTimeoutMs).toBe(90_000);
    expect(retryTimeout('45').retryTimeoutMs).toBe(45_000);
    expect(retryTimeout('0s').retryTimeoutMs).toBe(0);
    expect(retryTimeout('10m').retryTimeoutMs).toBe(600_000);
  });

  it.each(['forever', '-1s', '11m', '1h', '2 min'])('rejects retry_timeout "%s"', (text) => {
    expect(errorOf({ workload_identity_provider: PROVIDER, retry_timeout: text })).toBe(
      `"retry_timeout" must be a duration from 0s to 10m such as 2m or 90s, got "${text}".`,
    );
  });

  it('keeps retries working: 0 = none, N = at most N within the budget', () => {
    expect(config({ workload_identity_provider: PROVIDER, retries: '0' }).retries).toBe(0);
    expect(config({ workload_identity_provider: PROVIDER, retries: '3' }).retries).toBe(3);
    expect(config({ workload_identity_provider: PROVIDER, retries: '100' }).retries).toBe(100);
  });

  it.each(['-1', '101', 'many', '2.5'])('rejects retries "%s"', (text) => {
    expect(errorOf({ workload_identity_provider: PROVIDER, retries: text })).toMatch(
      /^"retries" must be a whole number from 0 to 100 \(0: no retries\), or empty for as many as retry_timeout allows; got "/,
    );
  });
});
