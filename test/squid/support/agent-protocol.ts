/** What the namespace agent (namespace-agent.ts) and the tests agree on. */

/** Origin ports: HTTP echo servers, and plain TCP banner servers standing in for TLS origins. */
export const HTTP_ORIGIN_PORTS = [80, 8080] as const;
export const BANNER_ORIGIN_PORTS = [443, 22] as const;

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
