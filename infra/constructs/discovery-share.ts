import * as ram from 'aws-cdk-lib/aws-ram';
import { Construct } from 'constructs';

export interface DiscoveryShareProps {
  readonly name: string;
  /** The advanced-tier SSM parameters spokes read to find the proxy. */
  readonly parameterArns: readonly string[];
}

/**
 * The RAM share that carries the discovery parameters to spoke accounts. It is created without principals: the
 * account onboarding function and the reconciler associate exactly the in-scope accounts, and CloudFormation leaves
 * principals it never declared alone on update.
 */
export class DiscoveryShare extends Construct {
  readonly share: ram.CfnResourceShare;
  readonly shareArn: string;

  constructor(scope: Construct, id: string, props: DiscoveryShareProps) {
    super(scope, id);
    this.share = new ram.CfnResourceShare(this, 'Share', {
      name: props.name,
      resourceArns: [...props.parameterArns],
      // Members only: with sharing enabled in the organization they get the share without an invitation.
      allowExternalPrincipals: false,
    });
    this.shareArn = this.share.attrArn;
  }
}
