import {
  DescribeVpcEndpointServiceConfigurationsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  DescribeVpcEndpointServicesCommand,
  CreateVpcEndpointServiceConfigurationCommand,
  ModifyVpcEndpointServicePermissionsCommand,
  StartVpcEndpointServicePrivateDnsVerificationCommand,
  DescribeAvailabilityZonesCommand,
} from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { HUB, OTHER, REGION, SPOKE, errorOf, startEc2Harness } from './ec2-harness';
import type { Ec2Harness } from './ec2-harness';
import { allow, createService, nlbArn } from './ec2-privatelink-fixture';

let h: Ec2Harness;
let hub: EC2Client;
let spoke: EC2Client;

beforeAll(async () => {
  h = await startEc2Harness();
  hub = h.client(HUB);
  spoke = h.client(SPOKE);
});
afterAll(() => h.close());

describe('CreateVpcEndpointServiceConfiguration', () => {
  it('creates a service named after its id in the region, in all but the last AZ of the owner', async () => {
    // Act
    const service = await createService(hub, { privateDnsName: 'proxy.egress.example.com' });
    const hubZones = (await hub.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [];

    // Assess
    expect(service.ServiceId).toMatch(/^vpce-svc-[0-9a-f]{17}$/);
    expect(service.ServiceName).toBe(`com.amazonaws.vpce.${REGION}.${service.ServiceId}`);
    expect(service.ServiceState).toBe('Available');
    expect(service.ServiceType).toEqual([{ ServiceType: 'Interface' }]);
    expect(service.AcceptanceRequired).toBe(true);
    expect(service.NetworkLoadBalancerArns).toEqual([nlbArn()]);
    expect(service.AvailabilityZones).toEqual([`${REGION}a`, `${REGION}b`]);
    expect(service.AvailabilityZoneIds).toEqual(hubZones.slice(0, 2).map((z) => z.ZoneId));
    expect(service.PrivateDnsName).toBe('proxy.egress.example.com');
    expect(service.PrivateDnsNameConfiguration).toMatchObject({ State: 'pendingVerification', Type: 'TXT' });
    expect(service.BaseEndpointDnsNames).toEqual([`${service.ServiceId}.${REGION}.vpce.amazonaws.com`]);
    expect(service.Tags).toEqual([{ Key: 'Name', Value: 'egress-proxy' }]);
  });

  it('verifies the private DNS name on request', async () => {
    const service = await createService(hub, { privateDnsName: 'p.example.com' });
    const verified = await hub.send(new StartVpcEndpointServicePrivateDnsVerificationCommand({ ServiceId: service.ServiceId }));
    const { ServiceConfigurations } = await hub.send(new DescribeVpcEndpointServiceConfigurationsCommand({ ServiceIds: [service.ServiceId!] }));
    expect(verified.ReturnValue).toBe(true);
    expect(ServiceConfigurations?.[0]?.PrivateDnsNameConfiguration?.State).toBe('verified');
  });

  it('refuses a load balancer ARN of another account', async () => {
    const err = await errorOf(spoke.send(new CreateVpcEndpointServiceConfigurationCommand({ NetworkLoadBalancerArns: [nlbArn()] })));
    expect(err.name).toBe('InvalidParameter');
  });

  it('is idempotent on ClientToken', async () => {
    const input = { NetworkLoadBalancerArns: [nlbArn('idem')], ClientToken: 'svc-token-1' };
    const first = await hub.send(new CreateVpcEndpointServiceConfigurationCommand(input));
    const again = await hub.send(new CreateVpcEndpointServiceConfigurationCommand(input));
    const mismatch = await errorOf(hub.send(new CreateVpcEndpointServiceConfigurationCommand({ ...input, AcceptanceRequired: true })));
    expect(again.ServiceConfiguration?.ServiceId).toBe(first.ServiceConfiguration?.ServiceId);
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
  });
});

describe('DescribeVpcEndpointServiceConfigurations', () => {
  it('filters by service-name and service-id, pages, and hides other owners\' services', async () => {
    // Prepare
    const client = h.client('777777777777');
    const arn = `arn:aws:elasticloadbalancing:${REGION}:777777777777:loadbalancer/net/x/0123456789abcdef`;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await client.send(new CreateVpcEndpointServiceConfigurationCommand({ NetworkLoadBalancerArns: [arn] }))).ServiceConfiguration!.ServiceId!);
    }
    const name = `com.amazonaws.vpce.${REGION}.${ids[2]}`;

    // Act
    const byName = await client.send(new DescribeVpcEndpointServiceConfigurationsCommand({ Filters: [{ Name: 'service-name', Values: [name] }] }));
    const byId = await client.send(new DescribeVpcEndpointServiceConfigurationsCommand({ Filters: [{ Name: 'service-id', Values: [ids[4]!] }] }));
    const page1 = await client.send(new DescribeVpcEndpointServiceConfigurationsCommand({ MaxResults: 5 }));
    const page2 = await client.send(new DescribeVpcEndpointServiceConfigurationsCommand({ MaxResults: 5, NextToken: page1.NextToken }));
    const foreign = await errorOf(hub.send(new DescribeVpcEndpointServiceConfigurationsCommand({ ServiceIds: [ids[0]!] })));

    // Assess
    expect(byName.ServiceConfigurations?.map((s) => s.ServiceId)).toEqual([ids[2]]);
    expect(byId.ServiceConfigurations?.map((s) => s.ServiceId)).toEqual([ids[4]]);
    expect([...(page1.ServiceConfigurations ?? []), ...(page2.ServiceConfigurations ?? [])].map((s) => s.ServiceId)).toEqual(ids);
    expect(foreign.name).toBe('InvalidVpcEndpointServiceId.NotFound');
  });
});

describe('allowed principals and DescribeVpcEndpointServices', () => {
  it('shows the service only to allowed principals, with AZ names in the caller\'s own mapping', async () => {
    // Prepare
    const service = await createService(hub);
    const describe = (client: EC2Client) => client.send(new DescribeVpcEndpointServicesCommand({ ServiceNames: [service.ServiceName!] }));

    // Act
    const before = await errorOf(describe(spoke));
    await allow(hub, service.ServiceId!, SPOKE);
    const after = await describe(spoke);
    const spokeZones = (await spoke.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [];

    // Assess
    expect(before.name).toBe('InvalidServiceName');
    const detail = after.ServiceDetails?.[0];
    expect(after.ServiceNames).toEqual([service.ServiceName]);
    expect(detail?.ServiceId).toBe(service.ServiceId);
    expect(detail?.Owner).toBe(HUB);
    expect(detail?.AcceptanceRequired).toBe(true);
    expect(detail?.AvailabilityZoneIds?.slice().sort()).toEqual(service.AvailabilityZoneIds?.slice().sort());
    const expectedNames = spokeZones.filter((z) => service.AvailabilityZoneIds?.includes(z.ZoneId!)).map((z) => z.ZoneName);
    expect(detail?.AvailabilityZones).toEqual(expectedNames);
    expect(detail?.AvailabilityZones).not.toEqual(service.AvailabilityZones);
    expect((await errorOf(describe(h.client(OTHER)))).name).toBe('InvalidServiceName');
    const listed = await h.client(OTHER).send(new DescribeVpcEndpointServicesCommand({}));
    expect(listed.ServiceNames ?? []).not.toContain(service.ServiceName);
  });

  it('adds and removes principals, reporting what was added, and validates ARNs', async () => {
    // Prepare
    const service = await createService(hub);
    const principals = ['arn:aws:iam::333333333333:root', 'arn:aws:iam::444444444444:role/Consumer', 'arn:aws:iam::555555555555:user/alice'];

    // Act
    const added = await hub.send(new ModifyVpcEndpointServicePermissionsCommand({ ServiceId: service.ServiceId, AddAllowedPrincipals: principals }));
    const withPath = await errorOf(hub.send(new ModifyVpcEndpointServicePermissionsCommand({
      ServiceId: service.ServiceId, AddAllowedPrincipals: ['arn:aws:iam::333333333333:role/path/Role'],
    })));
    const notOwner = await errorOf(spoke.send(new ModifyVpcEndpointServicePermissionsCommand({
      ServiceId: service.ServiceId, AddAllowedPrincipals: ['arn:aws:iam::333333333333:root'],
    })));
    await hub.send(new ModifyVpcEndpointServicePermissionsCommand({ ServiceId: service.ServiceId, RemoveAllowedPrincipals: [principals[2]!] }));
    const { AllowedPrincipals } = await hub.send(new DescribeVpcEndpointServicePermissionsCommand({ ServiceId: service.ServiceId }));

    // Assess
    expect(added.ReturnValue).toBe(true);
    expect(added.AddedPrincipals?.map((p) => [p.Principal, p.PrincipalType, p.ServiceId])).toEqual([
      [principals[0], 'Account', service.ServiceId],
      [principals[1], 'Role', service.ServiceId],
      [principals[2], 'User', service.ServiceId],
    ]);
    expect(added.AddedPrincipals?.every((p) => p.ServicePermissionId?.startsWith('vpce-svc-perm-'))).toBe(true);
    expect(withPath.name).toBe('InvalidPrincipal');
    expect(notOwner.name).toBe('InvalidVpcEndpointServiceId.NotFound');
    expect(AllowedPrincipals?.map((p) => p.Principal)).toEqual(principals.slice(0, 2));
  });

  it('filters permissions by principal and principal-type, and pages them (MaxResults 5..1000)', async () => {
    // Prepare
    const service = await createService(hub);
    const accounts = Array.from({ length: 8 }, (_, i) => `10000000000${i}`);
    await allow(hub, service.ServiceId!, ...accounts);
    await hub.send(new ModifyVpcEndpointServicePermissionsCommand({ ServiceId: service.ServiceId, AddAllowedPrincipals: ['arn:aws:iam::100000000009:role/R'] }));
    const describe = (input: object) => hub.send(new DescribeVpcEndpointServicePermissionsCommand({ ServiceId: service.ServiceId, ...input }));

    // Act
    const byPrincipal = await describe({ Filters: [{ Name: 'principal', Values: ['arn:aws:iam::100000000003:root'] }] });
    const roles = await describe({ Filters: [{ Name: 'principal-type', Values: ['Role'] }] });
    const page1 = await describe({ MaxResults: 5 });
    const page2 = await describe({ MaxResults: 5, NextToken: page1.NextToken });
    const tooSmall = await errorOf(describe({ MaxResults: 4 }));

    // Assess
    expect(byPrincipal.AllowedPrincipals?.map((p) => p.Principal)).toEqual(['arn:aws:iam::100000000003:root']);
    expect(roles.AllowedPrincipals?.map((p) => p.Principal)).toEqual(['arn:aws:iam::100000000009:role/R']);
    expect(page1.AllowedPrincipals).toHaveLength(5);
    expect(page2.AllowedPrincipals).toHaveLength(4);
    expect(page2.NextToken).toBeUndefined();
    expect(tooSmall.name).toBe('InvalidParameterValue');
  });
});
