/**
 * WordPress dependencies
 */
import { useSelect } from '@wordpress/data';

/**
 * Internal dependencies
 */
import type { Query } from '../api/client';
import { EMPTY_LIST, type ListResult } from '../store/collection';

export interface UseList< T > extends ListResult< T > {
	isLoading: boolean;
	error: string | null;
}

/**
 * A page of a store list; resolves (fetches) on first use.
 * @param storeName e.g. `igny8/planner`.
 * @param selector  e.g. `getKeywords`.
 * @param kind      The collection, for its error (e.g. `keywords`).
 * @param query     The server query; null to load nothing yet.
 */
export function useList< T >(
	storeName: string,
	selector: string,
	kind: string,
	query: Query | null
): UseList< T > {
	// The query arrives as a fresh object on every render; its JSON is the
	// stable identity the selector depends on.
	const queryKey = JSON.stringify( query );
	return useSelect(
		( select ) => {
			if ( query === null ) {
				return { ...EMPTY_LIST, isLoading: true, error: null };
			}

			const store = select( storeName ) as any;
			const list = store[ selector ]( query ) as
				ListResult< T > | undefined;
			const error = store.getListError( kind, query ) as string | null;
			return {
				items: list?.items ?? ( EMPTY_LIST.items as T[] ),
				count: list?.count ?? 0,
				isLoading: list === undefined && error === null,
				error,
			};
		},
		// eslint-disable-next-line react-hooks/exhaustive-deps -- queryKey stands for query.
		[ storeName, selector, kind, queryKey ]
	);
}
