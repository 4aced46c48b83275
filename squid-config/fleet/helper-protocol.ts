/**
 * The external ACL helper protocol, as Squid 5.7 speaks it (src/external_acl.cc and the external_acl_type docs in
 * src/cf.data.pre, tag SQUID_5_7):
 *
 * - With `concurrency=N`, every request line starts with a channel id that the answer must repeat
 *   ("[channel-ID] FORMAT-values").
 * - Then one token per FORMAT code, space-separated. Each value is URL-encoded: the format tokens take the
 *   type's default quoting, `Format::LOG_QUOTE_URL` (external_acl.cc: `quote(Format::LOG_QUOTE_URL)` and
 *   `(*fmt)->quote = a->quote`), which is `rfc1738_escape`: `%`, space, control bytes, bytes >= 0x80 and
 *   `<>"#{}|\^~[]`'` become %XX (lib/rfc1738.c). A value Squid does not have is sent as `-`.
 * - Our FORMAT is `%proxy_protocol::>h{234} %DATA %DST %ssl::>sni` (squid.conf): the PROXY v2 TLV 0xEA (the subtype
 *   byte 0x01, then the VPC endpoint id), which check the ACL asks for (its argument), the request's host, and the
 *   TLS ClientHello's SNI.
 * - The answer is `[channel] OK|ERR|BH key=value ...`. Squid attaches the kv-pairs of OK and ERR answers alike to
 *   the transaction, from its answer cache too (`copyResultsFromEntry` runs on every match and calls
 *   `UpdateRequestNotes`, which replaces notes of the same name), so `%{policy}note` in the access log names
 *   them. Ours: policy, deny_reason, policies, and the endpoint's account and vpc (from the mapping). BH answers are never cached (`ACCESS_DUNNO`), and a check that ends DUNNO denies the request.
 */
import type { Decision, DenyReason } from '../policy/decide';

/** Which name a lookup checks: the request's destination host, or the SNI of the CONNECT's ClientHello. */
export type PolicyCheck = 'destination' | 'sni';

/** Deny reasons of the decision function, plus those only the helper knows. */
export type HelperDenyReason = DenyReason | 'no_sni' | 'no_host' | 'helper_error';

export interface HelperRequest {
  readonly channel: string;
  readonly check: PolicyCheck;
  /** Undefined when the connection carried no TLV 0xEA, or one that is not a VPC endpoint id. */
  readonly endpointId: string | undefined;
  /** The host to decide on (destination or SNI); undefined when Squid had none. */
  readonly host: string | undefined;
}

/** The request line could not be understood; answered BH on its channel (which denies). */
export class HelperRequestError extends Error {
  override readonly name = 'HelperRequestError';
  constructor(
    readonly channel: string,
    message: string,
  ) {
    super(message);
  }
}

/** PrivateLink's TLV 0xEA starts with this subtype byte when the rest is the VPC endpoint id. */
const AWS_SUBTYPE_VPCE_ID = 0x01;

/** Undoes Squid's %XX encoding byte by byte (not decodeURIComponent: client bytes in an SNI need not be UTF-8). */
export function decodeSquidValue(token: string): Buffer | undefined {
  if (token === '-') return undefined;
  const bytes: number[] = [];
  for (let index = 0; index < token.length; index += 1) {
    const hex = token.slice(index + 1, index + 3);
    if (token[index] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(token.charCodeAt(index) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function endpointIdOf(tlv: Buffer | undefined): string | undefined {
  if (tlv === undefined || tlv.length < 2 || tlv[0] !== AWS_SUBTYPE_VPCE_ID) return undefined;
  return tlv.subarray(1).toString('latin1');
}

export function parseRequestLine(line: string): HelperRequest {
  const [channel = '', tlv, check, destination, sni, ...extra] = line.trim().split(' ');
  if (sni === undefined || extra.length > 0) throw new HelperRequestError(channel, `expected "channel tlv check host sni", got ${JSON.stringify(line)}`);
  if (check !== 'destination' && check !== 'sni') throw new HelperRequestError(channel, `unknown check "${check ?? ''}" (the acl argument must be destination or sni)`);
  const host = decodeSquidValue(check === 'sni' ? sni : (destination ?? '-'));
  return { channel, check, endpointId: endpointIdOf(decodeSquidValue(tlv ?? '-')), host: host?.toString('latin1') };
}

const list = (names: readonly string[]) => (names.length === 0 ? '-' : names.join(','));

/** Whose endpoint it is, from its mapping entry: the access log's `account_id` and `vpc_id`, for denials too. */
export interface EndpointOwner {
  readonly accountId: string;
  readonly vpcId: string;
}

/** Ids from the mapping (schema-checked: digits, `vpc-` and hex), so no byte of them can split a kv-pair. */
const ownerPairs = (owner: EndpointOwner | undefined) => `account=${owner?.accountId ?? '-'} vpc=${owner?.vpcId ?? '-'}`;

/**
 * One answer line. Every key is always present (`-` when not applicable) because Squid replaces a note only when
 * the new answer names it: a CONNECT's SNI answer must not leave the destination answer's `policy` behind.
 */
export function formatAnswer(channel: string, decision: Decision, owner?: EndpointOwner): string {
  if (decision.allowed) return `${channel} OK policy=${decision.policy} deny_reason=- policies=${list(decision.policies)} ${ownerPairs(owner)}`;
  return formatDenial(channel, decision.reason, decision.policies, owner);
}

export function formatDenial(channel: string, reason: HelperDenyReason, policies: readonly string[] = [], owner?: EndpointOwner): string {
  return `${channel} ERR policy=- deny_reason=${reason} policies=${list(policies)} ${ownerPairs(owner)}`;
}

/** BH: Squid does not cache it and denies the request; the kv-pairs still reach the access log. */
export function formatHelperError(channel: string): string {
  return `${channel} BH policy=- deny_reason=helper_error policies=- ${ownerPairs(undefined)}`;
}
