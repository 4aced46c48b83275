/**
 * Counts the hub service's available connections the way an operator's monitor would: DescribeVpcEndpointConnections
 * in the hub account, filtered to `available`, 1,000 per page. The alternative, the emulator's whole-state snapshot,
 * is megabytes of JSON at 1,000 accounts: serialising it several times a second took a large share of the
 * emulator's CPU away from the rollout under measurement.
 *
 * These calls spend the hub account's read tokens like any reader's; the sampler counts its own calls and throttles
 * so the benchmark can report the rollout's without them.
 */
import { Agent } from 'node:http';
import { ec2Query } from './ec2-query';

export class AvailableSampler {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** The sampler's own calls and the throttling errors they met. */
  calls = 0;
  throttles = 0;
  private last = 0;

  constructor(
    private readonly url: string,
    private readonly hub: { accountId: string; region: string; serviceId: string },
  ) {}

  /** Available connections now; when throttled, the previous count (the next sample catches up). */
  async available(): Promise<number> {
    let count = 0;
    let nextToken: string | undefined;
    try {
      do {
        this.calls++;
        const xml = await ec2Query(this.url, this.agent, this.hub.accountId, this.hub.region, {
          Action: 'DescribeVpcEndpointConnections',
          'Filter.1.Name': 'service-id',
          'Filter.1.Value.1': this.hub.serviceId,
          'Filter.2.Name': 'vpc-endpoint-state',
          'Filter.2.Value.1': 'available',
          MaxResults: '1000',
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        });
        count += xml.match(/<vpcEndpointId>/g)?.length ?? 0;
        nextToken = /<nextToken>([^<]+)<\/nextToken>/.exec(xml)?.[1];
      } while (nextToken !== undefined);
    } catch (error) {
      if (!String(error).includes('RequestLimitExceeded')) throw error;
      this.throttles++;
      return this.last;
    }
    this.last = count;
    return count;
  }

  close(): void {
    this.agent.destroy();
  }
}
