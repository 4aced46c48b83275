/**
 * When each endpoint of the hub service became available, read once from the local cloud's state (each accepted
 * endpoint carries its emulated `availableAt`), instead of sampling during the run: at 30,000 endpoints a sample
 * through DescribeVpcEndpointConnections is 30 pages, which would spend the hub's read tokens the control plane
 * needs. The exact times also give an exact wall time and timeline.
 */
import type { TimelinePoint } from './timeline-svg';

interface StateEndpoint {
  vpcEndpointId: string;
  vpcId: string;
  serviceName: string;
  state: string;
  availableAt?: number;
}

interface StateRegion {
  accountId: string;
  region: string;
  endpoints: StateEndpoint[];
}

export interface EndpointAvailability {
  readonly accountId: string;
  readonly vpcId: string;
  readonly vpcEndpointId: string;
  readonly state: string;
  /** Emulated epoch ms; undefined while not accepted. */
  readonly availableAt: number | undefined;
}

/** Every live endpoint of the service `serviceName`, from a local cloud snapshot (LocalCloud.snapshot()). */
export function endpointsOfService(snapshot: Record<string, unknown>, serviceName: string): EndpointAvailability[] {
  const regions = (snapshot.ec2 as { regions: StateRegion[] }).regions;
  return regions.flatMap((region) =>
    region.endpoints
      .filter((e) => e.serviceName === serviceName && e.state !== 'deleted' && e.state !== 'deleting')
      .map((e) => ({ accountId: region.accountId, vpcId: e.vpcId, vpcEndpointId: e.vpcEndpointId, state: e.state, availableAt: e.availableAt })),
  );
}

/**
 * Endpoints available over emulated seconds since `startedAt` (emulated epoch ms), as a step curve of at most
 * `maxPoints` points (the JSON and the SVG stay small at 30,000 endpoints).
 */
export function availabilityTimeline(endpoints: readonly EndpointAvailability[], startedAt: number, now: number, maxPoints = 200): TimelinePoint[] {
  const times = endpoints
    .map((e) => e.availableAt)
    .filter((t): t is number => t !== undefined && t <= now)
    .map((t) => (t - startedAt) / 1000)
    .sort((a, b) => a - b);
  const points: TimelinePoint[] = [{ seconds: 0, available: 0 }];
  const stride = Math.max(1, Math.ceil(times.length / maxPoints));
  for (let i = stride - 1; i < times.length; i += stride) points.push({ seconds: round(times[i] ?? 0), available: i + 1 });
  const last = times[times.length - 1];
  if (last !== undefined && points[points.length - 1]?.available !== times.length) points.push({ seconds: round(last), available: times.length });
  return points;
}

const round = (n: number) => Math.round(n * 100) / 100;
