/**
 * Results are written here and nowhere else: outputs, exported environment
 * variables, state for the post step, and the job summary. Values reaching
 * this module were masked where they were obtained.
 */

import type { Config } from './config.js';
import type { Token } from './google/token.js';
import type { OwnAccessToken } from './identity/index.js';
import type { Log } from './log.js';
import { STATE_ADC_FILE, STATE_CLEANUP, STATE_CREDENTIALS_FILE } from './post-state.js';
import { escapeInvisible } from './runner-commands.js';
import * as runner from './runner-files.js';
import type { SourceEnvironment } from './sources/subject-source.js';
import { rfc3339 } from './timestamp.js';

const PROJECT_VARIABLES = [
  'CLOUDSDK_CORE_PROJECT',
  'CLOUDSDK_PROJECT',
  'GCLOUD_PROJECT',
  'GCP_PROJECT',
  'GOOGLE_CLOUD_PROJECT',
] as const;

const CREDENTIALS_VARIABLES = [
  'GOOGLE_APPLICATION_CREDENTIALS',
  'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE',
  'GOOGLE_GHA_CREDS_PATH',
] as const;

/**
 * A token output that expires sooner than this is said so in the log: a later step may outlive it. Google STS
 * gives a federated token no longer than the subject token it was exchanged for (GitHub's lasts about 5 minutes).
 */
const SHORT_LIVED_MS = 10 * 60_000;

export class Results {
  private readonly exported: string[] = [];
  private readonly summaryRows: Array<[string, string]> = [];

  constructor(
    private readonly config: Config,
    private readonly log: Log,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  credentialsFile(file: string): void {
    runner.setOutput('credentials_file_path', file);
    runner.saveState(STATE_CREDENTIALS_FILE, file);
    runner.saveState(STATE_CLEANUP, String(this.config.cleanupCredentials));
    // The post step removes only files it recognises; this one has gcloud's fixed name, not a random one.
    if (this.config.credentialsFileLocation.kind === 'adc') runner.saveState(STATE_ADC_FILE, 'true');
    this.log.info(`Created credentials file ${file}`);
    if (this.config.exportEnvironmentVariables) {
      // A second authentication in the job: its variables win, and the user should see that they did.
      const earlier = this.env['GOOGLE_APPLICATION_CREDENTIALS'];
      if (earlier && earlier !== file) {
        this.log.info(
          `Replacing GOOGLE_APPLICATION_CREDENTIALS=${earlier} (set by an earlier step or the workflow): later ` +
            `steps use ${file}. An earlier auth step's outputs and file stay valid until its own post step.`,
        );
      }
      for (const name of CREDENTIALS_VARIABLES) this.export(name, file);
    }
    this.summaryRows.push(['Credentials file', file]);
  }

  /** `found`: the project the way in found out itself (the metadata server's), used when project_id is not set. */
  project(found?: string): void {
    const { projectId, projectIdSource } =
      this.config.projectId === undefined && found
        ? { projectId: found, projectIdSource: 'metadata_server' }
        : this.config;
    if (projectId === undefined) {
      this.log.info(
        'No project ID: set the project_id input (or use a service account of the form ' +
          'name@PROJECT.iam.gserviceaccount.com) to export CLOUDSDK_CORE_PROJECT and GOOGLE_CLOUD_PROJECT.',
      );
      return;
    }
    runner.setOutput('project_id', projectId);
    if (this.config.exportEnvironmentVariables) {
      for (const name of PROJECT_VARIABLES) this.export(name, projectId);
    }
    this.log.debug(`Project ID ${projectId} (from ${projectIdSource})`);
    this.summaryRows.push(['Project', projectId]);
  }

  authToken(token: Token): void {
    runner.setOutput('auth_token', token.token);
    runner.setOutput('auth_token_expiration', rfc3339(token.expiresAt));
    // Direct federation with token_format access_token outputs this same token as access_token: said there.
    if (this.config.serviceAccount || this.config.tokenFormat !== 'access_token')
      this.sayIfShortLived('auth_token', token);
  }

  accessToken(token: Token): void {
    runner.setOutput('access_token', token.token);
    runner.setOutput('access_token_expiration', rfc3339(token.expiresAt));
    this.summaryRows.push(['Access token expires', rfc3339(token.expiresAt)]);
    this.sayIfShortLived('access_token', token);
  }

  /**
   * Says in the log when a token output expires within SHORT_LIVED_MS, and what lasts longer. access_token is
   * asked for, so it is a warning; auth_token is always set and seldom used, so an info line.
   */
  private sayIfShortLived(output: 'auth_token' | 'access_token', token: Token): void {
    const seconds = Math.max(0, Math.round((token.expiresAt.getTime() - Date.now()) / 1000));
    if (seconds * 1000 >= SHORT_LIVED_MS) return;
    const longer = !this.config.serviceAccount
      ? "set service_account and token_format: access_token (a service account's token lasts access_token_lifetime, 1h by default)"
      : output === 'auth_token'
        ? "use token_format: access_token (the service account's token lasts access_token_lifetime)"
        : 'raise access_token_lifetime';
    const line =
      `${output} expires at ${rfc3339(token.expiresAt)}, in ${Math.floor(seconds / 60)}m${seconds % 60}s: a later ` +
      `step that uses it after that fails. For a token that lasts longer, ${longer}; or use tools that read the ` +
      'credentials file, which get fresh tokens themselves (for Docker: gcloud auth configure-docker).';
    if (output === 'access_token') this.log.warning(line);
    else this.log.info(line);
  }

  /** The identity's own access token (direct federation), with what its user must know about it. */
  ownAccessToken(own: OwnAccessToken): void {
    this.log.info(own.caveat);
    this.summaryRows.push(['Access token', own.caveat]);
    this.accessToken(own.token);
  }

  idToken(token: string): void {
    runner.setOutput('id_token', token);
    this.summaryRows.push(['ID token', `created (audience ${this.config.idToken.audience ?? ''})`]);
  }

  /**
   * What later steps need to use this sign-in: a subject source's variables
   * for the credentials file (e.g. AWS credentials), or the metadata server's
   * impersonation variables.
   */
  sourceEnvironment(exported: SourceEnvironment | undefined): void {
    if (!exported) return;
    if (exported.summary) this.summaryRows.push(['Credentials for later steps', exported.summary]);
    const names = Object.keys(exported.variables);
    if (names.length > 0 && !this.config.exportEnvironmentVariables) {
      this.log.warning(
        `export_environment_variables is false, so ${names.join(', ')} ` +
          'were not exported: tools that read the credentials file may not find what they need.',
      );
      return;
    }
    for (const [name, value] of Object.entries(exported.variables)) this.export(name, value);
    this.log.info(exported.note);
  }

  describe(label: string, value: string): void {
    this.summaryRows.push([label, value]);
  }

  /** Writes the job summary; never fails the step. */
  async writeSummary(): Promise<void> {
    if (!process.env['GITHUB_STEP_SUMMARY']) return;
    const rows = [...this.summaryRows];
    if (this.exported.length > 0) rows.push(['Exported variables', this.exported.join(', ')]);
    try {
      await runner.summary
        .addHeading('Google Cloud authentication', 3)
        .addTable([
          [
            { data: 'What', header: true },
            { data: 'Value', header: true },
          ],
          ...rows.map(([what, value]) => [escapeHtml(what), escapeHtml(escapeInvisible(value))]),
        ])
        .write();
    } catch (err) {
      this.log.debug(`Could not write the job summary: ${String(err)}`);
    }
  }

  private export(name: string, value: string): void {
    runner.exportVariable(name, value);
    this.exported.push(name);
  }
}

/** The summary is HTML; values such as an audience come from inputs, a principal from a token's claims. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
