/**
 * External dependencies
 */
import type { AiRun } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import { errorMessage } from '../../api/errors';
import type { ThunkArgs } from '../thunk';
import { isFinal } from './types';

export function receiveRuns( runs: AiRun[] ) {
	return { type: 'RECEIVE_RUNS' as const, runs };
}

export function receiveRunError( id: number, error: string ) {
	return { type: 'RECEIVE_RUN_ERROR' as const, id, error };
}

/** Streams this page follows, by run id: one reader per run. */
const following = new Map< number, AbortController >();
/** How often a dropped stream is re-opened before giving up. */
export const MAX_REATTACH = 30;
export const REATTACH_DELAY_MS = 1000;

const wait = ( ms: number ) =>
	new Promise( ( resolve ) => setTimeout( resolve, ms ) );

/**
 * Follows a run's event stream until it is final. A stream that drops
 * (proxy timeout, network) is re-opened; the cloud resends the current state
 * first, so nothing is missed.
 * @param id The run.
 */
export const followRun =
	( id: number ) =>
	async ( { dispatch, select }: ThunkArgs ): Promise< void > => {
		if ( following.has( id ) ) {
			return;
		}
		const controller = new AbortController();
		following.set( id, controller );
		try {
			for ( let attempt = 0; attempt < MAX_REATTACH; attempt++ ) {
				try {
					await getClient().stream(
						`/system/ai-runs/${ id }/events/`,
						( event ) => {
							if ( event.data ) {
								dispatch(
									receiveRuns( [
										JSON.parse( event.data ) as AiRun,
									] )
								);
							}
						},
						controller.signal
					);
				} catch ( error ) {
					dispatch(
						receiveRunError(
							id,
							errorMessage(
								error,
								'The progress stream stopped.'
							)
						)
					);
				}
				if (
					controller.signal.aborted ||
					isFinal( select.getRun( id ) )
				) {
					return;
				}
				await wait( REATTACH_DELAY_MS );
			}
		} finally {
			following.delete( id );
		}
	};

/** Stops reading every stream (page unload, tests). */
export function stopFollowingAll(): { type: string } {
	following.forEach( ( controller ) => controller.abort() );
	following.clear();
	return { type: 'STOP_FOLLOWING' };
}

/** An AI action's 202 answer: its run, and whatever else the action says (e.g. drafts left out). */
export type StartedRun = { run_id: number } & Record< string, unknown >;

/**
 * Starts an AI action (a 202 answer with `run_id`) and follows its progress.
 * @param path The action's path, e.g. `/planner/clusters/generate_ideas/`.
 * @param body Its request body.
 * @return The action's answer.
 */
export const startRun =
	( path: string, body: unknown ) =>
	async ( { dispatch }: ThunkArgs ): Promise< StartedRun > => {
		const started = await getClient().post< StartedRun >( path, body );
		const run = await getClient().get< AiRun >(
			`/system/ai-runs/${ started.run_id }/`
		);
		dispatch( receiveRuns( [ run ] ) );
		// Not awaited: the caller gets the id at once and watches the store.
		dispatch.followRun( started.run_id );
		return started;
	};

export const cancelRun =
	( id: number ) =>
	async ( { dispatch }: ThunkArgs ): Promise< void > => {
		try {
			const run = await getClient().post< AiRun >(
				`/system/ai-runs/${ id }/cancel/`
			);
			if ( run && typeof run === 'object' && 'id' in run ) {
				dispatch( receiveRuns( [ run ] ) );
			}
		} catch ( error ) {
			dispatch(
				receiveRunError(
					id,
					errorMessage( error, 'The run could not be cancelled.' )
				)
			);
			throw error;
		}
	};
