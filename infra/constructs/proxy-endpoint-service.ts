import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

export interface ProxyEndpointServiceProps {
  readonly loadBalancer: elbv2.INetworkLoadBalancer;
  /** Principals allowed at deploy time; the control plane adds every other account at run time. */
  readonly allowedPrincipals: readonly string[];
  /** Optional name spokes resolve to their own endpoint; its TXT record must be verified once. */
  readonly privateDnsName?: string;
  readonly proxyPort: number;
  /** Path prefix of the published parameters, e.g. "/EgressProxy". */
  readonly parameterPrefix: string;
}

/**
 * The PrivateLink endpoint service in front of the NLB, and the SSM parameters spokes and the control
 * plane read to find it. Parameters are in the advanced tier because only advanced parameters can be
 * shared with other accounts through AWS RAM.
 */
export class ProxyEndpointService extends Construct {
  readonly service: ec2.CfnVPCEndpointService;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly parameters: {
    readonly serviceName: ssm.StringParameter;
    readonly serviceId: ssm.StringParameter;
    readonly proxyPort: ssm.StringParameter;
  };

  constructor(scope: Construct, id: string, props: ProxyEndpointServiceProps) {
    super(scope, id);
    this.service = new ec2.CfnVPCEndpointService(this, 'Service', {
      networkLoadBalancerArns: [props.loadBalancer.loadBalancerArn],
      // Every connection is reviewed: the control plane accepts only endpoints it created itself.
      acceptanceRequired: true,
      privateDnsName: props.privateDnsName,
    });
    this.serviceId = this.service.attrServiceId;
    this.serviceName = `com.amazonaws.vpce.${Stack.of(this).region}.${this.serviceId}`;

    if (props.allowedPrincipals.length > 0) {
      // CloudFormation applies only the difference between the old and new template lists, so principals
      // the control plane adds at run time stay when this list changes.
      new ec2.CfnVPCEndpointServicePermissions(this, 'InitialPrincipals', {
        serviceId: this.serviceId,
        allowedPrincipals: [...props.allowedPrincipals],
      });
    }

    const publish = (id: string, leaf: string, value: string, description: string): ssm.StringParameter =>
      new ssm.StringParameter(this, id, {
        parameterName: `${props.parameterPrefix}/endpoint-service/${leaf}`,
        stringValue: value,
        description,
        tier: ssm.ParameterTier.ADVANCED,
      });
    this.parameters = {
      serviceName: publish('ServiceName', 'name', this.serviceName, 'PrivateLink service name of the egress proxy'),
      serviceId: publish('ServiceId', 'service-id', this.serviceId, 'VPC endpoint service id of the egress proxy'),
      proxyPort: publish('ProxyPort', 'proxy-port', String(props.proxyPort), 'TCP port of the egress proxy'),
    };

    new CfnOutput(this, 'EndpointServiceName', { value: this.serviceName });
    if (props.privateDnsName !== undefined) {
      // Publish this TXT record in the domain, then verify it (StartVpcEndpointServicePrivateDnsVerification).
      new CfnOutput(this, 'PrivateDnsVerificationRecord', {
        value: `${this.service.attrPrivateDnsNameConfigurationName} TXT ${this.service.attrPrivateDnsNameConfigurationValue}`,
      });
    }
  }
}
