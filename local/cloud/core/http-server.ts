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

/** The server could not listen: the message is a sentence for the operator, with what to do. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new ListenError(`port ${port} on ${host} is already in use (another \`npm run local\`?): stop it, or choose another port with --port <n> (0 for any free one) or LOCAL_CLOUD_PORT`, { cause: error });
  }
  if (error.code === 'EACCES') return new ListenError(`not allowed to listen on ${host}:${port} (ports below 1024 need root): choose another with --port or LOCAL_CLOUD_PORT`, { cause: error });
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') return new ListenError(`${host} is not an address of this machine: choose another with --host`, { cause: error });
  return error;
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
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
