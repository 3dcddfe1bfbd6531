/**
 * What `@wordpress/data` passes a thunk action or resolver. The store's
 * action creators (including the metadata ones such as
 * `invalidateResolutionForStoreSelector`) and selectors are reachable by name.
 */

export type BoundActions = { [ name: string ]: any };
export type ThunkDispatch = ( ( action: {
	type: string;
	[ key: string ]: unknown;
} ) => unknown ) &
	BoundActions;
export type BoundSelectors = { [ name: string ]: any };

export interface ThunkArgs {
	dispatch: ThunkDispatch;
	select: BoundSelectors;
	registry: {
		dispatch: ( store: string ) => BoundActions;
		select: ( store: string ) => BoundSelectors;
	};
}
