/** RAM through the real SDK: shares, associations, visibility by owner, pagination and errors. */
import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  DisassociateResourceShareCommand,
  EnableSharingWithAwsOrganizationCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
  paginateGetResourceShares,
} from '@aws-sdk/client-ram';
import type { RAMClient } from '@aws-sdk/client-ram';
import { DisableAWSServiceAccessCommand, ListAWSServiceAccessForOrganizationCommand } from '@aws-sdk/client-organizations';
import { HUB, MANAGEMENT, REGION, rejectionOf, startHarness } from './cloud-harness';
import type { CloudHarness } from './cloud-harness';

const OUTSIDER = '999999999999';
const prefixList = (n: number) => `arn:aws:ec2:${REGION}:${HUB}:prefix-list/pl-${String(n).padStart(17, '0')}`;

let h: CloudHarness;
let ram: RAMClient;
let member: string;

beforeAll(async () => {
  h = await startHarness();
  ram = h.ram(HUB);
  // A second member of the organization (created through the model: Organizations has its own suite).
  member = h.cloud.world.newAccountId();
  h.cloud.world.ensureAccount({ id: member, name: 'member', email: 'member@example.com' });
  h.cloud.organization.join(member, 'CREATED', Date.now());
});
afterAll(() => h.stop());

describe('CreateResourceShare and GetResourceShares', () => {
  it('creates a share with its associations and shows it to the owner (SELF) and the principal (OTHER-ACCOUNTS)', async () => {
    // Act
    const { resourceShare, clientToken } = await ram.send(
      new CreateResourceShareCommand({
        name: 'proxy-prefix-list',
        resourceArns: [prefixList(1)],
        principals: [member],
        allowExternalPrincipals: false,
        tags: [{ key: 'team', value: 'network' }],
        clientToken: 'token-1',
      }),
    );
    // Assess
    expect(clientToken).toBe('token-1');
    expect(resourceShare).toMatchObject({ name: 'proxy-prefix-list', owningAccountId: HUB, status: 'ACTIVE', allowExternalPrincipals: false });
    expect(resourceShare?.resourceShareArn).toMatch(new RegExp(`^arn:aws:ram:${REGION}:${HUB}:resource-share/[0-9a-f-]{36}$`));
    expect(resourceShare?.creationTime).toBeInstanceOf(Date);

    const own = await ram.send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }));
    expect(own.resourceShares?.map((s) => s.resourceShareArn)).toContain(resourceShare?.resourceShareArn);
    const received = await h.ram(member).send(new GetResourceSharesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }));
    expect(received.resourceShares?.map((s) => s.resourceShareArn)).toEqual([resourceShare?.resourceShareArn]);
    const notShared = await h.ram(OUTSIDER).send(new GetResourceSharesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }));
    expect(notShared.resourceShares).toEqual([]);
    // RAM is regional: the share is invisible from another region.
    const elsewhere = await h.ram(HUB, 'us-east-1').send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }));
    expect(elsewhere.resourceShares?.map((s) => s.resourceShareArn)).not.toContain(resourceShare?.resourceShareArn);
  });

  it('is idempotent by clientToken and rejects the same token with other parameters', async () => {
    const input = { name: 'idem', resourceArns: [prefixList(2)], clientToken: 'token-2' };
    const first = await ram.send(new CreateResourceShareCommand(input));
    const second = await ram.send(new CreateResourceShareCommand(input));
    expect(second.resourceShare?.resourceShareArn).toBe(first.resourceShare?.resourceShareArn);
    const mismatch = await rejectionOf(ram.send(new CreateResourceShareCommand({ ...input, name: 'other' })));
    expect(mismatch.name).toBe('IdempotentParameterMismatchException');
  });

  it('refuses an external principal unless the share allows them, and rejects malformed ARNs', async () => {
    const external = await rejectionOf(ram.send(new CreateResourceShareCommand({ name: 'closed', principals: [OUTSIDER], allowExternalPrincipals: false })));
    expect(external.name).toBe('OperationNotPermittedException');
    const open = await ram.send(new CreateResourceShareCommand({ name: 'open', principals: [OUTSIDER], allowExternalPrincipals: true }));
    const { resourceShareAssociations } = await ram.send(
      new GetResourceShareAssociationsCommand({ associationType: 'PRINCIPAL', resourceShareArns: [open.resourceShare?.resourceShareArn ?? ''] }),
    );
    expect(resourceShareAssociations).toEqual([expect.objectContaining({ associatedEntity: OUTSIDER, external: true, status: 'ASSOCIATED' })]);
    const malformed = await rejectionOf(ram.send(new CreateResourceShareCommand({ name: 'bad', resourceArns: ['not-an-arn'] })));
    expect(malformed.name).toBe('MalformedArnException');
    expect(malformed.$metadata.httpStatusCode).toBe(400);
  });

  it('pages GetResourceShares with maxResults/nextToken', async () => {
    const owner = '555555555555';
    const client = h.ram(owner);
    for (let i = 0; i < 7; i++) await client.send(new CreateResourceShareCommand({ name: `paged-${i}` }));
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateGetResourceShares({ client, pageSize: 3 }, { resourceOwner: 'SELF' })) {
      pages++;
      names.push(...(page.resourceShares ?? []).map((s) => s.name ?? ''));
    }
    expect(pages).toBe(3);
    expect(names).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `paged-${i}`));
    const bad = await rejectionOf(client.send(new GetResourceSharesCommand({ resourceOwner: 'SELF', nextToken: 'garbage' })));
    expect(bad.name).toBe('InvalidNextTokenException');
  });
});

describe('associations', () => {
  it('associates and disassociates principals and resources, and filters associations by type, entity and status', async () => {
    const { resourceShare } = await ram.send(new CreateResourceShareCommand({ name: 'assoc', allowExternalPrincipals: false }));
    const arn = resourceShare?.resourceShareArn ?? '';
    const added = await ram.send(new AssociateResourceShareCommand({ resourceShareArn: arn, principals: [member], resourceArns: [prefixList(3)] }));
    expect(added.resourceShareAssociations?.map((a) => [a.associationType, a.associatedEntity, a.status])).toEqual([
      ['RESOURCE', prefixList(3), 'ASSOCIATED'],
      ['PRINCIPAL', member, 'ASSOCIATED'],
    ]);
    const byResource = await ram.send(new GetResourceShareAssociationsCommand({ associationType: 'RESOURCE', resourceArn: prefixList(3) }));
    expect(byResource.resourceShareAssociations?.map((a) => a.resourceShareArn)).toEqual([arn]);

    const removed = await ram.send(new DisassociateResourceShareCommand({ resourceShareArn: arn, principals: [member] }));
    expect(removed.resourceShareAssociations?.[0]?.status).toBe('DISASSOCIATED');
    const live = await ram.send(new GetResourceShareAssociationsCommand({ associationType: 'PRINCIPAL', principal: member, associationStatus: 'ASSOCIATED', resourceShareArns: [arn] }));
    expect(live.resourceShareAssociations).toEqual([]);
    const history = await ram.send(new GetResourceShareAssociationsCommand({ associationType: 'PRINCIPAL', principal: member, associationStatus: 'DISASSOCIATED' }));
    expect(history.resourceShareAssociations?.map((a) => a.resourceShareArn)).toEqual([arn]);
    const received = await h.ram(member).send(new GetResourceSharesCommand({ resourceOwner: 'OTHER-ACCOUNTS', resourceShareArns: [arn] }));
    expect(received.resourceShares).toEqual([]);
  });

  it('shares with the whole organization through its ARN', async () => {
    const orgArn = h.cloud.organization.arnOfOrganization();
    const { resourceShare } = await ram.send(new CreateResourceShareCommand({ name: 'org-wide', principals: [orgArn], allowExternalPrincipals: false }));
    const received = await h.ram(member).send(new GetResourceSharesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }));
    expect(received.resourceShares?.map((s) => s.resourceShareArn)).toContain(resourceShare?.resourceShareArn);
  });

  it('keeps other accounts away from a share: UnknownResourceException with the x-amzn-errortype shape', async () => {
    const { resourceShare } = await ram.send(new CreateResourceShareCommand({ name: 'private' }));
    const foreign = await rejectionOf(
      h.ram(member).send(new AssociateResourceShareCommand({ resourceShareArn: resourceShare?.resourceShareArn, principals: [member] })),
    );
    expect(foreign.name).toBe('UnknownResourceException');
    expect(foreign.message).toContain('could not be found');
    expect(foreign.$metadata.requestId).toBeDefined();
    const notAssociated = await rejectionOf(
      ram.send(new DisassociateResourceShareCommand({ resourceShareArn: resourceShare?.resourceShareArn, principals: [member] })),
    );
    expect(notAssociated.name).toBe('UnknownResourceException');
  });
});

describe('EnableSharingWithAwsOrganization', () => {
  it('turns on RAM\'s trusted access in the organization, from the management account only', async () => {
    const org = h.organizations(MANAGEMENT);
    await org.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'ram.amazonaws.com' }));
    const fromMember = await rejectionOf(ram.send(new EnableSharingWithAwsOrganizationCommand({})));
    expect(fromMember.name).toBe('OperationNotPermittedException');
    const { returnValue } = await h.ram(MANAGEMENT).send(new EnableSharingWithAwsOrganizationCommand({}));
    expect(returnValue).toBe(true);
    const { EnabledServicePrincipals } = await org.send(new ListAWSServiceAccessForOrganizationCommand({}));
    expect(EnabledServicePrincipals?.map((p) => p.ServicePrincipal)).toEqual(['ram.amazonaws.com']);
  });
});
