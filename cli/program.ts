import { Command, InvalidArgumentError, Option, type OutputConfiguration } from 'commander';
import { version } from '../package.json';
import { EXIT } from './errors';
import { isFunctionNameOrArn } from './function-name';
import { SETTING_FLAGS, type GlobalFlags } from './settings';

/** What the command line asked for, before any AWS client exists. */
export type Invocation =
  | { readonly command: 'status'; readonly flags: GlobalFlags; readonly accountIds?: string[]; readonly logGroups: string[]; readonly auditHours: number }
  | {
      readonly command: 'plan' | 'reconcile';
      readonly flags: GlobalFlags;
      readonly accountIds?: string[];
      /** Invoke the deployed reconciler instead of running its code in this process. */
      readonly functionName?: string;
    }
  | {
      readonly command: 'reconcile';
      readonly flags: GlobalFlags;
      /** The deployed reconciler publishes one work item per account (the scheduled path) and returns a summary. */
      readonly fanOut: true;
      readonly functionName: string;
    }
  | { readonly command: 'why'; readonly flags: GlobalFlags; readonly target: string; readonly hostPort: string }
  | {
      readonly command: 'dead-letters';
      readonly flags: GlobalFlags;
      readonly samples: number;
      readonly logGroups: string[];
      readonly queue?: string;
      readonly redrive: boolean;
    };

interface PlanOrReconcileOptions {
  readonly account?: string[];
  readonly functionName?: string;
  readonly fanOut?: boolean;
}

function accountId(value: string, previous: string[] = []): string[] {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a 12-digit account id.`);
  return [...previous, value];
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number.`);
  return number;
}

function sampleCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 10) throw new InvalidArgumentError(`"${value}" is not a whole number from 0 to 10.`);
  return number;
}

function functionName(value: string): string {
  if (!isFunctionNameOrArn(value)) throw new InvalidArgumentError(`"${value}" is not a Lambda function name or ARN.`);
  return value;
}

const commaList = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);

/**
 * The function to invoke for `--fan-out`, or a usage error (exit 2) saying why not. A fan-out is the reconciler's
 * scheduled path: it always covers the whole organization, only applies, and only runs in the deployed function.
 */
function fanOutFunctionName(command: Command, name: 'plan' | 'reconcile', options: PlanOrReconcileOptions): string {
  const refuse = (why: string): never => command.error(`error: --fan-out ${why}`, { exitCode: EXIT.usage, code: 'egress.fanOutRefused' });
  if (name === 'plan') {
    refuse('cannot be used with plan: a fan-out applies the changes and returns a summary, not a plan. Preview with `egress plan --function-name <name|arn>`');
  }
  if (options.account !== undefined) {
    refuse('covers the whole organization, so it cannot be combined with --account (the reconciler refuses fanOut with accountIds too): drop --fan-out to reconcile only those accounts');
  }
  if (options.functionName === undefined) return refuse('needs --function-name <name|arn>: the fan-out runs in the deployed reconciler, which publishes the work items to its queue');
  return options.functionName;
}

const FAN_OUT_HELP =
  'with --function-name: apply the whole organization as the schedule does, one work item per account on the account-reconcile queue; ' +
  'prints a summary and returns before the accounts converge';

const accountOption = () => new Option('--account <id>', 'only this account (repeat for several)').argParser(accountId);

/**
 * The `egress` command line. `invoke` receives the parsed invocation; keeping AWS out of here lets tests check the
 * parsing alone. Usage errors and help throw a CommanderError (after printing) instead of exiting the process.
 */
export function buildProgram(
  invoke: (invocation: Invocation) => Promise<void>,
  env: Record<string, string | undefined> = process.env,
  output: OutputConfiguration = {},
): Command {
  const program = new Command('egress')
    // Set before the subcommands exist: they copy these settings when created. Errors throw instead of exiting,
    // so the caller owns the exit code.
    .exitOverride()
    .configureOutput(output)
    // Each command's --help lists --json, --region and the setting flags too: they are given before or after it.
    .configureHelp({ showGlobalOptions: true })
    .version(`egress ${version} (node ${process.version})`, '-V, --version', 'print the version of egress and of Node.js')
    .description('Operate the egress proxy control plane: see every account and VPC, preview and apply a reconcile.')
    .option('--json', 'print one JSON document on stdout instead of a table')
    .option('--region <region>', 'the hub region (default: AWS_REGION)')
    .option('--endpoint-url <url>', 'send every AWS call there, e.g. the local cloud (default: AWS_ENDPOINT_URL)')
    .option('--role-arn <arn>', "act as this role, e.g. the control plane's role, which the spoke roles trust (env EGRESS_ROLE_ARN)")
    .option('--deployment-name <name>', "cdk.json's deploymentName, which prefixes the queues' names (env EGRESS_DEPLOYMENT_NAME, default EgressProxy)")
    // A hint, not the whole help: with the global options listed, the help is longer than the error it follows.
    .showHelpAfterError('(add --help for the usage of the command)')
    .addHelpText(
      'after',
      '\nEvery setting flag overrides the environment variable of the same name that the functions read (HUB_SERVICE_ID, ...).\n' +
        'Credentials come from the default AWS chain (AWS_PROFILE, environment, SSO, instance role).\n' +
        'Exit codes: 0 ok, 1 errors in the organization, 2 bad usage or configuration, 3 no credentials, 4 permission denied.',
    );
  for (const setting of SETTING_FLAGS) program.option(setting.option, `${setting.description} (env ${setting.env})`);
  const flagsOf = (command: Command) => command.optsWithGlobals<GlobalFlags>();

  program
    .command('status')
    .description('a table per account and VPC: scope, tagged, endpoint, connection state, last audit decision')
    .addOption(accountOption())
    .option('--log-groups <names>', 'comma-separated log groups of the control plane functions (env EGRESS_AUDIT_LOG_GROUPS)')
    .addOption(new Option('--audit-hours <hours>', 'how far back to look for audit decisions').argParser(positiveNumber).default(24))
    .action(async (options: { account?: string[]; logGroups?: string; auditHours: number }, command: Command) => {
      await invoke({
        command: 'status',
        flags: flagsOf(command),
        ...(options.account === undefined ? {} : { accountIds: options.account }),
        logGroups: commaList(options.logGroups ?? env.EGRESS_AUDIT_LOG_GROUPS),
        auditHours: options.auditHours,
      });
    });

  program
    .command('dead-letters')
    .description('messages the control plane gave up on: count and samples per queue with the reason the handler logged; --redrive moves them back')
    .addOption(new Option('--samples <n>', 'messages shown per queue (0-10), left in the queue').argParser(sampleCount).default(3))
    .option('--queue <name>', 'only this queue, e.g. vpc-onboarding')
    .option('--log-groups <names>', "comma-separated log groups of the control plane functions, where the reasons are (env EGRESS_AUDIT_LOG_GROUPS)")
    .option('--redrive', "start SQS's message move task: the dead letters go back to their queue and the function retries them")
    .action(async (options: { samples: number; queue?: string; logGroups?: string; redrive?: boolean }, command: Command) => {
      await invoke({
        command: 'dead-letters',
        flags: flagsOf(command),
        samples: options.samples,
        logGroups: commaList(options.logGroups ?? env.EGRESS_AUDIT_LOG_GROUPS),
        ...(options.queue === undefined ? {} : { queue: options.queue }),
        redrive: options.redrive === true,
      });
    });

  program
    .command('why')
    .description("would the fleet let this VPC (or endpoint) reach host[:port], and by which policy? Exit 0 allowed, 1 denied")
    .argument('<vpc-or-endpoint>', 'a VPC id (vpc-...) or a VPC endpoint id (vpce-...)')
    .argument('<host[:port]>', 'e.g. api.stripe.com:443')
    .action(async (target: string, hostPort: string, _options: unknown, command: Command) => {
      await invoke({ command: 'why', flags: flagsOf(command), target, hostPort });
    });

  for (const [name, description] of [
    ['plan', 'what a reconcile would change (the reconciler in dry-run mode); changes nothing'],
    ['reconcile', 'apply the reconcile: repair drift in every in-scope account, with progress on stderr'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .addOption(accountOption())
      .addOption(
        new Option(
          '--function-name <name|arn>',
          "invoke the deployed reconciler Lambda (RequestResponse) and print its plan, instead of running the reconcile here with this shell's credentials",
        ).argParser(functionName),
      )
      // Only reconcile shows it; plan accepts it to refuse it with the reason rather than as an unknown option.
      .addOption(name === 'plan' ? new Option('--fan-out').hideHelp() : new Option('--fan-out', FAN_OUT_HELP))
      .action(async (options: PlanOrReconcileOptions, command: Command) => {
        if (options.fanOut === true) {
          await invoke({ command: 'reconcile', flags: flagsOf(command), fanOut: true, functionName: fanOutFunctionName(command, name, options) });
          return;
        }
        await invoke({
          command: name,
          flags: flagsOf(command),
          ...(options.account === undefined ? {} : { accountIds: options.account }),
          ...(options.functionName === undefined ? {} : { functionName: options.functionName }),
        });
      });
  }
  return program;
}
