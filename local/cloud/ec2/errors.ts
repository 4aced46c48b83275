/** The error codes and messages EC2 answers with, in one place so handlers read as the API does. */
import { AwsError } from '../framework';

/**
 * EC2 tells an id that cannot exist (not the resource's prefix and 8 or 17 hex digits) from one that does not: the
 * first is `<Kind>.Malformed`, checked before any lookup, the second `<Kind>.NotFound`.
 */
const wellFormed = (prefix: string, id: string) => new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`).test(id);
const malformed = (code: string, id: string, prefix: string) => new AwsError(code, `Invalid id: "${id}" (expecting "${prefix}-...")`);

export const vpcNotFound = (id: string) =>
  wellFormed('vpc', id) ? new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`) : malformed('InvalidVpcID.Malformed', id, 'vpc');
export const subnetNotFound = (id: string) =>
  wellFormed('subnet', id)
    ? new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`)
    : malformed('InvalidSubnetID.Malformed', id, 'subnet');
export const groupNotFound = (id: string) =>
  wellFormed('sg', id) ? new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`) : malformed('InvalidGroupId.Malformed', id, 'sg');
export const endpointNotFoundMessage = (id: string) => `The Vpc Endpoint Id '${id}' does not exist`;
export const endpointNotFound = (id: string) =>
  new AwsError('InvalidVpcEndpointId.NotFound', endpointNotFoundMessage(id));
export const serviceIdNotFound = (id: string) =>
  new AwsError('InvalidVpcEndpointServiceId.NotFound', `The Vpc Endpoint Service Id '${id}' does not exist`);
export const serviceNameInvalid = (name: string) =>
  new AwsError('InvalidServiceName', `The Vpc Endpoint Service '${name}' does not exist`);
export const invalidParameter = (message: string) => new AwsError('InvalidParameter', message);
export const invalidParameterValue = (message: string) => new AwsError('InvalidParameterValue', message);

/** The NotFound error for an id, by its prefix (CreateTags/DeleteTags name the resource kind). */
export function resourceNotFound(id: string): AwsError {
  if (id.startsWith('vpc-')) return vpcNotFound(id);
  if (id.startsWith('subnet-')) return subnetNotFound(id);
  if (id.startsWith('sg-')) return new AwsError('InvalidGroup.NotFound', `The security group ID '${id}' does not exist`);
  if (id.startsWith('vpce-svc-')) return serviceIdNotFound(id);
  if (id.startsWith('vpce-')) return endpointNotFound(id);
  return new AwsError('InvalidID', `The ID '${id}' is not valid`);
}
