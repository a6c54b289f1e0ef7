/**
 * The validators of forms.ts and sources/aws/forms.ts, with accepted and
 * rejected values taken from the forms Google and AWS document, and the URL
 * builders that back them up (url-path.ts and one function per service).
 */
import { generateKeyPairSync } from 'node:crypto';

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
import { oauth2TokenUrl } from '../../src/google/oauth2.js';
import { stsTokenUrl } from '../../src/google/sts.js';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import {
  validateAwsProfile,
  validateAwsRegion,
  validateExternalId,
  validateRoleArn,
  validateRoleSessionName,
} from '../../src/sources/aws/forms.js';
import { stsEndpoint } from '../../src/sources/aws/region.js';
import { oidcTokenUrl } from '../../src/sources/github-oidc.js';
import { pathSegment, urlOf } from '../../src/url-path.js';
import { GITHUB_PROVIDER as PROVIDER_NAME, SA } from '../support/fixtures.js';

/** The ConfigError message of `fn`, which must throw one. */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

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

describe('AWS forms', () => {
  it.each(['us-east-1', 'eu-central-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-5', 'eu-isoe-west-1'])(
    'accepts the region %s',
    (region) => expect(validateAwsRegion(region, 'aws_region')).toBe(region),
  );

  it.each(['Europe', 'us-east-1.evil.com', 'us-east-1/', 'us-east-1#', 'US-EAST-1', 'us-east', 'us-east-1\n'])(
    'rejects the region %j',
    (region) => {
      expect(messageOf(() => validateAwsRegion(region, 'aws_region'))).toMatch(
        /^"aws_region" must be an AWS region such as us-east-1, got "[^\n]+"\.$/,
      );
    },
  );

  it.each([
    'arn:aws:iam::123456789012:role/my-role',
    'arn:aws:iam::123456789012:role/service-role/my+role=,.@_-',
    'arn:aws:iam::123456789012:role/a/b/c/my-role',
    'arn:aws-cn:iam::123456789012:role/my-role',
    'arn:aws-us-gov:iam::123456789012:role/my-role',
    'arn:aws-iso-b:iam::123456789012:role/my-role',
  ])('accepts the role ARN %s', (arn) => expect(validateRoleArn(arn, 'aws_role_arn')).toBe(arn));

  it.each([
    'arn:aws:iam::1:role/x',
    'arn:aws:iam::123456789012:user/x',
    'arn:aws:iam::123456789012:role/',
    'arn:aws:iam::123456789012:role/my role',
    'arn:aws:iam::123456789012:role/my-role\n',
    `arn:aws:iam::123456789012:role/${'r'.repeat(65)}`,
    'arn:aws:sts::123456789012:assumed-role/my-role/session',
    'arn:evil:iam::123456789012:role/my-role',
  ])('rejects the role ARN %j', (arn) => {
    expect(messageOf(() => validateRoleArn(arn, 'aws_role_arn'))).toMatch(
      /^"aws_role_arn" must be an IAM role ARN such as arn:aws:iam::123456789012:role\/my-role, got "/,
    );
  });

  it('takes session names of 2-64 [\\w+=,.@-], and external IDs of 2-1224 [\\w+=,.@:/-] without echoing them', () => {
    for (const name of ['GitHubActions', 'ci@octo-org.run-42', 'a=b,c+d_e']) {
      expect(validateRoleSessionName(name, 'aws_role_session_name')).toBe(name);
    }
    for (const name of ['x', 'a'.repeat(65), 'has space', 'a:b', 'a/b', 'é-session']) {
      expect(messageOf(() => validateRoleSessionName(name, 'aws_role_session_name'))).toBe(
        `"aws_role_session_name" must be 2-64 letters, digits or + = , . @ _ -, got "${name}".`,
      );
    }
    for (const id of ['ext-1', 'arn:aws:iam::123456789012:x/y', 'a'.repeat(1224)]) {
      expect(validateExternalId(id, 'aws_role_external_id')).toBe(id);
    }
    for (const id of ['x', 'a'.repeat(1225), 'SECRET ID', 'SECRET\nID', 'SECRET?ID']) {
      const message = messageOf(() => validateExternalId(id, 'aws_role_external_id'));
      expect(message).toBe('"aws_role_external_id" must be 2-1224 letters, digits or + = , . @ : / _ -.');
    }
  });

  it('takes profile names without spaces or brackets', () => {
    for (const name of ['default', 'ci-role', 'team/prod', 'a.b@c']) {
      expect(validateAwsProfile(name, 'aws_profile')).toBe(name);
    }
    for (const name of ['my profile', '[x]', 'x]', 'a\nb', 'é']) {
      expect(messageOf(() => validateAwsProfile(name, 'aws_profile'))).toMatch(
        /^"aws_profile" must be a profile name without spaces or brackets, got "[^\n]+"\.$/,
      );
    }
  });

  it('holds AWS_ENDPOINT_URL(_STS) to the endpoint rule: https://, or http:// to loopback', () => {
    expect(stsEndpoint('eu-west-1', {})).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566/' })).toBe('http://127.0.0.1:4566');
    expect(stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL: 'https://vpce-1.sts.eu-west-1.vpce.amazonaws.com' })).toBe(
      'https://vpce-1.sts.eu-west-1.vpce.amazonaws.com',
    );
    expect(() => stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL_STS: 'http://sts.example.com' })).toThrow(
      'AWS_ENDPOINT_URL_STS "http://sts.example.com" must be an https:// URL (plain http:// only to a loopback address or 169.254.169.254 / [fd00:ec2::254]): AWS credentials come back from it.',
    );
    expect(() => stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL: 'https://sts.example.com/?x=1' })).toThrow(
      'AWS_ENDPOINT_URL must be the URL of the service only: no user name, password, query or fragment.',
    );
  });
});

describe('URLs are built from encoded parts', () => {
  const iam = 'https://iamcredentials.googleapis.com/v1';

  it('leaves valid emails as they are: the impersonation URL tools parse stays byte-identical', () => {
    const sa = 'deployer@my-project.iam.gserviceaccount.com';
    expect(serviceAccountMethodUrl(iam, sa, 'generateAccessToken')).toBe(
      `${iam}/projects/-/serviceAccounts/${sa}:generateAccessToken`,
    );
    // google-auth-library reads the email back with /serviceAccounts\/([^:]+):generateAccessToken$/.
    expect(
      /serviceAccounts\/(?<email>[^:]+):generateAccessToken$/.exec(
        serviceAccountMethodUrl(iam, sa, 'generateAccessToken'),
      )?.groups?.['email'],
    ).toBe(sa);
  });

  it.each([
    'sa@p.iam.gserviceaccount.com:signBlob?x=',
    'sa@p.iam.gserviceaccount.com#',
    'sa@p.iam.gserviceaccount.com/../../../v2/x',
    'a/b',
    '%2e%2e',
    'sa@p.iam.gserviceaccount.com\r\nHost: evil',
  ])('keeps %j inside one path segment, before the method', (value) => {
    const url = new URL(serviceAccountMethodUrl(iam, value, 'signJwt'));
    expect([url.origin, url.search, url.hash]).toEqual(['https://iamcredentials.googleapis.com', '', '']);
    const segments = url.pathname.split('/');
    expect(segments.slice(0, 5)).toEqual(['', 'v1', 'projects', '-', 'serviceAccounts']);
    expect(segments).toHaveLength(6);
    expect(segments[5]).toMatch(/:signJwt$/);
    expect(decodeURIComponent((segments[5] ?? '').replace(/:signJwt$/, ''))).toBe(value);
  });

  it('refuses segments that URL normalization would remove', () => {
    for (const part of ['', '.', '..']) expect(() => pathSegment(part)).toThrow('Not a path segment');
    expect(pathSegment('%2e%2e')).toBe('%252e%252e');
    expect(pathSegment('a@b:c/d?e#f')).toBe('a@b%3Ac%2Fd%3Fe%23f');
    expect(urlOf('https://oauth2.googleapis.com/', 'token')).toBe('https://oauth2.googleapis.com/token');
  });

  it('puts /token after the STS and OAuth2 endpoints', () => {
    expect(stsTokenUrl('https://sts.googleapis.com/v1')).toBe('https://sts.googleapis.com/v1/token');
    expect(oauth2TokenUrl('https://oauth2.googleapis.com')).toBe('https://oauth2.googleapis.com/token');
  });

  it('sets the GitHub OIDC audience as one encoded query parameter', () => {
    const base = 'https://run.actions.githubusercontent.com/abc/idtoken/xyz?api-version=2.0&audience=old';
    const url = new URL(oidcTokenUrl(base, 'https://x/#?&audience=evil y'));
    expect(url.origin + url.pathname).toBe('https://run.actions.githubusercontent.com/abc/idtoken/xyz');
    expect([...url.searchParams]).toEqual([
      ['api-version', '2.0'],
      ['audience', 'https://x/#?&audience=evil y'],
    ]);
    expect(url.hash).toBe('');
  });
});

describe('readConfig applies the forms to every input that reaches a request', () => {
  const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/gh-pool/providers/gh-provider';
  const wif = (inputs: Record<string, string>) => () =>
    readConfig((name) => ({ workload_identity_provider: PROVIDER, ...inputs })[name] ?? '');

  // One row per call site in config.ts (the lead re-applies them to the restructured file).
  it.each<[Record<string, string>, RegExp]>([
    [{ service_account: `${SA}:signBlob?x=` }, /^"service_account" must be a service account email/],
    [{ delegates: `${SA}, ${SA}#` }, /^"delegates" must be a service account email/],
    [
      { service_account: SA, token_format: 'access_token', access_token_subject: 'alice@example.com\nx' },
      /^"access_token_subject" must be the email of a Google Workspace user/,
    ],
    [{ access_token_scopes: 'https://www.googleapis.com/auth/cloud-platform openid' }, /^"access_token_scopes" must/],
    [{ universe: 'googleapis.com/x' }, /^"universe" must be a domain/],
    [{ audience: 'my audience' }, /^"audience" must be one word/],
    [{ id_token_audience: 'https://x\ny' }, /^"id_token_audience" must be one word/],
    [{ project_id: 'my-project?x' }, /^"project_id" "my-project\?x" is not a project ID/],
    [{ sts_endpoint: 'http://sts.example.com/v1' }, /^"sts_endpoint" must be an https:\/\/ URL/],
    [{ iamcredentials_endpoint: 'https://iam.example.com/v1?x' }, /^"iamcredentials_endpoint" must not have a query/],
    [{ oauth2_endpoint: 'https://oauth2.example.com//x' }, /^"oauth2_endpoint" must be of the form/],
    [
      { workload_identity_provider: `${PROVIDER}?x=1` },
      /^"workload_identity_provider" has the provider ID "gh-provider\?x=1": provider IDs are 4-32/,
    ],
    [
      { workload_identity_provider: PROVIDER.replace('gh-pool', 'gcp-pool') },
      /^"workload_identity_provider" has the pool ID "gcp-pool" \(the prefix "gcp-" is reserved by Google\)/,
    ],
    [{ subject_token_source: 'aws', aws_region: 'us-east-1.evil.example' }, /^"aws_region" must be an AWS region/],
    [{ subject_token_source: 'aws', aws_profile: 'a b' }, /^"aws_profile" must be a profile name/],
    [{ subject_token_source: 'aws', aws_role_arn: 'arn:aws:iam::123456789012:role/x?y' }, /^"aws_role_arn" must/],
    [
      { subject_token_source: 'aws', aws_role_arn: 'arn:aws:iam::123456789012:role/x', aws_role_session_name: 'a b' },
      /^"aws_role_session_name" must be 2-64/,
    ],
    [
      { subject_token_source: 'aws', aws_role_arn: 'arn:aws:iam::123456789012:role/x', aws_role_external_id: 'a b' },
      /^"aws_role_external_id" must be 2-1224/,
    ],
  ])('%j', (inputs, pattern) => {
    expect(messageOf(wif(inputs))).toMatch(pattern);
  });

  it('checks the client_email of a key without quoting the key', () => {
    const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const key = {
      type: 'service_account',
      private_key_id: 'abc',
      private_key: privateKey,
      client_email: 'keyed@key-project.iam.gserviceaccount.com:signBlob?x=',
    };
    const write = runnerStdout.write;
    runnerStdout.write = () => undefined; // the masks of the key
    try {
      const message = messageOf(() => readConfig((name) => (name === 'credentials_json' ? JSON.stringify(key) : '')));
      expect(message).toBe(
        'The "client_email" of the key in credentials_json is not a service account email such as ' +
          'my-sa@my-project.iam.gserviceaccount.com. Use the key file exactly as Google Cloud created it.',
      );
    } finally {
      runnerStdout.write = write;
    }
  });
});

describe('path inputs: one line, no control characters, checked before any request (issue 21)', () => {
  const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/gh-pool/providers/gh-provider';
  const read = (inputs: Record<string, string>) => () =>
    readConfig((name) => ({ workload_identity_provider: PROVIDER, ...inputs })[name] ?? '');
  const HOSTILE = ['/tmp/x\n::stop-commands::T', '/tmp/x\r::notice::x', '/tmp/\u0085::add-mask::y', '/tmp/\u2028x'];

  it.each(HOSTILE)('credentials_file_location %j', (value) => {
    expect(read({ credentials_file_location: value })).toThrow(
      new ConfigError(
        '"credentials_file_location" must be a path on one line, without control characters or line breaks.',
      ),
    );
  });

  it.each(HOSTILE)('subject_token_file %j', (value) => {
    expect(read({ subject_token_source: 'file', subject_token_file: value })).toThrow(
      new ConfigError('"subject_token_file" must be a path on one line, without control characters or line breaks.'),
    );
  });

  it.each(HOSTILE)('executable_output_file %j', (value) => {
    expect(
      read({ subject_token_source: 'executable', executable_command: '/bin/true', executable_output_file: value }),
    ).toThrow(
      new ConfigError(
        '"executable_output_file" must be a path on one line, without control characters or line breaks.',
      ),
    );
  });

  it('a relative executable_output_file still says why it must be absolute', () => {
    expect(
      read({
        subject_token_source: 'executable',
        executable_command: '/bin/true',
        executable_output_file: 'cache.json',
      }),
    ).toThrow(
      '"executable_output_file" must be an absolute path (the action and later tools must find the same file), ' +
        'such as /tmp/gcp-token-cache.json, got "cache.json".',
    );
  });
});
