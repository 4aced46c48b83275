/**
 * "A handler killed between creating an endpoint and accepting it", made honest and reproducible: for chosen VPCs
 * (the victims), the first VPC-onboarding invocation after which the victim's endpoint exists is made to fail, as if
 * the Lambda had died right after CreateVpcEndpoint (and its write-back tags, which come before the hand-off). A
 * dead invocation publishes no hand-off, so the "Endpoint Created" event that invocation put on the hub bus is
 * dropped on its way to the bus, and the failed batch goes back to the queue as after a real crash. What must then
 * get the endpoint accepted: the redelivery, the service's Connect notification (itself subject to the cloud's
 * delivery faults), or the reconciler.
 */
import type { SQSEvent } from 'aws-lambda';
import type { LocalCloud } from '../../../local/cloud';
import type { CloudEvent, LocalCloudSinks } from '../../../local/cloud/api';
import type { SqsConsumer } from '../../../local/bus';
import { ENDPOINT_CREATED_DETAIL_TYPE } from '../../../events/patterns';

export class CrashAfterCreate {
  /** Invocations killed. */
  crashes = 0;
  /** Hand-offs lost with a killed invocation. */
  handOffsLost = 0;
  private readonly crashed = new Set<string>();
  /** Endpoint ids whose next hand-off is the dead invocation's (dropped). */
  private readonly lostHandOffs = new Set<string>();

  constructor(
    private readonly cloud: LocalCloud,
    private readonly serviceName: string,
    private readonly victims: ReadonlySet<string>,
  ) {}

  consumer(real: SqsConsumer): SqsConsumer {
    return async (event: SQSEvent, context) => {
      const result = await real(event, context);
      const killed = this.victimsIn(event).flatMap((vpcId) => {
        const endpointId = this.liveEndpointOf(vpcId);
        return endpointId === undefined ? [] : [{ vpcId, endpointId }];
      });
      if (killed.length === 0) return result;
      for (const { vpcId, endpointId } of killed) {
        this.crashed.add(vpcId);
        this.lostHandOffs.add(endpointId);
      }
      this.crashes++;
      throw new Error(`chaos: invocation killed after creating ${killed.map((k) => k.endpointId).join(', ')}`);
    };
  }

  /** The sinks between the cloud and the bus: everything passes except the dead invocations' hand-offs. */
  sinks(bus: LocalCloudSinks): LocalCloudSinks {
    return {
      onEvent: (event: CloudEvent, busName: string) => {
        const endpointId = handOffEndpointId(event);
        if (endpointId !== undefined && this.lostHandOffs.delete(endpointId)) {
          this.handOffsLost++;
          return;
        }
        bus.onEvent(event, busName);
      },
      onNotification: (topicArn, message) => bus.onNotification(topicArn, message),
    };
  }

  private victimsIn(event: SQSEvent): string[] {
    const named = new Set<string>();
    for (const record of event.Records) {
      for (const vpcId of this.victims) if (!this.crashed.has(vpcId) && record.body.includes(vpcId)) named.add(vpcId);
    }
    return [...named];
  }

  /** Read from the emulator's own state: the crash decision must not spend the seed's fault draws or tokens. */
  private liveEndpointOf(vpcId: string): string | undefined {
    const { regions } = (this.cloud.snapshot() as { ec2: { regions: { endpoints: { vpcEndpointId: string; vpcId: string; serviceName: string; state: string }[] }[] } }).ec2;
    const endpoint = regions
      .flatMap((region) => region.endpoints)
      .find((e) => e.vpcId === vpcId && e.serviceName === this.serviceName && !['deleted', 'deleting'].includes(e.state));
    return endpoint?.vpcEndpointId;
  }
}

function handOffEndpointId(event: CloudEvent): string | undefined {
  if (event['detail-type'] !== ENDPOINT_CREATED_DETAIL_TYPE) return undefined;
  const endpointId = event.detail.vpcEndpointId;
  return typeof endpointId === 'string' ? endpointId : undefined;
}
