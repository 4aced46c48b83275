/**
 * EventBridge buses as resources: every account and region has its `default` bus; custom buses exist once
 * CreateEventBus made them; each bus holds at most one resource policy (what PutPermission writes). A name resolves
 * in the caller's account and region, an ARN anywhere.
 */
import { AwsError } from '../framework';
import type { ResourcePolicy } from '../core/resource-policy';

export interface EventBus {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly arn: string;
  policy: ResourcePolicy | undefined;
  readonly createdAt: number;
  lastModifiedAt: number;
}

export interface BusAddress {
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
}

export const DEFAULT_BUS = 'default';

const BUS_ARN = /^arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/;
/** CreateEventBus: 1-256 of these characters; a custom bus's name cannot contain `/` (partner buses' can). */
const CUSTOM_BUS_NAME = /^[.\-_A-Za-z0-9]{1,256}$/;

export const busArn = (address: BusAddress) => `arn:aws:events:${address.region}:${address.accountId}:event-bus/${address.name}`;

/** Where a bus name or ARN points, from the caller's account and region. */
export function busAddress(nameOrArn: string | undefined, caller: { accountId: string; region: string }): BusAddress {
  const arn = nameOrArn === undefined ? undefined : BUS_ARN.exec(nameOrArn);
  if (arn?.[1] && arn[2] && arn[3]) return { region: arn[1], accountId: arn[2], name: arn[3] };
  return { accountId: caller.accountId, region: caller.region, name: nameOrArn === undefined || nameOrArn === '' ? DEFAULT_BUS : nameOrArn };
}

export class EventBusRegistry {
  private readonly buses = new Map<string, EventBus>();

  constructor(private readonly now: () => number) {}

  create(address: BusAddress): EventBus {
    if (address.name === DEFAULT_BUS) throw new AwsError('ValidationException', 'The name default is reserved for the default event bus.', 400);
    if (!CUSTOM_BUS_NAME.test(address.name)) {
      throw new AwsError('ValidationException', `Event bus name ${address.name} must be 1-256 characters of [.-_A-Za-z0-9].`, 400);
    }
    if (this.buses.has(busArn(address))) throw new AwsError('ResourceAlreadyExistsException', `Event bus ${address.name} already exists.`, 400);
    return this.store(address);
  }

  /** The bus at `address`, or undefined; a default bus always exists. */
  find(address: BusAddress): EventBus | undefined {
    const bus = this.buses.get(busArn(address));
    if (bus !== undefined || address.name !== DEFAULT_BUS) return bus;
    return this.store(address);
  }

  require(address: BusAddress): EventBus {
    const bus = this.find(address);
    if (bus === undefined) throw notFound(address.name);
    return bus;
  }

  setPolicy(bus: EventBus, policy: ResourcePolicy | undefined): void {
    bus.policy = policy;
    bus.lastModifiedAt = this.now();
  }

  list(): EventBus[] {
    return [...this.buses.values()];
  }

  private store(address: BusAddress): EventBus {
    const now = this.now();
    const bus: EventBus = { ...address, arn: busArn(address), policy: undefined, createdAt: now, lastModifiedAt: now };
    this.buses.set(bus.arn, bus);
    return bus;
  }
}

export function notFound(name: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`, 400);
}
