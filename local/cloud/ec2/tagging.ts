/**
 * Tags on every taggable resource, and the "Tag Change on Resource" events AWS emits (source aws.tag)
 * in the resource's own account and region when tags of a VPC or subnet change.
 */
import { AwsError } from '../framework';
import type { World } from '../framework';
import { invalidParameterValue } from './errors';
import type { Taggable, TaggableType } from './state';
import type { XmlObject } from './xml';

const MAX_TAGS = 50;
const EVENT_TYPES: ReadonlySet<TaggableType> = new Set(['vpc', 'subnet']);

export const tagSetXml = (tags: Map<string, string>): XmlObject[] | undefined =>
  tags.size === 0 ? undefined : [...tags].map(([key, value]) => ({ key, value }));

export function validateTags(tags: Iterable<[string, string]>): void {
  for (const [key, value] of tags) {
    if (key.length === 0 || key.length > 128) throw invalidParameterValue(`Tag key '${key}' must be 1 to 128 characters long`);
    if (key.toLowerCase().startsWith('aws:')) {
      throw invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use`);
    }
    if (value.length > 256) throw invalidParameterValue(`Tag value for key '${key}' must be at most 256 characters long`);
  }
}

function emitTagChange(world: World, resource: Taggable, changedKeys: string[]): void {
  if (changedKeys.length === 0 || !EVENT_TYPES.has(resource.type)) return;
  resource.tagVersion += 1;
  world.emitEvent({
    'detail-type': 'Tag Change on Resource',
    source: 'aws.tag',
    account: resource.ownerId,
    region: resource.region,
    resources: [`arn:aws:ec2:${resource.region}:${resource.ownerId}:${resource.type}/${resource.id}`],
    detail: {
      'changed-tag-keys': changedKeys,
      service: 'ec2',
      'resource-type': resource.type,
      version: resource.tagVersion,
      tags: Object.fromEntries(resource.tags),
    },
  });
}

/** Set tags (creating or overwriting); emits an event naming the keys whose value actually changed. */
export function setTags(world: World, resource: Taggable, tags: Map<string, string>): void {
  validateTags(tags);
  let newKeys = 0;
  for (const key of tags.keys()) if (!resource.tags.has(key)) newKeys++;
  if (resource.tags.size + newKeys > MAX_TAGS) {
    throw new AwsError('TagLimitExceeded', `The maximum number of tags for resource ${resource.id} has been reached.`);
  }
  const changed: string[] = [];
  for (const [key, value] of tags) {
    if (resource.tags.get(key) !== value) changed.push(key);
    resource.tags.set(key, value);
  }
  emitTagChange(world, resource, changed);
}

/**
 * Delete tags: a key without a value deletes whatever the value is; with a value (even empty) only
 * when it matches; no tags at all deletes every tag of the resource (as AWS does).
 */
export function deleteTags(
  world: World,
  resource: Taggable,
  tags: { key: string; value: string | undefined }[] | undefined,
): void {
  const changed: string[] = [];
  if (tags === undefined || tags.length === 0) {
    changed.push(...resource.tags.keys());
    resource.tags.clear();
  } else {
    for (const { key, value } of tags) {
      const current = resource.tags.get(key);
      if (current === undefined || (value !== undefined && value !== current)) continue;
      resource.tags.delete(key);
      changed.push(key);
    }
  }
  emitTagChange(world, resource, changed);
}
