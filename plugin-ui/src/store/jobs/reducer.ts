/**
 * External dependencies
 */
import type { AiRun } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import type { JobsState } from './types';

export const initialState: JobsState = { runs: {}, errors: {} };

type Action =
	| { type: 'RECEIVE_RUNS'; runs: AiRun[] }
	| { type: 'RECEIVE_RUN_ERROR'; id: number; error: string }
	| { type: string };

export default function reducer(
	state: JobsState = initialState,
	action: Action
): JobsState {
	switch ( action.type ) {
		case 'RECEIVE_RUNS': {
			const { runs } = action as { runs: AiRun[] };
			const next = { ...state.runs };
			let changed = false;
			runs.forEach( ( run ) => {
				const known = next[ run.id ];
				// Streams and list reloads can cross: never go back to an older update.
				if ( known && known.progress.seq > run.progress.seq ) {
					return;
				}
				next[ run.id ] = run;
				changed = true;
			} );
			return changed ? { ...state, runs: next } : state;
		}
		case 'RECEIVE_RUN_ERROR': {
			const { id, error } = action as { id: number; error: string };
			return { ...state, errors: { ...state.errors, [ id ]: error } };
		}
	}
	return state;
}
