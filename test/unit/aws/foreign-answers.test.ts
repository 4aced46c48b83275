/**
 * Answers that are not AWS's name the call and the HTTP status, whatever the protocol; AWS's own errors pass through.
 * A loopback server plays the proxy or emulator that answers with a web page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { nameForeignAnswers } from '../../../functions/aws/foreign-answers';

let answer: { status: number; type: string; body: string } = { status: 500, type: 'text/html', body: '' };
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': answer.type });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const options = () => ({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
const HTML = '<html><head><title>500 Internal Server Error</title></head><body><h1>oops</h1></body></html>';

describe('nameForeignAnswers', () => {
  test.each([
    ['an HTML 500 to an XML (EC2) call', 500, 'EC2 DescribeVpcs answered HTTP 500 (text/html)'],
    ['an HTML 404 to an XML (EC2) call', 404, 'EC2 DescribeVpcs answered HTTP 404 (text/html)'],
  ])('%s names the call and the status', async (_case, status, message) => {
    // Prepare
    answer = { status, type: 'text/html', body: HTML };
    const ec2 = nameForeignAnswers(new EC2Client(options()));

    // Act and assess
    await expect(ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: 'ForeignAnswerError', statusCode: status, message: expect.stringContaining(message) as string });
    ec2.destroy();
  });

  test('an HTML page to a JSON (Organizations) call names the call and the status', async () => {
    answer = { status: 502, type: 'text/html', body: HTML };
    const org = nameForeignAnswers(new OrganizationsClient(options()));

    await expect(org.send(new ListRootsCommand({}))).rejects.toMatchObject({
      name: 'ForeignAnswerError',
      message: expect.stringContaining('Organizations ListRoots answered HTTP 502 (text/html), which is not an AWS response') as string,
    });
    org.destroy();
  });

  test("AWS's own error passes through as it is", async () => {
    answer = {
      status: 400,
      type: 'text/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>The vpc ID does not exist</Message></Error></Errors><RequestID>r-1</RequestID></Response>',
    };
    const ec2 = nameForeignAnswers(new EC2Client(options()));

    await expect(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] }))).rejects.toMatchObject({ name: 'InvalidVpcID.NotFound' });
    ec2.destroy();
  });
});
