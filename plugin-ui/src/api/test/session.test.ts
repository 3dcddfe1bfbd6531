/**
 * Internal dependencies
 */
import {
	MIN_REUSE_LIFE,
	SESSION_STORAGE_KEY,
	SessionManager,
	tabSessionStore,
	type CloudSession,
} from '../session';

const START = Date.parse( '2025-01-01T00:00:00Z' );

function sessionFor( token: string, lifeMs: number ): CloudSession {
	return {
		token,
		expires_at: new Date( Date.now() + lifeMs ).toISOString(),
		cloud_url: 'https://cloud.test',
		site_id: 7,
		role: 'editor',
	};
}

describe( 'SessionManager', () => {
	beforeEach( () => {
		jest.useFakeTimers();
		jest.setSystemTime( START );
	} );
	afterEach( () => {
		jest.useRealTimers();
	} );

	it( 'renews the token at 80 % of its life, not before', async () => {
		let issued = 0;
		const fetchSession = jest.fn( async () =>
			sessionFor( `t${ ++issued }`, 15 * 60_000 )
		);
		const manager = new SessionManager( fetchSession );

		expect( ( await manager.get() ).token ).toBe( 't1' );
		await jest.advanceTimersByTimeAsync( 12 * 60_000 - 1 );
		expect( fetchSession ).toHaveBeenCalledTimes( 1 );

		await jest.advanceTimersByTimeAsync( 1 );
		expect( fetchSession ).toHaveBeenCalledTimes( 2 );
		expect( manager.current()?.token ).toBe( 't2' );
		manager.stop();
	} );

	it( 'shares one request between concurrent callers', async () => {
		const fetchSession = jest.fn( async () => sessionFor( 'x', 60_000 ) );
		const manager = new SessionManager( fetchSession );
		const [ a, b ] = await Promise.all( [ manager.get(), manager.get() ] );
		expect( a ).toBe( b );
		expect( fetchSession ).toHaveBeenCalledTimes( 1 );
		manager.stop();
	} );

	it( 'fetches a new session once the old one expired (e.g. after sleep)', async () => {
		let issued = 0;
		const fetchSession = jest.fn( async () =>
			sessionFor( `t${ ++issued }`, 60_000 )
		);
		const manager = new SessionManager( fetchSession );
		await manager.get();
		manager.stop(); // no background renewal: simulate a suspended tab
		jest.setSystemTime( START + 120_000 );
		expect( ( await manager.get() ).token ).toBe( 't2' );
		manager.stop();
	} );

	it( 'keeps working after a failed background renewal', async () => {
		const fetchSession = jest
			.fn()
			.mockResolvedValueOnce( sessionFor( 'first', 60_000 ) )
			.mockRejectedValueOnce( new Error( 'offline' ) )
			.mockResolvedValueOnce( sessionFor( 'second', 60_000 ) );
		const manager = new SessionManager( fetchSession );
		await manager.get();
		await jest.advanceTimersByTimeAsync( 48_000 );
		expect( fetchSession ).toHaveBeenCalledTimes( 2 );
		expect( ( await manager.refresh() ).token ).toBe( 'second' );
		manager.stop();
	} );
} );

describe( 'tabSessionStore', () => {
	const clock = {
		now: () => Date.now(),
		setTimeout: ( callback: () => void, ms: number ) =>
			setTimeout( callback, ms ),
		clearTimeout: ( handle: unknown ) =>
			clearTimeout( handle as ReturnType< typeof setTimeout > ),
	};
	const managerFor = (
		scope: string,
		fetchSession: () => Promise< CloudSession >
	) => new SessionManager( fetchSession, clock, tabSessionStore( scope ) );

	beforeEach( () => {
		jest.useFakeTimers();
		jest.setSystemTime( START );
		window.sessionStorage.clear();
	} );
	afterEach( () => {
		jest.useRealTimers();
		window.sessionStorage.clear();
	} );

	it( 'lets the next page of the same user reuse the session without asking', async () => {
		let issued = 0;
		const fetchSession = jest.fn( async () =>
			sessionFor( `t${ ++issued }`, 15 * 60_000 )
		);
		const first = managerFor( 'scope-a', fetchSession );
		expect( ( await first.get() ).token ).toBe( 't1' );
		first.stop();

		// The next page load: a new manager in the same tab.
		const next = managerFor( 'scope-a', fetchSession );
		expect( ( await next.get() ).token ).toBe( 't1' );
		expect( fetchSession ).toHaveBeenCalledTimes( 1 );
		// It still renews before the token runs out, and keeps the renewal.
		await jest.advanceTimersByTimeAsync( 12 * 60_000 );
		expect( fetchSession ).toHaveBeenCalledTimes( 2 );
		expect( next.current()?.token ).toBe( 't2' );
		next.stop();
		const after = managerFor( 'scope-a', fetchSession );
		expect( after.current()?.token ).toBe( 't2' );
		after.stop();
	} );

	it( 'never hands a session to another scope (signed out, other user, new role or key)', async () => {
		let issued = 0;
		const fetchSession = jest.fn( async () =>
			sessionFor( `t${ ++issued }`, 15 * 60_000 )
		);
		const first = managerFor( 'scope-a', fetchSession );
		await first.get();
		first.stop();

		const other = managerFor( 'scope-b', fetchSession );
		expect( other.current() ).toBeNull();
		await other.get();
		expect( fetchSession ).toHaveBeenCalledTimes( 2 );
		other.stop();
		// No scope printed (not signed in, not connected): nothing is kept.
		expect( tabSessionStore( '' ) ).toBeNull();
	} );

	it( 'asks afresh when the kept token is about to run out, or the kept value is junk', async () => {
		const fetchSession = jest.fn( async () =>
			sessionFor( 'fresh', 15 * 60_000 )
		);
		window.sessionStorage.setItem(
			SESSION_STORAGE_KEY,
			JSON.stringify( {
				scope: 'scope-a',
				session: sessionFor( 'old', MIN_REUSE_LIFE - 1 ),
			} )
		);
		const manager = managerFor( 'scope-a', fetchSession );
		expect( ( await manager.get() ).token ).toBe( 'fresh' );
		manager.stop();

		window.sessionStorage.setItem( SESSION_STORAGE_KEY, '{not json' );
		const again = managerFor( 'scope-a', fetchSession );
		expect( ( await again.get() ).token ).toBe( 'fresh' );
		expect( fetchSession ).toHaveBeenCalledTimes( 2 );
		again.stop();
	} );
} );
