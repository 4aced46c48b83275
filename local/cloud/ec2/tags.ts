/** CreateTags, DeleteTags, DescribeTags over every taggable resource of the caller's account and region. */
import type { Call, Handler } from './context';
import { resourceNotFound } from './errors';
import { compileFilters } from './filters';
import type { FilterFields } from './filters';
import { PAGE_5_TO_1000, paginate } from './paging';
import { filters, list, tagList } from './query';
import { AwsError } from '../framework';
import type { Taggable } from './state';
import { deleteTags, setTags, validateTags } from './tagging';

function resources(call: Call): Taggable[] {
  const ids = list(call.p, 'ResourceId');
  if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter resourceIdSet');
  return ids.map((id) => {
    const resource = call.rs.taggables.get(id);
    if (!resource) throw resourceNotFound(id);
    return resource;
  });
}

const createTags: Handler = (call) => {
  const targets = resources(call);
  const tags = new Map(tagList(call.p, 'Tag').map((t) => [t.key, t.value ?? '']));
  if (tags.size === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter tagSet');
  // Validate before changing anything, so a bad tag leaves every resource as it was.
  validateTags(tags);
  for (const target of targets) setTags(call.world, target, tags);
  return { return: true };
};

const deleteTagsHandler: Handler = (call) => {
  const targets = resources(call);
  const tags = tagList(call.p, 'Tag');
  for (const target of targets) deleteTags(call.world, target, tags);
  return { return: true };
};

interface TagEntry {
  resource: Taggable;
  key: string;
  value: string;
}

const TAG_FILTERS: FilterFields<TagEntry> = {
  'resource-id': (t) => t.resource.id,
  'resource-type': (t) => t.resource.type,
  key: (t) => t.key,
  value: (t) => t.value,
};

const describeTags: Handler = (call) => {
  const matches = compileFilters(filters(call.p), TAG_FILTERS);
  const entries: TagEntry[] = [];
  for (const resource of call.rs.taggables.values()) {
    for (const [key, value] of resource.tags) {
      const entry = { resource, key, value };
      if (matches(entry)) entries.push(entry);
    }
  }
  const page = paginate(call.p, entries, PAGE_5_TO_1000);
  return {
    tagSet: page.items.map((t) => ({ resourceId: t.resource.id, resourceType: t.resource.type, key: t.key, value: t.value })),
    nextToken: page.nextToken,
  };
};

export const tagHandlers: Record<string, Handler> = {
  CreateTags: createTags,
  DeleteTags: deleteTagsHandler,
  DescribeTags: describeTags,
};
