import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { policyStoreBucketName, type HubConfig } from '../config';
import { BootstrapImageBuild } from '../constructs/bootstrap-image-build';
import { FleetQueryDefinitions } from '../constructs/fleet-queries';
import { HubNetwork } from '../constructs/hub-network';
import { PolicyStore } from '../constructs/policy-store';
import { ProxyEndpointService } from '../constructs/proxy-endpoint-service';
import { SquidFleet } from '../constructs/squid-fleet';
import { SquidImageRepository } from '../constructs/squid-image-repository';
import { SQUID_CONTRACT } from '../squid-contract';
import type { DataPlaneResources } from '../constructs/data-plane-alarms';

export interface HubDataPlaneStackProps extends StackProps {
  readonly config: HubConfig;
}

/** The hub's traffic path: VPC, image repository, Squid fleet, NLB and the PrivateLink endpoint service. */
export class HubDataPlaneStack extends Stack {
  readonly repository: ecr.IRepository;
  readonly service: ecs.FargateService;
  readonly endpointService: ProxyEndpointService;
  /** Per-spoke egress policy: the bundle (pipeline), the mapping (control plane), read by every task. */
  readonly policyStore: PolicyStore;
  /** What the data plane's alarms watch (they live in the ControlPlane stack, next to the alarm topic). */
  readonly monitored: DataPlaneResources;

  constructor(scope: Construct, id: string, props: HubDataPlaneStackProps) {
    super(scope, id, props);
    const { config } = props;
    // The config loader accepts only CloudWatch's retention values, which are this enum's values.
    const logRetention: logs.RetentionDays = config.logRetentionDays;

    const network = new HubNetwork(this, 'Network', {
      availabilityZones: config.availabilityZones,
      cidr: config.vpcCidr,
      logRetention,
    });
    this.repository = new SquidImageRepository(this, 'Images').repository;
    this.policyStore = new PolicyStore(this, 'PolicyStore', { bucketName: policyStoreBucketName(config) });
    const fleet = new SquidFleet(this, 'Fleet', {
      policyStore: this.policyStore,
      vpc: network.vpc,
      vpcCidr: config.vpcCidr,
      repository: this.repository,
      fleet: config.fleet,
      logRetention,
    });
    this.service = fleet.service;
    this.monitored = {
      service: fleet.service,
      loadBalancer: fleet.loadBalancer,
      targetGroup: fleet.targetGroup,
      accessLog: fleet.logGroup,
      natGateways: network.natGateways,
      minTasks: config.fleet.minTasks,
    };
    new FleetQueryDefinitions(this, 'AccessLogQueries', { logGroup: fleet.logGroup, folder: config.deploymentName });
    // The service starts from `squidImageTag`, so that image must exist before the service is created.
    const bootstrap = new BootstrapImageBuild(this, 'BootstrapImage', {
      repository: this.repository,
      imageTag: config.fleet.imageTag,
      hubVpcCidr: config.vpcCidr,
      logRetention,
    });
    this.service.node.addDependency(bootstrap.imageReady);
    this.endpointService = new ProxyEndpointService(this, 'EndpointService', {
      loadBalancer: fleet.loadBalancer,
      allowedPrincipals: config.allowedPrincipals,
      privateDnsName: config.privateDnsName,
      proxyPort: SQUID_CONTRACT.proxyPort,
      parameterPrefix: `/${config.deploymentName}`,
    });
  }
}
