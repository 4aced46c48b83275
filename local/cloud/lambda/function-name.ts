/**
 * Lambda's FunctionName forms: `name`, `name:qualifier`, the partial ARN `123456789012:function:name[:qualifier]`
 * and the full ARN `arn:aws:lambda:region:123456789012:function:name[:qualifier]`. Names without an account or a
 * region take them from the caller, as Lambda does.
 */
import { lambdaErrors } from './errors';

export interface FunctionAddress {
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
  /** `$LATEST`, a version number or an alias, when the name or the Qualifier parameter gave one. */
  readonly qualifier: string | undefined;
}

// The pattern of the Invoke API's FunctionName member.
const FUNCTION_NAME = /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;
const QUALIFIER = /^(?:\$LATEST|[a-zA-Z0-9_-]{1,128})$/;
const MAX_LENGTH = 170;

export const functionArn = (address: Pick<FunctionAddress, 'accountId' | 'region' | 'name'>, qualifier?: string) =>
  `arn:aws:lambda:${address.region}:${address.accountId}:function:${address.name}${qualifier === undefined ? '' : `:${qualifier}`}`;

export function parseFunctionName(raw: string, qualifierParameter: string | undefined, caller: { accountId: string; region: string }): FunctionAddress {
  const match = raw.length <= MAX_LENGTH ? FUNCTION_NAME.exec(raw) : null;
  if (!match) throw lambdaErrors.validation(`Value '${raw}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME.source}`);
  const [, region, accountId, name = '', nameQualifier] = match;
  // A full ARN names its region; a region without the `arn:` prefix is not a form Lambda accepts.
  if (region !== undefined && !raw.startsWith('arn:')) throw lambdaErrors.validation(`Value '${raw}' at 'functionName' is not a function name or ARN`);
  if (qualifierParameter !== undefined && !QUALIFIER.test(qualifierParameter)) {
    throw lambdaErrors.validation(`Value '${qualifierParameter}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`);
  }
  if (nameQualifier !== undefined && qualifierParameter !== undefined && nameQualifier !== qualifierParameter) {
    throw lambdaErrors.invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  return {
    accountId: accountId ?? caller.accountId,
    region: region ?? caller.region,
    name,
    qualifier: nameQualifier ?? qualifierParameter,
  };
}
