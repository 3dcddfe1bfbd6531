/**
 * Shared building blocks of the list-backed stores (planner, writer): items
 * by id, and which ids each server query returned. One query = one page of
 * one filtered, ordered list.
 */

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import { queryString, type Query } from '../api/client';
import { errorMessage } from '../api/errors';
import type { ThunkArgs, ThunkDispatch } from './thunk';

export interface Identified {
	id: number;
}

export interface ListResult< T > {
	items: T[];
	count: number;
}

export interface Collection< T extends Identified > {
	byId: Record< number, T >;
	lists: Record< string, { ids: number[]; count: number } >;
	errors: Record< string, string >;
}

export type CollectionAction< K extends string, T > =
	| {
			type: 'RECEIVE_LIST';
			kind: K;
			key: string;
			items: T[];
			count: number;
	  }
	| { type: 'RECEIVE_LIST_ERROR'; kind: K; key: string; error: string }
	| { type: 'RECEIVE_ITEMS'; kind: K; items: T[] }
	| { type: 'REMOVE_ITEMS'; kind: K; ids: number[] }
	| { type: 'INVALIDATE_LISTS'; kind: K };

/** What selectors return for "nothing yet", so components don't re-render on `[] !== []`. */
export const EMPTY_LIST: ListResult< never > = Object.freeze( {
	items: Object.freeze( [] ) as unknown as never[],
	count: 0,
} );

export function emptyCollection< T extends Identified >(): Collection< T > {
	return { byId: {}, lists: {}, errors: {} };
}

/**
 * The key a query is stored under: equal queries give equal keys.
 * @param query The list query.
 */
export function queryKey( query: Query = {} ): string {
	return queryString( query );
}

/**
 * Reduces one collection for the actions of its `kind`.
 * @param kind        Which collection this reducer owns.
 * @param state       The collection.
 * @param action      Any action.
 * @param action.type The action's type.
 * @param action.kind The collection the action is for.
 */
export function reduceCollection< K extends string, T extends Identified >(
	kind: K,
	state: Collection< T >,
	action: { type: string; kind?: string }
): Collection< T > {
	if ( action.kind !== kind ) {
		return state;
	}
	const typed = action as CollectionAction< K, T >;
	switch ( typed.type ) {
		case 'RECEIVE_LIST': {
			const byId = { ...state.byId };
			typed.items.forEach( ( item ) => ( byId[ item.id ] = item ) );
			const errors = { ...state.errors };
			delete errors[ typed.key ];
			return {
				byId,
				lists: {
					...state.lists,
					[ typed.key ]: {
						ids: typed.items.map( ( item ) => item.id ),
						count: typed.count,
					},
				},
				errors,
			};
		}
		case 'RECEIVE_LIST_ERROR':
			return {
				...state,
				errors: { ...state.errors, [ typed.key ]: typed.error },
			};
		case 'RECEIVE_ITEMS': {
			const byId = { ...state.byId };
			typed.items.forEach( ( item ) => ( byId[ item.id ] = item ) );
			return { ...state, byId };
		}
		case 'REMOVE_ITEMS': {
			const byId = { ...state.byId };
			typed.ids.forEach( ( id ) => delete byId[ id ] );
			const gone = new Set( typed.ids );
			const lists: Collection< T >[ 'lists' ] = {};
			Object.entries( state.lists ).forEach( ( [ key, list ] ) => {
				const ids = list.ids.filter( ( id ) => ! gone.has( id ) );
				lists[ key ] = {
					ids,
					count: list.count - ( list.ids.length - ids.length ),
				};
			} );
			return { ...state, byId, lists };
		}
		case 'INVALIDATE_LISTS':
			return { ...state, lists: {}, errors: {} };
	}
	return state;
}

/**
 * A memoized "list for this query" selector over one collection. Memoized on
 * the stored page and items (not on the query object, which callers rebuild
 * on every render), so equal queries give the same result object.
 * @param pick Finds the collection in the store's state.
 */
export function listSelector< S, T extends Identified >(
	pick: ( state: S ) => Collection< T >
) {
	const cache = new WeakMap<
		object,
		{ byId: Record< number, T >; result: ListResult< T > }
	>();
	return ( state: S, query: Query = {} ): ListResult< T > | undefined => {
		const collection = pick( state );
		const list = collection.lists[ queryKey( query ) ];
		if ( ! list ) {
			return undefined;
		}
		const cached = cache.get( list );
		if ( cached && cached.byId === collection.byId ) {
			return cached.result;
		}
		const result = {
			items: list.ids
				.map( ( id ) => collection.byId[ id ] )
				.filter( ( item ): item is T => item !== undefined ),
			count: list.count,
		};
		cache.set( list, { byId: collection.byId, result } );
		return result;
	};
}

/**
 * The action creators every collection-backed store has, typed to its kinds.
 */
export function collectionActions< K extends string, T >() {
	return {
		receiveList: ( kind: K, query: Query, items: T[], count: number ) => ( {
			type: 'RECEIVE_LIST' as const,
			kind,
			key: queryKey( query ),
			items,
			count,
		} ),
		receiveListError: ( kind: K, query: Query, error: string ) => ( {
			type: 'RECEIVE_LIST_ERROR' as const,
			kind,
			key: queryKey( query ),
			error,
		} ),
		receiveItems: ( kind: K, items: T[] ) => ( {
			type: 'RECEIVE_ITEMS' as const,
			kind,
			items,
		} ),
		removeItems: ( kind: K, ids: number[] ) => ( {
			type: 'REMOVE_ITEMS' as const,
			kind,
			ids,
		} ),
	};
}

/**
 * Forgets every loaded page of some lists, so visible tables load again.
 * @param selectorOf The selector that resolves each kind's lists.
 */
export function invalidator< K extends string >(
	selectorOf: Record< K, string >
) {
	return ( ...kinds: K[] ) =>
		( { dispatch }: { dispatch: ThunkDispatch } ) => {
			kinds.forEach( ( kind ) => {
				dispatch( { type: 'INVALIDATE_LISTS', kind } );
				dispatch.invalidateResolutionForStoreSelector(
					selectorOf[ kind ]
				);
			} );
		};
}

/**
 * The resolver of one kind's list selector: one server page per query.
 * @param paths The API path of each kind's list.
 */
export function listResolver< K extends string >( paths: Record< K, string > ) {
	return ( kind: K ) =>
		( query: Query = {} ) =>
		async ( { dispatch }: ThunkArgs ) => {
			const { receiveList, receiveListError } = collectionActions<
				K,
				never
			>();
			try {
				const page = await getClient().list< never >(
					paths[ kind ],
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
