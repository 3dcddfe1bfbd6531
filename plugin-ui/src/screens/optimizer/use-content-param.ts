/**
 * WordPress dependencies
 */
import { useCallback, useEffect, useState } from '@wordpress/element';
import { addQueryArgs, getQueryArg } from '@wordpress/url';

/**
 * The content id in the page URL (`&content=12`), or null.
 * @param url The page URL.
 */
export function contentIdFrom( url: string ): number | null {
	const value = getQueryArg( url, 'content' );
	return typeof value === 'string' && /^[1-9]\d{0,9}$/.test( value )
		? Number( value )
		: null;
}

/**
 * The address of one content's analysis on this screen.
 * @param contentId The content; null for the dashboard.
 */
export function analysisUrl( contentId: number | null ): string {
	return addQueryArgs( window.location.pathname, {
		page: getQueryArg( window.location.href, 'page' ),
		...( contentId === null ? {} : { content: contentId } ),
	} );
}

/**
 * Which content's analysis the screen shows, kept in the URL: a reload, a
 * bookmark and back/forward return to it. Opening one pushes a history
 * entry that keeps only the page and the content (the dashboard's view
 * starts fresh on the way back, as a tab's does).
 */
export function useContentParam(): [
	number | null,
	( contentId: number | null ) => void,
] {
	const [ contentId, setContentId ] = useState( () =>
		contentIdFrom( window.location.href )
	);
	useEffect( () => {
		const onPop = () =>
			setContentId( contentIdFrom( window.location.href ) );
		window.addEventListener( 'popstate', onPop );
		return () => window.removeEventListener( 'popstate', onPop );
	}, [] );
	const open = useCallback( ( next: number | null ) => {
		window.history.pushState( null, '', analysisUrl( next ) );
		setContentId( next );
		window.scrollTo?.( 0, 0 );
	}, [] );
	return [ contentId, open ];
}
