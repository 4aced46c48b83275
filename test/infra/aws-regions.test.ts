import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AWS_REGIONS, isAwsRegion, nearestRegion } from '../../infra/validation/aws-regions';
import { nearestName } from '../../infra/validation/nearest-name';

/** The regions of the SDK's endpoint rules for the partitions the project deploys to (the list's source). */
function sdkRegions(): string[] {
  const file = join(dirname(require.resolve('@aws-sdk/core/package.json')), 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js');
  const text = readFileSync(file, 'utf8').replace(/^export const partitionsInfo = /, '').replace(/;\s*$/, '');
  const { partitions } = JSON.parse(text) as { partitions: { id: string; regions: Record<string, unknown> }[] };
  return partitions
    .filter((partition) => ['aws', 'aws-cn', 'aws-us-gov'].includes(partition.id))
    .flatMap((partition) => Object.keys(partition.regions))
    .filter((region) => !region.endsWith('-global'));
}

describe('the pinned AWS region list', () => {
  it('holds every region the installed SDK knows in the aws, aws-cn and aws-us-gov partitions', () => {
    // Act
    const missing = sdkRegions().filter((region) => !isAwsRegion(region));

    // Assess: an SDK upgrade that brings a region asks for it to be added here
    expect(missing).toEqual([]);
  });

  it('lists each region once', () => {
    expect(new Set(AWS_REGIONS).size).toBe(AWS_REGIONS.length);
  });

  it('suggests the nearest region for a typo, and nothing for a name far from any', () => {
    expect(nearestRegion('eu-west-9')).toMatch(/^eu-west-\d$/);
    expect(nearestRegion('euwest2')).toBe('eu-west-2');
    expect(nearestRegion('mars-1')).toBeUndefined();
  });

  it('finds the nearest of other names too (context keys)', () => {
    expect(nearestName('minTask', ['minTasks', 'maxTasks', 'taskCpu'])).toBe('minTasks');
    expect(nearestName('hubregion', ['hubRegion', 'hubAccount'])).toBe('hubRegion');
    expect(nearestName('colour', ['minTasks', 'maxTasks'])).toBeUndefined();
  });
});
