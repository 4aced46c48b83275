/**
 * The lab's network: the addresses every lab namespace has on its `lo`, and what the spoke client writes in
 * the PROXY header. Squid's shipped config trusts PROXY headers only from the hub VPC (`acl hub_vpc src
 * 10.0.0.0/16`) and refuses special-use destinations, so the NLB stand-in is a hub VPC address and the origin is
 * a globally reachable unicast address. The namespace is isolated: no real host with these addresses is ever
 * contacted.
 */

/** The NLB stand-in: a hub VPC address, inside the shipped `acl hub_vpc src 10.0.0.0/16`. */
export const HUB_NLB_ADDRESS = '10.0.0.5';
/** The "internet" origin (HTTP echo on 80 and 8080, TLS on 443, a banner on 22): neither special-use nor private. */
export const ORIGIN_ADDRESS = '11.1.2.10';

/** What every lab namespace needs on its `lo` (127.0.0.1 and ::1 are there already). */
export const LAB_NAMESPACE_ADDRESSES = [`${HUB_NLB_ADDRESS}/32`, `${ORIGIN_ADDRESS}/32`] as const;

/**
 * The spoke client as written into the PROXY header by the NLB. Deliberately different from every address the
 * TCP connection really comes from; every spoke in the lab uses it, as spokes with overlapping CIDRs would.
 */
export const SPOKE_CLIENT_ADDRESS = '100.100.7.9';
export const SPOKE_CLIENT_PORT = 41234;
/** The VPC endpoint id a spoke connection carries (PROXY v2 TLV 0xEA) unless told otherwise. */
export const DEFAULT_VPC_ENDPOINT_ID = 'vpce-0123456789abcdef0';
