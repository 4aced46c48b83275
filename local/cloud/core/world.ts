import { randomUUID } from 'node:crypto';
import { LOCAL_DEFAULTS } from '../api';
import type { CloudEvent } from '../api';
import type { Account, Role, World } from '../framework';
import type { ScaledClock } from './clock';
import type { Delivery } from './delivery';
import { randomAccountId, randomHex } from './random';

/** Temporary credentials issued by STS AssumeRole, keyed by their ASIA access key id. */
export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  roleArn: string;
  /** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION */
  assumedRoleArn: string;
  /** ROLEID:SESSION */
  assumedRoleId: string;
  expiration: number;
}

/** The World of the framework plus what only the core and its own services use. */
export interface LocalWorld extends World {
  readonly clock: ScaledClock;
  readonly sessions: Map<string, Session>;
  readonly delivery: Delivery;
  /** Deliver an event to a named bus of the event's account (PutEvents). */
  deliverEvent(event: CloudEvent, busName: string): void;
  /** An account id no account has yet. */
  newAccountId(): string;
  /** Switch an account's spoke baseline role off (to test a missing role) or back on. */
  setSpokeRole(accountId: string, enabled: boolean): Account;
  /** Emulated time as an ISO string without milliseconds, as EventBridge and CloudTrail print it. */
  isoNow(): string;
}

export const roleArn = (accountId: string, name: string) => `arn:aws:iam::${accountId}:role/${name}`;
export const rootArn = (accountId: string) => `arn:aws:iam::${accountId}:root`;

export interface WorldSettings {
  managementAccountId: string;
  hubAccountId: string;
  clock: ScaledClock;
  delivery: Delivery;
  /** Seeded generators: one for ids, one for everything else, so fault draws do not shift ids. */
  idRandom: () => number;
  random: () => number;
}

export function createWorld(settings: WorldSettings): LocalWorld {
  const { managementAccountId, hubAccountId, clock, delivery, idRandom } = settings;
  const accounts = new Map<string, Account>();
  const roles = new Map<string, Role>();
  const issuedIds = new Set<string>();
  const controlPlaneRoleArn = roleArn(hubAccountId, LOCAL_DEFAULTS.controlPlaneRoleName);

  const addRole = (accountId: string, name: string, trustedPrincipals: string[]) => {
    roles.set(roleArn(accountId, name), { arn: roleArn(accountId, name), accountId, trustedPrincipals });
  };

  const isoNow = () => new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

  const world: LocalWorld = {
    accounts,
    roles,
    sessions: new Map(),
    managementAccountId,
    hubAccountId,
    clock,
    delivery,
    sinks: delivery.sinks,
    random: settings.random,
    isoNow,
    newId(prefix: string): string {
      const head = prefix.endsWith('-') ? prefix : `${prefix}-`;
      for (;;) {
        const id = head + randomHex(idRandom, 17);
        if (!issuedIds.has(id)) {
          issuedIds.add(id);
          return id;
        }
      }
    },
    newAccountId(): string {
      for (;;) {
        const id = randomAccountId(idRandom);
        if (!accounts.has(id)) return id;
      }
    },
    emitEvent(event) {
      delivery.event({ version: '0', id: randomUUID(), time: isoNow(), ...event }, 'default');
    },
    deliverEvent(event, busName) {
      delivery.event(event, busName);
    },
    publishNotification(topicArn, message) {
      delivery.notification(topicArn, message);
    },
    ensureAccount(input) {
      const existing = accounts.get(input.id);
      if (existing) return existing;
      if (!/^\d{12}$/.test(input.id)) throw new Error(`account id must be 12 digits, got ${input.id}`);
      const account: Account = { spokeRoleEnabled: true, ...input };
      accounts.set(account.id, account);
      // The baseline a StackSet would deploy: the spoke role, trusting only the control plane's role.
      addRole(account.id, LOCAL_DEFAULTS.spokeRoleName, [controlPlaneRoleArn]);
      if (!account.spokeRoleEnabled) roles.delete(roleArn(account.id, LOCAL_DEFAULTS.spokeRoleName));
      return account;
    },
    setSpokeRole(accountId, enabled) {
      const account = accounts.get(accountId);
      if (!account) throw new Error(`no account ${accountId}`);
      account.spokeRoleEnabled = enabled;
      if (enabled) addRole(accountId, LOCAL_DEFAULTS.spokeRoleName, [controlPlaneRoleArn]);
      else roles.delete(roleArn(accountId, LOCAL_DEFAULTS.spokeRoleName));
      return account;
    },
  };

  world.ensureAccount({ id: managementAccountId, name: 'management', email: `management+${managementAccountId}@example.com` });
  world.ensureAccount({ id: hubAccountId, name: 'egress-hub', email: `egress-hub+${hubAccountId}@example.com` });
  addRole(hubAccountId, LOCAL_DEFAULTS.controlPlaneRoleName, [rootArn(hubAccountId)]);
  // Read-only access to the organization for the control plane (AWS: a role in the management account).
  addRole(managementAccountId, LOCAL_DEFAULTS.organizationsReadRoleName, [controlPlaneRoleArn]);
  return world;
}
