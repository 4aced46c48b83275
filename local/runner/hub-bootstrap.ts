/**
 * What the hub's CDK stacks create, done with the SDK against the local cloud: the endpoint service in
 * front of the (not emulated) NLB, its connection notification topic, the control plane's event bus and
 * the RAM share of the discovery parameters. Runs as the hub account, exactly as CloudFormation would.
 */
import {
  CreateVpcEndpointConnectionNotificationCommand,
  CreateVpcEndpointServiceConfigurationCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateResourceShareCommand, RAMClient } from '@aws-sdk/client-ram';
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
}

export interface HubBootstrapInput {
  endpoint: string;
  region: string;
  hubAccountId: string;
  credentials: Credentials;
}

export async function bootstrapHub(input: HubBootstrapInput): Promise<HubResources> {
  const clientConfig = { endpoint: input.endpoint, region: input.region, credentials: input.credentials };
  const ec2 = new EC2Client(clientConfig);
  const ram = new RAMClient(clientConfig);
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
        ConnectionEvents: ['Connect', 'Accept', 'Reject', 'Delete'],
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
    return { serviceId, serviceName, notificationTopicArn, discoveryShareArn };
  } finally {
    ec2.destroy();
    ram.destroy();
  }
}
