/** RAM's error codes (restJson1: the code goes in the x-amzn-errortype header). */
import { AwsError } from '../framework';

export const ramErrors = {
  unknownShare: (arn: string) => new AwsError('UnknownResourceException', `ResourceShare ${arn} could not be found.`),
  unknownAssociation: (entity: string) => new AwsError('UnknownResourceException', `No association with ${entity} could be found.`),
  malformedArn: (arn: string) => new AwsError('MalformedArnException', `The format of the ARN ${arn} is not valid.`),
  missing: (name: string) => new AwsError('MissingRequiredParameterException', `The request is missing the required parameter ${name}.`),
  invalid: (message: string) => new AwsError('InvalidParameterException', message),
  invalidNextToken: () => new AwsError('InvalidNextTokenException', 'The specified value for NextToken is not valid.'),
  invalidMaxResults: () => new AwsError('InvalidMaxResultsException', 'The specified value for MaxResults is not valid.'),
  externalNotAllowed: (principal: string) =>
    new AwsError('OperationNotPermittedException', `Principal ${principal} is not in your organization and the resource share does not allow external principals.`),
  notManagementAccount: () =>
    new AwsError('OperationNotPermittedException', 'Sharing with your organization can be enabled only from its management account.'),
  idempotentMismatch: () =>
    new AwsError('IdempotentParameterMismatchException', 'The client token input parameter was matched with a different set of parameters.'),
};
