import { AcceptVpcEndpointConnectionsCommand, CreateVpcEndpointCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { addPacing } from '../../../functions/aws/pacing-middleware';
import type { PacerClock, PacerOptions } from '../../../functions/core/pacing';
import { manualPacerClock } from '../support/manual-pacer-clock';

/** An EC2 client whose transport records which actions reached the wire and refuses them (nothing is sent). */
function recordingClient(clock: PacerClock, maxAttempts = 1, options?: PacerOptions) {
  const sent: string[] = [];
  const client = new EC2Client({
    region: 'eu-west-2',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts,
    requestHandler: {
      handle: (request: { body?: unknown }) => {
        sent.push(/Action=(\w+)/.exec(String(request.body))?.[1] ?? '?');
        return Promise.reject(Object.assign(new Error('no network in this test'), { name: 'TestTransportError' }));
      },
    },
  });
  return { client: addPacing(client, clock, options), sent };
}

const createInput = { VpcId: 'vpc-1', ServiceName: 'com.amazonaws.vpce.eu-west-2.vpce-svc-1', VpcEndpointType: 'Interface' as const };

describe('addPacing', () => {
  it('waits for a CreateVpcEndpoint token before sending once the burst of 4 is spent', async () => {
    // Prepare
    const { clock, sleeps } = manualPacerClock();
    const { client, sent } = recordingClient(clock);

    // Act
    for (let i = 0; i < 6; i++) await expect(client.send(new CreateVpcEndpointCommand(createInput))).rejects.toThrow('no network');

    // Assess: every call went out, the fifth and sixth each one refill interval (3.33 s, +50 ms margin) apart
    expect(sent).toEqual(Array(6).fill('CreateVpcEndpoint'));
    expect(sleeps).toEqual([3384, 3333]);
  });

  it("paces Accept to this environment's share of the hub's bucket: 5 at once, then one per 2 s with two callers", async () => {
    // Prepare
    const { clock, sleeps } = manualPacerClock();
    const { client, sent } = recordingClient(clock, 1, { endpointConnectionCallers: 2 });

    // Act
    const accept = new AcceptVpcEndpointConnectionsCommand({ ServiceId: 'vpce-svc-1', VpcEndpointIds: ['vpce-1'] });
    for (let i = 0; i < 7; i++) await expect(client.send(accept)).rejects.toThrow('no network');

    // Assess
    expect(sent).toEqual(Array(7).fill('AcceptVpcEndpointConnections'));
    // (the second wait is 2 s rounded up from a sum of binary fractions: 2000 or 2001 ms)
    expect(sleeps).toEqual([2050, expect.closeTo(2000, -0.5)]);
  });

  it('leaves calls outside the small buckets alone', async () => {
    // Prepare
    const { clock, sleeps } = manualPacerClock();
    const { client, sent } = recordingClient(clock);

    // Act
    for (let i = 0; i < 20; i++) await expect(client.send(new DescribeVpcsCommand({}))).rejects.toThrow('no network');

    // Assess
    expect(sent).toHaveLength(20);
    expect(sleeps).toEqual([]);
  });
});
