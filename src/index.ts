export * from './api-version';
export * from './protocol';
export * from './resource';
export * from './service-entry';
export * from './sidecar';
