/**
 * The validators of forms.ts, with accepted and rejected values taken from
 * the forms Google documents. Those of sources/aws/forms.ts are in
 * aws-forms.test.ts, the URL builders that back them up in request-urls.test.ts,
 * and readConfig applying them in config-input-forms.test.ts.
 */
import { readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import {
  validateAudience,
  validateDelegate,
  validateEndpoint,
  validatePoolOrProviderId,
  validateProjectId,
  validateScope,
  validateServiceAccount,
  validateServiceAccountOrId,
  validateUniverse,
  validateWorkspaceUser,
} from '../../src/forms.js';
import { serviceAccountMethodUrl } from '../../src/google/iam-credentials.js';
import { GITHUB_PROVIDER as PROVIDER_NAME, SA } from '../support/fixtures.js';
import { messageOf } from '../support/unit.js';

describe('service accounts (IAM: account ID [a-z]([-a-z0-9]*[a-z0-9]), then @ and the domain)', () => {
  it.each([
    'my-sa@my-project.iam.gserviceaccount.com',
    'deployer@my-project.iam.gserviceaccount.com',
    // Google-managed accounts start with the project number.
    '123456789012-compute@developer.gserviceaccount.com',
    'service-123456789012@gcp-sa-cloudbuild.iam.gserviceaccount.com',
    'my-project@appspot.gserviceaccount.com',
    // Another universe (Cloud de Confiance by S3NS) and a domain-scoped project.
    'my-sa@my-project.s3ns.iam.gserviceaccount.com',
    'my-sa@my-project.example.com.iam.gserviceaccount.com',
  ])('accepts %s unchanged', (email) => {
    expect(validateServiceAccount(email, 'service_account')).toBe(email);
  });

  it.each([
    // From issue 11: each would have picked another IAM Credentials method or path.
    'sa@my-project.iam.gserviceaccount.com:signBlob?x=',
    'sa@my-project.iam.gserviceaccount.com#',
    'sa@my-project.iam.gserviceaccount.com/../../x',
    'sa%40my-project.iam.gserviceaccount.com',
    'sa@my-project.iam.gserviceaccount.com%2F..',
    'sa@my-project.iam.gserviceaccount.com\r\nX-Evil: 1',
    'sa@@my-project.iam.gserviceaccount.com',
    'projects/-/serviceAccounts/sa@my-project.iam.gserviceaccount.com',
    '-sa@my-project.iam.gserviceaccount.com',
    'sa-@my-project.iam.gserviceaccount.com',
    'sa@my-project..iam.gserviceaccount.com',
    'sa@-my-project.iam.gserviceaccount.com',
    'sa@localhost',
    'sa@127.0.0.1',
    'sä@my-project.iam.gserviceaccount.com',
    `${'a'.repeat(64)}@my-project.iam.gserviceaccount.com`,
    'sa',
  ])('rejects %j, showing the expected form', (value) => {
    const message = messageOf(() => validateServiceAccount(value, 'service_account'));
    expect(message).toMatch(
      /^"service_account" must be a service account email such as my-sa@my-project\.iam\.gserviceaccount\.com \(letters, digits and hyphens, then @ and a domain name\), got "/,
    );
    expect(message).not.toMatch(/[\r\n]/);
  });

  it("takes a service account's 21-digit unique ID in service_account (not in a key's client_email)", () => {
    const id = '112233445566778899001';
    expect(validateServiceAccountOrId(id, 'service_account')).toBe(id);
    expect(validateServiceAccountOrId(SA, 'service_account')).toBe(SA);
    expect(serviceAccountMethodUrl('https://iamcredentials.googleapis.com/v1', id, 'generateAccessToken')).toBe(
      `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${id}:generateAccessToken`,
    );
    // No project is derived from an ID, as an email names one (no project_id: none).
    const c = readConfig((name) => ({ workload_identity_provider: PROVIDER_NAME, service_account: id })[name] ?? '');
    expect([c.serviceAccount, c.projectId]).toEqual([id, undefined]);
    for (const value of ['11223344556677889900', '1122334455667788990011', '11223344556677889900x', `${id}:signBlob`]) {
      expect(messageOf(() => validateServiceAccountOrId(value, 'service_account'))).toMatch(
        /^"service_account" must be a service account email such as .*, or its 21-digit unique ID, got "/,
      );
    }
    expect(() => validateServiceAccount(id, 'client_email')).toThrow(ConfigError);
  });

  it('takes delegates as emails or as projects/-/serviceAccounts/EMAIL, and returns the email', () => {
    const email = 'one@p-123456.iam.gserviceaccount.com';
    expect(validateDelegate(email, 'delegates')).toBe(email);
    expect(validateDelegate(`projects/-/serviceAccounts/${email}`, 'delegates')).toBe(email);
    for (const value of [
      `projects/my-project/serviceAccounts/${email}`,
      `projects/-/serviceAccounts/${email}:signJwt`,
      `projects/-/serviceAccounts/projects/-/serviceAccounts/${email}`,
    ]) {
      expect(messageOf(() => validateDelegate(value, 'delegates'))).toMatch(/^"delegates" must be a service account/);
    }
  });
});

describe("access_token_subject (Workspace usernames: letters, digits, - _ ' and .)", () => {
  it.each(['alice@example.com', 'alice.smith@example.co.uk', "o'brien@example.com", 'a_b-c@sub.example.com'])(
    'accepts %s',
    (email) => expect(validateWorkspaceUser(email, 'access_token_subject')).toBe(email),
  );

  it.each([
    'alice',
    'alice@',
    '@example.com',
    'alice@example',
    '.alice@example.com',
    'alice..smith@example.com',
    'alice smith@example.com',
    'alice@example.com\n',
    'alice@example.com?x=1',
    '"alice"@example.com',
    `${'a'.repeat(65)}@example.com`,
  ])('rejects %j', (value) => {
    expect(messageOf(() => validateWorkspaceUser(value, 'access_token_subject'))).toMatch(
      /^"access_token_subject" must be the email of a Google Workspace user such as alice@example\.com/,
    );
  });
});

describe('pool and provider IDs (4-32 of [a-z0-9-], "gcp-" reserved)', () => {
  const form = 'Expected the full provider name: projects/<PROJECT_NUMBER>/...';

  it.each(['github-pool', 'gh-provider', 'abcd', '1234', 'a'.repeat(32), 'my-gcp-pool'])('accepts %s', (id) => {
    expect(validatePoolOrProviderId(id, 'pool', form)).toBe(id);
  });

  it.each([
    ['abc', /pool ID "abc": pool IDs are 4-32 lowercase letters, digits and hyphens/],
    ['a'.repeat(33), /pool IDs are 4-32/],
    ['GitHub-Pool', /pool IDs are 4-32/],
    ['gh-provider?x=1', /pool IDs are 4-32/],
    ['gh_pool', /pool IDs are 4-32/],
    ['gcp-pool', /\(the prefix "gcp-" is reserved by Google\)/],
  ])('rejects %j', (id, pattern) => {
    const message = messageOf(() => validatePoolOrProviderId(id, 'pool', form));
    expect(message).toMatch(/^"workload_identity_provider" has the pool ID/);
    expect(message).toMatch(pattern);
    expect(message).toContain(form);
  });
});

describe('project_id (6-30 of lowercase letters, digits and hyphens, a letter first, no hyphen last)', () => {
  it.each(['my-project', 'example-foo-bar-1', 'a'.repeat(30), 'example.com:my-project'])('accepts %s', (id) => {
    expect(validateProjectId(id, 'project_id')).toBe(id);
  });

  it.each(['my-p', 'a'.repeat(31), '1project', 'my-project-', 'My-Project', 'my_project', 'my-project/x', ''])(
    'rejects %j',
    (id) => {
      expect(messageOf(() => validateProjectId(id, 'project_id'))).toBe(
        `"project_id" "${id}" is not a project ID (6-30 lowercase letters, digits and hyphens, starting with a letter).`,
      );
    },
  );
});

describe('access_token_scopes (scope URLs or short names)', () => {
  it.each([
    'https://www.googleapis.com/auth/cloud-platform',
    'https://www.googleapis.com/auth/devstorage.read_only',
    'https://www.googleapis.com/auth/admin.directory.user',
    'https://mail.google.com/',
    'openid',
    'email',
    'profile',
  ])('accepts %s', (scope) => expect(validateScope(scope, 'access_token_scopes')).toBe(scope));

  it.each([
    'http://www.googleapis.com/auth/cloud-platform',
    'https://www.googleapis.com/auth/cloud-platform openid',
    'https://www.googleapis.com/auth/cloud-platform?x=1',
    'https://www.googleapis.com/auth/cloud-platform#x',
    'https://user@www.googleapis.com/auth/x',
    'https://www.googleapis.com',
    'cloud platform',
    '%0A',
  ])('rejects %j', (scope) => {
    expect(messageOf(() => validateScope(scope, 'access_token_scopes'))).toMatch(
      /^"access_token_scopes" must list OAuth scopes such as https:\/\/www\.googleapis\.com\/auth\/cloud-platform/,
    );
  });
});

describe('universe (a domain name: it becomes part of every default host)', () => {
  it.each([
    ['googleapis.com', 'googleapis.com'],
    ['s3nsapis.fr', 's3nsapis.fr'],
    ['Example.GOOG', 'example.goog'],
  ])('accepts %s', (value, result) => expect(validateUniverse(value, 'universe')).toBe(result));

  it.each([
    'googleapis.com/x',
    'evil.com#',
    'evil.com?',
    'user@googleapis.com',
    'googleapis..com',
    '-googleapis.com',
    'googleapis.com:443',
    'localhost',
    '127.0.0.1',
    'gооgleapis.com', // Cyrillic o
  ])('rejects %j', (value) => {
    expect(messageOf(() => validateUniverse(value, 'universe'))).toBe(
      `"universe" must be a domain such as googleapis.com, got "${value}".`,
    );
  });
});

describe('audiences (opaque to Google and GitHub, but one printable word)', () => {
  it.each([
    'https://my-service-abc123-uc.a.run.app',
    '123456789-abcdef.apps.googleusercontent.com',
    'https://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/x',
    'sts.amazonaws.com',
  ])('accepts %s', (value) => expect(validateAudience(value, 'id_token_audience')).toBe(value));

  it.each(['two words', 'x\ny', 'é', 'a'.repeat(2049), '\u202e'])('rejects %j', (value) => {
    expect(messageOf(() => validateAudience(value, 'audience'))).toMatch(
      /^"audience" must be one word of at most 2048 printable ASCII characters/,
    );
  });
});

describe('endpoint overrides (https://, plain http:// to loopback only)', () => {
  it.each([
    ['https://sts.example.p.googleapis.com/v1/', 'https://sts.example.p.googleapis.com/v1'],
    ['https://private.googleapis.com', 'https://private.googleapis.com'],
    ['https://10.0.0.5:8443/v1', 'https://10.0.0.5:8443/v1'],
    ['http://127.0.0.1:9999', 'http://127.0.0.1:9999'],
    ['http://127.8.9.10/v1', 'http://127.8.9.10/v1'],
    ['http://[::1]:8080/v1', 'http://[::1]:8080/v1'],
    ['http://localhost:8080/v1', 'http://localhost:8080/v1'],
  ])('accepts %s', (value, result) => expect(validateEndpoint(value, 'sts_endpoint')).toBe(result));

  it.each([
    'http://sts.googleapis.com/v1',
    'http://10.0.0.5/v1',
    'http://169.254.169.254/v1',
    'http://127.0.0.1.example.com/v1',
    'http://localhost.example.com/v1',
    'http://[::ffff:7f00:1]/v1',
    'ftp://sts.example.com/v1',
    'file:///etc/passwd',
  ])('rejects %j, naming the input and the clear-text risk', (value) => {
    expect(messageOf(() => validateEndpoint(value, 'sts_endpoint'))).toMatch(
      /^"sts_endpoint" must be an https:\/\/ URL \(plain http:\/\/ only to a loopback address such as 127\.0\.0\.1 or localhost, for local tests\): tokens sent to it would otherwise travel in clear text\. Got "/,
    );
  });

  it('rejects a query, a fragment, credentials, spaces and non-ASCII, never echoing a password', () => {
    expect(messageOf(() => validateEndpoint('https://sts.example.com/v1?x=1', 'sts_endpoint'))).toBe(
      '"sts_endpoint" must not have a query or fragment, got "https://sts.example.com/v1?x=1".',
    );
    expect(messageOf(() => validateEndpoint('https://sts.example.com/v1?', 'sts_endpoint'))).toMatch(/query/);
    expect(messageOf(() => validateEndpoint('https://sts.example.com/v1#', 'sts_endpoint'))).toMatch(/fragment/);
    const withPassword = messageOf(() => validateEndpoint('https://me:hunter2@sts.example.com/v1', 'sts_endpoint'));
    expect(withPassword).toBe(
      '"sts_endpoint" must not contain a user name or password; give the URL of the service only.',
    );
    for (const value of ['https://sts.example.com/v1\n', 'https://sts.exa\tmple.com/v1', 'https://stś.example.com']) {
      expect(messageOf(() => validateEndpoint(value, 'sts_endpoint'))).toMatch(/printable ASCII characters/);
    }
    expect(messageOf(() => validateEndpoint('sts.example.com', 'sts_endpoint'))).toMatch(/must be a full URL/);
  });

  it.each([
    'https://sts.http://evil.example/v1', // host "sts.http", then a path that starts with //
    'https://sts.example.com//evil.example/v1',
    'https://sts.example.com/v1/../v2',
    'https://sts.example.com/./v1',
    'https://sts.example.com/v1%2F..',
    'https://sts.example.com/v1:signBlob',
    'https://sts.example.com/@evil.example',
    'https://sts.example.com\\@evil.example/v1',
    'https://sts.example.com:/v1',
  ])('rejects %j: a path or host that parsers could read differently', (value) => {
    expect(messageOf(() => validateEndpoint(value, 'sts_endpoint'))).toMatch(
      /^"sts_endpoint" (must be of the form https:\/\/HOST\[:PORT\]\[\/PATH\], the path of letters, digits and \. _ ~ -|must not contain a user name)/,
    );
  });
});
