import { chooseSubnets, type SubnetFacts } from '../../../functions/core/subnets';

const subnet = (subnetId: string, availabilityZoneId: string, extra: Partial<SubnetFacts> = {}): SubnetFacts => ({
  subnetId,
  availabilityZoneId,
  mapPublicIpOnLaunch: false,
  tags: {},
  ...extra,
});
const supported = new Set(['euw2-az1', 'euw2-az2']);

describe('chooseSubnets', () => {
  it('picks one subnet per supported AZ id, lowest id first, sorted', () => {
    const choice = chooseSubnets([subnet('subnet-0c', 'euw2-az2'), subnet('subnet-0b', 'euw2-az1'), subnet('subnet-0a', 'euw2-az1')], supported);
    expect(choice.subnetIds).toEqual(['subnet-0a', 'subnet-0c']);
  });

  it('skips subnets in AZs the service does not support, saying why', () => {
    const choice = chooseSubnets([subnet('subnet-0a', 'euw2-az3'), subnet('subnet-0b', 'euw2-az1')], supported);
    expect(choice.subnetIds).toEqual(['subnet-0b']);
    expect(choice.skipped).toEqual([{ subnetId: 'subnet-0a', reason: 'AZ euw2-az3 is not supported by the service' }]);
  });

  it('prefers subnets that do not map public IPs', () => {
    const choice = chooseSubnets([subnet('subnet-0a', 'euw2-az1', { mapPublicIpOnLaunch: true }), subnet('subnet-0b', 'euw2-az1')], supported);
    expect(choice.subnetIds).toEqual(['subnet-0b']);
  });

  it('lets the override tag win over the heuristics and exclude subnets', () => {
    const choice = chooseSubnets(
      [
        subnet('subnet-0a', 'euw2-az1'),
        subnet('subnet-0z', 'euw2-az1', { mapPublicIpOnLaunch: true, tags: { 'egress-proxy:subnet': 'true' } }),
        subnet('subnet-0b', 'euw2-az2', { tags: { 'egress-proxy:subnet': 'false' } }),
      ],
      supported,
    );
    expect(choice.subnetIds).toEqual(['subnet-0z']);
  });

  it('returns nothing when no subnet is in a supported AZ', () => {
    expect(chooseSubnets([subnet('subnet-0a', 'euw2-az3')], supported).subnetIds).toEqual([]);
  });

  it('is independent of input order', () => {
    const subnets = [subnet('subnet-03', 'euw2-az1'), subnet('subnet-01', 'euw2-az2'), subnet('subnet-02', 'euw2-az1')];
    expect(chooseSubnets(subnets, supported).subnetIds).toEqual(['subnet-01', 'subnet-02']);
    expect(chooseSubnets([...subnets].reverse(), supported).subnetIds).toEqual(['subnet-01', 'subnet-02']);
  });
});
