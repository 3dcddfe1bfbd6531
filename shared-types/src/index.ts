export * from './auth';
export * from './common';
export * from './envelope';
export * from './errors';
export * from './health';
