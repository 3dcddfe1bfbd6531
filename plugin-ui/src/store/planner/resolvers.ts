/**
 * External dependencies
 */
import type { Cluster } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import type { Query } from '../../api/client';
import { errorMessage } from '../../api/errors';
import type { ThunkArgs } from '../thunk';
import { receiveItems, receiveList, receiveListError } from './actions';
import { PLANNER_PATHS, type PlannerKind } from './types';

function listResolver( kind: PlannerKind ) {
	return ( query: Query = {} ) =>
		async ( { dispatch }: ThunkArgs ) => {
			try {
				const page = await getClient().list< never >(
					PLANNER_PATHS[ kind ],
					query
				);
				dispatch(
					receiveList( kind, query, page.results, page.count )
				);
			} catch ( error ) {
				dispatch(
					receiveListError(
						kind,
						query,
						errorMessage( error, 'Could not load the list.' )
					)
				);
			}
		};
}

export const getKeywords = listResolver( 'keywords' );
export const getClusters = listResolver( 'clusters' );
export const getIdeas = listResolver( 'ideas' );

export const getCluster =
	( id: number ) =>
	async ( { dispatch }: ThunkArgs ) => {
		const cluster = await getClient().get< Cluster >(
			`${ PLANNER_PATHS.clusters }${ id }/`
		);
		dispatch( receiveItems( 'clusters', [ cluster ] ) );
	};
