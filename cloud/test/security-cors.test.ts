import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createApp } from '../src/app';
import { addTenant, bearer, type Tenant } from './fixtures';
import { addSecondSite, as, siteSession } from './security-support';
import { startTestCloud, type TestCloud } from './support';

/**
 * Browsers may call the API from a WordPress site's own origin only to act
 * for that site: a preflight only for routes a site session may call, the
 * actual request only with a session of the site that origin belongs to.
 * The console's configured origins may call everything.
 */

const SITE_A = 'https://example.test';
const SITE_B = 'https://second.test';
const CONSOLE = 'https://console.example';

let cloud: TestCloud;
let a: Tenant;
let b: Tenant;
let sessionA: string;
let sessionB: string;

beforeAll( async () => {
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{ CORS_ORIGINS: CONSOLE },
		{ workers: false }
	);
	a = await addTenant( cloud, 'Cors' );
	b = await addSecondSite( cloud, a, SITE_B );
	sessionA = await siteSession( cloud, a.apiKey, 'editor' );
	sessionB = await siteSession( cloud, b.apiKey, 'editor' );
} );

afterAll( async () => {
	await cloud?.stop();
} );

const preflight = ( origin: string, method: string, path: string ) =>
	request( cloud.app )
		.options( `/api/v1${ path }` )
		.set( 'Origin', origin )
		.set( 'Access-Control-Request-Method', method )
		.set( 'Access-Control-Request-Headers', 'authorization,content-type' );

const allowedOrigin = ( response: request.Response ) =>
	response.headers[ 'access-control-allow-origin' ];

describe( 'preflights from a site’s origin', () => {
	it( 'are allowed for the routes a site session may call', async () => {
		for ( const [ method, path ] of [
			[ 'GET', '/planner/keywords/' ],
			[ 'POST', '/planner/keywords/' ],
			[ 'PATCH', '/writer/content/12/' ],
			[ 'GET', '/billing/balance/' ],
			[ 'POST', '/auth/sectors/' ],
		] as const ) {
			const response = await preflight( SITE_A, method, path );
			expect( { method, path, status: response.status } ).toEqual( {
				method,
				path,
				status: 204,
			} );
			expect( allowedOrigin( response ) ).toBe( SITE_A );
			expect(
				response.headers[ 'access-control-allow-headers' ]
			).toMatch( /Authorization/i );
			expect( response.headers.vary ).toMatch( /Origin/ );
		}
	} );

	it( 'are refused for the console’s routes, sign-in and unknown paths', async () => {
		for ( const [ method, path ] of [
			[ 'POST', '/auth/sites/' ],
			[ 'GET', '/auth/users/' ],
			[ 'PATCH', '/auth/accounts/1/' ],
			[ 'POST', '/auth/sites/1/api-keys/' ],
			[ 'POST', '/auth/users/' ],
			[ 'POST', '/auth/login/' ],
			[ 'GET', '/no/such/route/' ],
		] as const ) {
			const response = await preflight( SITE_A, method, path );
			expect( {
				method,
				path,
				origin: allowedOrigin( response ),
			} ).toEqual( { method, path, origin: undefined } );
		}
	} );

	it( 'are refused for an origin that is no active site’s', async () => {
		const site = await cloud.context.models.Site.findByPk( b.siteId );
		await site!.update( { status: 'inactive' } );
		try {
			// The origin list is cached briefly; a fresh app reads it anew.
			const response = await request( createApp( cloud.context ) )
				.options( '/api/v1/planner/keywords/' )
				.set( 'Origin', SITE_B )
				.set( 'Access-Control-Request-Method', 'GET' );
			expect( allowedOrigin( response ) ).toBeUndefined();
		} finally {
			await site!.update( { status: 'active' } );
		}
		for ( const origin of [
			'https://evil.test',
			'https://example.test.evil.test',
			'http://example.test',
		] ) {
			expect(
				allowedOrigin(
					await preflight( origin, 'GET', '/planner/keywords/' )
				)
			).toBeUndefined();
		}
	} );
} );

describe( 'requests from a site’s origin', () => {
	const fromSiteA = () =>
		request( cloud.app )
			.get( '/api/v1/planner/keywords/' )
			.set( 'Origin', SITE_A );

	it( 'may be read by the site when they carry that site’s own session', async () => {
		const response = await fromSiteA().set( as( sessionA ) ).expect( 200 );
		expect( allowedOrigin( response ) ).toBe( SITE_A );
		expect( response.headers[ 'access-control-expose-headers' ] ).toMatch(
			/X-Request-ID/
		);
		expect( response.headers.vary ).toMatch( /Origin/ );
	} );

	it( 'may not be read with another site’s session, an account user’s token, a site key or no credentials', async () => {
		const cases: [ string, Record< string, string > ][] = [
			[ 'another site’s session', as( sessionB ) ],
			[ 'an account user', bearer( a.owner ) ],
			[ 'a site key', { 'X-IGNY8-API-Key': a.apiKey } ],
			[ 'nothing', {} ],
			[ 'a made-up token', as( 'abc.def.ghi' ) ],
		];
		for ( const [ label, headers ] of cases ) {
			const response = await fromSiteA().set( headers );
			expect( { label, origin: allowedOrigin( response ) } ).toEqual( {
				label,
				origin: undefined,
			} );
		}
	} );

	it( 'lets the site read the 401 of its own expired session, so its screens can renew it', async () => {
		const claims = jwt.decode( sessionA ) as Record< string, unknown >;
		const { exp: _exp, iat: _iat, ...rest } = claims;
		const expired = jwt.sign(
			{ ...rest, exp: Math.floor( Date.now() / 1000 ) - 60 },
			cloud.context.secrets.jwtSecret,
			{ algorithm: 'HS256' }
		);
		const response = await fromSiteA().set( as( expired ) ).expect( 401 );
		expect( allowedOrigin( response ) ).toBe( SITE_A );
	} );
} );

describe( 'the console’s configured origins', () => {
	it( 'may call every route, with any credentials', async () => {
		const pre = await preflight( CONSOLE, 'POST', '/auth/sites/' );
		expect( allowedOrigin( pre ) ).toBe( CONSOLE );
		const response = await request( cloud.app )
			.get( '/api/v1/auth/users/' )
			.set( 'Origin', CONSOLE )
			.set( bearer( a.owner ) )
			.expect( 200 );
		expect( allowedOrigin( response ) ).toBe( CONSOLE );
	} );
} );
