/**
 * Internal dependencies
 */
import { CloudClient } from '../client';
import {
	endFirstRequests,
	FIRST_REQUESTS_KEY,
	noteFirstRequest,
	resetFirstRequestNotes,
	startEarlyRequests,
	takeEarlyResponse,
} from '../early';
import { SESSION_STORAGE_KEY } from '../session-store';
import { SessionManager, tabSessionStore, type CloudSession } from '../session';

const CLOUD = 'https://cloud.test';
const SCOPE = 'scope-a';

function keptSession( token = 'kept' ): CloudSession {
	const session = {
		token,
		expires_at: new Date( Date.now() + 10 * 60_000 ).toISOString(),
		cloud_url: CLOUD,
		site_id: 3,
		role: 'editor' as const,
	};
	window.sessionStorage.setItem(
		SESSION_STORAGE_KEY,
		JSON.stringify( { scope: SCOPE, session } )
	);
	return session;
}

/**
 * What `fetch` resolves to, as far as the client reads it (jsdom has no Response).
 * @param body The JSON body.
 */
const answer = ( body: unknown ) => ( {
	ok: true,
	status: 200,
	json: async () => body,
} );

let fetchMock: jest.Mock;

beforeEach( () => {
	window.sessionStorage.clear();
	window.localStorage.clear();
	window.history.replaceState(
		null,
		'',
		'/wp-admin/admin.php?page=igny8-keywords'
	);
	resetFirstRequestNotes();
	delete window.igny8EarlyRequests;
	fetchMock = jest.fn( async () => answer( { count: 0, results: [] } ) );
	window.fetch = fetchMock as unknown as typeof window.fetch;
} );

/**
 * The page as a load of it asks the cloud: a client with the kept session.
 * @param fetchImpl How the client sends requests.
 */
function client( fetchImpl: jest.Mock ) {
	return new CloudClient(
		new SessionManager(
			async () => keptSession(),
			undefined,
			tabSessionStore( SCOPE )
		),
		fetchImpl as never,
		SCOPE
	);
}

describe( 'early requests', () => {
	it( 'starts the requests the last load of the page made first, and the client takes their answers once', async () => {
		keptSession();
		// The first load: the page asks for two things.
		const first = jest.fn( async () =>
			answer( { count: 0, results: [] } )
		);
		await client( first ).list( '/auth/sectors/', { site_id: 3 } );
		await client( first ).list( '/planner/keywords/', { sector_id: 5 } );
		expect( first ).toHaveBeenCalledTimes( 2 );

		// The next load: the early script starts both before the bundle runs.
		resetFirstRequestNotes();
		fetchMock.mockImplementation( async ( url: string ) =>
			answer( { count: 1, results: [ { early: url } ] } )
		);
		startEarlyRequests( SCOPE );
		expect( fetchMock.mock.calls.map( ( [ url ] ) => url ) ).toEqual( [
			`${ CLOUD }/api/v1/auth/sectors/?site_id=3`,
			`${ CLOUD }/api/v1/planner/keywords/?sector_id=5`,
		] );
		expect( fetchMock.mock.calls[ 0 ][ 1 ].headers.Authorization ).toBe(
			'Bearer kept'
		);

		const second = jest.fn( async () =>
			answer( { count: 0, results: [] } )
		);
		const page = await client( second ).list( '/planner/keywords/', {
			sector_id: 5,
		} );
		expect( page.results ).toEqual( [
			{ early: `${ CLOUD }/api/v1/planner/keywords/?sector_id=5` },
		] );
		expect( second ).not.toHaveBeenCalled();
		// Taken once: asking again goes to the cloud.
		await client( second ).list( '/planner/keywords/', { sector_id: 5 } );
		expect( second ).toHaveBeenCalledTimes( 1 );
	} );

	it( 'starts nothing without a session kept for this scope, or for another page or sector', () => {
		keptSession();
		noteFirstRequest( SCOPE, `${ CLOUD }/api/v1/auth/sectors/` );

		startEarlyRequests( 'scope-b' );
		expect( fetchMock ).not.toHaveBeenCalled();

		window.localStorage.setItem( 'igny8.sector', '9' );
		startEarlyRequests( SCOPE );
		expect( fetchMock ).not.toHaveBeenCalled();
		window.localStorage.clear();

		window.history.replaceState(
			null,
			'',
			'/wp-admin/admin.php?page=igny8-ideas'
		);
		startEarlyRequests( SCOPE );
		expect( fetchMock ).not.toHaveBeenCalled();
	} );

	it( 'never sends the token anywhere but the session’s cloud', () => {
		keptSession();
		window.sessionStorage.setItem(
			FIRST_REQUESTS_KEY,
			JSON.stringify( {
				scope: SCOPE,
				pages: {
					'/wp-admin/admin.php?page=igny8-keywords#': [
						'https://evil.test/api/v1/auth/sectors/',
						`${ CLOUD }.evil.test/api/v1/auth/sectors/`,
						`${ CLOUD }/api/v1/auth/sectors/`,
					],
				},
			} )
		);
		startEarlyRequests( SCOPE );
		expect( fetchMock.mock.calls.map( ( [ url ] ) => url ) ).toEqual( [
			`${ CLOUD }/api/v1/auth/sectors/`,
		] );
	} );

	it( 'answers only a request with the same token', () => {
		keptSession( 'old' );
		noteFirstRequest( SCOPE, `${ CLOUD }/api/v1/auth/sectors/` );
		startEarlyRequests( SCOPE );
		expect(
			takeEarlyResponse( `${ CLOUD }/api/v1/auth/sectors/`, 'renewed' )
		).toBeNull();
		expect(
			takeEarlyResponse( `${ CLOUD }/api/v1/auth/sectors/`, 'old' )
		).not.toBeNull();
	} );

	it( 'a new load replaces what the last one noted; requests after the first seconds or the page’s start are not noted', () => {
		noteFirstRequest( SCOPE, `${ CLOUD }/api/v1/a/` );
		noteFirstRequest( SCOPE, `${ CLOUD }/api/v1/b/` );
		noteFirstRequest( SCOPE, `${ CLOUD }/api/v1/b/` );
		resetFirstRequestNotes();
		noteFirstRequest( SCOPE, `${ CLOUD }/api/v1/c/` );
		const now = jest
			.spyOn( window.performance, 'now' )
			.mockReturnValue( 60_000 );
		noteFirstRequest( SCOPE, `${ CLOUD }/api/v1/late/` );
		now.mockRestore();
		// Nor are those after the page's start (the sectors) is over.
		endFirstRequests();
		noteFirstRequest( SCOPE, `${ CLOUD }/api/v1/billing/balance/` );
		const memo = JSON.parse(
			window.sessionStorage.getItem( FIRST_REQUESTS_KEY )!
		);
		expect( Object.values( memo.pages ) ).toEqual( [
			[ `${ CLOUD }/api/v1/c/` ],
		] );
	} );
} );
