/** What every EC2 action handler receives, and the emulator's tunables. */
import type { CallContext, World } from '../framework';
import type { Params } from './query';
import type { Ec2State, RegionState } from './state';
import type { XmlObject } from './xml';

export interface Ec2Options {
  /**
   * Emulated milliseconds an endpoint stays `pending` after it is accepted (or created on a service
   * without acceptance) before it is `available`. Scaled by the world clock's time scale.
   * @default 5000
   */
  readonly endpointPendingMs?: number;
  /**
   * Emulated milliseconds a deleted interface endpoint stays `deleting` (its network interfaces being torn down,
   * its security groups still in use) before it is `deleted`. Scaled by the world clock's time scale.
   * @default 5000
   */
  readonly endpointDeletingMs?: number;
  /** Interface endpoints per VPC before VpcEndpointLimitExceeded. @default 50 (the AWS default quota) */
  readonly endpointsPerVpc?: number;
  /**
   * Zones a new endpoint service supports, counted from the owner's first AZ name (the NLB is not
   * emulated). @default one fewer than the region has, so tests always have an unsupported AZ.
   */
  readonly serviceZoneCount?: number;
}

export type ResolvedOptions = Required<Ec2Options>;

export interface Call {
  readonly p: Params;
  readonly ctx: CallContext;
  readonly world: World;
  readonly state: Ec2State;
  /** The caller's own resources in the called region. */
  readonly rs: RegionState;
  readonly options: ResolvedOptions;
}

export type Handler = (call: Call) => XmlObject;
