export * from './auth';
export * from './common';
export * from './envelope';
export * from './errors';
export * from './health';
export * from './planner';
export * from './transitions';
export * from './writer';
