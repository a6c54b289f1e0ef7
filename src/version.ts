/** Name and version in the User-Agent of every request (a test keeps VERSION equal to package.json's). */
export const ACTION_NAME = 'gcp-auth-action';
export const VERSION = '1.0.0';

export function userAgent(env: NodeJS.ProcessEnv): string {
  const ref = env['GITHUB_ACTION_REF'] ? ` (ref ${env['GITHUB_ACTION_REF']})` : '';
  return `${ACTION_NAME}/${VERSION}${ref} node/${process.versions.node}`;
}
