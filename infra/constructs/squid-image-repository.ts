import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';

export interface SquidImageRepositoryProps {
  /** How many tagged images to keep; older ones expire so the repository does not grow without bound. */
  readonly keepImages?: number;
}

/**
 * The private ECR repository the pipeline pushes Squid images to and the fleet pulls from.
 * Tags are immutable so a tag always names the image that was scanned and deployed.
 */
export class SquidImageRepository extends Construct {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: SquidImageRepositoryProps = {}) {
    super(scope, id);
    this.repository = new ecr.Repository(this, 'Repository', {
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      encryption: ecr.RepositoryEncryption.AES_256,
      // Running tasks and rollbacks reference these images; keep them when the stack is deleted.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { rulePriority: 1, description: 'Drop untagged layers left by failed pushes', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(7) },
        { rulePriority: 2, description: 'Keep the most recent builds', tagStatus: ecr.TagStatus.ANY, maxImageCount: props.keepImages ?? 50 },
      ],
    });
  }
}
