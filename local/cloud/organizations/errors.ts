/** Organizations' error codes. AWS answers every client error of this service with HTTP 400. */
import { AwsError } from '../framework';
import { AwsErrorWithFields } from '../core/json-protocol';

export const orgErrors = {
  notInUse: () => new AwsError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.'),
  accessDenied: () => new AwsError('AccessDeniedException', "You don't have permissions to access this resource."),
  accountNotFound: (id: string) =>
    new AwsError('AccountNotFoundException', `You specified an account that doesn't exist (${id}).`),
  parentNotFound: (id: string) => new AwsError('ParentNotFoundException', `We can't find a root or OU with the ParentId that you specified (${id}).`),
  childNotFound: (id: string) => new AwsError('ChildNotFoundException', `We can't find an organizational unit (OU) or AWS account with the ChildId that you specified (${id}).`),
  sourceParentNotFound: (id: string) => new AwsError('SourceParentNotFoundException', `We can't find a source root or OU with the ParentId that you specified (${id}).`),
  destinationParentNotFound: (id: string) =>
    new AwsError('DestinationParentNotFoundException', `We can't find the destination container (a root or OU) with the ParentId that you specified (${id}).`),
  duplicateOu: (name: string) => new AwsError('DuplicateOrganizationalUnitException', `An OU with the same name already exists (${name}).`),
  duplicateAccount: () => new AwsError('DuplicateAccountException', 'That account is already present in the specified destination.'),
  createStatusNotFound: (id: string) => new AwsError('CreateAccountStatusNotFoundException', `We can't find a create account request with the CreateAccountRequestId that you specified (${id}).`),
  accountAlreadyClosed: () => new AwsError('AccountAlreadyClosedException', 'You attempted to close an account that is already closed.'),
  masterCannotLeave: () =>
    new AwsError('MasterCannotLeaveOrganizationException', 'You can\u2019t remove a management account from an organization.'),
  constraint: (reason: string, message: string) => new AwsErrorWithFields('ConstraintViolationException', message, 400, { Reason: reason }),
  invalidInput: (reason: string, message: string) => new AwsErrorWithFields('InvalidInputException', message, 400, { Reason: reason }),
};
