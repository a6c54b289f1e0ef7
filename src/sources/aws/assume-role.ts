/**
 * AWS STS, the two calls the credential chain needs:
 *   - AssumeRole, SigV4-signed with the credentials we have (the aws_role_arn
 *     input, and profiles with role_arn);
 *   - AssumeRoleWithWebIdentity, unsigned: the web identity token is the
 *     proof (EKS IRSA, AWS_WEB_IDENTITY_TOKEN_FILE, web_identity_token_file).
 * Both are query-API calls answered in XML, through our one HTTP layer.
 */
import type { Http } from '../../http.js';
import { maskSecret } from '../../log.js';
import { type AwsCredentials, awsCredentials, describeCredentials, parseTime } from './credentials.js';
import { awsFailure } from './errors.js';
import { stsEndpoint } from './region.js';
import { signRequest } from './sigv4.js';

export const AWS_STS_SERVICE = 'AWS STS';
const API_VERSION = '2011-06-15';

export interface RoleRequest {
  roleArn: string;
  sessionName: string;
  externalId?: string | undefined;
  durationSeconds?: number | undefined;
}

export interface StsContext {
  http: Http;
  env: NodeJS.ProcessEnv;
  region: string;
  now: () => Date;
}

export async function assumeRole(
  ctx: StsContext,
  base: AwsCredentials,
  role: RoleRequest,
  source: string,
): Promise<AwsCredentials> {
  const params: Record<string, string> = {
    Action: 'AssumeRole',
    Version: API_VERSION,
    RoleArn: role.roleArn,
    RoleSessionName: role.sessionName,
    ...(role.durationSeconds !== undefined ? { DurationSeconds: String(role.durationSeconds) } : {}),
    ...(role.externalId ? { ExternalId: role.externalId } : {}),
  };
  const url = new URL(`${stsEndpoint(ctx.region, ctx.env)}/`);
  // Http form-encodes `form` with URLSearchParams; the signature covers these exact bytes.
  const body = new URLSearchParams(params).toString();
  const signed = signRequest({
    method: 'POST',
    url,
    body,
    region: ctx.region,
    service: 'sts',
    credentials: base,
    date: ctx.now(),
  });
  maskSecret(signed.headers['authorization']);
  try {
    const res = await ctx.http.request({
      service: AWS_STS_SERVICE,
      method: 'POST',
      url: url.href,
      headers: { ...signed.headers, Accept: 'text/xml' },
      form: params,
    });
    return parseCredentialsXml(res.body, source, role.roleArn);
  } catch (err) {
    throw awsFailure(`AssumeRole of ${role.roleArn}`, err, describeCredentials(base));
  }
}

export async function assumeRoleWithWebIdentity(
  ctx: StsContext,
  role: RoleRequest,
  webIdentityToken: string,
  source: string,
): Promise<AwsCredentials> {
  maskSecret(webIdentityToken);
  const params: Record<string, string> = {
    Action: 'AssumeRoleWithWebIdentity',
    Version: API_VERSION,
    RoleArn: role.roleArn,
    RoleSessionName: role.sessionName,
    WebIdentityToken: webIdentityToken,
    ...(role.durationSeconds !== undefined ? { DurationSeconds: String(role.durationSeconds) } : {}),
  };
  try {
    const res = await ctx.http.request({
      service: AWS_STS_SERVICE,
      method: 'POST',
      url: `${stsEndpoint(ctx.region, ctx.env)}/`,
      headers: { Accept: 'text/xml' },
      form: params,
    });
    return parseCredentialsXml(res.body, source, role.roleArn);
  } catch (err) {
    throw awsFailure(`AssumeRoleWithWebIdentity of ${role.roleArn}`, err, `web identity token from ${source}`);
  }
}

/** The <Credentials> element of an AssumeRole* answer. */
export function parseCredentialsXml(xml: string, source: string, roleArn: string): AwsCredentials {
  const field = (name: string): string | undefined => {
    const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
    return match?.[1] === undefined ? undefined : decodeXml(match[1].trim());
  };
  return awsCredentials(
    {
      accessKeyId: field('AccessKeyId'),
      secretAccessKey: field('SecretAccessKey'),
      sessionToken: field('SessionToken'),
      expiration: parseTime(field('Expiration')),
      roleArn,
    },
    source,
  );
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}
