/**
 * The local cloud's EC2 service: VPCs, subnets, AZs, security groups, tags, and PrivateLink (endpoint
 * services, interface endpoints, connections, notifications) over the EC2 query protocol.
 */
import { AwsError } from '../framework';
import type { CallContext, RawRequest, RawResponse, ServiceModule, World } from '../framework';
import { connectionHandlers } from './connections';
import type { Ec2Options, Handler, ResolvedOptions } from './context';
import { endpointHandlers } from './endpoints';
import { isBoundedRead, parseParams } from './query';
import type { Params } from './query';
import { notificationHandlers } from './notifications';
import { permissionHandlers } from './permissions';
import { securityGroupHandlers } from './security-groups';
import { serviceHandlers } from './services';
import { Ec2State } from './state';
import { snapshotOf } from './snapshot';
import { subnetHandlers } from './subnets';
import { tagHandlers } from './tags';
import { vpcHandlers } from './vpcs';
import { actionResponseXml, errorXml } from './xml';
import { zoneCount } from './zones';

export type { Ec2Options } from './context';

/**
 * EC2's request token buckets per account and region (aws-facts.md), by throttle class. The class
 * names match the core's defaults (core/throttle.ts), so `ec2:mutating`-style overrides apply.
 */
export const EC2_THROTTLE_BUCKETS = {
  'non-mutating': { capacity: 100, refillPerSecond: 20 },
  'unfiltered-non-mutating': { capacity: 50, refillPerSecond: 10 },
  mutating: { capacity: 50, refillPerSecond: 5 },
  'endpoint-connections': { capacity: 10, refillPerSecond: 1 },
  'vpc-endpoints': { capacity: 4, refillPerSecond: 0.3 },
  'endpoint-service-configuration': { capacity: 10, refillPerSecond: 1 },
} as const satisfies Record<string, { capacity: number; refillPerSecond: number }>;

export type Ec2ThrottleClass = keyof typeof EC2_THROTTLE_BUCKETS;

const CLASS_BY_ACTION: Record<string, Ec2ThrottleClass> = {
  CreateVpcEndpoint: 'vpc-endpoints',
  ModifyVpcEndpoint: 'vpc-endpoints',
  DeleteVpcEndpoints: 'vpc-endpoints',
  AcceptVpcEndpointConnections: 'endpoint-connections',
  RejectVpcEndpointConnections: 'endpoint-connections',
  CreateVpcEndpointServiceConfiguration: 'endpoint-service-configuration',
  ModifyVpcEndpointServiceConfiguration: 'endpoint-service-configuration',
};

const HANDLERS: Record<string, Handler> = {
  ...vpcHandlers,
  ...subnetHandlers,
  ...securityGroupHandlers,
  ...tagHandlers,
  ...serviceHandlers,
  ...permissionHandlers,
  ...endpointHandlers,
  ...connectionHandlers,
  ...notificationHandlers,
};

export interface Ec2ServiceModule extends ServiceModule {
  readonly throttleBuckets: typeof EC2_THROTTLE_BUCKETS;
  /**
   * Local admin hook: the physical AZ ids an endpoint service supports (the NLB is not emulated, so
   * tests and demos choose them here instead of through load balancer subnets).
   */
  setEndpointServiceZones(serviceId: string, zoneIds: string[]): void;
}

const isRead = (action: string) => action.startsWith('Describe') || action.startsWith('List') || action.startsWith('Get');

export function createEc2Service(world: World, options: Ec2Options = {}): Ec2ServiceModule {
  const state = new Ec2State();
  const resolved = (region: string): ResolvedOptions => ({
    endpointPendingMs: options.endpointPendingMs ?? 5000,
    endpointDeletingMs: options.endpointDeletingMs ?? 5000,
    endpointsPerVpc: options.endpointsPerVpc ?? 50,
    serviceZoneCount: options.serviceZoneCount ?? Math.max(1, zoneCount(region) - 1),
  });
  // actionOf and handle see the same request: parse its form body once.
  const parsed = new WeakMap<RawRequest, Params>();
  // The core asks for the throttle class right after actionOf, synchronously, for the same request.
  let lastParams: Params | undefined;
  const paramsOf = (req: RawRequest) => {
    let params = parsed.get(req);
    if (!params) {
      params = parseParams(req.body, req.query);
      parsed.set(req, params);
    }
    return params;
  };

  return {
    signingName: 'ec2',
    throttleBuckets: EC2_THROTTLE_BUCKETS,

    actionOf(req) {
      const params = paramsOf(req);
      lastParams = params;
      return params.get('Action') ?? '';
    },

    throttleClass(action: string, req?: RawRequest) {
      const byAction = CLASS_BY_ACTION[action];
      if (byAction) return byAction;
      if (!isRead(action)) return 'mutating';
      const params = req ? paramsOf(req) : lastParams;
      return params && isBoundedRead(params) ? 'non-mutating' : 'unfiltered-non-mutating';
    },

    handle(req: RawRequest, ctx: CallContext): RawResponse {
      const p = paramsOf(req);
      const action = p.get('Action') ?? '';
      const handler = HANDLERS[action];
      if (!handler) throw new AwsError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`);
      if (p.get('DryRun') === 'true') {
        throw new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
      }
      const body = handler({ p, ctx, world, state, rs: state.region(ctx.accountId, ctx.region), options: resolved(ctx.region) });
      return {
        status: 200,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body: actionResponseXml(action, ctx.requestId, body),
      };
    },

    errorResponse(err: AwsError, ctx: CallContext): RawResponse {
      return {
        status: err.status,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body: errorXml(err.code, err.message, ctx.requestId),
      };
    },

    snapshot: () => snapshotOf(state, world.clock.now()),

    setEndpointServiceZones(serviceId, zoneIds) {
      const service = state.servicesById.get(serviceId);
      if (!service) throw new Error(`no endpoint service ${serviceId}`);
      service.zoneIds = [...zoneIds];
    },
  };
}
