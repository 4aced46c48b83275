import {
  AssociateResourceShareCommand,
  DisassociateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  type RAMClient,
} from '@aws-sdk/client-ram';

/**
 * The RAM share that carries the discovery parameters (the service name, the proxy URL) to spoke accounts. Only
 * account principals are managed here; an organization or OU principal added by an operator is left alone.
 */

const LIVE_STATUSES = new Set(['ASSOCIATED', 'ASSOCIATING']);

/** RAM's largest page for GetResourceShareAssociations (maxResults 1-500). */
const RAM_MAX_PAGE = 500;

export async function listSharedAccountIds(ram: RAMClient, shareArn: string): Promise<Set<string>> {
  const accounts = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await ram.send(
      new GetResourceShareAssociationsCommand({ associationType: 'PRINCIPAL', resourceShareArns: [shareArn], maxResults: RAM_MAX_PAGE, nextToken }),
    );
    for (const association of page.resourceShareAssociations ?? []) {
      const principal = association.associatedEntity;
      if (principal !== undefined && /^\d{12}$/.test(principal) && LIVE_STATUSES.has(association.status ?? '')) {
        accounts.add(principal);
      }
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined && nextToken !== '');
  return accounts;
}

/** One Associate and one Disassociate call for the whole change; nothing is sent for an empty side. */
export async function modifySharePrincipals(
  ram: RAMClient,
  shareArn: string,
  change: { associate: readonly string[]; disassociate: readonly string[] },
): Promise<void> {
  if (change.associate.length > 0) {
    await ram.send(new AssociateResourceShareCommand({ resourceShareArn: shareArn, principals: [...change.associate] }));
  }
  if (change.disassociate.length > 0) {
    await ram.send(new DisassociateResourceShareCommand({ resourceShareArn: shareArn, principals: [...change.disassociate] }));
  }
}
