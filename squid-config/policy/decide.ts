/**
 * The egress decision for one request: may the spoke behind this VPC endpoint reach this host? The fleet's Squid
 * helper, `npx egress why` and the tests call this one function, so there is no second copy of the rules.
 *
 * Allowed when the host is in the baseline or in one of the endpoint's named policies (see resolve.ts). Ports,
 * schemes and destinations that resolve to private or special-use addresses are Squid's to refuse (squid.conf),
 * whatever this says.
 */
import type { EndpointMapping, MappedEndpoint, PolicyBundle } from './documents';
import { DomainSet } from './domain-set';
import { BASELINE_POLICY_NAME } from './policy-tag';
import { resolvePolicies, type PolicyResolution } from './resolve';

/** Why a request was denied; the same words appear in the access log and in `egress why`. */
export type DenyReason =
  /** The endpoint is known and neither the baseline nor its policies list the host. */
  | 'not_in_policy'
  /** The endpoint is not in the mapping: the baseline only, which does not list the host. */
  | 'unknown_endpoint'
  /** The connection carried no endpoint id (no PROXY TLV 0xEA): the baseline only. */
  | 'no_endpoint_id'
  /** The endpoint names a policy the bundle lacks: the baseline only. */
  | 'unknown_policy'
  /** No policy has been loaded yet (a task that never read the store): the baseline only. */
  | 'policy_not_loaded';

export type Decision =
  | { readonly allowed: true; /** `baseline` or the named policy that lists the host. */ readonly policy: string; readonly policies: readonly string[] }
  | { readonly allowed: false; readonly reason: DenyReason; readonly policies: readonly string[] };

export interface PolicyInputs {
  /** The published bundle, or undefined when none was ever loaded. */
  readonly bundle: PolicyBundle | undefined;
  /** The published mapping, or undefined when none was ever loaded. */
  readonly mapping: EndpointMapping | undefined;
  /** The baseline shipped in the image, used until a bundle is loaded. */
  readonly fallbackBaseline: readonly string[];
}

interface CompiledEndpoint {
  readonly entry: MappedEndpoint;
  readonly resolution: PolicyResolution;
  readonly sets: readonly (readonly [string, DomainSet])[];
}

export class CompiledPolicy {
  private readonly baseline: DomainSet;
  private readonly endpoints = new Map<string, CompiledEndpoint>();
  private readonly loaded: boolean;

  constructor(inputs: PolicyInputs) {
    const { bundle, mapping } = inputs;
    this.baseline = new DomainSet(bundle?.baseline ?? inputs.fallbackBaseline);
    this.loaded = bundle !== undefined && mapping !== undefined;
    if (bundle === undefined || mapping === undefined) return;
    // Each named policy is compiled once however many endpoints use it.
    const policySets = new Map(Object.entries(bundle.policies).map(([name, entries]) => [name, new DomainSet(entries)] as const));
    for (const [endpointId, entry] of Object.entries(mapping.endpoints)) {
      const resolution = resolvePolicies(bundle, entry);
      const sets = resolution.names.flatMap((name) => {
        const set = policySets.get(name);
        // Stryker disable next-line ConditionalExpression,ArrayDeclaration: never undefined, as resolvePolicies names only policies the bundle has (the baseline only otherwise); kept for the type checker
        return set === undefined ? [] : [[name, set] as const];
      });
      this.endpoints.set(endpointId, { entry, resolution, sets });
    }
  }

  /** How many endpoints the mapping maps (for logs). */
  get endpointCount(): number {
    return this.endpoints.size;
  }

  /** The mapping entry and resolved policies of an endpoint, or undefined when it is not mapped. */
  endpoint(endpointId: string): { readonly entry: MappedEndpoint; readonly resolution: PolicyResolution } | undefined {
    return this.endpoints.get(endpointId);
  }

  /** `endpointId` undefined: the connection carried none. `host`: the request's host name or IP literal. */
  decide(endpointId: string | undefined, host: string): Decision {
    // Stryker disable next-line ConditionalExpression: equivalent, Map.get(undefined) is undefined too (kept for the type checker)
    const endpoint = endpointId === undefined ? undefined : this.endpoints.get(endpointId);
    const policies = endpoint?.resolution.names ?? [];
    if (this.baseline.has(host)) return { allowed: true, policy: BASELINE_POLICY_NAME, policies };
    for (const [name, set] of endpoint?.sets ?? []) {
      if (set.has(host)) return { allowed: true, policy: name, policies };
    }
    return { allowed: false, reason: this.denyReason(endpointId, endpoint), policies };
  }

  private denyReason(endpointId: string | undefined, endpoint: CompiledEndpoint | undefined): DenyReason {
    if (endpointId === undefined) return 'no_endpoint_id';
    if (!this.loaded) return 'policy_not_loaded';
    if (endpoint === undefined) return 'unknown_endpoint';
    // Every reason the endpoint's choice is unusable is a problem, unknown names included.
    if (endpoint.resolution.problems.length > 0) return 'unknown_policy';
    return 'not_in_policy';
  }
}
