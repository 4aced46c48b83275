import type { EC2Client } from '@aws-sdk/client-ec2';
import { buildRuntime, type Runtime } from '../functions/shared/runtime';
import { instrumentClient, type CallObserver } from './aws-calls';
import type { CliSettings } from './settings';

/** Without the read role, Organizations is called as the operator, who is rarely in the management account. */
const NO_ORG_READ_ROLE =
  'Organizations is read in the management account: set --org-read-role-arn (or ORG_READ_ROLE_ARN) to its read role, ' +
  "e.g. arn:aws:iam::<management account>:role/EgressOrganizationsReadRole, which trusts the control plane's role (--role-arn)";

export interface RuntimeObservers {
  /** Every AWS call, hub or spoke side. */
  readonly onCall?: CallObserver;
  /** A spoke account's session was opened (the reconciler does this once per account it works on). */
  readonly onSpokeAccount?: (accountId: string) => void;
}

/**
 * The functions' own runtime, built with the operator's credentials (the default chain), so `plan` and `reconcile`
 * run exactly the code the reconciler Lambda runs. Spoke clients come from the spoke sessions; wrapping `ec2()`
 * instruments them too without touching the functions' code.
 */
export function buildCliRuntime(settings: CliSettings, observers: RuntimeObservers = {}): Runtime {
  // The SDK reads AWS_ENDPOINT_URL when each client is built: the flag has to be in place first.
  if (settings.endpointUrl !== undefined) process.env.AWS_ENDPOINT_URL = settings.endpointUrl;
  const runtime = buildRuntime(settings.config, settings.region);
  instrumentClient(runtime.hubEc2, observers.onCall);
  instrumentClient(runtime.organizations, observers.onCall, settings.config.orgReadRoleArn === undefined ? NO_ORG_READ_ROLE : undefined);
  instrumentClient(runtime.ram, observers.onCall);
  instrumentClient(runtime.events, observers.onCall);
  const spokes = new Proxy(runtime.spokes, {
    get(target, property, receiver) {
      if (property !== 'ec2') return Reflect.get(target, property, receiver) as unknown;
      return async (accountId: string, region: string, correlationId: string): Promise<EC2Client> => {
        observers.onSpokeAccount?.(accountId);
        const client = await target.ec2(accountId, region, correlationId);
        instrumentClient(client, observers.onCall);
        return client;
      };
    },
  });
  return { ...runtime, spokes };
}

/** The CLI is a one-shot process: close the sockets so it exits promptly. */
export function destroyRuntime(runtime: Runtime): void {
  for (const client of [runtime.hubEc2, runtime.organizations, runtime.ram, runtime.events]) client.destroy();
}
