import type { Template } from 'aws-cdk-lib/assertions';

/** Properties that give a resource a fixed physical name, which would block a second deployment. */
const NAME_PROPERTIES = [
  'BucketName',
  'ClusterName',
  'FunctionName',
  'LogGroupName',
  'Name',
  'RepositoryName',
  'RoleName',
  'ServiceName',
  'TopicName',
  'QueueName',
];

/**
 * "Type.Property=value" for every resource property that sets a physical name as a literal string, so
 * a test can require that all of them derive from the deployment name.
 */
export function literalPhysicalNames(template: Template): string[] {
  const resources = template.toJSON() as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  return Object.values(resources.Resources).flatMap(({ Type, Properties = {} }) =>
    NAME_PROPERTIES.filter((key) => typeof Properties[key] === 'string').map((key) => `${Type}.${key}=${String(Properties[key])}`),
  );
}
