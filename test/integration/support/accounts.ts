/** Fresh member accounts per test: every test owns its accounts, so tests sharing a control plane stay apart. */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ControlPlaneFixture } from './control-plane-fixture';
import { isAllowedPrincipal } from './hub-views';

export interface Member {
  accountId: string;
  ec2: EC2Client;
}

let created = 0;

/** CreateAccount in the management account (the control plane hears of it through the CreateAccountResult event). */
export async function createMember(fx: ControlPlaneFixture, label: string): Promise<Member> {
  created += 1;
  const accountId = await fx.org.createAccount(`${label}-${created}-${process.pid}`, 20);
  return { accountId, ec2: fx.ec2As(accountId) };
}

/** A new member the control plane has onboarded (its root is an allowed principal of the service). */
export async function onboardedMember(fx: ControlPlaneFixture, label: string): Promise<Member> {
  const member = await createMember(fx, label);
  await fx.until(`account ${member.accountId} is an allowed principal`, () => isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, member.accountId));
  return member;
}

/** An account that exists but is not in the organization (the local cloud's admin endpoint). */
export async function createOutsideAccount(fx: ControlPlaneFixture, label: string): Promise<Member> {
  const response = await fetch(`${fx.cp.cloud.url}/_local/accounts`, { method: 'POST', body: JSON.stringify({ name: label }) });
  if (!response.ok) throw new Error(`creating an outside account failed: ${response.status} ${await response.text()}`);
  const { id } = (await response.json()) as { id: string };
  return { accountId: id, ec2: fx.ec2As(id) };
}

/** Deletes (enabled=false) or restores the spoke baseline role, as a broken or late StackSet would leave it. */
export async function setSpokeRole(fx: ControlPlaneFixture, accountId: string, enabled: boolean): Promise<void> {
  const response = await fetch(`${fx.cp.cloud.url}/_local/accounts/${accountId}/spoke-role`, { method: 'POST', body: JSON.stringify({ enabled }) });
  if (!response.ok) throw new Error(`setting the spoke role of ${accountId} failed: ${response.status} ${await response.text()}`);
}
