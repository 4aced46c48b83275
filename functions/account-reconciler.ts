import { accountReconcilerHandler } from './handlers/account-reconciler';
import { loadConfig } from './shared/config';
import { buildRuntime } from './shared/runtime';

// Built at cold start: an invalid setting fails the init with a message naming the variable.
export const handler = accountReconcilerHandler(buildRuntime(loadConfig()));
