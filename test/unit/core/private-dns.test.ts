import { decidePrivateDns, proxyUrl } from '../../../functions/core/private-dns';

const verified = { privateDnsName: 'proxy.example.internal', privateDnsVerificationState: 'verified' };
const dnsOn = { enableDnsSupport: true, enableDnsHostnames: true };

describe('decidePrivateDns', () => {
  it('turns private DNS on for a verified name in a VPC with both DNS attributes', () => {
    expect(decidePrivateDns(verified, dnsOn)).toEqual({ enabled: true });
  });

  it('keeps it off with a warning when the name is not verified', () => {
    expect(decidePrivateDns({ ...verified, privateDnsVerificationState: 'pendingVerification' }, dnsOn)).toEqual({
      enabled: false,
      warning: "the service's private DNS name proxy.example.internal is pendingVerification",
    });
  });

  it('keeps it off with a warning naming the missing VPC attributes', () => {
    expect(decidePrivateDns(verified, { enableDnsSupport: true, enableDnsHostnames: false })).toEqual({
      enabled: false,
      warning: 'the VPC lacks enableDnsHostnames',
    });
  });

  it('keeps it off when the service has no private name', () => {
    expect(decidePrivateDns({ privateDnsName: undefined, privateDnsVerificationState: undefined }, dnsOn).enabled).toBe(false);
  });
});

describe('proxyUrl', () => {
  it('is an http URL on the proxy port', () => {
    expect(proxyUrl('vpce-1.vpce-svc-2.eu-west-2.vpce.amazonaws.com', 3128)).toBe('http://vpce-1.vpce-svc-2.eu-west-2.vpce.amazonaws.com:3128');
  });
});
