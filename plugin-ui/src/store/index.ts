/**
 * Registers every workspace store (importing this module is the side effect).
 */
export { store as plannerStore } from './planner';
export { store as writerStore } from './writer';
export { store as jobsStore } from './jobs';
export { store as settingsStore } from './settings';
export { store as activityStore } from './activity';
export { store as optimizerStore } from './optimizer';
