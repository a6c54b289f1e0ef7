/**
 * The options a source parsed from the inputs, typed by its definition: the
 * inputs go through readConfig (which picks the source and refuses stray
 * inputs), and the definition's own `parse` gives its options. And what a
 * source's facts (data) say, as diagnose.ts reads them.
 */
import { readConfig } from '../../src/config.js';
import { hintContext, hintsOfSource, memberOf, principalFor } from '../../src/diagnose.js';
import type { ServiceError } from '../../src/errors.js';
import type { JwtClaims } from '../../src/jwt.js';
import { parseProviderName, type ProviderName } from '../../src/provider-name.js';
import type { SourceDefinition, SubjectSource } from '../../src/sources/subject-source.js';

export function sourceOptions<Options>(definition: SourceDefinition<Options>, inputs: Record<string, string>): Options {
  const get = (name: string): string => (inputs[name] ?? '').trim();
  const { auth } = readConfig(get);
  if (auth.kind !== 'workload_identity' || auth.source.kind !== definition.kind) {
    throw new Error(`expected subject_token_source ${definition.kind}`);
  }
  return definition.parse(get, auth.provider);
}

/** The principal a source's facts name for these claims (the summary's). */
export function principalOfSource(source: SubjectSource, provider: string | ProviderName, claims: JwtClaims): string {
  return principalFor(source.facts.principal, providerOf(provider), claims);
}

/** The member a source's facts name in the hint to grant roles/iam.workloadIdentityUser. */
export function memberOfSource(
  source: SubjectSource,
  provider: string | ProviderName,
  claims: JwtClaims | undefined,
): string {
  return memberOf(source.facts.member, providerOf(provider), claims);
}

/** A source's hints for a failure of Google STS or of its own service, as diagnose.ts applies them. */
export function hintsOfSourceFor(
  source: SubjectSource,
  provider: string | ProviderName,
  err: ServiceError,
  claims?: JwtClaims,
): string[] {
  return hintsOfSource(source.facts, hintContext(err, providerOf(provider), claims));
}

function providerOf(provider: string | ProviderName): ProviderName {
  return typeof provider === 'string' ? parseProviderName(provider, 'googleapis.com') : provider;
}
