/**
 * subject_token_source: file as the pipeline sees it: its inputs, the
 * credential_source it writes, the token and the claims it reads (JWT or
 * SAML), and what diagnose.ts prints with its principals and hints.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { type Config, readConfig, type WorkloadIdentityAuth } from '../../src/config.js';
import { describeFailure } from '../../src/diagnose.js';
import { ConfigError, ServiceError } from '../../src/errors.js';
import { STS_SERVICE } from '../../src/google/sts.js';
import { Http } from '../../src/http.js';
import type { Log } from '../../src/log.js';
import { stdout as runnerStdout } from '../../src/runner-commands.js';
import { samlClaims } from '../../src/sources/shared/external-token.js';
import type { SubjectSource } from '../../src/sources/subject-source.js';
import { tokenFile } from '../../src/sources/file/index.js';
import { captureMasks } from '../fakes/aws.mjs';
import { getKeyPair, signJwt } from '../fakes/index.mjs';
import { GCLOUD_POOL as POOL, GCLOUD_PROVIDER as PROVIDER } from '../support/fixtures.js';
import { hintsOfSourceFor, memberOfSource, principalOfSource, sourceOptions } from '../support/source-options.js';

const SAML2 = 'urn:ietf:params:oauth:token-type:saml2';
const quietLog: Log = { debug: () => {}, info: () => {}, warning: () => {} };

let dir: string;
let masks: ReturnType<typeof captureMasks>;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'file-source-'));
  masks = captureMasks(runnerStdout);
});
afterEach(() => {
  masks.stop();
  rmSync(dir, { recursive: true, force: true });
});

function configFor(inputs: Record<string, string>): Config {
  return readConfig(
    (name) => ({ workload_identity_provider: PROVIDER, subject_token_source: 'file', ...inputs })[name] ?? '',
  );
}

/** The inputs configFor gives readConfig. */
function fileInputs(inputs: Record<string, string>): Record<string, string> {
  return { workload_identity_provider: PROVIDER, subject_token_source: 'file', ...inputs };
}

async function sourceFor(inputs: Record<string, string>): Promise<SubjectSource> {
  const auth = configFor(inputs).auth as WorkloadIdentityAuth;
  const http = new Http({ userAgent: 'test', retries: 0, requestTimeoutMs: 1000, log: quietLog });
  return auth.source.start({ provider: auth.provider, env: {}, http, log: quietLog });
}

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('inputs', () => {
  it('parses the file (made absolute), the format and the token type', () => {
    const options = sourceOptions(
      tokenFile,
      fileInputs({ subject_token_file: 'tokens/gcp', subject_token_type: 'saml2' }),
    );
    expect(options).toEqual({
      file: path.resolve('tokens/gcp'),
      format: { type: 'text', explicit: false },
      subjectTokenType: SAML2,
    });
  });

  it('says what is missing or wrong', () => {
    expect(() => configFor({})).toThrow(
      new ConfigError(
        'subject_token_source: file needs "subject_token_file": the path of the file that holds the token ' +
          '(for example /var/run/secrets/tokens/gcp, a projected service-account token).',
      ),
    );
    expect(() => configFor({ subject_token_file: '/a\nb' })).toThrow(/a path on one line/);
    expect(() => configFor({ subject_token_file: '/a', subject_token_headers: 'X: y' })).toThrow(
      /"subject_token_headers" applies only with subject_token_source: url/,
    );
    expect(() => configFor({ subject_token_file: '/a', audience: 'x' })).toThrow(
      /"audience" applies only with subject_token_source: github/,
    );
  });
});

describe('the token and its claims', () => {
  it('a JWT: masked, claims decoded; the credential_source names the same file', async () => {
    const token = signJwt(
      { sub: 'system:serviceaccount:ns:sa', iss: 'https://k8s', aud: 'a' },
      getKeyPair('k8s').privateKey,
    );
    const file = write('jwt', token);
    const source = await sourceFor({ subject_token_file: file });
    expect(await source.credentialSource()).toEqual({ file });
    const { token: read, claims } = await source.subjectToken();
    expect(read).toBe(token);
    expect(claims).toMatchObject({ sub: 'system:serviceaccount:ns:sa', iss: 'https://k8s' });
    expect(masks.values).toEqual([token]);
    expect(principalOfSource(source, PROVIDER, claims)).toBe(
      `principal://iam.googleapis.com/${POOL}/subject/system:serviceaccount:ns:sa`,
    );
    expect(memberOfSource(source, PROVIDER, claims)).toBe(principalOfSource(source, PROVIDER, claims));
  });

  it('SAML: not decoded as a JWT; issuer, subject and audience read from the XML', async () => {
    const xml =
      '<samlp:Response><saml:Assertion><saml:Issuer>https://idp.example</saml:Issuer><saml:Subject>' +
      '<saml:NameID Format="x">alice@example.com</saml:NameID></saml:Subject><saml:Conditions><saml:AudienceRestriction>' +
      '<saml:Audience>https://iam.googleapis.com/x</saml:Audience></saml:AudienceRestriction></saml:Conditions>' +
      '</saml:Assertion></samlp:Response>';
    const response = Buffer.from(xml).toString('base64');
    const source = await sourceFor({ subject_token_file: write('saml', response), subject_token_type: 'saml2' });
    expect(source.subjectTokenType).toBe(SAML2);
    const { token, claims } = await source.subjectToken();
    expect(token).toBe(response);
    expect(claims).toEqual({
      saml_issuer: 'https://idp.example',
      saml_subject: 'alice@example.com',
      saml_audience: 'https://iam.googleapis.com/x',
    });
    expect(principalOfSource(source, PROVIDER, claims)).toBe(
      `principal://iam.googleapis.com/${POOL}/subject/alice@example.com`,
    );
    expect(samlClaims('not base64 at all!')).toEqual({});
  });

  it('no subject known: the pool in the summary, a placeholder in the gcloud hint', async () => {
    const source = await sourceFor({ subject_token_file: write('opaque', 'opaque-token') });
    const { claims } = await source.subjectToken();
    expect(claims).toEqual({});
    expect(principalOfSource(source, PROVIDER, claims)).toBe(
      `a principal of principalSet://iam.googleapis.com/${POOL}`,
    );
    expect(memberOfSource(source, PROVIDER, undefined)).toBe(`principal://iam.googleapis.com/${POOL}/subject/SUBJECT`);
  });

  it('a file that is not a regular file', async () => {
    const source = await sourceFor({ subject_token_file: '/dev/null' });
    await expect(source.subjectToken()).rejects.toThrow('subject_token_file /dev/null is not a regular file');
  });
});

describe('diagnostics', () => {
  const sts = (message: string, reason = 'invalid_grant') =>
    new ServiceError(STS_SERVICE, 400, message, 'POST https://sts.googleapis.com/v1/token', 1, reason);

  it('claims shown and hints for another issuer; none of GitHub', async () => {
    const source = await sourceFor({ subject_token_file: '/t' });
    const claims = {
      sub: 'system:serviceaccount:ns:sa',
      aud: 'https://kubernetes.default.svc',
      iss: 'https://k8s',
      email: 'x',
    };
    const message = describeFailure(
      sts('The audience in ID Token [https://kubernetes.default.svc] does not match the expected audience.'),
      { config: configFor({ subject_token_file: '/t' }), source: source.facts, claims },
    );
    expect(message).toContain(
      'Hint: The token\'s audience ("https://kubernetes.default.svc") is not one the provider accepts',
    );
    expect(message).toContain(
      'Token sent by Token file: sub="system:serviceaccount:ns:sa", aud="https://kubernetes.default.svc", iss="https://k8s"',
    );
    expect(message).not.toContain('email');
    expect(message).not.toMatch(/id-token|repository|GitHub/);
  });

  it('an unknown provider (invalid_target) is not taken for a token audience problem', async () => {
    const source = await sourceFor({ subject_token_file: '/t' });
    const err = sts(
      'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
      'invalid_target',
    );
    expect(hintsOfSourceFor(source, PROVIDER, err, {})).toEqual([]);
  });

  it.each([
    ['Unable to parse the ID Token.', /could not read the token as urn:ietf:params:oauth:token-type:jwt/],
    [
      'The issuer in ID Token https://a does not match the expected ones: https://b.',
      /must be the provider's --issuer-uri/,
    ],
    ['Invalid ID Token signature.', /--jwk-json-path/],
    ['The given credential is rejected by the attribute condition.', /attribute condition rejected this token/],
    ['ID Token issued at 1 is stale to sign-in.', /expired or not yet valid/],
  ])('STS says %j', async (text, hint) => {
    const source = await sourceFor({ subject_token_file: '/t' });
    expect(hintsOfSourceFor(source, PROVIDER, sts(text), {})).toEqual([expect.stringMatching(hint)]);
  });
});
