/**
 * External dependencies
 */
import type { Cluster } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import type { ThunkArgs } from '../thunk';
import { listResolver } from '../collection';
import { receiveItems } from './actions';
import { PLANNER_PATHS } from './types';

const listOf = listResolver( PLANNER_PATHS );

export const getKeywords = listOf( 'keywords' );
export const getClusters = listOf( 'clusters' );
export const getIdeas = listOf( 'ideas' );

export const getCluster =
	( id: number ) =>
	async ( { dispatch }: ThunkArgs ) => {
		const cluster = await getClient().get< Cluster >(
			`${ PLANNER_PATHS.clusters }${ id }/`
		);
		dispatch( receiveItems( 'clusters', [ cluster ] ) );
	};
