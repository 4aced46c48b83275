/**
 * The forms Lambda's Invoke accepts for FunctionName: a name, a partial ARN (`123456789012:function:name`) or a full
 * ARN, each optionally with a `:qualifier`. Checked up front so a typo is a usage error, not an AWS round trip.
 */
const FUNCTION_NAME_OR_ARN =
  /^(?:arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:function:|\d{12}:function:)?[a-zA-Z0-9_-]{1,64}(?::(?:\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/;

export function isFunctionNameOrArn(value: string): boolean {
  return value.length <= 170 && FUNCTION_NAME_OR_ARN.test(value);
}
