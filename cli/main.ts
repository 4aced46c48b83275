import { CommanderError } from 'commander';
import { describeError, EXIT } from './errors';
import type { CliIo } from './io';
import { assumeOperatorRole } from './operator-role';
import { runInvokedFanOut } from './invoked-fan-out';
import { runInvokedPlan } from './invoked-plan';
import { runPlan } from './plan';
import { buildProgram, type Invocation } from './program';
import { runReconcile } from './reconcile';
import { resolveInvokeSettings, resolveSettings, type GlobalFlags, type InvokeSettings } from './settings';
import { runStatus } from './status-command';
import { resolvePolicyStoreSettings, runWhy } from './why-command';
import { resolveConnection, resolveDeploymentName } from './connection';
import { runDeadLetters } from './dead-letters-command';

export interface CliEnvironment {
  readonly env: Record<string, string | undefined>;
  /** Built once the `--json` flag is known. */
  readonly io: (json: boolean) => CliIo;
}

/** Runs one command line to its exit code; every failure becomes one clear line on stderr. */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  let exitCode: number = EXIT.ok;
  let io = environment.io(false);
  const program = buildProgram(async (invocation) => {
    io = environment.io(invocation.flags.json === true);
    exitCode = await dispatch(invocation, io, environment.env);
  }, environment.env, {
    writeOut: (text) => void io.stdout.write(text),
    writeErr: (text) => void io.stderr.write(text),
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has already printed usage errors and help; only its exit code is left to pass on.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const described = describeError(error);
    io.stderr.write(`egress: ${described.message}\n`);
    return described.exitCode;
  }
}

async function dispatch(invocation: Invocation, io: CliIo, env: Record<string, string | undefined>): Promise<number> {
  if (invocation.command === 'why') {
    const settings = resolvePolicyStoreSettings(invocation.flags, env);
    if (settings.endpointUrl !== undefined) process.env.AWS_ENDPOINT_URL = settings.endpointUrl;
    if (settings.roleArn !== undefined) await assumeOperatorRole(settings.roleArn, settings.region, process.env);
    return runWhy(settings, io, invocation.target, invocation.hostPort);
  }
  if (invocation.command === 'dead-letters') {
    const connection = resolveConnection(invocation.flags, env);
    const deploymentName = resolveDeploymentName(invocation.flags, env);
    if (connection.endpointUrl !== undefined) process.env.AWS_ENDPOINT_URL = connection.endpointUrl;
    if (connection.roleArn !== undefined) await assumeOperatorRole(connection.roleArn, connection.region, process.env);
    return runDeadLetters(connection, io, {
      deploymentName,
      samples: invocation.samples,
      logGroups: invocation.logGroups,
      redrive: invocation.redrive,
      ...(invocation.queue === undefined ? {} : { queue: invocation.queue }),
    });
  }
  if ('fanOut' in invocation) {
    return (await runInvokedFanOut(await invokeSettings(invocation.flags, env), io, invocation.functionName)).exitCode;
  }
  if (invocation.command !== 'status' && invocation.functionName !== undefined) {
    return (
      await runInvokedPlan(await invokeSettings(invocation.flags, env), io, {
        functionName: invocation.functionName,
        dryRun: invocation.command === 'plan',
        ...(invocation.accountIds === undefined ? {} : { accountIds: invocation.accountIds }),
      })
    ).exitCode;
  }
  const settings = resolveSettings(invocation.flags, env);
  if (settings.endpointUrl !== undefined) process.env.AWS_ENDPOINT_URL = settings.endpointUrl;
  if (settings.roleArn !== undefined) await assumeOperatorRole(settings.roleArn, settings.region, process.env);
  const restrict = invocation.accountIds === undefined ? {} : { accountIds: invocation.accountIds };
  switch (invocation.command) {
    case 'status':
      return (
        await runStatus(settings, io, { ...restrict, logGroups: invocation.logGroups, auditHours: invocation.auditHours, deploymentName: resolveDeploymentName(invocation.flags, env) })
      ).exitCode;
    case 'plan':
      return (await runPlan(settings, io, restrict)).exitCode;
    case 'reconcile':
      return (await runReconcile(settings, io, restrict)).exitCode;
  }
}

/** Settings for invoking the deployed function, acting as the operator role first when one is given. */
async function invokeSettings(flags: GlobalFlags, env: Record<string, string | undefined>): Promise<InvokeSettings> {
  const settings = resolveInvokeSettings(flags, env);
  // The role is assumed where every other call goes: --endpoint-url must reach STS too (the local cloud).
  if (settings.endpointUrl !== undefined) process.env.AWS_ENDPOINT_URL = settings.endpointUrl;
  if (settings.roleArn !== undefined) await assumeOperatorRole(settings.roleArn, settings.region, process.env);
  return settings;
}
