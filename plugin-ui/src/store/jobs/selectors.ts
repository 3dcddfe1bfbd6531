/**
 * External dependencies
 */
import type { AiRun } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { createSelector } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { isFinal, type JobsState } from './types';

export function getRun( state: JobsState, id: number ): AiRun | undefined {
	return state.runs[ id ];
}

export function getRunError( state: JobsState, id: number ): string | null {
	return state.errors[ id ] ?? null;
}

/** Runs still queued or running, newest first. */
export const getActiveRuns = createSelector(
	( state: JobsState ): AiRun[] =>
		Object.values( state.runs )
			.filter( ( run ) => ! isFinal( run ) )
			.sort( ( a, b ) => b.id - a.id ),
	( state: JobsState ) => [ state.runs ]
);

/** Every run known to this page, newest first. */
export const getRecentRuns = createSelector(
	( state: JobsState ): AiRun[] =>
		Object.values( state.runs ).sort( ( a, b ) => b.id - a.id ),
	( state: JobsState ) => [ state.runs ]
);

/**
 * The newest active run of an AI function (what a screen re-attaches to after a reload).
 * @param state        Store state.
 * @param functionName e.g. `auto_cluster`.
 */
export function getActiveRunFor(
	state: JobsState,
	functionName: string
): AiRun | undefined {
	return getActiveRuns( state ).find(
		( run ) => run.function_name === functionName
	);
}
