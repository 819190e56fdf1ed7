export * from './api-version';
export * from './protocol';
export * from './resource';
