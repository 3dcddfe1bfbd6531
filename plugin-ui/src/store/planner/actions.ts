/**
 * External dependencies
 */
import type { Cluster, ContentIdea, Keyword, Task } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import { collectionActions, invalidator } from '../collection';
import type { ThunkArgs } from '../thunk';
import { PLANNER_PATHS, type PlannerKind } from './types';

type Item = Keyword | Cluster | ContentIdea;

export const { receiveList, receiveListError, receiveItems, removeItems } =
	collectionActions< PlannerKind, Item >();

const SELECTOR_OF: Record< PlannerKind, string > = {
	keywords: 'getKeywords',
	clusters: 'getClusters',
	ideas: 'getIdeas',
};

/** Forgets every loaded page of the given lists, so visible tables load again. */
export const invalidate = invalidator( SELECTOR_OF );

export const createKeyword =
	( body: {
		sector_id: number;
		keyword: string;
		search_volume?: number;
		intent?: Keyword[ 'intent' ];
	} ) =>
	async ( { dispatch }: ThunkArgs ): Promise< Keyword > => {
		const keyword = await getClient().post< Keyword >(
			PLANNER_PATHS.keywords,
			body
		);
		dispatch.invalidate( 'keywords' );
		return keyword;
	};

export interface BulkResult {
	affected: number;
	not_found: number[];
}

export const bulkDeleteKeywords =
	( ids: number[] ) =>
	async ( { dispatch }: ThunkArgs ): Promise< BulkResult > => {
		const result = await getClient().post< BulkResult >(
			'/planner/keywords/bulk_delete/',
			{ ids }
		);
		dispatch( removeItems( 'keywords', ids ) );
		dispatch.invalidate( 'keywords', 'clusters' );
		return result;
	};

export const bulkSetKeywordStatus =
	( ids: number[], status: Keyword[ 'status' ] ) =>
	async ( { dispatch }: ThunkArgs ): Promise< BulkResult > => {
		const result = await getClient().post< BulkResult >(
			'/planner/keywords/bulk_update_status/',
			{ ids, status }
		);
		dispatch.invalidate( 'keywords' );
		return result;
	};

export const bulkAssignCluster =
	( ids: number[], clusterId: number | null ) =>
	async ( { dispatch }: ThunkArgs ): Promise< BulkResult > => {
		const result = await getClient().post< BulkResult >(
			'/planner/keywords/bulk_assign_cluster/',
			{ ids, cluster_id: clusterId }
		);
		dispatch.invalidate( 'keywords', 'clusters' );
		return result;
	};

export const updateIdea =
	( id: number, changes: Partial< ContentIdea > ) =>
	async ( { dispatch }: ThunkArgs ): Promise< ContentIdea > => {
		const idea = await getClient().patch< ContentIdea >(
			`${ PLANNER_PATHS.ideas }${ id }/`,
			changes
		);
		dispatch( receiveItems( 'ideas', [ idea ] ) );
		return idea;
	};

/**
 * Approves ideas: each becomes a writer task.
 * @param ids The ideas.
 */
export const approveIdeas =
	( ids: number[] ) =>
	async ( { dispatch, registry }: ThunkArgs ): Promise< Task[] > => {
		const result = await getClient().post< { tasks?: Task[] } | Task[] >(
			'/planner/ideas/bulk_to_tasks/',
			{ ids }
		);
		dispatch.invalidate( 'ideas' );
		registry.dispatch( 'igny8/writer' ).invalidate( 'tasks' );
		return Array.isArray( result ) ? result : ( result?.tasks ?? [] );
	};
