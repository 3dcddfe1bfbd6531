/**
 * Internal dependencies
 */
import { SessionManager, type CloudSession } from '../session';

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
