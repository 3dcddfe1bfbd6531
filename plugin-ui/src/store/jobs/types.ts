/**
 * External dependencies
 */
import type { AiRun } from '@igny8/shared-types';

export interface JobsState {
	runs: Record< number, AiRun >;
	/** Why a run's stream or action failed, by run id. */
	errors: Record< number, string >;
}

export const FINAL_STATUSES: ReadonlyArray< AiRun[ 'status' ] > = [
	'succeeded',
	'failed',
	'cancelled',
];

export function isFinal( run: Pick< AiRun, 'status' > | undefined ): boolean {
	return run !== undefined && FINAL_STATUSES.includes( run.status );
}
