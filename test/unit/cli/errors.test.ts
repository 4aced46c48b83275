import { describeError, EXIT } from '../../../cli/errors';
import { CliConfigurationError } from '../../../cli/settings';

const awsError = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name }, extra);

describe('error messages for operators', () => {
  it('turns a credentials provider failure into what to set', () => {
    const described = describeError(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));

    expect(described).toEqual({ exitCode: EXIT.credentials, message: expect.stringMatching(/^no AWS credentials: set AWS_PROFILE/) as unknown });
  });

  it('names the action AWS says was denied', () => {
    const error = awsError('AccessDeniedException', 'User: arn:aws:iam::111111111111:user/op is not authorized to perform: organizations:ListRoots because no identity-based policy allows it');

    expect(describeError(error)).toEqual({ exitCode: EXIT.denied, message: expect.stringMatching(/^permission denied for organizations:ListRoots: /) as unknown });
  });

  it('falls back to the call the CLI tagged when the message does not say (EC2 UnauthorizedOperation)', () => {
    const error = awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', { deniedAction: 'ec2:DescribeVpcEndpointConnections' });

    expect(describeError(error).message).toBe('permission denied for ec2:DescribeVpcEndpointConnections: You are not authorized to perform this operation.');
  });

  it('reports configuration errors as usage errors, verbatim', () => {
    expect(describeError(new CliConfigurationError('no AWS region: set --region or AWS_REGION'))).toEqual({ exitCode: EXIT.usage, message: 'no AWS region: set --region or AWS_REGION' });
  });

  it('turns an endpoint that cannot be resolved into a usage error naming the flags to check', () => {
    const error = awsError('Error', 'getaddrinfo ENOTFOUND sts.mars-1.amazonaws.com', { code: 'ENOTFOUND' });

    expect(describeError(error)).toEqual({
      exitCode: EXIT.usage,
      message: 'cannot resolve sts.mars-1.amazonaws.com (ENOTFOUND): check --endpoint-url (or AWS_ENDPOINT_URL) and --region (or AWS_REGION), and the network',
    });
  });

  it('finds the socket error inside the SDK wrapper', () => {
    const error = awsError('Error', 'AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:4566');

    expect(describeError(error)).toMatchObject({ exitCode: EXIT.usage, message: expect.stringContaining('cannot reach 127.0.0.1:4566: nothing is listening there') as unknown });
  });

  it('keeps the name of any other error', () => {
    expect(describeError(awsError('InvalidVpcEndpointService.NotFound', 'gone'))).toEqual({ exitCode: EXIT.failed, message: 'InvalidVpcEndpointService.NotFound: gone' });
  });
});
