/** What the namespace agent (namespace-agent.ts) and the processes that drive a lab agree on. */

/**
 * Origin ports: HTTP echo servers; a TLS server on 443 (certificate in origin-tls/) that greets with
 * `banner <address>:<port> sni=<SNI or ->` and echoes; a plain TCP banner server on 22.
 */
export const HTTP_ORIGIN_PORTS = [80, 8080] as const;
export const TLS_ORIGIN_PORT = 443;
export const BANNER_ORIGIN_PORTS = [22] as const;

/**
 * A TCP listener inside the namespace whose connections the agent forwards to a Unix socket outside
 * it (for example the policy store, served by the jest or demo process): `--forward 127.0.0.1:4566=/path.sock`.
 */
export interface InboundForward {
  readonly host: string;
  readonly port: number;
  readonly socketPath: string;
}

export function forwardArgument(forward: InboundForward): string {
  return `${forward.host}:${forward.port}=${forward.socketPath}`;
}

export function parseForwardArgument(argument: string): InboundForward {
  const match = /^([^=]+):(\d+)=(.+)$/.exec(argument);
  if (!match?.[1] || !match[2] || !match[3]) throw new Error(`bad --forward ${argument}: expected HOST:PORT=SOCKET`);
  return { host: match[1], port: Number(match[2]), socketPath: match[3] };
}

/** First line a relay client sends: open a TCP connection from `from` to `to`:`port`. */
export interface RelayTarget {
  readonly from: string;
  readonly to: string;
  readonly port: number;
}

/** Body of every HTTP origin response: what the origin received. */
export interface OriginEcho {
  readonly localAddress: string;
  readonly localPort: number;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** How many times this origin has served this URL, so a cache hit upstream would show. */
  readonly hits: number;
}
