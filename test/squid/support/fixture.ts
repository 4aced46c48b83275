/**
 * The test world inside the network namespace: which addresses exist on its `lo`, which names the
 * Squid hosts file maps to them, and the allowlist (the baseline) the tests run with. The NLB
 * stand-in, the spoke client and the main origin are the Squid lab's (local/squid-lab/addresses.ts).
 */
import { DEFAULT_VPC_ENDPOINT_ID, LAB_NAMESPACE_ADDRESSES, ORIGIN_ADDRESS } from '../../../local/squid-lab/addresses';

export { HUB_NLB_ADDRESS, SPOKE_CLIENT_ADDRESS, SPOKE_CLIENT_PORT } from '../../../local/squid-lab/addresses';
/** A host outside the hub VPC (TEST-NET-1) that must not be trusted to send PROXY headers. */
export const OUTSIDE_HUB_ADDRESS = '192.0.2.50';
/**
 * "Internet" origins: globally reachable unicast addresses (neither special-use nor private), which
 * Squid must let through. The namespace is isolated, so no real host with these addresses is ever
 * contacted.
 */
export const PUBLIC_ORIGIN = ORIGIN_ADDRESS;
export const ALLOWLISTED_IP_ORIGIN = '11.1.2.20';
/** Inward and special-use destinations with a live origin, so a missing deny would show up as a 200. */
export const PRIVATE_ORIGIN = '10.1.2.3';
export const METADATA_ORIGIN = '169.254.169.254';
export const ULA_ORIGIN = 'fd00::10';
export const NAT64_METADATA_ORIGIN = '64:ff9b::a9fe:a9fe';
export const BENCHMARKING_ORIGIN = '198.18.0.10';
export const DOCUMENTATION_ORIGINS = ['203.0.113.10', '198.51.100.20'] as const;

/** Addresses added to the namespace's `lo` (127.0.0.1 and ::1 are there already). */
export const NAMESPACE_ADDRESSES = [
  ...LAB_NAMESPACE_ADDRESSES,
  `${OUTSIDE_HUB_ADDRESS}/32`,
  `${ALLOWLISTED_IP_ORIGIN}/32`,
  `${PRIVATE_ORIGIN}/32`,
  `${METADATA_ORIGIN}/32`,
  `${ULA_ORIGIN}/128`,
  `${NAT64_METADATA_ORIGIN}/128`,
  `${BENCHMARKING_ORIGIN}/32`,
  ...DOCUMENTATION_ORIGINS.map((address) => `${address}/32`),
] as const;

/** The PrivateLink endpoint id the spoke client sends unless a test says otherwise. */
export const VPC_ENDPOINT_ID = DEFAULT_VPC_ENDPOINT_ID;

/**
 * One allowlisted name per range of squid.conf's `special_use_destinations`, resolving to an address
 * inside that range and no other listed range, so that dropping any one range changes an answer.
 * `live`: an origin answers there, so a missing deny would even show up as a 200.
 */
export const SPECIAL_USE_SAMPLES: readonly { readonly range: string; readonly name: string; readonly address: string; readonly live?: true }[] = [
  { range: '0.0.0.0/8', name: 'this-network.example.com', address: '0.0.0.1' },
  { range: '10.0.0.0/8', name: 'private.example.com', address: PRIVATE_ORIGIN, live: true },
  { range: '100.64.0.0/10', name: 'cgnat.example.com', address: '100.64.0.1' },
  { range: '127.0.0.0/8', name: 'loopback.example.com', address: '127.0.0.1', live: true },
  { range: '169.254.0.0/16', name: 'metadata.example.com', address: METADATA_ORIGIN, live: true },
  { range: '172.16.0.0/12', name: 'rfc1918-172.example.com', address: '172.16.5.5' },
  { range: '192.168.0.0/16', name: 'rfc1918-192.example.com', address: '192.168.1.1' },
  { range: '192.0.0.0/24', name: 'ietf-protocol.example.com', address: '192.0.0.170' },
  { range: '192.0.2.0/24', name: 'test-net-1.example.com', address: '192.0.2.10' },
  { range: '192.31.196.0/24', name: 'as112.example.com', address: '192.31.196.1' },
  { range: '192.52.193.0/24', name: 'amt.example.com', address: '192.52.193.1' },
  { range: '192.88.99.0/24', name: 'relay-6to4.example.com', address: '192.88.99.1' },
  { range: '192.175.48.0/24', name: 'as112-delegation.example.com', address: '192.175.48.1' },
  { range: '198.18.0.0/15', name: 'benchmarking.example.com', address: BENCHMARKING_ORIGIN, live: true },
  { range: '198.51.100.0/24', name: 'test-net-2.example.com', address: '198.51.100.20', live: true },
  { range: '203.0.113.0/24', name: 'test-net-3.example.com', address: '203.0.113.10', live: true },
  { range: '224.0.0.0/4', name: 'multicast.example.com', address: '224.0.0.251' },
  { range: '240.0.0.0/4', name: 'reserved.example.com', address: '240.0.0.1' },
  { range: '::/128', name: 'unspecified6.example.com', address: '::', live: true },
  { range: '::1', name: 'loopback6.example.com', address: '::1', live: true },
  { range: '64:ff9b::/96', name: 'nat64.example.com', address: NAT64_METADATA_ORIGIN, live: true },
  { range: '64:ff9b:1::/48', name: 'nat64-local.example.com', address: '64:ff9b:1::a9fe:a9fe' },
  { range: '100::/64', name: 'discard6.example.com', address: '100::1' },
  { range: '100:0:0:1::/64', name: 'dummy6.example.com', address: '100:0:0:1::1' },
  { range: '2001::/23', name: 'teredo.example.com', address: '2001::a9fe:a9fe' },
  { range: '2001:db8::/32', name: 'documentation6.example.com', address: '2001:db8::1' },
  { range: '2002::/16', name: 'sixtofour.example.com', address: '2002:a9fe:a9fe::1' },
  { range: '2620:4f:8000::/48', name: 'as112-delegation6.example.com', address: '2620:4f:8000::1' },
  { range: '3fff::/20', name: 'documentation6-2.example.com', address: '3fff::1' },
  { range: '5f00::/16', name: 'srv6.example.com', address: '5f00::1' },
  { range: 'fc00::/7', name: 'ula.example.com', address: ULA_ORIGIN, live: true },
  { range: 'fe80::/10', name: 'linklocal6.example.com', address: 'fe80::1' },
  { range: 'ff00::/8', name: 'multicast6.example.com', address: 'ff02::1' },
];

/**
 * Hosts of two named policies for the per-spoke suite (all served by PUBLIC_ORIGIN): each test that
 * must see a fresh decision uses a host Squid has not cached an answer for yet.
 */
export const PAYMENTS_HOSTS = ['api.payments.example.org', 'www.payments.example.org', 'checkout.payments.example.org', 'refunds.payments.example.org', 'ledger.payments.example.org'] as const;
export const METRICS_HOSTS = ['status.metrics.example.org', 'intake.metrics.example.org'] as const;

/** IPv4-mapped IPv6 for the metadata address: refused by the IPv4 range, which Squid applies to it. */
export const MAPPED_METADATA_NAME = 'mapped-metadata.example.com';

/**
 * Hosts file for Squid. The first name after PUBLIC_ORIGIN is also what a reverse lookup of that
 * address returns, which is what makes the IP-literal test meaningful: the policy matches the host
 * as written, never a reverse-resolved name.
 */
export const TEST_HOSTS_FILE = `${[
  `${PUBLIC_ORIGIN} allowed.example.com sub.allowed.example.com example.com`,
  `${PUBLIC_ORIGIN} evilexample.com example.com.evil.test unlisted.test`,
  `${PUBLIC_ORIGIN} exact.example.net sub.exact.example.net`,
  ...[PAYMENTS_HOSTS, METRICS_HOSTS].map((hosts) => `${PUBLIC_ORIGIN} ${hosts.join(' ')}`),
  `${PUBLIC_ORIGIN} sni-mismatch.example.com sni-missing.example.com sni-hostile.example.com tunnel-once.example.com cached-answer.example.com`,
  ...SPECIAL_USE_SAMPLES.map((sample) => `${sample.address} ${sample.name}`),
  `::ffff:${METADATA_ORIGIN} ${MAPPED_METADATA_NAME}`,
].join('\n')}\n`;

/** Allowlist used by the tests (the baseline); it must itself pass the allowlist checker. */
export const TEST_ALLOWLIST = `${[
  '# Leading dot: example.com and every subdomain, including the inward names in the hosts file,',
  '# so that only the special-use destination rule can stop those.',
  '.example.com',
  '# No leading dot: exactly this name.',
  'exact.example.net',
  '# An IP literal, explicitly allowlisted.',
  ALLOWLISTED_IP_ORIGIN,
].join('\n')}\n`;
