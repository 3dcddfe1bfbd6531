/**
 * External dependencies
 */
import type { AiRun } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import type { ThunkArgs } from '../thunk';
import { receiveRuns } from './actions';

/**
 * Loads the site's queued and running runs and re-attaches to each, so a
 * reload mid-job picks the progress up again.
 */
export const getActiveRuns =
	() =>
	async ( { dispatch }: ThunkArgs ): Promise< void > => {
		const client = getClient();
		const [ running, queued ] = await Promise.all( [
			client.list< AiRun >( '/system/ai-runs/', {
				status: 'running',
				page_size: 50,
			} ),
			client.list< AiRun >( '/system/ai-runs/', {
				status: 'queued',
				page_size: 50,
			} ),
		] );
		const runs = [ ...running.results, ...queued.results ];
		dispatch( receiveRuns( runs ) );
		runs.forEach( ( run ) => dispatch.followRun( run.id ) );
	};

/** The dashboard's recent runs. */
export const getRecentRuns =
	() =>
	async ( { dispatch }: ThunkArgs ): Promise< void > => {
		const page = await getClient().list< AiRun >( '/system/ai-runs/', {
			page_size: 10,
			ordering: '-id',
		} );
		dispatch( receiveRuns( page.results ) );
	};

export const getRun =
	( id: number ) =>
	async ( { dispatch }: ThunkArgs ): Promise< void > => {
		dispatch(
			receiveRuns( [
				await getClient().get< AiRun >( `/system/ai-runs/${ id }/` ),
			] )
		);
	};
