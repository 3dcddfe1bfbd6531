/**
 * Starting a page's first cloud requests before WordPress's scripts run.
 *
 * A wp-admin page evaluates WordPress's scripts (React, components, data…)
 * before the workspace can render and ask the cloud for anything. The
 * early script (../early.ts, printed in the page's head) replays the GET
 * requests the same page made first on its last load in this tab, with the
 * session the tab kept; the client then takes each answer instead of asking
 * again. A page whose requests changed (another sector, other filters) only
 * wastes the early ones: the client asks for what it needs as always.
 *
 * No WordPress imports: this runs before WordPress's scripts load.
 */

/**
 * Internal dependencies
 */
import { SECTOR_STORAGE_KEY } from '../store/settings/types';
import { tabSessionStore } from './session-store';

/** sessionStorage: the first requests of each page, by page. */
export const FIRST_REQUESTS_KEY = 'igny8.first-requests';
/** Requests made this long after navigation are not a page's first (ms). */
export const FIRST_REQUESTS_WINDOW = 3_000;
const MAX_REQUESTS = 8;
const MAX_PAGES = 20;

interface Memo {
	scope: string;
	/** Page key → the absolute URLs of its first GET requests, in order. */
	pages: Record< string, string[] >;
}

declare global {
	interface Window {
		/** Printed by the plugin before the early script. */
		igny8Early?: { sessionScope?: string };
		/** `${ token } ${ url }` → the response of a request started early. */
		igny8EarlyRequests?: Map< string, Promise< Response > >;
	}
}

/** The page as its first requests depend on it: its URL and the sector chosen last. */
function pageKey(): string {
	let sector = '';
	try {
		sector = window.localStorage.getItem( SECTOR_STORAGE_KEY ) ?? '';
	} catch {
		// Storage blocked: the URL alone.
	}
	return `${ window.location.pathname }${ window.location.search }#${ sector }`;
}

function readMemo( scope: string ): Memo {
	try {
		const memo = JSON.parse(
			window.sessionStorage.getItem( FIRST_REQUESTS_KEY ) ?? 'null'
		) as Memo | null;
		if ( memo?.scope === scope && memo.pages ) {
			return memo;
		}
	} catch {
		// Junk or blocked: start afresh.
	}
	return { scope, pages: {} };
}

/**
 * Starts this page's remembered first requests, if the tab kept a session
 * for this scope. Runs once, in the page's head.
 * @param scope The page's session scope (SessionController::scope()).
 */
export function startEarlyRequests( scope: string ): void {
	const session = tabSessionStore( scope )?.load( Date.now() );
	if ( ! session ) {
		return;
	}
	// Only ever to the cloud the session belongs to.
	const base = `${ session.cloud_url.replace( /\/+$/, '' ) }/api/v1/`;
	const started = new Map< string, Promise< Response > >();
	for ( const url of ( readMemo( scope ).pages[ pageKey() ] ?? [] ).slice(
		0,
		MAX_REQUESTS
	) ) {
		if ( typeof url !== 'string' || ! url.startsWith( base ) ) {
			continue;
		}
		const response = window.fetch( url, {
			method: 'GET',
			headers: {
				Accept: 'application/json',
				Authorization: `Bearer ${ session.token }`,
			},
			credentials: 'omit',
		} );
		// Nobody may take it; its failure is then nobody's concern.
		response.catch( () => undefined );
		started.set( `${ session.token } ${ url }`, response );
	}
	window.igny8EarlyRequests = started;
}

/**
 * The answer to a request started early for this URL with this token;
 * each is taken once.
 * @param url   The request's absolute URL.
 * @param token The bearer token the request would carry.
 */
export function takeEarlyResponse(
	url: string,
	token: string
): Promise< Response > | null {
	const key = `${ token } ${ url }`;
	const response = window.igny8EarlyRequests?.get( key ) ?? null;
	window.igny8EarlyRequests?.delete( key );
	return response;
}

let notedThisLoad = false;
let firstRequestsOver = false;

/**
 * Notes a GET request made while the page loads, so that the next load of
 * the page can start it early. The first note of a load replaces what the
 * last load noted.
 * @param scope The page's session scope; empty notes nothing.
 * @param url   The request's absolute URL.
 */
export function noteFirstRequest( scope: string, url: string ): void {
	if (
		! scope ||
		firstRequestsOver ||
		window.performance.now() > FIRST_REQUESTS_WINDOW
	) {
		return;
	}
	const memo = readMemo( scope );
	const key = pageKey();
	const urls = notedThisLoad ? ( memo.pages[ key ] ?? [] ) : [];
	notedThisLoad = true;
	if ( urls.includes( url ) || urls.length >= MAX_REQUESTS ) {
		return;
	}
	// The page noted last goes last: the oldest are dropped first.
	delete memo.pages[ key ];
	memo.pages[ key ] = [ ...urls, url ];
	const keys = Object.keys( memo.pages );
	for ( const old of keys.slice(
		0,
		Math.max( 0, keys.length - MAX_PAGES )
	) ) {
		delete memo.pages[ old ];
	}
	try {
		window.sessionStorage.setItem(
			FIRST_REQUESTS_KEY,
			JSON.stringify( memo )
		);
	} catch {
		// Full or blocked: the next load starts nothing early.
	}
}

/**
 * Ends the page's first requests: what it asks for from now on (the
 * credits, the AI runs to follow…) waits for its screen's own data, and
 * starting it early would only compete with that data.
 */
export function endFirstRequests(): void {
	firstRequestsOver = true;
}

/** Forgets what this load noted and ended (tests). */
export function resetFirstRequestNotes(): void {
	notedThisLoad = false;
	firstRequestsOver = false;
}
