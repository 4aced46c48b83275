import {
  AcceptVpcEndpointConnectionsCommand,
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  State,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { acceptPendingBatch, type EndpointVpc } from '../../../functions/converge/connections';
import type { ScopeDecision } from '../../../functions/core/scope';
import { HUB_SERVICE_ID, testRuntime } from './harness';

const ec2Mock = mockClient(EC2Client);
const stsMock = mockClient(STSClient);

const OWNER = '333333333333';
const inScope = (): Promise<ScopeDecision> => Promise.resolve({ inScope: true, reason: 'active member' });
const pending = (endpointId: string) => ({
  VpcEndpointId: endpointId,
  VpcEndpointOwner: OWNER,
  VpcEndpointState: State.PendingAcceptance,
  ServiceId: HUB_SERVICE_ID,
});

beforeEach(() => {
  ec2Mock.reset();
  stsMock.reset();
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) } });
  ec2Mock
    .on(DescribeVpcEndpointConnectionsCommand)
    .resolves({ VpcEndpointConnections: [pending('vpce-1'), pending('vpce-2')] })
    .on(AcceptVpcEndpointConnectionsCommand)
    .resolves({ Unsuccessful: [] })
    .on(DescribeVpcEndpointsCommand)
    .resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-1', VpcId: 'vpc-a' }, { VpcEndpointId: 'vpce-2', VpcId: 'vpc-b' }] })
    .on(DescribeVpcsCommand)
    .resolves({ Vpcs: [{ VpcId: 'vpc-a', Tags: [{ Key: 'egress-proxy', Value: 'enabled' }] }] });
});

describe('acceptPendingBatch', () => {
  it("decides from the account step's VPC facts without reading the owner's account again", async () => {
    const known = new Map<string, EndpointVpc>([
      ['vpce-1', { vpcId: 'vpc-a', tags: { 'egress-proxy': 'enabled' } }],
      ['vpce-2', { vpcId: 'vpc-b', tags: {} }],
    ]);

    const accepted = await acceptPendingBatch(testRuntime(), ['vpce-1', 'vpce-2'], inScope, 'run-1', known);

    // Only the tagged VPC's endpoint is accepted; the untagged one stays pending for the final sweep.
    expect(accepted.map((d) => d.connection.endpointId)).toEqual(['vpce-1']);
    expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { ServiceId: HUB_SERVICE_ID, VpcEndpointIds: ['vpce-1'] });
    expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(ec2Mock).not.toHaveReceivedCommand(DescribeVpcEndpointsCommand);
  });

  it("reads the owner's VPCs when any of its endpoints is unknown", async () => {
    const known = new Map<string, EndpointVpc>([['vpce-1', { vpcId: 'vpc-a', tags: { 'egress-proxy': 'enabled' } }]]);

    const accepted = await acceptPendingBatch(testRuntime(), ['vpce-1', 'vpce-2'], inScope, 'run-1', known);

    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, {
      Filters: [{ Name: 'vpc-endpoint-id', Values: ['vpce-1', 'vpce-2'] }],
    });
    expect(accepted.map((d) => d.connection.endpointId)).toEqual(['vpce-1']);
  });
});
