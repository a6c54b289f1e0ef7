/** Name and version in the User-Agent of every request (a test keeps VERSION equal to package.json's). */
export const ACTION_NAME = 'gcp-auth-action';
export const VERSION = '1.0.0';

export function userAgent(env: NodeJS.ProcessEnv): string {
  const ref = env['GITHUB_ACTION_REF'] ? ` (ref ${env['GITHUB_ACTION_REF']})` : '';
  return `${ACTION_NAME}/${VERSION}${ref} node/${process.versions.node}`;
}

/**
 * A warning when the workflow runs this action from a branch (`@main`): a
 * branch moves under the user's feet, and this action handles credentials.
 * Tags that look like versions and full commit SHAs are pinned enough.
 */
export function unpinnedRefWarning(ref: string | undefined): string | undefined {
  if (!ref) return undefined; // a local action (uses: ./) has no ref
  if (/^[0-9a-f]{40}$/i.test(ref) || /^v?\d+(\.\d+){0,2}([-+][\w.-]+)?$/.test(ref)) return undefined;
  return (
    `This action is pinned to "${ref}", which looks like a branch: its code can change under you. ` +
    'Pin it to a release tag (@v1) or, better, a full commit SHA.'
  );
}
