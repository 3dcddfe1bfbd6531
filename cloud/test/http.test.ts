import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

describe( 'HTTP conventions', () => {
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{
				CORS_ORIGINS:
					'https://client-site.example, http://localhost:8888',
				THROTTLE_USER_PER_MINUTE: '30',
				THROTTLE_ANON_PER_MINUTE: '15',
			}
		);
		tenant = await addTenant( cloud, 'Conventions Co' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'allows browser calls from listed origins only', async () => {
		const allowed = await request( cloud.app )
			.options( '/api/v1/auth/sites/' )
			.set( 'Origin', 'https://client-site.example' )
			.set( 'Access-Control-Request-Method', 'GET' )
			.set( 'Access-Control-Request-Headers', 'authorization' );
		expect( allowed.status ).toBe( 204 );
		expect( allowed.headers[ 'access-control-allow-origin' ] ).toBe(
			'https://client-site.example'
		);
		expect( allowed.headers[ 'access-control-allow-headers' ] ).toContain(
			'X-IGNY8-API-Key'
		);

		const refused = await request( cloud.app )
			.get( '/api/v1/health/' )
			.set( 'Origin', 'https://evil.example' );
		expect(
			refused.headers[ 'access-control-allow-origin' ]
		).toBeUndefined();
	} );

	it( 'sends security headers and no framework banner', async () => {
		const response = await request( cloud.app ).get( '/api/v1/health/' );
		expect( response.headers[ 'x-content-type-options' ] ).toBe(
			'nosniff'
		);
		expect( response.headers[ 'content-security-policy' ] ).toContain(
			"default-src 'self'"
		);
		expect( response.headers[ 'x-powered-by' ] ).toBeUndefined();
	} );

	it( 'throttles a user past their budget with 429 and Retry-After, in the envelope', async () => {
		const statuses: number[] = [];
		let last;
		for ( let i = 0; i < 32; i++ ) {
			last = await request( cloud.app )
				.get( '/api/v1/auth/me/' )
				.set( bearer( tenant.owner ) );
			statuses.push( last.status );
		}
		// addTenant already spent 3 of the 30 on the owner's behalf.
		expect( statuses.filter( ( s ) => s === 200 ) ).toHaveLength( 27 );
		expect( statuses.slice( 27 ) ).toEqual( [ 429, 429, 429, 429, 429 ] );
		expect( last!.body ).toMatchObject( {
			success: false,
			code: 'throttled',
		} );
		expect( Number( last!.headers[ 'retry-after' ] ) ).toBeGreaterThan( 0 );
	} );

	it( 'throttles anonymous callers per address, but never the health probe', async () => {
		const statuses: number[] = [];
		for ( let i = 0; i < 17; i++ ) {
			// Behind the loopback proxy the API trusts, X-Forwarded-For is the caller's address.
			statuses.push(
				(
					await request( cloud.app )
						.post( '/api/v1/auth/refresh/' )
						.set( 'X-Forwarded-For', '203.0.113.7' )
						.send( { refresh: 'nope' } )
				).status
			);
		}
		expect( statuses.slice( 0, 15 ).every( ( s ) => s === 401 ) ).toBe(
			true
		);
		expect( statuses.slice( 15 ) ).toEqual( [ 429, 429 ] );
		// Another address still gets through; the health probe is never throttled.
		await request( cloud.app )
			.post( '/api/v1/auth/refresh/' )
			.set( 'X-Forwarded-For', '203.0.113.8' )
			.send( { refresh: 'nope' } )
			.expect( 401 );
		for ( let i = 0; i < 20; i++ ) {
			await request( cloud.app )
				.get( '/api/v1/health/' )
				.set( 'X-Forwarded-For', '203.0.113.7' )
				.expect( 200 );
		}
	} );
} );

describe( 'IGNY8_TRUST_PROXY', () => {
	const refresh = ( cloud: TestCloud, address: string ) =>
		request( cloud.app )
			.post( '/api/v1/auth/refresh/' )
			.set( 'X-Forwarded-For', address )
			.send( { refresh: 'nope' } );

	it( 'believes no X-Forwarded-For when set to none: every forwarded address shares the sender’s budget', async () => {
		const cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ THROTTLE_ANON_PER_MINUTE: '4', IGNY8_TRUST_PROXY: 'none' }
		);
		try {
			const statuses: number[] = [];
			for ( let i = 0; i < 6; i++ ) {
				statuses.push(
					( await refresh( cloud, `203.0.113.${ i + 1 }` ) ).status
				);
			}
			expect( statuses ).toEqual( [ 401, 401, 401, 401, 429, 429 ] );
		} finally {
			await cloud.stop();
		}
	} );

	it( 'believes only the listed proxies: a range that leaves out loopback ignores the header', async () => {
		const cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ THROTTLE_ANON_PER_MINUTE: '2', IGNY8_TRUST_PROXY: '10.0.0.0/8' }
		);
		try {
			await refresh( cloud, '203.0.113.1' ).expect( 401 );
			await refresh( cloud, '203.0.113.2' ).expect( 401 );
			await refresh( cloud, '203.0.113.3' ).expect( 429 );
		} finally {
			await cloud.stop();
		}
	} );

	it( 'refuses a value it cannot read, naming it', () => {
		expect( () =>
			loadConfig( { IGNY8_TRUST_PROXY: 'loopback,my-proxy' } )
		).toThrow(
			'IGNY8_TRUST_PROXY has "my-proxy": use a hop count, none, or addresses, CIDRs, loopback, linklocal, uniquelocal separated by commas'
		);
		expect( loadConfig( { IGNY8_TRUST_PROXY: '2' } ).trustProxy ).toBe( 2 );
		expect( loadConfig( {} ).trustProxy ).toEqual( [ 'loopback' ] );
	} );
} );

describe( 'request tracking', () => {
	it( 'counts requests per account per day', async () => {
		const cloud = await startTestCloud( {
			db: 'postgres',
			queue: 'inline',
		} );
		try {
			await countRequests( cloud );
		} finally {
			await cloud.stop();
		}
	} );

	async function countRequests( cloud: TestCloud ) {
		const other = await addTenant( cloud, 'Counted Co' );
		for ( let i = 0; i < 4; i++ ) {
			await request( cloud.app )
				.get( '/api/v1/auth/sites/' )
				.set( bearer( other.owner ) )
				.expect( 200 );
		}
		await cloud.context.services.tracker.flush();
		const rows = await cloud.context.db.sequelize.query< {
			requests: number;
			day: string;
		} >(
			'SELECT requests, day::text AS day FROM account_request_stats WHERE account_id = :id',
			{ replacements: { id: other.accountId }, type: QueryTypes.SELECT }
		);
		// 3 while addTenant set the account up, 4 here.
		expect( rows ).toEqual( [
			{ requests: 7, day: new Date().toISOString().slice( 0, 10 ) },
		] );
	}
} );
