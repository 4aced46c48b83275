/**
 * A spoke workload reaching the proxy the way production traffic does: through the NLB, which
 * connects from a hub VPC address and prefixes a PROXY v2 header naming the original client and
 * the PrivateLink VPC endpoint.
 */
import { encodeProxyV2Header, vpcEndpointTlv } from './proxy-protocol';
import { exchange, parseHttpResponse, type Exchange, type HttpResponse } from './relay-client';
import type { SquidInstance } from './squid-instance';
import { HUB_NLB_ADDRESS, SPOKE_CLIENT_ADDRESS, SPOKE_CLIENT_PORT, VPC_ENDPOINT_ID } from './fixture';

export interface SpokeConnectionOptions {
  /** TCP source address of the connection to Squid (the NLB's, by default). */
  readonly from?: string;
  /** Omit the PROXY header entirely. */
  readonly withoutProxyHeader?: boolean;
}

export function nlbProxyHeader(proxyPort: number): Buffer {
  return encodeProxyV2Header({
    sourceAddress: SPOKE_CLIENT_ADDRESS,
    sourcePort: SPOKE_CLIENT_PORT,
    destinationAddress: HUB_NLB_ADDRESS,
    destinationPort: proxyPort,
    tlvs: [vpcEndpointTlv(VPC_ENDPOINT_ID)],
  });
}

/** Sends raw bytes to the proxy port (after the PROXY header unless told otherwise). */
export async function sendToProxy(squid: SquidInstance, request: string, options: SpokeConnectionOptions = {}): Promise<Exchange> {
  const from = options.from ?? HUB_NLB_ADDRESS;
  const header = options.withoutProxyHeader ? Buffer.alloc(0) : nlbProxyHeader(squid.proxyPort);
  return exchange(squid.relaySocket, { from, to: HUB_NLB_ADDRESS, port: squid.proxyPort }, Buffer.concat([header, Buffer.from(request, 'latin1')]));
}

/** An HTTP request through the proxy: absolute-form request line, `Connection: close`. */
export async function proxyRequest(
  squid: SquidInstance,
  url: string,
  options: { readonly method?: string; readonly headers?: Record<string, string> } = {},
): Promise<HttpResponse> {
  const host = new URL(url).host;
  const headerLines = Object.entries({ Host: host, ...options.headers, Connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  const result = await sendToProxy(squid, `${options.method ?? 'GET'} ${url} HTTP/1.1\r\n${headerLines.join('')}\r\n`);
  return parseHttpResponse(result.received);
}

export interface TunnelResult {
  readonly status: number;
  /** What the origin said through the tunnel (its banner plus our echoed probe), if one opened. */
  readonly throughTunnel: string;
}

/** CONNECT authority; on 200 sends a probe line through the tunnel, which the banner origin echoes. */
export async function proxyConnect(squid: SquidInstance, authority: string): Promise<TunnelResult> {
  let probed = false;
  const request = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`;
  const result = await exchange(
    squid.relaySocket,
    { from: HUB_NLB_ADDRESS, to: HUB_NLB_ADDRESS, port: squid.proxyPort },
    Buffer.concat([nlbProxyHeader(squid.proxyPort), Buffer.from(request, 'latin1')]),
    (socket, receivedSoFar) => {
      const text = receivedSoFar.toString('latin1');
      const headerEnd = text.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      if (!text.startsWith('HTTP/1.1 200')) {
        socket.end();
      } else if (!probed) {
        probed = true;
        socket.write('probe\n');
      } else if (text.slice(headerEnd).includes('probe\n')) {
        socket.end();
      }
    },
  );
  const text = result.received.toString('latin1');
  const headerEnd = text.indexOf('\r\n\r\n');
  const { status } = parseHttpResponse(result.received);
  return { status, throughTunnel: headerEnd < 0 ? '' : text.slice(headerEnd + 4) };
}
