// @ts-check
/**
 * Fake AWS endpoints on 127.0.0.1, over one AwsWorld:
 *   - AWS STS (query API, XML): AssumeRole (SigV4-verified independently) and
 *     AssumeRoleWithWebIdentity;
 *   - EC2 instance metadata with IMDSv2 session tokens;
 *   - the ECS container credentials endpoint.
 * Point the action at them with AWS_ENDPOINT_URL_STS,
 * AWS_EC2_METADATA_SERVICE_ENDPOINT and AWS_CONTAINER_CREDENTIALS_FULL_URI.
 */
import crypto from 'node:crypto';
import { AwsError } from './aws-sigv4-verify.mjs';
import { startFakeServer } from './http-server.mjs';

/** @typedef {import('./types.mjs').FakeRequest} FakeRequest */
/** @typedef {import('./types.mjs').FakeResponse} FakeResponse */
/** @typedef {import('./aws-types.mjs').AwsWorld} AwsWorld */
/** @typedef {import('./aws-types.mjs').AwsKeyRecord} AwsKeyRecord */
/** @typedef {import('./aws-types.mjs').FakeImdsOptions} FakeImdsOptions */
/** @typedef {import('./aws-types.mjs').FakeEcsOptions} FakeEcsOptions */

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** @param {string} s */
function xmlEscape(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * AWS's XML error envelope.
 * @param {AwsError} err
 * @returns {FakeResponse}
 */
function xmlError(err) {
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml' },
    body:
      `<ErrorResponse xmlns="${STS_NS}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${err.code}</Code>\n` +
      `    <Message>${xmlEscape(err.message)}</Message>\n  </Error>\n  <RequestId>${crypto.randomUUID()}</RequestId>\n</ErrorResponse>\n`,
  };
}

/**
 * @param {string} action
 * @param {AwsKeyRecord} issued
 * @param {string} assumedRoleArn
 * @returns {FakeResponse}
 */
function credentialsXml(action, issued, assumedRoleArn) {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body:
      `<${action}Response xmlns="${STS_NS}">\n  <${action}Result>\n` +
      `    <AssumedRoleUser>\n      <Arn>${assumedRoleArn}</Arn>\n      <AssumedRoleId>AROA:${assumedRoleArn.split('/').pop()}</AssumedRoleId>\n    </AssumedRoleUser>\n` +
      `    <Credentials>\n      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>\n` +
      `      <SecretAccessKey>${xmlEscape(issued.secretAccessKey)}</SecretAccessKey>\n` +
      `      <SessionToken>${xmlEscape(issued.sessionToken ?? '')}</SessionToken>\n` +
      `      <Expiration>${new Date(issued.expiresAt ?? 0).toISOString()}</Expiration>\n    </Credentials>\n` +
      `  </${action}Result>\n  <ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata>\n</${action}Response>\n`,
  };
}

/**
 * @param {Record<string, string>} params
 * @returns {{ roleArn: string, sessionName: string, duration: number }}
 */
function roleParams(params) {
  const roleArn = params['RoleArn'] ?? '';
  const sessionName = params['RoleSessionName'] ?? '';
  const duration = Number(params['DurationSeconds'] ?? 3600);
  if (!/^arn:aws:iam::\d{12}:role\/.+$/.test(roleArn))
    throw new AwsError('ValidationError', `Invalid RoleArn "${roleArn}"`, 400);
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) throw new AwsError('ValidationError', 'Invalid RoleSessionName', 400);
  if (!(duration >= 900 && duration <= 43200))
    throw new AwsError('ValidationError', 'DurationSeconds out of range', 400);
  return { roleArn, sessionName, duration };
}

/**
 * @param {AwsWorld} world
 */
export async function startFakeAwsSts(world) {
  return startFakeServer({
    name: 'aws-sts',
    handler: (req) => {
      try {
        if (req.method !== 'POST' || req.path !== '/')
          throw new AwsError('InvalidAction', 'Only POST / is served', 400);
        const params = req.form ?? {};
        if (params['Version'] !== '2011-06-15')
          throw new AwsError('InvalidParameterValue', 'Version must be 2011-06-15', 400);
        if (params['Action'] === 'AssumeRole') {
          const { record } = world.authenticate({
            method: req.method,
            url: `http://${req.headers.host}${req.record.url}`,
            headers: /** @type {Record<string, string>} */ (req.headers),
            body: req.body,
          });
          const { roleArn, sessionName, duration } = roleParams(params);
          const role = world.roles.get(roleArn);
          const caller = record.arn;
          if (
            !role ||
            !(role.trust?.(caller) ?? true) ||
            (role.externalId !== undefined && params['ExternalId'] !== role.externalId)
          ) {
            throw new AwsError(
              'AccessDenied',
              `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
            );
          }
          const assumed = world.assumedRoleArn(roleArn, sessionName);
          return credentialsXml('AssumeRole', world.issueSession(assumed, duration), assumed);
        }
        if (params['Action'] === 'AssumeRoleWithWebIdentity') {
          const { roleArn, sessionName, duration } = roleParams(params);
          const role = world.roles.get(roleArn);
          const token = params['WebIdentityToken'] ?? '';
          if (!role || !(role.webIdentityTokens ?? []).includes(token)) {
            throw new AwsError('InvalidIdentityToken', 'Incorrect token audience or unknown token', 400);
          }
          const assumed = world.assumedRoleArn(roleArn, sessionName);
          return credentialsXml('AssumeRoleWithWebIdentity', world.issueSession(assumed, duration), assumed);
        }
        throw new AwsError('InvalidAction', `Could not find operation ${params['Action'] ?? ''}`, 400);
      } catch (err) {
        if (err instanceof AwsError) return xmlError(err);
        throw err;
      }
    },
  });
}

/**
 * The credentials JSON IMDS and the container endpoint share.
 * @param {AwsKeyRecord} issued
 * @param {Record<string, string>} [extra]
 */
function credentialsJson(issued, extra = {}) {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      Code: 'Success',
      LastUpdated: new Date().toISOString(),
      Type: 'AWS-HMAC',
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      Token: issued.sessionToken,
      Expiration: new Date(issued.expiresAt ?? 0).toISOString(),
      ...extra,
    }),
  };
}

/** @param {number} status @param {string} body @returns {FakeResponse} */
const text = (status, body) => ({ status, headers: { 'content-type': 'text/plain' }, body });

/**
 * EC2 instance metadata. IMDSv2 by default: a request without a valid
 * session token gets 401, as on instances that require v2.
 * @param {AwsWorld} world
 * @param {FakeImdsOptions} options
 */
export async function startFakeImds(world, options) {
  const tokens = new Set();
  const account = options.accountId ?? '111122223333';
  const instanceId = 'i-0123456789abcdef0';
  return startFakeServer({
    name: 'imds',
    handler: (req) => {
      if (req.method === 'PUT' && req.path === '/latest/api/token') {
        const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
        if (!(ttl >= 1 && ttl <= 21600)) return text(400, 'Bad Request');
        const token = `AQAEA${crypto.randomBytes(32).toString('base64url')}`;
        tokens.add(token);
        return text(200, token);
      }
      if (req.method !== 'GET') return text(405, 'Method Not Allowed');
      const token = req.headers['x-aws-ec2-metadata-token'];
      if (token !== undefined ? !tokens.has(token) : options.requireV2 !== false) return text(401, 'Unauthorized');
      const creds = '/latest/meta-data/iam/security-credentials/';
      if (req.path === '/latest/meta-data/') return text(200, 'ami-id\niam/\nplacement/');
      if (req.path === '/latest/meta-data/placement/availability-zone')
        return text(200, options.availabilityZone ?? 'eu-west-1b');
      if (!options.roleName) return text(404, 'Not Found');
      if (req.path === creds) return text(200, options.roleName);
      // The role is asked for by name, percent-encoded as any path segment (a name may hold any character).
      if (decodedPath(req.path) === `${creds}${options.roleName}`) {
        const arn = `arn:aws:sts::${account}:assumed-role/${options.roleName}/${instanceId}`;
        return credentialsJson(world.issueSession(arn, 6 * 3600));
      }
      return text(404, 'Not Found');
    },
  });
}

/**
 * A request path with its percent-escapes decoded, as a web server reads it
 * (undefined when they are malformed).
 * @param {string} path
 * @returns {string | undefined}
 */
function decodedPath(path) {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * The ECS task-role endpoint (any path), optionally demanding an
 * Authorization header as EKS Pod Identity does.
 * @param {AwsWorld} world
 * @param {FakeEcsOptions} options
 */
export async function startFakeEcs(world, options) {
  return startFakeServer({
    name: 'ecs',
    handler: (req) => {
      if (options.authorizationToken !== undefined && req.headers['authorization'] !== options.authorizationToken) {
        return { status: 401, headers: { 'content-type': 'application/json' }, body: '{"Message":"Unauthorized"}' };
      }
      const arn = world.assumedRoleArn(options.roleArn, 'ecs-task-0123');
      return credentialsJson(world.issueSession(arn, 6 * 3600), { RoleArn: options.roleArn });
    },
  });
}
