/**
 * The ports squid.conf lets a spoke reach: TLS through CONNECT to 443, plain HTTP to 80, nothing else. Squid enforces
 * them (`acl tls_port port 443`, `acl plain_http_port port 80`, checked against squid.conf by a test); `egress why`
 * reports them with the same words, so an answer for `host:8443` is the fleet's answer.
 */
export const TLS_PORT = 443;
export const PLAIN_HTTP_PORT = 80;

export type PortVerdict = { readonly allowed: true; readonly via: 'CONNECT' | 'HTTP' } | { readonly allowed: false; readonly reason: 'port_not_allowed' };

export function portVerdict(port: number): PortVerdict {
  if (port === TLS_PORT) return { allowed: true, via: 'CONNECT' };
  if (port === PLAIN_HTTP_PORT) return { allowed: true, via: 'HTTP' };
  return { allowed: false, reason: 'port_not_allowed' };
}
