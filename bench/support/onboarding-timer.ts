/**
 * What a spoke team waits for: from tagging its VPC to an available endpoint, measured from the team's side (its own
 * DescribeVpcEndpoints), in emulated seconds.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { endpointsOf, tagVpc } from '../../local/demo/tenant';

export interface OnboardingTiming {
  readonly accountId: string;
  readonly vpcId: string;
  /** Tag to available, in emulated seconds. */
  readonly seconds: number;
}

export async function timeTagToAvailable(
  spoke: { accountId: string; ec2: EC2Client; vpcId: string },
  tag: { key: string; value: string },
  options: { timeScale: number; pollMs?: number; timeoutSeconds?: number },
): Promise<OnboardingTiming> {
  const started = performance.now();
  const emulatedSeconds = () => ((performance.now() - started) / 1000) * options.timeScale;
  await tagVpc(spoke.ec2, spoke.vpcId, tag.key, tag.value);
  for (;;) {
    const endpoints = await endpointsOf(spoke.ec2, spoke.vpcId);
    if (endpoints.some((endpoint) => String(endpoint.State).toLowerCase() === 'available')) {
      return { accountId: spoke.accountId, vpcId: spoke.vpcId, seconds: Math.round(emulatedSeconds() * 100) / 100 };
    }
    if (emulatedSeconds() > (options.timeoutSeconds ?? 600)) throw new Error(`${spoke.vpcId} of ${spoke.accountId} got no available endpoint in ${options.timeoutSeconds ?? 600} s`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 25));
  }
}
