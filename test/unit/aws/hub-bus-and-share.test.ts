import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { AssociateResourceShareCommand, DisassociateResourceShareCommand, GetResourceShareAssociationsCommand, RAMClient } from '@aws-sdk/client-ram';
import { mockClient } from 'aws-sdk-client-mock';
import { publishEndpointCreated } from '../../../functions/aws/hub-bus';
import { listSharedAccountIds, modifySharePrincipals } from '../../../functions/aws/resource-share';

const eventsMock = mockClient(EventBridgeClient);
const ramMock = mockClient(RAMClient);
const SHARE = 'arn:aws:ram:eu-west-2:222222222222:resource-share/abc';

beforeEach(() => {
  eventsMock.reset();
  ramMock.reset();
});

const detail = (n: number) => ({
  accountId: '333333333333',
  region: 'eu-west-2',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcEndpointId: `vpce-0a1b2c3d4e5f607${String(n).padStart(2, '0')}`,
});

describe('publishEndpointCreated', () => {
  it('puts at most 10 entries per call', async () => {
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    await publishEndpointCreated(new EventBridgeClient({}), 'hub-bus', Array.from({ length: 12 }, (_, i) => detail(i)));
    expect(eventsMock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
  });

  it('throws when EventBridge reports failed entries', async () => {
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }] });
    await expect(publishEndpointCreated(new EventBridgeClient({}), 'hub-bus', [detail(1)])).rejects.toThrow('InternalFailure: boom');
  });
});

describe('resource share', () => {
  it('lists live account principals across pages and ignores organization principals', async () => {
    ramMock
      .on(GetResourceShareAssociationsCommand, { nextToken: undefined })
      .resolves({
        resourceShareAssociations: [
          { associatedEntity: '333333333333', status: 'ASSOCIATED' },
          { associatedEntity: 'arn:aws:organizations::111111111111:organization/o-abc', status: 'ASSOCIATED' },
        ],
        nextToken: 'n',
      })
      .on(GetResourceShareAssociationsCommand, { nextToken: 'n' })
      .resolves({ resourceShareAssociations: [{ associatedEntity: '444444444444', status: 'DISASSOCIATED' }] });

    expect([...(await listSharedAccountIds(new RAMClient({}), SHARE))]).toEqual(['333333333333']);
    expect(ramMock).toHaveReceivedCommandWith(GetResourceShareAssociationsCommand, { associationType: 'PRINCIPAL', resourceShareArns: [SHARE], maxResults: 500 });
  });

  it('associates and disassociates in one call each, and not at all when empty', async () => {
    await modifySharePrincipals(new RAMClient({}), SHARE, { associate: ['333333333333', '444444444444'], disassociate: [] });
    expect(ramMock).toHaveReceivedCommandWith(AssociateResourceShareCommand, { resourceShareArn: SHARE, principals: ['333333333333', '444444444444'] });
    expect(ramMock).not.toHaveReceivedCommand(DisassociateResourceShareCommand);
  });
});
