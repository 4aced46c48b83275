/**
 * One EC2 query call as the account's root (a 12-digit access key id) over keep-alive HTTP, without an SDK client:
 * the local cloud does not check signatures, and the benchmark's own calls should cost it as little CPU as possible.
 */
import { request, type Agent } from 'node:http';

export function ec2Query(url: string, agent: Agent, accountId: string, region: string, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ ...params, Version: '2016-11-15' }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `AWS4-HMAC-SHA256 Credential=${accountId}/20261121/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${params.Action}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
