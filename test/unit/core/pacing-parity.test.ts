/**
 * The control plane paces itself to the buckets the local cloud enforces: the same published EC2 numbers, and the
 * same guess where AWS publishes none (Organizations) and STS's documented 600 per second. If they drift apart, the benchmark and the chaos suite
 * measure a client that either waits for nothing or runs into throttling.
 */
import { EC2_PACED_BUCKETS, ORGANIZATIONS_BUCKET, STS_BUCKET } from '../../../functions/core/pacing';
import { DEFAULT_BUCKETS } from '../../../local/cloud/core/throttle';
import { EC2_THROTTLE_BUCKETS } from '../../../local/cloud/ec2';

describe('pacing buckets', () => {
  it('equal the buckets the local cloud throttles with', () => {
    expect(EC2_PACED_BUCKETS.vpcEndpoints).toEqual(EC2_THROTTLE_BUCKETS['vpc-endpoints']);
    expect(EC2_PACED_BUCKETS.endpointConnections).toEqual(EC2_THROTTLE_BUCKETS['endpoint-connections']);
    expect(ORGANIZATIONS_BUCKET).toEqual(DEFAULT_BUCKETS['organizations:default']);
    expect(STS_BUCKET).toEqual(DEFAULT_BUCKETS['sts:default']);
  });
});
