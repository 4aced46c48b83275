import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RawRequest, RawResponse } from '../framework';

export type RequestHandler = (req: RawRequest) => Promise<RawResponse> | RawResponse;

function toRawRequest(req: IncomingMessage, bodyBytes: Buffer): RawRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers: req.headers,
    // Both views of one body: the text protocols read the string, S3 stores the bytes exactly as sent.
    body: bodyBytes.toString('utf8'),
    bodyBytes,
  };
}

function send(res: ServerResponse, method: string, response: RawResponse): void {
  const body = response.bodyBytes ?? response.body;
  const length = Buffer.byteLength(body);
  if (method === 'HEAD') {
    // A HEAD answer describes the body GET would send (S3's HeadObject gives the object's size), and has none.
    res.writeHead(response.status, { ...response.headers, 'content-length': response.headers['content-length'] ?? length });
    res.end();
    return;
  }
  res.writeHead(response.status, { ...response.headers, 'content-length': length });
  res.end(body);
}

/** A plain node:http server (no framework: the emulator must never be a rollout benchmark's bottleneck). */
export async function listen(handler: RequestHandler, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = toRawRequest(req, Buffer.concat(chunks));
      Promise.resolve()
        .then(() => handler(raw))
        .then(
          (response) => send(res, raw.method, response),
          (err: unknown) => {
            console.error('local cloud: request failed', err);
            send(res, raw.method, { status: 500, headers: { 'content-type': 'text/plain' }, body: String(err) });
          },
        );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
