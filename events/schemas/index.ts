export * from './common';
export * from './endpoint-created';
export * from './errors';
export * from './organizations';
export * from './queue-messages';
export * from './reconciler';
export type * from './scope';
export * from './sns-notification';
export * from './tag-change';
