import { Aws } from 'aws-cdk-lib';
import { DEFAULT_POLICY_TAG_KEY, DEFAULT_PROXY_TAG_KEY } from '../events/patterns';
import { MANAGED_TAG_PREFIX } from '../functions/core/managed-tags';
import { HUB_BUS_NAME, type RouteOptions } from '../events/routes';
import type { ContextSource, HubConfig } from './config';
import { ConfigError } from './validation/config-error';
import { ProblemCollector } from './validation/problems';
import * as validate from './validation/validators';

/**
 * Settings of the control plane, the spoke baseline and the management-account forwarder. They extend the hub's
 * settings (infra/config.ts): the hub account and region, the deployment name and the log retention come from there.
 */
export interface ControlPlaneConfig {
  readonly hub: HubConfig;
  /** The organization whose members may send events to the hub bus and be onboarded (`o-...`). */
  readonly organizationId: string;
  /** The management account: Organizations events appear only there (us-east-1), and it hosts the read role. */
  readonly managementAccount: string;
  /** OUs (or the root) whose accounts receive the spoke baseline and are in scope for the proxy. */
  readonly spokeOrganizationalUnitIds: readonly string[];
  readonly excludedAccountIds: readonly string[];
  readonly proxyTag: { readonly key: string; readonly value: string };
  /** The VPC tag that names a VPC's egress policies (`egress-proxy-policy=payments,stripe`). */
  readonly policyTagKey: string;
  /** Who creates the StackSet: the management account itself, or a delegated StackSets administrator. */
  readonly stackSet: { readonly callAs: 'SELF' | 'DELEGATED_ADMIN'; readonly account: string };
  /** Calls ram:EnableSharingWithAwsOrganization from the management account (once per organization). */
  readonly enableRamSharingWithOrganization: boolean;
  readonly roleNames: {
    readonly spoke: string;
    readonly organizationsRead: string;
  };
  /**
   * The hub's endpoint service name (the Hub stack's `EndpointServiceName` output), which the spoke role pins
   * CreateVpcEndpoint to. Unknown before the Hub stack exists, and the spoke StackSet lives in another account, so
   * it cannot be a stack reference: undefined until set, and the role then admits any service of the hub account in
   * the hub region.
   */
  readonly hubEndpointServiceName: string | undefined;
}

/** Organizations events are delivered only in us-east-1, so the forwarder and the read role live there. */
export const MANAGEMENT_REGION = 'us-east-1';

/**
 * Example values used when cdk.json does not set a key, so `npm run synth` works from a fresh clone. They fail
 * closed if deployed unchanged: no real principal belongs to the example organization.
 */
export const CONTROL_PLANE_CONTEXT_DEFAULTS: Readonly<Record<ControlPlaneContextKey, unknown>> = {
  organizationId: 'o-exampleorg1',
  managementAccount: '111111111111',
  spokeOrganizationalUnitIds: ['ou-exam-pleou111'],
  excludedAccountIds: [],
  proxyTagKey: DEFAULT_PROXY_TAG_KEY,
  proxyTagValue: 'enabled',
  policyTagKey: DEFAULT_POLICY_TAG_KEY,
  stackSetCallAs: 'SELF',
  stackSetAccount: '',
  enableRamSharingWithOrganization: false,
  spokeRoleName: 'EgressProxySpokeRole',
  organizationsReadRoleName: 'EgressOrganizationsReadRole',
  hubEndpointServiceName: '',
};

export const CONTROL_PLANE_CONTEXT_KEYS = [
  'organizationId',
  'managementAccount',
  'spokeOrganizationalUnitIds',
  'excludedAccountIds',
  'proxyTagKey',
  'proxyTagValue',
  'policyTagKey',
  'stackSetCallAs',
  'stackSetAccount',
  'enableRamSharingWithOrganization',
  'spokeRoleName',
  'organizationsReadRoleName',
  'hubEndpointServiceName',
] as const;

export type ControlPlaneContextKey = (typeof CONTROL_PLANE_CONTEXT_KEYS)[number];

/** Every setting is checked, and every problem reported at once (InvalidConfiguration), not just the first. */
export function loadControlPlaneConfig(context: ContextSource, hub: HubConfig): ControlPlaneConfig {
  const read = (key: ControlPlaneContextKey): unknown => {
    const value = context(key);
    return value === undefined ? CONTROL_PLANE_CONTEXT_DEFAULTS[key] : value;
  };
  const problems = new ProblemCollector();
  const managementAccount = problems.check(() => validate.accountId('managementAccount', read('managementAccount')));
  const stackSetAccountRaw = read('stackSetAccount');
  const config = {
    hub,
    organizationId: problems.check(() => organizationId(read('organizationId'))),
    managementAccount,
    spokeOrganizationalUnitIds: problems.check(() => organizationalUnitIds(read('spokeOrganizationalUnitIds'))),
    excludedAccountIds: problems.check(() =>
      validate.stringList('excludedAccountIds', read('excludedAccountIds')).map((id) => validate.accountId('excludedAccountIds', id)),
    ),
    proxyTag: { key: problems.check(() => tagKey('proxyTagKey', read('proxyTagKey'))), value: problems.check(() => proxyTagValue(read('proxyTagValue'))) },
    policyTagKey: problems.check(() => policyTagKey(read('policyTagKey'), read('proxyTagKey'))),
    stackSet: {
      callAs: problems.check(() => validate.oneOf('stackSetCallAs', read('stackSetCallAs'), ['SELF', 'DELEGATED_ADMIN'] as const)),
      account:
        stackSetAccountRaw === '' || stackSetAccountRaw === undefined
          ? managementAccount
          : problems.check(() => validate.accountId('stackSetAccount', stackSetAccountRaw)),
    },
    enableRamSharingWithOrganization: problems.check(() => booleanSetting('enableRamSharingWithOrganization', read('enableRamSharingWithOrganization'))),
    roleNames: {
      spoke: problems.check(() => roleName('spokeRoleName', read('spokeRoleName'))),
      organizationsRead: problems.check(() => roleName('organizationsReadRoleName', read('organizationsReadRoleName'))),
    },
    hubEndpointServiceName: problems.check(() => endpointServiceName(read('hubEndpointServiceName'), hub.env?.region)),
  };
  problems.throwIfAny();
  // Every check passed, so no field is undefined.
  return config as ControlPlaneConfig;
}

/** The functions of the control plane; each gets its own execution role. */
export const CONTROL_PLANE_FUNCTIONS = [
  'account-onboarding',
  'vpc-onboarding',
  'connection-acceptance',
  'reconciler',
  'account-reconciler',
  'mapping-publisher',
] as const;
export type ControlPlaneFunction = (typeof CONTROL_PLANE_FUNCTIONS)[number];

/** The functions that act in spoke accounts through the spoke role (VPC reads and writes, tag checks). */
export const SPOKE_ACTING_FUNCTIONS: readonly ControlPlaneFunction[] = ['vpc-onboarding', 'connection-acceptance', 'reconciler', 'account-reconciler'];

/**
 * Execution role names are fixed (derived from the deployment name) because the spoke role and the Organizations
 * read role live in other accounts and must name them in their trust policies before the hub stack exists.
 */
export function controlPlaneRoleName(config: ControlPlaneConfig, fn: ControlPlaneFunction): string {
  return `${config.hub.deploymentName}-cp-${fn}`;
}

/*
 * ARNs of resources in other accounts of the organization, which one partition holds: by default the partition of
 * the stack that uses them (AWS::Partition), so the templates also deploy in aws-cn and aws-us-gov.
 */

export function controlPlaneRoleArn(config: ControlPlaneConfig, fn: ControlPlaneFunction, partition: string = Aws.PARTITION): string {
  return `arn:${partition}:iam::${config.hub.env.account}:role/${controlPlaneRoleName(config, fn)}`;
}

/** What events/routes.ts needs to build this deployment's rules: the tag keys and the accounts each event must come from. */
export function routeOptions(config: ControlPlaneConfig): RouteOptions {
  return {
    proxyTagKey: config.proxyTag.key,
    policyTagKey: config.policyTagKey,
    accounts: { hub: config.hub.env.account, management: config.managementAccount },
  };
}

/** Named per deployment, so two deployments in one hub account do not share a bus. */
export function hubBusName(config: ControlPlaneConfig): string {
  return `${config.hub.deploymentName}-${HUB_BUS_NAME}`;
}

export function hubBusArn(config: ControlPlaneConfig, partition: string = Aws.PARTITION): string {
  return `arn:${partition}:events:${config.hub.env.region}:${config.hub.env.account}:event-bus/${hubBusName(config)}`;
}

export function organizationsReadRoleArn(config: ControlPlaneConfig, partition: string = Aws.PARTITION): string {
  return `arn:${partition}:iam::${config.managementAccount}:role/${config.roleNames.organizationsRead}`;
}

function organizationId(raw: unknown): string {
  const value = validate.requireString('organizationId', raw);
  if (!/^o-[a-z0-9]{10,32}$/.test(value)) {
    throw new ConfigError('organizationId', raw, 'must be an organization id: "o-" and 10-32 lowercase letters or digits');
  }
  return value;
}

function organizationalUnitIds(raw: unknown): string[] {
  const ids = validate.stringList('spokeOrganizationalUnitIds', raw);
  if (ids.length === 0) throw new ConfigError('spokeOrganizationalUnitIds', raw, 'must list at least one OU or root id');
  const bad = ids.find((id) => !/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/.test(id));
  if (bad !== undefined) throw new ConfigError('spokeOrganizationalUnitIds', raw, `"${bad}" is not an OU id (ou-...) or root id (r-...)`);
  if (new Set(ids).size !== ids.length) throw new ConfigError('spokeOrganizationalUnitIds', raw, 'lists an id twice');
  return ids;
}

function tagKey(setting: 'proxyTagKey' | 'policyTagKey', raw: unknown): string {
  const key = validate.requireString(setting, raw);
  if (key.length > 128 || key.toLowerCase().startsWith('aws:')) {
    throw new ConfigError(setting, raw, 'must be a tag key of 1-128 characters not starting with "aws:"');
  }
  if (key.startsWith(MANAGED_TAG_PREFIX)) {
    throw new ConfigError(setting, raw, `must not start with "${MANAGED_TAG_PREFIX}" (the control plane's own tags)`);
  }
  return key;
}

function policyTagKey(raw: unknown, proxyKey: unknown): string {
  const key = tagKey('policyTagKey', raw);
  if (key === proxyKey) throw new ConfigError('policyTagKey', raw, 'must differ from proxyTagKey');
  return key;
}

function proxyTagValue(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 256) throw new ConfigError('proxyTagValue', raw, 'must be a tag value of at most 256 characters');
  return raw;
}

function roleName(setting: string, raw: unknown): string {
  const value = validate.requireString(setting, raw);
  if (!/^[\w+=,.@-]{1,64}$/.test(value)) throw new ConfigError(setting, raw, 'must be an IAM role name (at most 64 of [A-Za-z0-9+=,.@_-])');
  return value;
}

/** `com.amazonaws.vpce.<hub region>.vpce-svc-<17 hex digits>`, or empty (not known yet). */
function endpointServiceName(raw: unknown, hubRegion: string | undefined): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = validate.requireString('hubEndpointServiceName', raw);
  const match = /^com\.amazonaws\.vpce\.([a-z0-9-]+)\.vpce-svc-[0-9a-f]{17}$/.exec(value);
  if (match === null) {
    throw new ConfigError('hubEndpointServiceName', raw, 'must be an endpoint service name: com.amazonaws.vpce.<region>.vpce-svc-<17 hex digits>');
  }
  if (hubRegion !== undefined && match[1] !== hubRegion) {
    throw new ConfigError('hubEndpointServiceName', raw, `names a service in ${match[1] ?? '?'}, but the hub is in ${hubRegion}`);
  }
  return value;
}

function booleanSetting(setting: string, raw: unknown): boolean {
  // `-c key=true` arrives as a string.
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new ConfigError(setting, raw, 'must be true or false');
}
