import { mappingPublisherHandler } from './handlers/mapping-publisher';
import { loadConfig } from './shared/config';
import { buildRuntime } from './shared/runtime';

// Built at cold start: an invalid setting fails the init with a message naming the variable.
export const handler = mappingPublisherHandler(buildRuntime(loadConfig()));
