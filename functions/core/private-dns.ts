export interface ServiceDnsFacts {
  readonly privateDnsName: string | undefined;
  /** `verified`, `pendingVerification` or `failed`, as DescribeVpcEndpointServices reports it. */
  readonly privateDnsVerificationState: string | undefined;
}

export interface VpcDnsFacts {
  readonly enableDnsSupport: boolean;
  readonly enableDnsHostnames: boolean;
}

export type PrivateDnsDecision = { readonly enabled: true } | { readonly enabled: false; readonly warning: string };

/** Private DNS needs a verified name on the service and both DNS attributes on the VPC; otherwise EC2 refuses it. */
export function decidePrivateDns(service: ServiceDnsFacts, vpc: VpcDnsFacts): PrivateDnsDecision {
  if (service.privateDnsName === undefined) return { enabled: false, warning: 'the service has no private DNS name' };
  if (service.privateDnsVerificationState !== 'verified') {
    return {
      enabled: false,
      warning: `the service's private DNS name ${service.privateDnsName} is ${service.privateDnsVerificationState ?? 'unverified'}`,
    };
  }
  const missing = [!vpc.enableDnsSupport && 'enableDnsSupport', !vpc.enableDnsHostnames && 'enableDnsHostnames'].filter(Boolean);
  if (missing.length > 0) return { enabled: false, warning: `the VPC lacks ${missing.join(' and ')}` };
  return { enabled: true };
}

export function proxyUrl(dnsName: string, port: number): string {
  return `http://${dnsName}:${port}`;
}
