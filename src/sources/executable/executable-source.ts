/**
 * subject_token_source: executable — Google's executable-sourced
 * credentials. A program of the user's prints a JSON answer holding an OIDC
 * token or a SAML assertion; the action runs it now for the direct exchange,
 * and the credentials file names it (credential_source.executable) so that
 * tools run it again themselves, once GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1
 * lets them.
 *
 * Loaded only when subject_token_source is "executable" (see index.ts).
 */
import { lstatSync } from 'node:fs';

import { EnvironmentError } from '../../errors.js';
import { claimsLine, decodeJwtClaims } from '../../jwt.js';
import type { Log } from '../../log.js';
import type { ProviderName } from '../../provider-name.js';
import { describeLimit, MAX_SMALL_FILE_BYTES, readSmallRegularFile, type SmallFile } from '../../regular-file.js';
import { rfc3339 } from '../../timestamp.js';
import type { SourceContext, SourceEnvironment, SourceFacts, SubjectSource, SubjectToken } from '../subject-source.js';
import { SUBJECT_TOKEN_TYPES } from '../shared/token-type.js';
import { COMMAND_INPUT } from './command.js';
import type { ExecutableOptions } from './index.js';
import { redactProgramOutput, tokensInAnswer } from './redact.js';
import { type ExecutableAnswer, isExpired, parseAnswer } from './response.js';
import { runExecutable } from './run.js';

const SERVICE = 'Executable';

/** Claims of an OIDC token that may be shown (none of them secret). */
const DIAGNOSTIC_CLAIMS = ['iss', 'sub', 'aud', 'azp', 'exp'] as const;

/** The variable without which the client libraries refuse to run an executable. */
export const ALLOW_EXECUTABLES = 'GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES';

export function createExecutableSource(options: ExecutableOptions, context: SourceContext): ExecutableSource {
  return new ExecutableSource(options, context);
}

export class ExecutableSource implements SubjectSource {
  readonly facts: SourceFacts;
  readonly subjectTokenType: string;
  private readonly provider: ProviderName;
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: Log;
  /**
   * Tools pass the program the account they impersonate (from the file's
   * service_account_impersonation_url); the action passes the same.
   */
  private readonly serviceAccount: string | undefined;
  private readonly now: () => Date;
  private readonly label: string;

  constructor(
    private readonly options: ExecutableOptions,
    context: SourceContext,
  ) {
    this.provider = context.provider;
    this.env = context.env;
    this.log = context.log;
    this.serviceAccount = context.serviceAccount;
    this.now = context.now ?? (() => new Date());
    this.subjectTokenType = options.subjectTokenType;
    this.label = `${COMMAND_INPUT} (${options.argv[0] ?? ''})`;
    this.facts = factsFor(options.subjectTokenType);
  }

  /** What gcloud's create-cred-config --executable-command writes. */
  async credentialSource(): Promise<Record<string, unknown>> {
    const { command, timeoutMs, outputFile } = this.options;
    return {
      executable: {
        command,
        timeout_millis: timeoutMs,
        ...(outputFile !== undefined ? { output_file: outputFile } : {}),
      },
    };
  }

  async subjectToken(): Promise<SubjectToken> {
    const answer = this.cachedAnswer() ?? (await this.freshAnswer());
    if (!answer.success) {
      throw new EnvironmentError(
        `${this.label} answered "success": false with code ${JSON.stringify(answer.code)}: ` +
          `${JSON.stringify(redactProgramOutput(answer.message.slice(0, 500), []))}`,
      );
    }
    if (this.options.outputFile !== undefined && answer.expiresAt === undefined) {
      throw new EnvironmentError(
        `${this.label} answered without "expiration_time", which is required with executable_output_file (the ` +
          'client libraries would otherwise reuse the cached answer forever). Add "expiration_time" (Unix seconds).',
      );
    }
    if (isExpired(answer, this.now())) {
      throw new EnvironmentError(
        `${this.label} answered with a token that expired at ${rfc3339(answer.expiresAt ?? this.now())}: ` +
          "make it fetch a fresh one (and check the runner's clock).",
      );
    }
    if (answer.tokenType !== this.subjectTokenType) {
      throw new EnvironmentError(
        `${this.label} answered "token_type": "${answer.tokenType}", but subject_token_type is ` +
          `${this.subjectTokenType}. Set subject_token_type to ${shortName(answer.tokenType)} (the type the ` +
          'provider expects), or make the program answer that type.',
      );
    }
    const claims = answer.tokenType === SUBJECT_TOKEN_TYPES.saml2 ? {} : (decodeJwtClaims(answer.token) ?? {});
    const shown = claimsLine(claims, DIAGNOSTIC_CLAIMS);
    if (shown) this.log.debug(`${SERVICE}: token claims: ${shown}`);
    return { token: answer.token, claims };
  }

  /**
   * A still valid answer in executable_output_file, as the client libraries
   * reuse it: a missing or empty file, a failed or expired answer means the
   * program runs; an answer that is not valid JSON is an error. Unlike the
   * client libraries, the file must be one only the runner's user could have
   * written (as OpenSSH treats key files): whoever writes it chooses the token.
   */
  private cachedAnswer(): (ExecutableAnswer & { success: true }) | undefined {
    const file = this.options.outputFile;
    if (file === undefined) return undefined;
    const text = this.readOutputFile(file);
    if (text === undefined) {
      this.log.info(`No cached answer in ${file} (executable_output_file) yet: running ${this.label}.`);
      return undefined;
    }
    if (text === '') return undefined;
    const answer = parseAnswer(text, `executable_output_file ${file} holds`);
    if (!answer.success || isExpired(answer, this.now())) {
      this.log.info(
        `The cached answer in ${file} (executable_output_file) ${answer.success ? 'has expired' : 'is a failure'}: ` +
          `running ${this.label}.`,
      );
      return undefined;
    }
    const until = answer.expiresAt ? `, valid until ${rfc3339(answer.expiresAt)}` : '';
    this.log.info(`Used the cached answer in ${file} (executable_output_file${until}); ${this.label} was not run.`);
    return answer;
  }

  /** The output file's text, or undefined when there is none yet; an error for a file that must not be trusted. */
  private readOutputFile(file: string): string | undefined {
    const where = `executable_output_file ${file}`;
    let read: SmallFile;
    try {
      // lstat first for a clear message about a link (Windows has no O_NOFOLLOW); the checks below use fstat.
      if (lstatSync(file).isSymbolicLink()) throw Object.assign(new Error('link'), { code: 'ELOOP' });
      read = readSmallRegularFile(file, { noFollow: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'ELOOP') {
        throw new EnvironmentError(
          `${where} is a symbolic link: the cached answer must be a regular file of the runner's user. Remove ` +
            `the link (rm ${file}); ${this.label} then writes the file itself.`,
        );
      }
      throw new EnvironmentError(`${where} could not be read (${code ?? 'error'}): make it readable, or remove it.`);
    }
    if (!read.ok) {
      if (read.problem === 'too-large') {
        throw new EnvironmentError(
          `${where} is ${read.size} bytes, over the limit of ${describeLimit(MAX_SMALL_FILE_BYTES)} for an ` +
            `answer: remove it, and check that ${this.label} writes only its JSON answer there.`,
        );
      }
      throw new EnvironmentError(
        `${where} is ${read.problem === 'directory' ? 'a directory' : 'not a regular file (a FIFO, socket or device)'}: ` +
          `it must be a regular file, or not exist yet. Remove it (${this.label} then writes it).`,
      );
    }
    const uid = process.getuid?.();
    if (uid !== undefined && read.stat.uid !== uid) {
      throw new EnvironmentError(
        `${where} is owned by uid ${read.stat.uid}, not by the runner's user (uid ${uid}): another user could ` +
          `choose the token it holds. Remove it (${this.label} then writes it as the runner's user), or ` +
          `chown it to that user and chmod 600 it.`,
      );
    }
    // Windows reports no group/other bits (any writable file is 0666): its ACLs decide there.
    if (process.platform !== 'win32' && (read.stat.mode & 0o022) !== 0) {
      const mode = (read.stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new EnvironmentError(
        `${where} is writable by ${read.stat.mode & 0o020 ? 'its group' : 'other users'} (mode ${mode}): ` +
          `another user could choose the token it holds. Run chmod 600 ${file} (and have ${this.label} create ` +
          'it with mode 0600).',
      );
    }
    return read.text;
  }

  /** The tokens in the output file now (the program may have written one there before failing). */
  private tokensInOutputFile(): string[] {
    const file = this.options.outputFile;
    if (file === undefined) return [];
    try {
      const read = readSmallRegularFile(file, { noFollow: true });
      return read.ok ? tokensInAnswer(read.text) : [];
    } catch {
      return [];
    }
  }

  private async freshAnswer(): Promise<ExecutableAnswer> {
    const { argv, timeoutMs, outputFile } = this.options;
    const impersonatedEmail = this.serviceAccount;
    const started = Date.now();
    const { stdout, stderr } = await runExecutable({
      argv,
      env: {
        ...commandEnvironment(this.env),
        // What google-auth-library sets, so that the program behaves the same here and in tools.
        GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE: this.provider.stsAudience,
        GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE: this.subjectTokenType,
        GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE: '0',
        ...(outputFile !== undefined ? { GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE: outputFile } : {}),
        ...(impersonatedEmail !== undefined ? { GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL: impersonatedEmail } : {}),
      },
      timeoutMs,
      label: this.label,
      otherTokens: () => this.tokensInOutputFile(),
    });
    const answer = parseAnswer(stdout, `${this.label} printed`);
    this.log.info(`Ran ${this.label} (${Date.now() - started} ms).`);
    if (stderr) {
      // google-auth-library (Node.js) parses stdout and stderr together as the answer.
      this.log.warning(
        `${this.label} succeeded but wrote to stderr. google-auth-library (Node.js) reads stdout and stderr as one ` +
          'answer, so tools reading the credentials file may fail to parse it: write nothing to stderr on success.',
      );
      this.log.debug(`${SERVICE}: stderr:\n${stderr}`);
    }
    return answer;
  }

  /** Tools read the same file and run the same program, which they do only when allowed. */
  environmentForTools(): SourceEnvironment {
    return {
      variables: { [ALLOW_EXECUTABLES]: '1' },
      note:
        `Exported ${ALLOW_EXECUTABLES}=1: tools reading the credentials file run ${this.label} themselves ` +
        'to get a subject token, and Google client libraries refuse to run it without this variable.',
    };
  }
}

/** Principals and hints as data (diagnose.ts applies them). */
function factsFor(subjectTokenType: string): SourceFacts {
  return {
    name: SERVICE,
    diagnosticClaims: DIAGNOSTIC_CLAIMS,
    // google.subject = assertion.sub, the mapping of an OIDC provider.
    principal: { subject: ['sub'], placeholder: 'SUBJECT' },
    // The token's own principal: the one member every provider mapping (google.subject) yields.
    member: { subject: ['sub'], placeholder: 'SUBJECT' },
    hints: {
      audience: ({ claims, provider }) =>
        `The token's audience${typeof claims?.['aud'] === 'string' ? ` "${claims['aud']}"` : ''} is not one the ` +
        `provider accepts: by default "https://${provider.iamHost}/${provider.name}", or its allowed ` +
        'audiences. The program gets the provider as GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE.',
      rules: [
        {
          when: ({ text }) => text.includes('issuer'),
          hint: () =>
            "The provider's issuer URI must be the token's iss claim exactly, and the issuer's keys (JWKS) must sign it.",
        },
        {
          when: ({ text }) => text.includes('signature'),
          hint: () =>
            "The token's signature does not verify with the provider's keys: check its JWKS (or uploaded keys).",
        },
        {
          when: ({ text }) => text.includes('subject_token_type') || text.includes('saml'),
          hint: () =>
            `subject_token_type (${subjectTokenType}) must be what the provider takes: jwt or id_token for an ` +
            'OIDC provider, saml2 for a SAML provider.',
        },
      ],
      attributeCondition:
        "The provider's attribute condition rejected this token: compare it with the claims shown below.",
      expired: "The token is expired or not yet valid: check its exp/iat and the runner's clock.",
    },
  };
}

/** The step's environment without its INPUT_* variables, which later steps (where tools run the program) lack. */
function commandEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('INPUT_')));
}

function shortName(urn: string): string {
  return Object.entries(SUBJECT_TOKEN_TYPES).find(([, value]) => value === urn)?.[0] ?? urn;
}
