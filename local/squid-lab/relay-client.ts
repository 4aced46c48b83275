/**
 * Client side of a lab: opens TCP connections inside the namespace (through the namespace agent's
 * relay) and speaks raw bytes, so the caller controls the PROXY header and the request line exactly.
 */
import { connect, type Socket } from 'node:net';
import type { RelayTarget } from './namespace-agent-protocol';

/** Give up on a stuck exchange well before jest's own timeout, with a message saying where. */
const EXCHANGE_LIMIT_MS = 15_000;

export interface Exchange {
  /** Everything the server sent before the connection closed. */
  readonly received: Buffer;
  /** A socket error, if the connection ended with one (for example a reset). */
  readonly error?: Error;
}

export async function openRelay(relaySocket: string, target: RelayTarget): Promise<Socket> {
  const socket = connect(relaySocket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(`${JSON.stringify(target)}\n`);
  return socket;
}

/**
 * Sends `payload`, then keeps reading until the server closes. `onData`, when given, sees all bytes
 * received so far after each chunk (for example to use an established CONNECT tunnel).
 */
export async function exchange(
  relaySocket: string,
  target: RelayTarget,
  payload: Buffer,
  onData?: (socket: Socket, receivedSoFar: Buffer) => void,
): Promise<Exchange> {
  const socket = await openRelay(relaySocket, target);
  return new Promise<Exchange>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let error: Error | undefined;
    const limit = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${EXCHANGE_LIMIT_MS} ms from ${target.to}:${target.port}; got ${Buffer.concat(chunks).toString('latin1')}`));
    }, EXCHANGE_LIMIT_MS);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      onData?.(socket, Buffer.concat(chunks));
    });
    socket.on('error', (err) => (error = err));
    socket.on('close', () => {
      clearTimeout(limit);
      resolve(error ? { received: Buffer.concat(chunks), error } : { received: Buffer.concat(chunks) });
    });
    socket.write(payload);
  });
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** Parses an HTTP/1.x response read until close (lab clients always send `Connection: close`). */
export function parseHttpResponse(received: Buffer): HttpResponse {
  const text = received.toString('latin1');
  const headerEnd = text.indexOf('\r\n\r\n');
  if (headerEnd < 0) throw new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = '', ...headerLines] = text.slice(0, headerEnd).split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match?.[1]) throw new Error(`bad status line: ${statusLine}`);
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const rawBody = text.slice(headerEnd + 4);
  const body = headers.get('transfer-encoding')?.toLowerCase() === 'chunked' ? dechunk(rawBody) : rawBody;
  return { status: Number(match[1]), headers, body };
}

function dechunk(chunked: string): string {
  let body = '';
  let rest = chunked;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (lineEnd < 0 || Number.isNaN(size)) throw new Error(`bad chunked body: ${JSON.stringify(chunked.slice(0, 200))}`);
    if (size === 0) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
