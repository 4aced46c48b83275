/**
 * What the hub's CDK stacks create, done with the SDK against the local cloud: the endpoint service in
 * front of the (not emulated) NLB, its connection notification topic, the control plane's event bus with the policy
 * the stack deploys (events/hub-bus-policy.ts), and the RAM share of the discovery parameters. Runs as the hub
 * account, exactly as CloudFormation would.
 */
import {
  CreateVpcEndpointConnectionNotificationCommand,
  CreateVpcEndpointServiceConfigurationCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateEventBusCommand, EventBridgeClient, PutPermissionCommand } from '@aws-sdk/client-eventbridge';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateResourceShareCommand, RAMClient } from '@aws-sdk/client-ram';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { checkPolicyFiles, formatPolicyProblems } from '../../squid-config/policy/check';
import { policyBundleSchema } from '../../squid-config/policy/documents';
import { readPolicyFiles } from '../../squid-config/policy/repository';
import { BUNDLE_KEY, writeObject } from '../../squid-config/policy/store';
import { hubBusPolicyDocument } from '../../events/hub-bus-policy';
import { HUB_BUS_NAME } from '../../events/routes';
import { CONNECTION_EVENTS } from '../../events/connection-events';
/** Static credentials as the SDK takes them. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface HubResources {
  serviceId: string;
  serviceName: string;
  /** The SNS topic the endpoint service publishes connection notifications to. */
  notificationTopicArn: string;
  /** The RAM share of the SSM parameters that tell spokes the service name and proxy port. */
  discoveryShareArn: string;
  /** The policy store: the bundle (published here from squid-config/, as the pipeline would) and the mapping. */
  policyBucket: string;
  /** The control plane's bus, which spokes and the management account forward to. */
  hubBusArn: string;
}

export interface HubBootstrapInput {
  endpoint: string;
  region: string;
  hubAccountId: string;
  credentials: Credentials;
  /** The squid-config directory whose policies to publish. @default the repository's */
  policyConfigDir?: string;
  /** @default HUB_BUS_NAME */
  hubBusName?: string;
}

export async function bootstrapHub(input: HubBootstrapInput): Promise<HubResources> {
  const clientConfig = { endpoint: input.endpoint, region: input.region, credentials: input.credentials };
  const ec2 = new EC2Client(clientConfig);
  const ram = new RAMClient(clientConfig);
  const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
  try {
    const nlbArn = `arn:aws:elasticloadbalancing:${input.region}:${input.hubAccountId}:loadbalancer/net/egress-proxy/0123456789abcdef`;
    const created = await ec2.send(
      new CreateVpcEndpointServiceConfigurationCommand({
        NetworkLoadBalancerArns: [nlbArn],
        AcceptanceRequired: true,
        ClientToken: 'local-hub-egress-proxy-service',
        TagSpecifications: [{ ResourceType: 'vpc-endpoint-service', Tags: [{ Key: 'Name', Value: 'egress-proxy' }] }],
      }),
    );
    const serviceId = created.ServiceConfiguration?.ServiceId;
    const serviceName = created.ServiceConfiguration?.ServiceName;
    if (!serviceId || !serviceName) throw new Error('CreateVpcEndpointServiceConfiguration returned no service id/name');

    const notificationTopicArn = `arn:aws:sns:${input.region}:${input.hubAccountId}:egress-proxy-connection-events`;
    await ec2.send(
      new CreateVpcEndpointConnectionNotificationCommand({
        ServiceId: serviceId,
        ConnectionNotificationArn: notificationTopicArn,
        ConnectionEvents: [...CONNECTION_EVENTS],
      }),
    );

    const parameterArn = (name: string) => `arn:aws:ssm:${input.region}:${input.hubAccountId}:parameter/egress-proxy/${name}`;
    const share = await ram.send(
      new CreateResourceShareCommand({
        name: 'egress-proxy-discovery',
        resourceArns: [parameterArn('service-name'), parameterArn('proxy-port')],
        allowExternalPrincipals: false,
      }),
    );
    const discoveryShareArn = share.resourceShare?.resourceShareArn;
    if (!discoveryShareArn) throw new Error('CreateResourceShare returned no share ARN');
    const policyBucket = await createPolicyStore(s3, input);
    const hubBusArn = await createHubBus(clientConfig, input.hubAccountId, input.hubBusName ?? HUB_BUS_NAME);
    return { serviceId, serviceName, notificationTopicArn, discoveryShareArn, policyBucket, hubBusArn };
  } finally {
    ec2.destroy();
    ram.destroy();
    s3.destroy();
  }
}

/**
 * The bus and its policy, as the ControlPlane stack deploys them. The organization's id and management account come
 * from Organizations (any member may describe its organization), where the stack reads them from its settings.
 */
async function createHubBus(clientConfig: { endpoint: string; region: string; credentials: Credentials }, hubAccountId: string, name: string): Promise<string> {
  const organizations = new OrganizationsClient({ ...clientConfig, region: 'us-east-1' });
  const events = new EventBridgeClient(clientConfig);
  try {
    const { Organization } = await organizations.send(new DescribeOrganizationCommand({}));
    if (!Organization?.Id || !Organization.MasterAccountId) throw new Error('DescribeOrganization returned no organization id or management account');
    const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: name }));
    if (!EventBusArn) throw new Error('CreateEventBus returned no ARN');
    const policy = hubBusPolicyDocument({ busArn: EventBusArn, organizationId: Organization.Id, hubAccountId, managementAccountId: Organization.MasterAccountId });
    await events.send(new PutPermissionCommand({ EventBusName: name, Policy: JSON.stringify(policy) }));
    return EventBusArn;
  } finally {
    organizations.destroy();
    events.destroy();
  }
}

/** The bucket the Hub stack creates (same derived name), holding the bundle the pipeline would publish from git. */
async function createPolicyStore(s3: S3Client, input: HubBootstrapInput): Promise<string> {
  const bucket = `egressproxy-${input.hubAccountId}-${input.region}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const check = checkPolicyFiles(readPolicyFiles(input.policyConfigDir ?? join(__dirname, '..', '..', 'squid-config')));
  if (check.bundle === undefined) throw new Error(`the policy files do not pass their check:\n${formatPolicyProblems(check.problems)}`);
  const bundle = policyBundleSchema.parse({ ...check.bundle, source: { revision: 'local', generatedAt: new Date().toISOString() } });
  await writeObject(s3, bucket, BUNDLE_KEY, JSON.stringify(bundle), 'unconditional');
  return bucket;
}
