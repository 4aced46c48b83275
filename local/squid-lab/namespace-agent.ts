/**
 * Runs inside a lab's network namespace (`ip netns exec NS tsx namespace-agent.ts SOCKET`).
 *
 * 1. Stand-in origin servers on every address of the namespace: HTTP on ports 80 and 8080 that
 *    echo the request they received (so a client can see which headers reached the origin), a TLS
 *    server on 443 that names the SNI it was asked for, and a plain TCP "banner" server on 22.
 * 2. A relay on a Unix socket, which is not bound to a network namespace: the process outside (jest, the
 *    demo) connects to it, sends one JSON line `{"from": ip, "to": ip, "port": n}`, and from then on its bytes
 *    flow over a TCP connection opened inside the namespace from that source address.
 * 3. Inbound forwards (`--forward HOST:PORT=SOCKET`, repeatable): a TCP listener inside the namespace
 *    whose connections are piped to a Unix socket that a process outside listens on (the policy
 *    store the Squid task's agent reads, served by the process outside).
 *
 * Prints "ready" on stdout once everything listens.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { BANNER_ORIGIN_PORTS, HTTP_ORIGIN_PORTS, parseForwardArgument, TLS_ORIGIN_PORT, type InboundForward, type OriginEcho, type RelayTarget } from './namespace-agent-protocol';

const ORIGIN_TLS = join(__dirname, 'origin-tls');

const hitsByUrl = new Map<string, number>();

function echo(req: IncomingMessage, res: ServerResponse): void {
  const key = `${req.socket.localAddress ?? ''}:${req.socket.localPort ?? 0}${req.url ?? ''}`;
  const hits = (hitsByUrl.get(key) ?? 0) + 1;
  hitsByUrl.set(key, hits);
  const body: OriginEcho = {
    localAddress: stripMappedPrefix(req.socket.localAddress ?? ''),
    localPort: req.socket.localPort ?? 0,
    method: req.method ?? '',
    url: req.url ?? '',
    headers: req.headers,
    hits,
  };
  const json = JSON.stringify(body);
  // Cacheable on purpose: only `cache deny all` stops Squid from answering a repeat itself. A Content-Length
  // (not chunked) keeps the benchmark's response reader small.
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function stripMappedPrefix(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

function bannerServer(): Server {
  return createServer((socket) => {
    socket.write(`banner ${stripMappedPrefix(socket.localAddress ?? '')}:${socket.localPort ?? 0}\n`);
    socket.pipe(socket);
    socket.on('error', () => socket.destroy());
  });
}

/** The TLS origin: greets with the address it was reached on and the SNI it was asked for, then echoes. */
function tlsServer(): Server {
  const server = createTlsServer({ cert: readFileSync(join(ORIGIN_TLS, 'origin.crt')), key: readFileSync(join(ORIGIN_TLS, 'origin.key')) }, (socket: TLSSocket) => {
    const sni = typeof socket.servername === 'string' && socket.servername !== '' ? socket.servername : '-';
    socket.write(`banner ${stripMappedPrefix(socket.localAddress ?? '')}:${socket.localPort ?? 0} sni=${sni}\n`);
    socket.pipe(socket);
    socket.on('error', () => socket.destroy());
  });
  // Handshakes that fail (a client talking to Squid's refusal instead) are not the origin's problem.
  server.on('tlsClientError', () => undefined);
  return server;
}

function forwardTo(forward: InboundForward): Server {
  return createServer((inbound) => {
    const outbound = connect(forward.socketPath);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    // The store going away must look like it does in AWS: the connection fails, nothing hangs.
    outbound.on('error', () => inbound.destroy());
    inbound.on('error', () => outbound.destroy());
  });
}

function parseTarget(line: string): RelayTarget {
  const parsed = JSON.parse(line) as Partial<RelayTarget>;
  if (typeof parsed.from !== 'string' || typeof parsed.to !== 'string' || typeof parsed.port !== 'number') {
    throw new Error(`bad relay target line: ${line}`);
  }
  return { from: parsed.from, to: parsed.to, port: parsed.port };
}

function relay(client: Socket): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    const newline = buffered.indexOf(0x0a);
    if (newline < 0) return;
    client.off('data', onData);
    client.pause();
    const target = parseTarget(buffered.subarray(0, newline).toString('utf8'));
    const rest = buffered.subarray(newline + 1);
    const upstream = connect({ host: target.to, port: target.port, localAddress: target.from });
    upstream.on('connect', () => {
      if (rest.length > 0) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    // Half-closes travel through (end -> end) so "server closed the connection" stays observable.
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => client.end());
  };
  client.on('data', onData);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { forward: { type: 'string', multiple: true } } });
  const socketPath = positionals[0];
  if (!socketPath) throw new Error('usage: namespace-agent.ts <unix-socket-path> [--forward HOST:PORT=SOCKET]...');
  const listening: Promise<unknown>[] = [];
  const tls = tlsServer().listen({ host: '::', port: TLS_ORIGIN_PORT, ipv6Only: false });
  listening.push(once(tls, 'listening'));
  for (const forward of (values.forward ?? []).map(parseForwardArgument)) {
    listening.push(once(forwardTo(forward).listen({ host: forward.host, port: forward.port }), 'listening'));
  }
  for (const port of HTTP_ORIGIN_PORTS) {
    // Idle keep-alive connections outlive Squid's own pconn_timeout (1 min), as a CDN's do: with Node's 5 s default
    // the origin sometimes closed a connection Squid was reusing at that moment, and Squid answered 502.
    const server = createHttpServer(echo);
    server.keepAliveTimeout = 120_000;
    server.listen({ host: '::', port, ipv6Only: false });
    listening.push(once(server, 'listening'));
  }
  for (const port of BANNER_ORIGIN_PORTS) {
    const server = bannerServer().listen({ host: '::', port, ipv6Only: false });
    listening.push(once(server, 'listening'));
  }
  const relayServer = createServer(relay).listen(socketPath);
  listening.push(once(relayServer, 'listening'));
  await Promise.all(listening);
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
