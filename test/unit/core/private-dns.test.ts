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

describe('decidePrivateDns: each missing piece keeps private DNS off and is named in the warning', () => {
  it('warns that the service has no private DNS name', () => {
    // Act
    const decision = decidePrivateDns({ privateDnsName: undefined, privateDnsVerificationState: undefined }, dnsOn);

    // Assess
    expect(decision).toEqual({ enabled: false, warning: 'the service has no private DNS name' });
  });

  it('calls a name without a verification state unverified', () => {
    // Act
    const decision = decidePrivateDns({ ...verified, privateDnsVerificationState: undefined }, dnsOn);

    // Assess
    expect(decision).toEqual({ enabled: false, warning: "the service's private DNS name proxy.example.internal is unverified" });
  });

  it('keeps it off in a VPC with DNS hostnames on but DNS support off', () => {
    // Act
    const decision = decidePrivateDns(verified, { enableDnsSupport: false, enableDnsHostnames: true });

    // Assess
    expect(decision).toEqual({ enabled: false, warning: 'the VPC lacks enableDnsSupport' });
  });

  it('names both attributes when the VPC has neither', () => {
    // Act
    const decision = decidePrivateDns(verified, { enableDnsSupport: false, enableDnsHostnames: false });

    // Assess
    expect(decision).toEqual({ enabled: false, warning: 'the VPC lacks enableDnsSupport and enableDnsHostnames' });
  });
});
