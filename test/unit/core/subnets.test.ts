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

describe('chooseSubnets: every subnet left out is reported with its reason', () => {
  it('reports subnets excluded by the override tag', () => {
    // Prepare
    const subnets = [subnet('subnet-0a', 'euw2-az1', { tags: { 'egress-proxy:subnet': 'false' } }), subnet('subnet-0b', 'euw2-az1')];

    // Act
    const choice = chooseSubnets(subnets, supported);

    // Assess
    expect(choice).toEqual({
      subnetIds: ['subnet-0b'],
      skipped: [{ subnetId: 'subnet-0a', reason: 'tagged egress-proxy:subnet=false' }],
    });
  });

  it('reports the subnet a better one displaced, and one that came after the better one', () => {
    // Prepare: subnet-0b displaces subnet-0c; subnet-0d comes after subnet-0b and loses to it
    const subnets = [subnet('subnet-0c', 'euw2-az1'), subnet('subnet-0b', 'euw2-az1'), subnet('subnet-0d', 'euw2-az1')];

    // Act
    const choice = chooseSubnets(subnets, supported);

    // Assess
    expect(choice).toEqual({
      subnetIds: ['subnet-0b'],
      skipped: [
        { subnetId: 'subnet-0c', reason: 'another subnet in the same AZ is preferred' },
        { subnetId: 'subnet-0d', reason: 'another subnet in the same AZ is preferred' },
      ],
    });
  });

  it('lets the override tag win even for a subnet that maps public IPs over a private one with a lower id', () => {
    // Prepare
    const subnets = [
      subnet('subnet-0z', 'euw2-az1', { mapPublicIpOnLaunch: true, tags: { 'egress-proxy:subnet': 'true' } }),
      subnet('subnet-0a', 'euw2-az1'),
    ];

    // Act
    const choice = chooseSubnets(subnets, supported);

    // Assess
    expect(choice.subnetIds).toEqual(['subnet-0z']);
  });
});
