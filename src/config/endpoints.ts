/** The Google endpoints: the universe's (input universe), or the overrides a workflow sets. */
import type { CommonInput, CommonInputReader, Endpoints } from '../config.js';
import { validateEndpoint, validateUniverse } from '../forms.js';

const DEFAULT_UNIVERSE = 'googleapis.com';

/**
 * Each Google endpoint: its input (sts_endpoint, ...), else the variable
 * GHA_ENDPOINT_OVERRIDE_<name> that the action we replace honours (same
 * names, same full-URL values, e.g. GHA_ENDPOINT_OVERRIDE_sts:
 * https://sts.example.p.googleapis.com/v1), else the universe's. An input
 * wins: it is the more specific setting, made for this step. Both are held to
 * the same form (https, or http to loopback).
 */
export function readEndpoints(get: CommonInputReader, env: NodeJS.ProcessEnv): Endpoints {
  const universe = validateUniverse(get('universe') || DEFAULT_UNIVERSE, 'universe');
  const userOrigins: string[] = [];
  const endpoint = (
    name: 'sts' | 'iamcredentials' | 'oauth2' | 'www',
    input: CommonInput | undefined,
    fallback: string,
  ) => {
    const variable = `GHA_ENDPOINT_OVERRIDE_${name}`;
    const given = input ? get(input) : '';
    const value = given
      ? validateEndpoint(given, input ?? name)
      : env[variable]?.trim()
        ? validateEndpoint(env[variable].trim(), variable)
        : undefined;
    if (value === undefined) return fallback;
    userOrigins.push(new URL(value).origin);
    return value;
  };
  return {
    universe,
    sts: endpoint('sts', 'sts_endpoint', `https://sts.${universe}/v1`),
    iamcredentials: endpoint('iamcredentials', 'iamcredentials_endpoint', `https://iamcredentials.${universe}/v1`),
    oauth2: endpoint('oauth2', 'oauth2_endpoint', `https://oauth2.${universe}`),
    // No input for it, as in the action we replace.
    www: endpoint('www', undefined, `https://www.${universe}`),
    userOrigins,
  };
}
