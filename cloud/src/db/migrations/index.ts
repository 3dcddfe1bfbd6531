import type { Migration } from '../migrate';
import { migration as systemHeartbeats } from './0001-system-heartbeats';

/** Every migration, in order. Listed explicitly so builds and sources agree. */
export const MIGRATIONS: Migration[] = [ systemHeartbeats ];
