import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { RAMClient } from '@aws-sdk/client-ram';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import type { AcceptanceQueue } from '../aws/acceptance-queue';
import { assumeRoleCredentials } from '../aws/assume-role';
import { nameForeignAnswers } from '../aws/foreign-answers';
import { PolicyStore } from '../aws/policy-store';
import { clientOptions, sharedRateClientOptions } from '../aws/client-config';
import { addOrganizationsPacing, addPacing, addStsPacing } from '../aws/pacing-middleware';
import { SpokeSessions } from '../aws/spoke-sessions';
import type { ControlPlaneConfig } from './config';

/** Everything a handler needs, built once per cold start. */
export interface Runtime {
  readonly config: ControlPlaneConfig;
  /** The hub region: the endpoint service's region, where every spoke endpoint must live. */
  readonly region: string;
  readonly hubEc2: EC2Client;
  readonly organizations: OrganizationsClient;
  readonly ram: RAMClient;
  readonly events: EventBridgeClient;
  /** The hub's STS client (paced): spoke sessions and the Organizations read role are assumed with it. */
  readonly sts: STSClient;
  readonly spokes: SpokeSessions;
  /** The store of the endpoint-to-policy mapping the fleet reads; undefined when POLICY_BUCKET is unset. */
  readonly policyStore: PolicyStore | undefined;
  /** Where acceptance returns the notifications it defers; undefined when ACCEPTANCE_QUEUE_URL is unset (no deferral). */
  readonly acceptanceQueue: AcceptanceQueue | undefined;
}

export function buildRuntime(config: ControlPlaneConfig, region = process.env.AWS_REGION ?? 'us-east-1'): Runtime {
  const options = clientOptions(config.maxAttempts, region);
  // Paced: a reconcile assumes a role in every account, many accounts at once. Adaptive retries: the rate is shared.
  const sts = nameForeignAnswers(addStsPacing(new STSClient(sharedRateClientOptions(config.maxAttempts, region))));
  // Organizations is global and homed in us-east-1; the read role lives in the management account. Without a role
  // the hub is the management account (or a delegated administrator) and uses its own credentials. Paced: a reconcile
  // walks the whole OU tree, and every onboarding re-reads an account, against one low organization-wide rate.
  const organizations = nameForeignAnswers(addOrganizationsPacing(new OrganizationsClient({
    ...sharedRateClientOptions(config.maxAttempts, 'us-east-1'),
    ...(config.orgReadRoleArn === undefined
      ? {}
      : { credentials: assumeRoleCredentials(sts, config.orgReadRoleArn, 'egress-control-plane-org-read') }),
  })));
  return {
    config,
    region,
    // Accept/Reject batches paced to this environment's share of the hub's endpoint-connections bucket (10, refill
    // 1/s), which both acceptance environments draw on (HUB_CONNECTION_CALLERS). Adaptive retries for what pacing
    // cannot see: the reconciler's hub sweep, a person in the console.
    hubEc2: nameForeignAnswers(
      addPacing(new EC2Client(sharedRateClientOptions(config.maxAttempts, region)), undefined, { endpointConnectionCallers: config.hubConnectionCallers }),
    ),
    organizations,
    ram: nameForeignAnswers(new RAMClient(options)),
    // PutEvents' quota is per account and Region, drawn on by every environment at once (a fan-out's work items,
    // 50 account reconcilers' hand-offs and shard notices): a throttled hand-off used to fail its account's pass,
    // whose work items then waited out the queue's 90-minute visibility timeout.
    events: nameForeignAnswers(new EventBridgeClient(sharedRateClientOptions(config.maxAttempts, region))),
    sts,
    spokes: new SpokeSessions(sts, {
      spokeRoleName: config.spokeRoleName,
      partition: config.partition,
      maxAttempts: config.maxAttempts,
      ttlSeconds: config.spokeCredentialsTtlSeconds,
    }),
    policyStore: config.policyBucket === undefined ? undefined : new PolicyStore(policyStoreClient(options), config.policyBucket),
    acceptanceQueue: config.acceptanceQueueUrl === undefined ? undefined : { sqs: nameForeignAnswers(new SQSClient(options)), url: config.acceptanceQueueUrl },
  };
}

/**
 * Path-style addressing against a custom endpoint (the local cloud, an S3-compatible store): a bucket name as a
 * host name needs DNS that a loopback endpoint does not have. On AWS, the default virtual-hosted style.
 */
function policyStoreClient(options: ReturnType<typeof clientOptions>): S3Client {
  const customEndpoint = (process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL ?? '') !== '';
  return nameForeignAnswers(new S3Client({ ...options, forcePathStyle: customEndpoint }));
}
