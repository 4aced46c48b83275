import {
  AcceptVpcEndpointConnectionsCommand,
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  EC2Client,
  ModifyVpcEndpointServicePermissionsCommand,
  RejectVpcEndpointConnectionsCommand,
  type State,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  acceptConnections,
  listAllowedPrincipals,
  listConnections,
  modifyAllowedPrincipals,
  rejectConnections,
} from '../../../functions/aws/endpoint-service';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-2' });
const SERVICE_ID = 'vpce-svc-0123456789abcdef0';

beforeEach(() => ec2Mock.reset());

/** EC2 sends lowerCamel states (`pendingAcceptance`); the SDK enum spells them in PascalCase. */
const wire = (state: string) => state as State;

describe('listAllowedPrincipals', () => {
  it('reads every page at the maximum page size', async () => {
    ec2Mock
      .on(DescribeVpcEndpointServicePermissionsCommand, { NextToken: undefined })
      .resolves({ AllowedPrincipals: [{ Principal: 'arn:aws:iam::111111111111:root' }], NextToken: 't1' })
      .on(DescribeVpcEndpointServicePermissionsCommand, { NextToken: 't1' })
      .resolves({ AllowedPrincipals: [{ Principal: 'arn:aws:iam::222222222222:root' }] });

    const principals = await listAllowedPrincipals(ec2, SERVICE_ID);

    expect([...principals]).toEqual(['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root']);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcEndpointServicePermissionsCommand, 2);
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(1, DescribeVpcEndpointServicePermissionsCommand, { ServiceId: SERVICE_ID, MaxResults: 1000 });
  });

  it('filters on the batch principals when given', async () => {
    ec2Mock.on(DescribeVpcEndpointServicePermissionsCommand).resolves({ AllowedPrincipals: [] });
    await listAllowedPrincipals(ec2, SERVICE_ID, ['arn:aws:iam::111111111111:root']);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointServicePermissionsCommand, {
      Filters: [{ Name: 'principal', Values: ['arn:aws:iam::111111111111:root'] }],
    });
  });
});

describe('modifyAllowedPrincipals', () => {
  it('sends adds and removes in one call', async () => {
    ec2Mock.on(ModifyVpcEndpointServicePermissionsCommand).resolves({ ReturnValue: true });
    await modifyAllowedPrincipals(ec2, SERVICE_ID, { add: ['arn:aws:iam::111111111111:root'], remove: ['arn:aws:iam::222222222222:root'] });
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyVpcEndpointServicePermissionsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(ModifyVpcEndpointServicePermissionsCommand, {
      ServiceId: SERVICE_ID,
      AddAllowedPrincipals: ['arn:aws:iam::111111111111:root'],
      RemoveAllowedPrincipals: ['arn:aws:iam::222222222222:root'],
    });
  });

  it('sends nothing for an empty change', async () => {
    await modifyAllowedPrincipals(ec2, SERVICE_ID, { add: [], remove: [] });
    expect(ec2Mock).not.toHaveReceivedCommand(ModifyVpcEndpointServicePermissionsCommand);
  });
});

describe('listConnections', () => {
  it('filters by service, states and owners, and follows NextToken', async () => {
    ec2Mock
      .on(DescribeVpcEndpointConnectionsCommand, { NextToken: undefined })
      .resolves({ VpcEndpointConnections: [{ VpcEndpointId: 'vpce-01', VpcEndpointOwner: '111111111111', VpcEndpointState: wire('available') }], NextToken: 'n' })
      .on(DescribeVpcEndpointConnectionsCommand, { NextToken: 'n' })
      .resolves({ VpcEndpointConnections: [{ VpcEndpointId: 'vpce-02', VpcEndpointOwner: '111111111111', VpcEndpointState: wire('pendingAcceptance') }] });

    const connections = await listConnections(ec2, SERVICE_ID, { states: ['pendingAcceptance', 'available'], ownerAccountIds: ['111111111111'] });

    expect(connections).toEqual([
      { endpointId: 'vpce-01', ownerAccountId: '111111111111', state: 'available' },
      { endpointId: 'vpce-02', ownerAccountId: '111111111111', state: 'pendingAcceptance' },
    ]);
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(1, DescribeVpcEndpointConnectionsCommand, {
      Filters: [
        { Name: 'service-id', Values: [SERVICE_ID] },
        { Name: 'vpc-endpoint-state', Values: ['pendingAcceptance', 'available'] },
        { Name: 'vpc-endpoint-owner', Values: ['111111111111'] },
      ],
      MaxResults: 1000,
    });
  });

  it('normalises the SDK enum spelling to the documented wire form', async () => {
    ec2Mock.on(DescribeVpcEndpointConnectionsCommand).resolves({
      VpcEndpointConnections: [{ VpcEndpointId: 'vpce-01', VpcEndpointOwner: '111111111111', VpcEndpointState: 'PendingAcceptance' }],
    });
    const [connection] = await listConnections(ec2, SERVICE_ID, { states: ['pendingAcceptance'] });
    expect(connection?.state).toBe('pendingAcceptance');
  });
});

describe('accept and reject', () => {
  it('accepts 250 endpoints in three calls of at most 100 ids', async () => {
    ec2Mock.on(AcceptVpcEndpointConnectionsCommand).resolves({ Unsuccessful: [] });
    const ids = Array.from({ length: 250 }, (_, i) => `vpce-${String(i).padStart(3, '0')}`);
    await acceptConnections(ec2, SERVICE_ID, ids);
    expect(ec2Mock).toHaveReceivedCommandTimes(AcceptVpcEndpointConnectionsCommand, 3);
    const sizes = ec2Mock.commandCalls(AcceptVpcEndpointConnectionsCommand).map((c) => c.args[0].input.VpcEndpointIds?.length);
    expect(sizes).toEqual([100, 100, 50]);
  });

  it('reports Unsuccessful items from an HTTP 200 answer', async () => {
    ec2Mock.on(RejectVpcEndpointConnectionsCommand).resolves({
      Unsuccessful: [{ ResourceId: 'vpce-02', Error: { Code: 'InvalidVpcEndpoint.NotFound', Message: 'gone' } }],
    });
    const failures = await rejectConnections(ec2, SERVICE_ID, ['vpce-01', 'vpce-02']);
    expect([...failures]).toEqual([['vpce-02', 'InvalidVpcEndpoint.NotFound: gone']]);
    expect(ec2Mock).toHaveReceivedCommandWith(RejectVpcEndpointConnectionsCommand, { ServiceId: SERVICE_ID, VpcEndpointIds: ['vpce-01', 'vpce-02'] });
  });

  it('counts a connection another run accepted meanwhile as accepted, and keeps one still refused as a failure', async () => {
    // Prepare: both refused as no longer awaiting acceptance; re-read, vpce-01 is now pending, vpce-02 was rejected
    ec2Mock.on(AcceptVpcEndpointConnectionsCommand).resolves({
      Unsuccessful: [
        { ResourceId: 'vpce-01', Error: { Code: 'InvalidState', Message: 'Endpoint vpce-01 is in state pending' } },
        { ResourceId: 'vpce-02', Error: { Code: 'InvalidState', Message: 'Endpoint vpce-02 is in state rejected' } },
        { ResourceId: 'vpce-03', Error: { Code: 'InvalidVpcEndpointId.NotFound', Message: 'gone' } },
      ],
    });
    ec2Mock.on(DescribeVpcEndpointConnectionsCommand).resolves({
      VpcEndpointConnections: [{ VpcEndpointId: 'vpce-01', VpcEndpointOwner: '111111111111', VpcEndpointState: wire('pending') }],
    });

    // Act
    const failures = await acceptConnections(ec2, SERVICE_ID, ['vpce-01', 'vpce-02', 'vpce-03']);

    // Assess: only the InvalidState ones are re-read, asking whether they are now past acceptance
    expect([...failures.keys()]).toEqual(['vpce-02', 'vpce-03']);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointConnectionsCommand, {
      Filters: [
        { Name: 'service-id', Values: [SERVICE_ID] },
        { Name: 'vpc-endpoint-state', Values: ['pending', 'available'] },
        { Name: 'vpc-endpoint-id', Values: ['vpce-01', 'vpce-02'] },
      ],
    });
  });

  it('reads nothing more when every connection was accepted', async () => {
    ec2Mock.on(AcceptVpcEndpointConnectionsCommand).resolves({ Unsuccessful: [] });
    await acceptConnections(ec2, SERVICE_ID, ['vpce-01']);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcEndpointConnectionsCommand, 0);
  });

  it('marks every id of a chunk whose call failed', async () => {
    ec2Mock.on(AcceptVpcEndpointConnectionsCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    const failures = await acceptConnections(ec2, SERVICE_ID, ['vpce-01', 'vpce-02']);
    expect([...failures.keys()]).toEqual(['vpce-01', 'vpce-02']);
    expect(failures.get('vpce-01')).toBe('UnauthorizedOperation: denied');
  });
});
