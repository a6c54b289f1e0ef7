/**
 * End-to-end, the bundled action: values that outside parties control — a
 * token's claims, instance and container metadata, an earlier step's
 * environment, an input — reach the log as data and never as workflow
 * commands (issue 21, section 1).
 *
 * The runner reads every line of a step's output for commands: `::name::`
 * after leading white space (U+0085 too, as .NET trims it) and the legacy
 * `##[name]` anywhere in a line, with lines ending at LF, CR or CRLF. A value
 * that could end the log line and start one of its own could
 * `::stop-commands::` the runner, after which no `::add-mask::` works and a
 * token printed later shows. Each run here carries every payload (a line
 * break, or none, then a command) in one value; `parseWorkflowCommands` reads
 * the output by the runner's rules and only the action's own commands may be
 * seen.
 *
 * E2E_MAIN_SCRIPT runs another build of dist/main/index.js (an older commit's,
 * to show that this suite catches the hole it closes).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { type AwsWorld, awsSubjectTokenVerifier, createAwsWorld, type FakeAws, startFakeAws } from '../fakes/aws.mjs';
import { azureIdentity, azureProvider, type FakeAzureImds, startFakeAzureImds } from '../fakes/azure-imds.mjs';
import {
  DEFAULT_PROVIDER,
  type ProviderConfig,
  parseWorkflowCommands,
  type RunActionResult,
  type WorkflowCommand,
} from '../fakes/index.mjs';
import { errorsOf, SA } from '../support/e2e.js';
import { type RunMainOptions, useFakeWorld } from '../support/fake-world.js';
import { AWS_ACCOUNT, AWS_PROVIDER, AZURE_PROVIDER } from '../support/fixtures.js';

/** What every payload's command carries, so that anything it smuggled in can be recognised. */
const MARKER = 'PWNED';

/** The commands an attacker would want the runner to obey, in both syntaxes. */
const COMMANDS = [
  `::notice::${MARKER}`,
  `::stop-commands::${MARKER}TOKEN`,
  `::add-mask::${MARKER}-mask`,
  `::set-env name=${MARKER}::y`,
  `::save-state name=${MARKER}::v`,
  `::add-path::/${MARKER}`,
  // A command of a kind the action writes too: only where it stands tells it apart.
  `::error::${MARKER}`,
  `##[error]${MARKER}`,
  `##[stop-commands]${MARKER}TOKEN`,
];

/**
 * What may come before a command to start a line of its own (or, for `##[`,
 * merely stand next to it): the runner's line breaks, white space it trims,
 * and separators that are line breaks elsewhere (U+0085 NEXT LINE, U+2028).
 */
const BREAKS = ['\n', '\r', '\r\n', '\u0085', '\u2028', '\n  ', '\r\t', '\n\t \u0085', ''];

/** Every break before every command. */
const PAYLOADS = BREAKS.flatMap((lead) => COMMANDS.map((command) => lead + command));

/** `prefix` followed by every payload, in one value. */
function hostile(prefix: string, payloads: readonly string[] = PAYLOADS): string {
  return prefix + payloads.join('');
}

/** The commands the action itself writes; it writes them at the start of a line, without properties. */
const OWN_COMMANDS = new Set(['add-mask', 'debug', 'warning', 'error']);

/**
 * How the action shows a value it did not write: every control and
 * line-separator character as a visible \uXXXX, and the legacy `##[` as
 * `\u0023#[`, so that the whole value stays on its one line.
 */
function shown(value: string): string {
  const hex = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  // eslint-disable-next-line no-control-regex -- control characters are what is shown escaped
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, hex).replace(/##\[/g, '\\u0023#[');
}

/** A short name standing for a long value: Google caps google.subject at 127 bytes. */
function digest(value: unknown): string {
  return createHash('sha256').update(String(value)).digest('hex').slice(0, 32);
}

const HOSTILE_SUB = hostile('repo:octo-org/octo-repo:ref:refs/heads/main');
const HOSTILE_OID = hostile('4f1c9a2e-0000-4000-8000-000000000001');
// The identity's name is what follows the last "/" of xms_mirid, so its payloads hold no "/".
const HOSTILE_MIRID = `/subscriptions/0/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${hostile(
  'deploy',
  PAYLOADS.filter((p) => !p.includes('/')),
)}`;
const HOSTILE_ROLE_ARN = hostile(`arn:aws:iam::${AWS_ACCOUNT}:role/ecs-task`);
// The action reads the first line of the role listing, so the role name's payloads hold no LF.
const HOSTILE_ROLE_NAME = hostile(
  'runner-role',
  PAYLOADS.filter((p) => !p.includes('\n')),
);
const HOSTILE_EARLIER_FILE = hostile('/home/runner/earlier-creds.json');

const RESOURCE = 'api://gcp-wif-runner';
const MAIN_SCRIPT = process.env['E2E_MAIN_SCRIPT'];

let imds: FakeAzureImds;
let aws: FakeAws;
let awsWorld: AwsWorld;
let scratch: string;

beforeAll(async () => {
  imds = await startFakeAzureImds({
    systemAssigned: { ...azureIdentity('hostile'), objectId: HOSTILE_OID, resourceId: HOSTILE_MIRID },
    resources: [RESOURCE],
  });
  awsWorld = createAwsWorld();
  aws = await startFakeAws({
    world: awsWorld,
    imds: { roleName: HOSTILE_ROLE_NAME, accountId: AWS_ACCOUNT, availabilityZone: 'eu-central-1a' },
    ecs: { roleArn: HOSTILE_ROLE_ARN },
  });
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'hostile-values-'));
});

/** The usual mappings, with google.subject shortened so that Google accepts these long values. */
const shortSubject =
  (claim: string, attributes: (claims: Record<string, unknown>) => Record<string, string>) =>
  (claims: Record<string, unknown>) => ({ ...attributes(claims), 'google.subject': `s-${digest(claims[claim])}` });

const { world, runMain, expectNoLeaks } = useFakeWorld({
  actionDefaults: true,
  environment: () => ({
    github: { claims: { sub: HOSTILE_SUB } },
    google: {
      providers: {
        [DEFAULT_PROVIDER]: {
          attributeMapping: shortSubject('sub', (c) => ({
            'attribute.repository': String(c['repository']),
            'attribute.repository_owner': String(c['repository_owner']),
          })),
        },
        [AZURE_PROVIDER]: {
          ...azureProvider(imds, { allowedAudiences: [RESOURCE] }),
          attributeMapping: shortSubject('sub', (c) => ({ 'attribute.tid': String(c['tid']) })),
        },
        [AWS_PROVIDER]: {
          type: 'aws',
          verifyAwsSubjectToken: awsSubjectTokenVerifier(awsWorld),
          attributeMapping: shortSubject('arn', (c) => ({ 'attribute.aws_account': String(c['account']) })),
        } satisfies ProviderConfig,
      },
    },
  }),
  inputs: (world) => ({ workload_identity_provider: world.workloadIdentityProvider, retries: '0' }),
  timeoutMs: 30_000,
});

afterAll(async () => {
  await imds?.close();
  await aws?.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

function run(inputs: Record<string, string>, env: Record<string, string | undefined> = {}): Promise<RunActionResult> {
  const options: RunMainOptions = MAIN_SCRIPT ? { script: path.resolve(MAIN_SCRIPT) } : {};
  return runMain(inputs, env, options);
}

/** A command as the runner read it, with the raw line it came from. */
interface SeenCommand extends Pick<WorkflowCommand, 'command' | 'message' | 'properties' | 'stream'> {
  line: string;
}

/**
 * The commands the runner would obey that the action did not write itself:
 * another command than its own four, one that does not start its line as
 * the action writes them (`##[error]` in the middle of a line, say), one
 * whose message is a payload's (the action's own begin with its own words),
 * or a mask of a payload's value.
 */
function foreignCommands(result: RunActionResult): SeenCommand[] {
  const streams: Array<['stdout' | 'stderr', string]> = [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ];
  return streams.flatMap(([stream, text]) => {
    const lines = text.split(/\r\n|\r|\n/);
    return parseWorkflowCommands(text, stream)
      .map((c) => ({ ...c, line: lines[c.line] ?? '' }))
      .filter(
        (c) =>
          !OWN_COMMANDS.has(c.command) ||
          !c.line.startsWith(`::${c.command}::`) ||
          c.message.startsWith(MARKER) ||
          (c.command === 'add-mask' && c.message.includes(MARKER)),
      )
      .map(({ command, message, properties, line }) => ({ command, message, properties, stream, line }));
  });
}

/** The plain lines of the log (the runner's line rules), without the action's commands. */
function logLines(result: RunActionResult): string[] {
  return result.stdout.split(/\r\n|\r|\n/).filter((line) => line !== '' && !line.startsWith('::'));
}

/** Every secret the fakes of this suite handed out, beyond GitHub's and Google's. */
function otherSecrets(): string[] {
  return [
    ...imds.issuedTokens,
    ...[...awsWorld.keys.values()].flatMap((k) => [k.secretAccessKey, k.sessionToken ?? '']),
  ].filter(Boolean);
}

/**
 * The run obeyed no command but the action's own, wrote nothing to the
 * runner's files on a payload's behalf, and the runner's log, masked as the
 * runner masks it, holds no token.
 */
function expectInert(result: RunActionResult): void {
  expect(foreignCommands(result)).toEqual([]);
  expect(result.addedPaths.filter((p) => p.includes(MARKER))).toEqual([]);
  expect(Object.keys(result.exportedEnv).filter((name) => name.includes(MARKER))).toEqual([]);
  expect(Object.keys(result.state).filter((name) => name.includes(MARKER))).toEqual([]);
  expectNoLeaks(result, otherSecrets());
}

/** The log shows `value` whole, on one line that begins with `start`. */
function expectShownOnOneLine(result: RunActionResult, start: string, value: string): void {
  const line = logLines(result).find((l) => l.startsWith(start));
  expect(line).toBeDefined();
  expect(line).toContain(shown(value));
}

describe('outside values in the log are data, never workflow commands', () => {
  it('a hostile sub claim, in the direct-access line that names the federated principal', async () => {
    const result = await run({ token_format: 'access_token', project_id: 'my-project' });
    expectInert(result);
    expect(errorsOf(result)).toEqual([]);
    expect(result.code).toBe(0);
    expectShownOnOneLine(
      result,
      "access_token is the federated principal's own token (principal://",
      `/subject/${HOSTILE_SUB}), not a service account's`,
    );
    expect(result.masks).toContain(result.outputs['access_token']);
  });

  it('hostile Azure claims (oid, xms_mirid), in the line that says whose token it is', async () => {
    const result = await run(
      { workload_identity_provider: AZURE_PROVIDER, subject_token_source: 'azure', azure_resource: RESOURCE },
      { ...imds.env, ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
    );
    expectInert(result);
    expect(errorsOf(result)).toEqual([]);
    expect(result.code).toBe(0);
    const name = HOSTILE_MIRID.slice(HOSTILE_MIRID.lastIndexOf('/') + 1);
    expectShownOnOneLine(
      result,
      `Azure managed identity: token for "${RESOURCE}" from the user-assigned identity "${shown(name)}"`,
      `(object ID ${HOSTILE_OID}).`,
    );
  });

  describe('AWS metadata', () => {
    let home: string;
    beforeAll(async () => {
      home = await fs.mkdtemp(path.join(scratch, 'home-'));
    });
    // No real AWS is ever asked: STS is the fake's, HOME is empty, instance metadata is the fake's or off.
    const awsEnv = () => ({
      HOME: home,
      AWS_ENDPOINT_URL_STS: aws.sts.origin,
      AWS_EC2_METADATA_DISABLED: 'true',
      ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
    });

    it('a hostile RoleArn from the ECS container endpoint', async () => {
      const result = await run(
        { workload_identity_provider: AWS_PROVIDER, subject_token_source: 'aws', aws_region: 'us-east-2' },
        { ...awsEnv(), AWS_CONTAINER_CREDENTIALS_FULL_URI: aws.ecsUrl },
      );
      expectInert(result);
      expect(errorsOf(result)).toEqual([]);
      expect(result.code).toBe(0);
      expectShownOnOneLine(
        result,
        'AWS credentials: access key ASIA… from ECS container credentials',
        HOSTILE_ROLE_ARN,
      );
    });

    it('a hostile role name from EC2 instance metadata', async () => {
      const result = await run(
        { workload_identity_provider: AWS_PROVIDER, subject_token_source: 'aws' },
        { ...awsEnv(), AWS_EC2_METADATA_DISABLED: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: aws.imds.origin },
      );
      expectInert(result);
      expect(errorsOf(result)).toEqual([]);
      expect(result.code).toBe(0);
      expectShownOnOneLine(
        result,
        'AWS credentials: access key ASIA… from EC2 instance metadata (instance role "',
        `${HOSTILE_ROLE_NAME}").`,
      );
    });
  });

  it('a hostile GOOGLE_APPLICATION_CREDENTIALS of an earlier step, in the line that says it is replaced', async () => {
    const result = await run({ service_account: SA }, { GOOGLE_APPLICATION_CREDENTIALS: HOSTILE_EARLIER_FILE });
    expectInert(result);
    expect(errorsOf(result)).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.exportedEnv['GOOGLE_APPLICATION_CREDENTIALS']).toBe(result.outputs['credentials_file_path']);
    expectShownOnOneLine(
      result,
      'Replacing GOOGLE_APPLICATION_CREDENTIALS=',
      `${HOSTILE_EARLIER_FILE} (set by an earlier step or the workflow)`,
    );
  });

  it('a credentials_file_location with line breaks is refused, before any request', async () => {
    // Each command once, each after another break; the directory exists (where the file system allows
    // such a name), so that only the check of the input itself can refuse it.
    const location = path.join(
      scratch,
      hostile(
        'creds',
        COMMANDS.map((command, i) => (BREAKS[i % (BREAKS.length - 1)] ?? '\n') + command),
      ),
    );
    await fs.mkdir(location, { recursive: true }).catch(() => undefined);
    const before = world.github.requestCount + world.google.requestCount;
    const result = await run({ credentials_file_location: location });
    expectInert(result);
    expect(result.code).toBe(1);
    expect(errorsOf(result)).toEqual([
      'Invalid input: "credentials_file_location" must be a path on one line, without control characters or ' +
        'line breaks.',
    ]);
    expect(world.github.requestCount + world.google.requestCount).toBe(before);
    expect(result.outputs['credentials_file_path']).toBeUndefined();
  });
});
