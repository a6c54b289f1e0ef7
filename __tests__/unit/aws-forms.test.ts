/**
 * The validators of sources/aws/forms.ts (regions, role ARNs, session names, external IDs, profiles, endpoints),
 * with accepted and rejected values taken from the forms AWS documents.
 */
import {
  validateAwsProfile,
  validateAwsRegion,
  validateExternalId,
  validateRoleArn,
  validateRoleSessionName,
} from '../../src/sources/aws/forms.js';
import { stsEndpoint } from '../../src/sources/aws/region.js';
import { messageOf } from '../support/unit.js';

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
