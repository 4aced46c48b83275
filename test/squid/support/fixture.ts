/**
 * The test world inside the network namespace: which addresses exist on its `lo`, which names the
 * Squid hosts file maps to them, and the allowlist the tests run with.
 */

/** The NLB stand-in: a hub VPC address, inside the shipped `acl hub_vpc src 10.0.0.0/16`. */
export const HUB_NLB_ADDRESS = '10.0.0.5';
/** A host outside the hub VPC (TEST-NET-1) that must not be trusted to send PROXY headers. */
export const OUTSIDE_HUB_ADDRESS = '192.0.2.50';
/** "Internet" origins on documentation ranges (TEST-NET-3 and TEST-NET-2). */
export const PUBLIC_ORIGIN = '203.0.113.10';
export const ALLOWLISTED_IP_ORIGIN = '198.51.100.20';
/** Inward destinations, each with a live origin so a missing deny would show up as a 200. */
export const PRIVATE_ORIGIN = '10.1.2.3';
export const METADATA_ORIGIN = '169.254.169.254';
export const ULA_ORIGIN = 'fd00::10';

/** Addresses added to the namespace's `lo` (127.0.0.1 and ::1 are there already). */
export const NAMESPACE_ADDRESSES = [
  `${HUB_NLB_ADDRESS}/32`,
  `${OUTSIDE_HUB_ADDRESS}/32`,
  `${PUBLIC_ORIGIN}/32`,
  `${ALLOWLISTED_IP_ORIGIN}/32`,
  `${PRIVATE_ORIGIN}/32`,
  `${METADATA_ORIGIN}/32`,
  `${ULA_ORIGIN}/128`,
] as const;

/**
 * The spoke client as written into the PROXY header by the NLB, and the PrivateLink endpoint id.
 * Deliberately different from every address the TCP connection really comes from.
 */
export const SPOKE_CLIENT_ADDRESS = '100.100.7.9';
export const SPOKE_CLIENT_PORT = 41234;
export const VPC_ENDPOINT_ID = 'vpce-0123456789abcdef0';

/**
 * Hosts file for Squid. The first name after 203.0.113.10 is also what a reverse lookup of that
 * address returns, which is what makes the IP-literal test meaningful (see `dstdomain -n`).
 */
export const TEST_HOSTS_FILE = `${[
  `${PUBLIC_ORIGIN} allowed.example.com sub.allowed.example.com example.com`,
  `${PUBLIC_ORIGIN} evilexample.com example.com.evil.test unlisted.test`,
  `${PUBLIC_ORIGIN} exact.example.net sub.exact.example.net`,
  `${PRIVATE_ORIGIN} private.example.com`,
  `${METADATA_ORIGIN} metadata.example.com`,
  '127.0.0.1 loopback.example.com',
  '0.0.0.1 this-network.example.com',
  '172.16.5.5 rfc1918-172.example.com',
  '192.168.1.1 rfc1918-192.example.com',
  '100.64.0.1 cgnat.example.com',
  '::1 loopback6.example.com',
  `${ULA_ORIGIN} ula.example.com`,
  'fe80::1 linklocal6.example.com',
].join('\n')}\n`;

/** Allowlist used by the tests; it must itself pass the allowlist checker. */
export const TEST_ALLOWLIST = `${[
  '# Leading dot: example.com and every subdomain, including the inward names in the hosts file,',
  '# so that only the destination rule can stop those.',
  '.example.com',
  '# No leading dot: exactly this name.',
  'exact.example.net',
  '# An IP literal, explicitly allowlisted.',
  ALLOWLISTED_IP_ORIGIN,
].join('\n')}\n`;
