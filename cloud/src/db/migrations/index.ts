import type { Migration } from '../migrate';
import { migration as systemHeartbeats } from './0001-system-heartbeats';
import { migration as tenancy } from './0002-tenancy';
import { migration as referenceData } from './0003-reference-data';
import { migration as plannerWriter } from './0004-planner-writer';
import { migration as creditLedger } from './0005-credit-ledger';
import { migration as aiRuns } from './0006-ai-runs';

/** Every migration, in order. Listed explicitly so builds and sources agree. */
export const MIGRATIONS: Migration[] = [
	systemHeartbeats,
	tenancy,
	referenceData,
	plannerWriter,
	creditLedger,
	aiRuns,
];
