/**
 * A spoke workload reaching the proxy the way production traffic does: through the NLB, which
 * connects from a hub VPC address and prefixes a PROXY v2 header naming the original client and
 * the PrivateLink VPC endpoint.
 */
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { encodeProxyV2Header, vpcEndpointTlv } from './proxy-protocol';
import { exchange, openRelay, parseHttpResponse, type Exchange, type HttpResponse } from './relay-client';
import type { SquidInstance } from './squid-instance';
import { DEFAULT_VPC_ENDPOINT_ID, HUB_NLB_ADDRESS, SPOKE_CLIENT_ADDRESS, SPOKE_CLIENT_PORT } from './addresses';

/** Give up on a tunnel that neither answers nor closes, well before jest's own timeout. */
const TUNNEL_LIMIT_MS = 10_000;

export interface SpokeConnectionOptions {
  /** TCP source address of the connection to Squid (the NLB's, by default). */
  readonly from?: string;
  /** Omit the PROXY header entirely. */
  readonly withoutProxyHeader?: boolean;
  /** The VPC endpoint id in TLV 0xEA (DEFAULT_VPC_ENDPOINT_ID by default); null: a PROXY header without the TLV. */
  readonly endpointId?: string | null;
  /** Close our side as soon as the proxy says anything (a CONNECT's 200 would otherwise wait for TLS). */
  readonly hangUpOnAnswer?: boolean;
}

export function nlbProxyHeader(proxyPort: number, endpointId: string | null = DEFAULT_VPC_ENDPOINT_ID): Buffer {
  return encodeProxyV2Header({
    sourceAddress: SPOKE_CLIENT_ADDRESS,
    sourcePort: SPOKE_CLIENT_PORT,
    destinationAddress: HUB_NLB_ADDRESS,
    destinationPort: proxyPort,
    tlvs: endpointId === null ? [] : [vpcEndpointTlv(endpointId)],
  });
}

/** Sends raw bytes to the proxy port (after the PROXY header unless told otherwise). */
export async function sendToProxy(squid: SquidInstance, request: string, options: SpokeConnectionOptions = {}): Promise<Exchange> {
  const from = options.from ?? HUB_NLB_ADDRESS;
  const header = options.withoutProxyHeader ? Buffer.alloc(0) : nlbProxyHeader(squid.proxyPort, options.endpointId);
  const payload = Buffer.concat([header, Buffer.from(request, 'latin1')]);
  return exchange(squid.relaySocket, { from, to: HUB_NLB_ADDRESS, port: squid.proxyPort }, payload, options.hangUpOnAnswer ? (socket) => socket.end() : undefined);
}

/** An HTTP request through the proxy: absolute-form request line, `Connection: close`. */
export async function proxyRequest(
  squid: SquidInstance,
  url: string,
  options: { readonly method?: string; readonly headers?: Record<string, string>; readonly endpointId?: string | null } = {},
): Promise<HttpResponse> {
  const host = new URL(url).host;
  const headerLines = Object.entries({ Host: host, ...options.headers, Connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  const result = await sendToProxy(squid, `${options.method ?? 'GET'} ${url} HTTP/1.1\r\n${headerLines.join('')}\r\n`, options);
  return parseHttpResponse(result.received);
}

export interface TunnelResult {
  /** The status of Squid's answer to the CONNECT (0 when it closed without one). */
  readonly status: number;
  /** What the origin said through the tunnel (its banner plus our echoed probe), if one opened. */
  readonly throughTunnel: string;
  /** Why the TLS handshake through the tunnel failed, if it did. */
  readonly tlsError?: string;
}

export interface ConnectOptions {
  /** The VPC endpoint id in the PROXY header (see SpokeConnectionOptions). */
  readonly endpointId?: string | null;
  /** The SNI of the ClientHello sent once the tunnel is up: the CONNECT's host by default; null: none. */
  readonly sni?: string | null;
  /** Send plain bytes that are not TLS at all instead of a ClientHello. */
  readonly notTls?: boolean;
}

/**
 * CONNECT authority; on 200 starts TLS through the tunnel (or sends plain bytes), then a probe line,
 * which the origin echoes after its banner.
 */
export async function proxyConnect(squid: SquidInstance, authority: string, options: ConnectOptions = {}): Promise<TunnelResult> {
  const socket = await openRelay(squid.relaySocket, { from: HUB_NLB_ADDRESS, to: HUB_NLB_ADDRESS, port: squid.proxyPort });
  const host = authority.slice(0, authority.lastIndexOf(':'));
  socket.write(Buffer.concat([nlbProxyHeader(squid.proxyPort, options.endpointId), Buffer.from(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 'latin1')]));
  const answer = await readConnectAnswer(socket);
  if (!answer.startsWith('HTTP/1.1 200')) {
    socket.destroy();
    return { status: answer === '' ? 0 : parseHttpResponse(Buffer.from(answer, 'latin1')).status, throughTunnel: '' };
  }
  if (options.notTls) return { status: 200, throughTunnel: await plainTunnel(socket) };
  return { status: 200, ...(await tlsTunnel(socket, options.sni === undefined ? host : options.sni)) };
}

/** Reads up to the end of the CONNECT answer's header block; '' when Squid closed without answering. */
function readConnectAnswer(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const onData = (chunk: Buffer): void => {
      received += chunk.toString('latin1');
      if (!received.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      resolve(received.slice(0, received.indexOf('\r\n\r\n') + 4));
    };
    const onClose = (): void => resolve(received);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.on('error', () => socket.destroy());
  });
}

function withLimit<T>(work: Promise<T>, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout()), TUNNEL_LIMIT_MS)));
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

async function tlsTunnel(socket: Socket, sni: string | null): Promise<{ throughTunnel: string; tlsError?: string }> {
  // The origin's certificate is the lab's own (origin-tls/): what matters here is which name the ClientHello carries.
  const tls = tlsConnect({ socket, rejectUnauthorized: false, ...(sni === null ? {} : { servername: sni }) });
  return withLimit(
    new Promise((resolve) => {
      let received = '';
      let tlsError: string | undefined;
      tls.once('secureConnect', () => tls.write('probe\n'));
      tls.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (received.includes('probe\n')) tls.end();
      });
      tls.on('error', (error: Error) => (tlsError = error.message));
      tls.on('close', () => resolve(tlsError === undefined ? { throughTunnel: received } : { throughTunnel: received, tlsError }));
    }),
    () => {
      tls.destroy();
      socket.destroy();
      return { throughTunnel: '', tlsError: `no answer within ${TUNNEL_LIMIT_MS} ms` };
    },
  );
}

async function plainTunnel(socket: Socket): Promise<string> {
  return withLimit(
    new Promise((resolve) => {
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('close', () => resolve(received));
      socket.resume();
      socket.write('probe\n');
    }),
    () => {
      socket.destroy();
      return `no close within ${TUNNEL_LIMIT_MS} ms`;
    },
  );
}
