/**
 * WordPress dependencies
 */
import { useCallback, useEffect, useState } from '@wordpress/element';
import { addQueryArgs, getQueryArgs, removeQueryArgs } from '@wordpress/url';

/**
 * A list's view — what a person chose to see — kept in the page URL, so a
 * reload, a shared link and the browser's back/forward all show the same
 * view. Only values that differ from the list's defaults are written, and
 * anything the list does not know (a stale bookmark, a hand-edited URL) is
 * ignored rather than sent to the server.
 */

export interface View {
	search: string;
	/** Filter id → value; a filter without a value is absent. */
	filters: Record< string, string >;
	/** The server's `ordering`, e.g. `keyword` or `-search_volume`. */
	sort: string;
	page: number;
	perPage: number;
	/** Column ids the person hid. */
	hidden: string[];
}

export interface ViewSpec {
	/** Filter id → whether a value from the URL is acceptable. */
	filters: Record< string, ( value: string ) => boolean >;
	/** Fields the list can be sorted by (without the `-`). */
	sortFields: string[];
	defaultSort: string;
	perPageOptions: number[];
	defaultPerPage: number;
	/** Columns that may be hidden. */
	columns: string[];
}

/** The URL parameters a view uses; filters use their own id. */
const ARGS = {
	search: 'search',
	sort: 'orderby',
	page: 'paged',
	perPage: 'per_page',
	hidden: 'hidden',
} as const;

const MAX_TEXT = 200;

/**
 * Accepts a positive whole number, e.g. a cluster id.
 * @param value From the URL.
 */
export const isId = ( value: string ) => /^[1-9]\d{0,9}$/.test( value );
/**
 * Accepts a whole number ≥ 0, e.g. a volume bound.
 * @param value From the URL.
 */
export const isCount = ( value: string ) => /^\d{1,10}$/.test( value );
/**
 * Accepts one of the given values.
 * @param values The values the filter knows.
 */
export const oneOf =
	( values: readonly string[] ) =>
	( value: string ): boolean =>
		values.includes( value );
/**
 * Accepts a calendar date, YYYY-MM-DD (a real one: not 2026-02-30).
 * @param value From the URL.
 */
export const isDate = ( value: string ) => {
	if ( ! /^\d{4}-\d{2}-\d{2}$/.test( value ) ) {
		return false;
	}
	const day = new Date( `${ value }T00:00:00Z` );
	return (
		! Number.isNaN( day.getTime() ) &&
		day.toISOString().slice( 0, 10 ) === value
	);
};

/** The “added between” filter every list with dates has (the cloud's created_after/created_before). */
export const ADDED_RANGE = { created_after: isDate, created_before: isDate };

export function defaultView( spec: ViewSpec ): View {
	return {
		search: '',
		filters: {},
		sort: spec.defaultSort,
		page: 1,
		perPage: spec.defaultPerPage,
		hidden: [],
	};
}

function text( value: unknown ): string | null {
	return typeof value === 'string' && value.length <= MAX_TEXT ? value : null;
}

/**
 * The view a URL's query describes; whatever is missing, unknown or invalid
 * falls back to the default.
 * @param url  A URL or its query string (`?page=igny8-keywords&paged=2`).
 * @param spec What the list accepts.
 */
export function parseView( url: string, spec: ViewSpec ): View {
	const args = getQueryArgs( url.includes( '?' ) ? url : `?${ url }` );
	const view = defaultView( spec );

	const search = text( args[ ARGS.search ] );
	if ( search !== null ) {
		view.search = search.trim();
	}

	Object.entries( spec.filters ).forEach( ( [ id, accepts ] ) => {
		const value = text( args[ id ] );
		if ( value !== null && value !== '' && accepts( value ) ) {
			view.filters[ id ] = value;
		}
	} );

	const sort = text( args[ ARGS.sort ] );
	if (
		sort !== null &&
		spec.sortFields.includes( sort.replace( /^-/, '' ) )
	) {
		view.sort = sort;
	}

	const page = text( args[ ARGS.page ] );
	if ( page !== null && isId( page ) ) {
		view.page = Number( page );
	}

	const perPage = text( args[ ARGS.perPage ] );
	if (
		perPage !== null &&
		spec.perPageOptions.includes( Number( perPage ) )
	) {
		view.perPage = Number( perPage );
	}

	const hidden = text( args[ ARGS.hidden ] );
	if ( hidden !== null ) {
		view.hidden = [
			...new Set(
				hidden
					.split( ',' )
					.filter( ( column ) => spec.columns.includes( column ) )
			),
		];
	}
	return view;
}

/**
 * The URL for a view: the current URL's other arguments (wp-admin's
 * `page=igny8-…` above all) are kept; the view's arguments are replaced, and
 * defaults are left out so the plain screen URL stays plain.
 * @param url  The current URL.
 * @param view The view to write.
 * @param spec What the list accepts (its defaults and filter ids).
 */
export function serializeView( url: string, view: View, spec: ViewSpec ) {
	const ours = [ ...Object.values( ARGS ), ...Object.keys( spec.filters ) ];
	const base = removeQueryArgs( url, ...ours );
	const args: Record< string, string | number > = {};
	if ( view.search ) {
		args[ ARGS.search ] = view.search;
	}
	Object.keys( spec.filters ).forEach( ( id ) => {
		const value = view.filters[ id ];
		if ( value ) {
			args[ id ] = value;
		}
	} );
	if ( view.sort !== spec.defaultSort ) {
		args[ ARGS.sort ] = view.sort;
	}
	if ( view.page > 1 ) {
		args[ ARGS.page ] = view.page;
	}
	if ( view.perPage !== spec.defaultPerPage ) {
		args[ ARGS.perPage ] = view.perPage;
	}
	if ( view.hidden.length > 0 ) {
		args[ ARGS.hidden ] = view.hidden.join( ',' );
	}
	return Object.keys( args ).length > 0 ? addQueryArgs( base, args ) : base;
}

export interface ViewChangeOptions {
	/**
	 * Replace the history entry instead of adding one: for changes made
	 * keystroke by keystroke (search), which back should skip over.
	 */
	replace?: boolean;
}

/**
 * A list's view, read from and written to the page URL. Changing it adds a
 * history entry, so back/forward step through the views a person chose.
 * @param spec What the list accepts; keep it stable (module constant or memo).
 */
export function useUrlView(
	spec: ViewSpec
): [ View, ( view: View, options?: ViewChangeOptions ) => void ] {
	const [ view, setView ] = useState( () =>
		parseView( window.location.search, spec )
	);

	useEffect( () => {
		const onPop = () =>
			setView( parseView( window.location.search, spec ) );
		window.addEventListener( 'popstate', onPop );
		return () => window.removeEventListener( 'popstate', onPop );
	}, [ spec ] );

	const change = useCallback(
		( next: View, options: ViewChangeOptions = {} ) => {
			const url = serializeView( window.location.href, next, spec );
			if ( url !== window.location.href ) {
				if ( options.replace ) {
					window.history.replaceState(
						window.history.state,
						'',
						url
					);
				} else {
					window.history.pushState( window.history.state, '', url );
				}
			}
			setView( next );
		},
		[ spec ]
	);
	return [ view, change ];
}

/**
 * The cloud list query for a view (the list's scope, e.g. the sector, is
 * added by the caller).
 * @param view The view.
 */
export function viewQuery( view: View ): Record< string, string | number > {
	return {
		...( view.search ? { search: view.search } : {} ),
		...view.filters,
		ordering: view.sort,
		page: view.page,
		page_size: view.perPage,
	};
}
