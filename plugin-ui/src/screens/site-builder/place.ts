/**
 * WordPress dependencies
 */
import { useCallback, useEffect, useState } from '@wordpress/element';
import { addQueryArgs, getQueryArg } from '@wordpress/url';

/**
 * Which blueprint the Site Builder shows, kept in the page URL
 * (`&blueprint=12`) so a reload, a bookmark and back/forward return to it;
 * none: the list of the site's blueprints.
 */

const ID = /^[1-9]\d{0,9}$/;

/**
 * The blueprint a URL names, or null.
 * @param url The page URL.
 */
export function blueprintIdFrom( url: string ): number | null {
	const value = getQueryArg( url, 'blueprint' );
	return typeof value === 'string' && ID.test( value )
		? Number( value )
		: null;
}

/**
 * The address of a blueprint on this screen.
 * @param id The blueprint; null for the list.
 */
export function blueprintUrl( id: number | null ): string {
	return addQueryArgs( window.location.pathname, {
		page: getQueryArg( window.location.href, 'page' ),
		...( id === null ? {} : { blueprint: id } ),
	} );
}

/**
 * The blueprint open now, and a way to open another (null: the list).
 */
export function useBlueprintParam(): [
	number | null,
	( id: number | null ) => void,
] {
	const [ id, setId ] = useState( () =>
		blueprintIdFrom( window.location.href )
	);
	useEffect( () => {
		const onPop = () => setId( blueprintIdFrom( window.location.href ) );
		window.addEventListener( 'popstate', onPop );
		return () => window.removeEventListener( 'popstate', onPop );
	}, [] );
	const open = useCallback( ( next: number | null ) => {
		window.history.pushState( null, '', blueprintUrl( next ) );
		setId( next );
		window.scrollTo?.( 0, 0 );
	}, [] );
	return [ id, open ];
}
