/**
 * WordPress dependencies
 */
import { useEffect, useState } from '@wordpress/element';

/** The console's routes live under /console/ (the cloud answers all of them with the app). */
export const BASE = '/console';

export type Route =
	| { page: 'sites' }
	| { page: 'site'; id: number }
	| { page: 'users' }
	| { page: 'credits' }
	| { page: 'audit' }
	/** An invite link: its token rides in the fragment (`#token=…`), never sent to a server. */
	| { page: 'accept' }
	| { page: 'missing' };

export function parseRoute( pathname: string ): Route {
	const rest = pathname.startsWith( BASE )
		? pathname.slice( BASE.length )
		: pathname;
	const parts = rest.split( '/' ).filter( Boolean );
	if (
		parts.length === 0 ||
		( parts[ 0 ] === 'sites' && parts.length === 1 )
	) {
		return { page: 'sites' };
	}
	if (
		parts[ 0 ] === 'sites' &&
		parts.length === 2 &&
		/^\d+$/.test( parts[ 1 ]! )
	) {
		return { page: 'site', id: Number( parts[ 1 ] ) };
	}
	if ( parts.length === 1 && parts[ 0 ] === 'accept' ) {
		return { page: 'accept' };
	}
	if (
		parts.length === 1 &&
		( parts[ 0 ] === 'users' ||
			parts[ 0 ] === 'credits' ||
			parts[ 0 ] === 'audit' )
	) {
		return { page: parts[ 0 ] };
	}
	return { page: 'missing' };
}

export function navigate( path: string ): void {
	window.history.pushState( null, '', BASE + path );
	window.dispatchEvent( new PopStateEvent( 'popstate' ) );
	window.scrollTo( 0, 0 );
}

export function useRoute(): Route {
	const [ route, setRoute ] = useState( () =>
		parseRoute( window.location.pathname )
	);
	useEffect( () => {
		const onPop = () => setRoute( parseRoute( window.location.pathname ) );
		window.addEventListener( 'popstate', onPop );
		return () => window.removeEventListener( 'popstate', onPop );
	}, [] );
	return route;
}
