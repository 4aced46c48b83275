/**
 * One seed from start to verdict: a faulty cloud and the real control plane, the organization of the scenario, a
 * drain, the reconciler until it converges (bounded), then the invariants with faults off.
 * Imported afresh per seed (jest.resetModules): the handlers read their environment at cold start.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { SqsConsumer } from '../../../local/bus';
import { startLocalControlPlane, type LocalControlPlane } from '../../../local/runner/control-plane';
import { captureHandlerLogs } from '../../integration/support/log-capture';
import { SUPPORTED_AZ_IDS } from '../../integration/support/control-plane-fixture';
import type { CheckResult } from './checks';
import { CrashAfterCreate } from './crash-after-create';
import { faultPlanFor } from './fault-plan';
import { checkInvariants } from './invariants';
import { buildVpcs, createAccount, leaveOrganization, planScenario, ScenarioClients, untag, type ChaosAccount } from './scenario';
import { settle } from './settle';

/** As in the integration fixture: the 5 s batching window is 0.1 s, redelivery after 1 emulated second. */
const TIME_SCALE = 50;
const FAST_VISIBILITY_SECONDS = 1;
/** The reconciler must converge within this many applying runs, even when a run itself meets faults. */
export const MAX_RECONCILE_RUNS = 3;

export interface SeedResult {
  seed: number;
  accounts: number;
  vpcs: number;
  /** Applying reconciler runs until a dry run planned nothing. */
  reconcileRuns: number;
  reconcileFailures: number;
  converged: boolean;
  /** Connections still pendingAcceptance once the events were spent (only the reconciler could accept them). */
  pendingBeforeReconcile: number;
  /** Actions the applying runs took: what the events alone had left undone (or undid). */
  reconcileRepairs: number;
  faults: Record<string, number>;
  checks: CheckResult[];
}

export async function runSeed(seed: number): Promise<SeedResult> {
  const plan = faultPlanFor(seed);
  const scenario = planScenario(plan.random);
  const logs = captureHandlerLogs();
  let excludedId = '';
  const cp = await startLocalControlPlane({
    // What CloudFormation deploys (the hub bootstrap) is not under test: the 5xx answers and throttling start once
    // the control plane is in place (delivery faults cannot touch the bootstrap: it emits no events).
    cloud: { port: 0, timeScale: TIME_SCALE, ...plan.cloud, faults: { ...plan.cloud.faults, errorRate: 0 }, throttling: { ...plan.cloud.throttling, enabled: false } },
    bus: {
      timeScale: TIME_SCALE,
      random: plan.busRandom,
      queueSettings: {
        'account-onboarding': { visibilityTimeoutSeconds: FAST_VISIBILITY_SECONDS },
        'vpc-onboarding': { visibilityTimeoutSeconds: FAST_VISIBILITY_SECONDS },
        'connection-acceptance': { visibilityTimeoutSeconds: FAST_VISIBILITY_SECONDS },
      },
    },
    // Always set: process.env outlives the previous seed's control plane.
    settings: { IN_SCOPE_OU_IDS: '', EXCLUDED_ACCOUNT_IDS: '' },
    beforeHandlers: async (cloud, hub) => {
      cloud.ec2.setEndpointServiceZones(hub.serviceId, [...SUPPORTED_AZ_IDS]);
      const clients = new ScenarioClients({ endpoint: cloud.url, region: 'eu-west-2', managementAccountId: cloud.world.managementAccountId });
      try {
        excludedId = await createAccount(clients.organizations, `chaos-${seed}-excluded`);
      } finally {
        clients.destroy();
      }
      cloud.setErrorRate(plan.errorRate);
      cloud.setThrottling(true);
      return { EXCLUDED_ACCOUNT_IDS: excludedId };
    },
  });
  const clients = new ScenarioClients({ endpoint: cp.cloud.url, region: cp.region, managementAccountId: cp.cloud.world.managementAccountId });
  try {
    const accounts: ChaosAccount[] = [];
    for (let index = 0; index < scenario.memberCount; index++) {
      accounts.push({ accountId: await createAccount(clients.organizations, `chaos-${seed}-member-${index}`), role: 'member', vpcs: [] });
    }
    accounts.push({ accountId: excludedId, role: 'excluded', vpcs: [] });
    // The management and hub accounts are active members too, so in scope: their roots are expected principals.
    const standing: ChaosAccount[] = [cp.cloud.world.managementAccountId, cp.cloud.world.hubAccountId].map((accountId) => ({ accountId, role: 'member', vpcs: [] }));

    const tagged = accounts.map((_, index) => scenario.tagged[index] ?? [true]);
    const victims = new Set<string>();
    const crash = new CrashAfterCreate(cp.cloud, cp.hub.serviceName, victims);
    const vpcOnboarding = (await import('../../../functions/vpc-onboarding')).handler as SqsConsumer;
    cp.bus.setConsumer('vpc-onboarding', crash.consumer(vpcOnboarding), {
      functionName: 'egress-vpc-onboarding',
    });
    cp.cloud.setSinks(crash.sinks(cp.bus));

    for (const [index, account] of accounts.entries()) {
      account.vpcs = await buildVpcs(clients.ec2As(account.accountId), account.accountId, tagged[index] ?? []);
      for (const vpc of account.vpcs) if (vpc.tagged && plan.random() < plan.crashShare) victims.add(vpc.vpcId);
    }

    // While the control plane is still at work: a tag comes off, a member leaves.
    const stayer = accounts[0];
    const untagged = stayer?.vpcs.find((vpc) => vpc.tagged);
    if (scenario.untagOne && stayer && untagged) await untag(clients.ec2As(stayer.accountId), untagged);
    const leaver = scenario.leaverIndex === undefined ? undefined : accounts[scenario.leaverIndex];
    if (leaver) await leaveOrganization(clients.organizations, leaver);

    await settle(cp);
    const pendingBeforeReconcile = countPending(cp.cloud.snapshot());

    const { runs, failures, converged, repairs } = await reconcileUntilConverged(cp);

    // Read back with the cloud's own faults off; the control plane is idle by now.
    cp.cloud.setErrorRate(0);
    cp.cloud.setThrottling(false);
    const hubEc2 = new EC2Client({ endpoint: cp.cloud.url, region: cp.region, credentials: { accessKeyId: cp.cloud.world.hubAccountId, secretAccessKey: 'local' } });
    try {
      const checks = await checkInvariants({ hubEc2, ec2As: (id) => clients.ec2As(id), serviceId: cp.hub.serviceId, serviceName: cp.hub.serviceName, logs }, [...accounts, ...standing]);
      return {
        seed,
        accounts: accounts.length,
        vpcs: accounts.reduce((sum, a) => sum + a.vpcs.length, 0),
        reconcileRuns: runs,
        reconcileFailures: failures,
        converged,
        pendingBeforeReconcile,
        reconcileRepairs: repairs,
        faults: faultsInjected(cp, crash),
        checks: checks.results,
      };
    } finally {
      hubEc2.destroy();
    }
  } finally {
    clients.destroy();
    await cp.stop();
    logs.restore();
  }
}

/**
 * Apply, let what it triggered settle, then ask for a dry run: converged when the dry run plans nothing. A run that
 * meets faults fails (the reconciler throws after applying what it could) and simply counts as a run.
 */
async function reconcileUntilConverged(cp: LocalControlPlane) {
  let failures = 0;
  let repairs = 0;
  for (let run = 1; run <= MAX_RECONCILE_RUNS; run++) {
    try {
      const applied = (await cp.reconcile()) as { actions: unknown[] };
      repairs += applied.actions.length;
    } catch {
      failures++;
    }
    await settle(cp);
    try {
      const dry = (await cp.reconcile({ dryRun: true })) as { actions: unknown[] };
      if (dry.actions.length === 0) return { runs: run, failures, converged: true, repairs };
    } catch {
      // A dry run that met faults proves nothing either way: apply again.
    }
  }
  return { runs: MAX_RECONCILE_RUNS, failures, converged: false, repairs };
}

function countPending(snapshot: Record<string, unknown>): number {
  const { regions } = snapshot.ec2 as { regions: { services: { connections: { state: string }[] }[] }[] };
  return regions.flatMap((r) => r.services.flatMap((s) => s.connections)).filter((c) => c.state === 'pendingAcceptance').length;
}

function faultsInjected(cp: LocalControlPlane, crash: CrashAfterCreate): Record<string, number> {
  const metrics = cp.cloud.metrics();
  const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
  const queues = Object.values(cp.bus.stats().queues);
  return {
    '5xx answers': sum(metrics.faults),
    throttled: sum(metrics.throttled),
    'events dropped': metrics.events.dropped + metrics.notifications.dropped,
    'events duplicated': metrics.events.duplicated + metrics.notifications.duplicated,
    'events delayed': metrics.events.delayed + metrics.notifications.delayed,
    'handlers killed after create': crash.crashes,
    'hand-offs lost with them': crash.handOffsLost,
    'messages retried': queues.reduce((a, q) => a + q.retried, 0),
    'messages dead-lettered': queues.reduce((a, q) => a + q.deadLettered, 0),
  };
}
