import { Readable } from 'node:stream';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { HttpResponse } from '@smithy/types';
import { instrumentClient } from '../../../cli/aws-calls';
import { describeError, EXIT } from '../../../cli/errors';

const UNAUTHORIZED = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r-1</RequestID></Response>`;

/** A real EC2 client whose HTTP layer answers every call with EC2's denial. */
function deniedEc2(): EC2Client {
  return new EC2Client({
    region: 'eu-west-2',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: () => {
        const response: HttpResponse = { statusCode: 403, headers: { 'content-type': 'text/xml' }, body: Readable.from([UNAUTHORIZED]) };
        return Promise.resolve({ response });
      },
    },
  });
}

describe('instrumented SDK clients', () => {
  it('name the IAM action of a denied call, which EC2 does not put in its message', async () => {
    // Prepare
    const ec2 = deniedEc2();
    const calls: string[] = [];
    instrumentClient(ec2, ({ action }) => calls.push(action));

    // Act
    const failure = await ec2.send(new DescribeVpcsCommand({})).then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    expect(calls).toEqual(['ec2:DescribeVpcs']);
    expect(describeError(failure)).toEqual({
      exitCode: EXIT.denied,
      message: 'permission denied for ec2:DescribeVpcs: You are not authorized to perform this operation.',
    });
  });

  it('are instrumented once however often they are handed out', async () => {
    const ec2 = deniedEc2();
    const calls: string[] = [];
    instrumentClient(ec2, ({ action }) => calls.push(action));
    instrumentClient(ec2, ({ action }) => calls.push(`again ${action}`));

    await expect(ec2.send(new DescribeVpcsCommand({}))).rejects.toThrow();

    expect(calls).toEqual(['ec2:DescribeVpcs']);
  });
});
