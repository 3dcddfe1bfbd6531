/**
 * External dependencies
 */
import type { Cluster, ContentIdea } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import type { Query } from '../../api/client';
import { listSelector, queryKey } from '../collection';
import type { PlannerKind, PlannerState } from './types';

/** A page of keywords for a query (sector, filters, ordering, page); undefined until loaded. */
export const getKeywords = listSelector(
	( state: PlannerState ) => state.keywords
);
export const getClusters = listSelector(
	( state: PlannerState ) => state.clusters
);
export const getIdeas = listSelector( ( state: PlannerState ) => state.ideas );

export function getCluster(
	state: PlannerState,
	id: number
): Cluster | undefined {
	return state.clusters.byId[ id ];
}

export function getIdea(
	state: PlannerState,
	id: number
): ContentIdea | undefined {
	return state.ideas.byId[ id ];
}

/**
 * Why the list for this query could not be loaded, if it could not.
 * @param state The planner state.
 * @param kind  Which collection.
 * @param query The list's query.
 */
export function getListError(
	state: PlannerState,
	kind: PlannerKind,
	query: Query = {}
): string | null {
	return state[ kind ].errors[ queryKey( query ) ] ?? null;
}
