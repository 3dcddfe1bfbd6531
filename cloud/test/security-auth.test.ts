import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { addTenant, addUser, bearer, PASSWORD, type Tenant } from './fixtures';
import { as, siteSession } from './security-support';
import { startTestCloud, type TestCloud } from './support';

/**
 * Credentials under attack: revocation that takes effect on the very next
 * request, throttles that count per credential and per address (and count
 * refusals), and a login lockout that parallel guesses cannot race past.
 */

describe( 'revocation takes effect on the next request', () => {
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{},
			{ workers: false }
		);
		tenant = await addTenant( cloud, 'Revocations' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const signIn = async ( email: string, password = PASSWORD ) =>
		(
			await request( cloud.app )
				.post( '/api/v1/auth/login/' )
				.send( { email, password } )
				.expect( 200 )
		).body.data as { access: string; refresh: string };

	const me = ( token: string ) =>
		request( cloud.app ).get( '/api/v1/auth/me/' ).set( as( token ) );

	it( 'ends an access token when its session logs out, and only that session', async () => {
		const user = await addUser( cloud, tenant.accountId, 'editor' );
		const phone = await signIn( user.email );
		const laptop = await signIn( user.email );
		await me( phone.access ).expect( 200 );
		await request( cloud.app )
			.post( '/api/v1/auth/logout/' )
			.send( { refresh: phone.refresh } )
			.expect( 204 );
		const refused = await me( phone.access ).expect( 401 );
		expect( refused.body ).toMatchObject( {
			success: false,
			code: 'not_authenticated',
			error: 'This session has ended; sign in again.',
		} );
		await me( laptop.access ).expect( 200 );
	} );

	it( 'ends every other session’s access token when the password changes, and keeps the one that changed it', async () => {
		const user = await addUser( cloud, tenant.accountId, 'viewer' );
		const other = await signIn( user.email );
		await me( other.access ).expect( 200 );
		await request( cloud.app )
			.post( '/api/v1/auth/change-password/' )
			.set( bearer( user ) )
			.send( {
				current_password: PASSWORD,
				new_password: 'another long passphrase',
			} )
			.expect( 204 );
		await me( other.access ).expect( 401 );
		await me( user.token ).expect( 200 );
	} );

	it( 'ends an access token whose refresh family was revoked for reuse', async () => {
		const user = await addUser( cloud, tenant.accountId, 'viewer' );
		const session = await signIn( user.email );
		const rotated = (
			await request( cloud.app )
				.post( '/api/v1/auth/refresh/' )
				.send( { refresh: session.refresh } )
				.expect( 200 )
		).body.data as { access: string };
		await me( rotated.access ).expect( 200 );
		// The used refresh token shows up again: it leaked, the family ends.
		await request( cloud.app )
			.post( '/api/v1/auth/refresh/' )
			.send( { refresh: session.refresh } )
			.expect( 401 );
		await me( rotated.access ).expect( 401 );
	} );

	it( 'applies a role taken away, and a deactivation, to a token already issued', async () => {
		const user = await addUser( cloud, tenant.accountId, 'editor' );
		const write = () =>
			request( cloud.app )
				.post( '/api/v1/writer/tasks/' )
				.set( bearer( user ) )
				.send( { sector_id: tenant.sectorId, title: 'Before' } );
		expect( ( await write() ).status ).toBe( 201 );
		await request( cloud.app )
			.patch( `/api/v1/auth/users/${ user.id }/` )
			.set( bearer( tenant.owner ) )
			.send( { role: 'viewer' } )
			.expect( 200 );
		expect( ( await write() ).status ).toBe( 403 );
		await request( cloud.app )
			.delete( `/api/v1/auth/users/${ user.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 204 );
		expect( ( await write() ).status ).toBe( 401 );
	} );

	it( 'ends the site sessions a revoked key opened', async () => {
		const created = await request( cloud.app )
			.post( `/api/v1/auth/sites/${ tenant.siteId }/api-keys/` )
			.set( bearer( tenant.owner ) )
			.send( { name: 'Soon revoked' } )
			.expect( 201 );
		const fromRevoked = await siteSession(
			cloud,
			created.body.data.key,
			'editor'
		);
		const fromKept = await siteSession( cloud, tenant.apiKey, 'editor' );
		const read = ( token: string ) =>
			request( cloud.app )
				.get( '/api/v1/planner/keywords/' )
				.set( as( token ) );
		await read( fromRevoked ).expect( 200 );
		await request( cloud.app )
			.delete(
				`/api/v1/auth/sites/${ tenant.siteId }/api-keys/${ created.body.data.id }/`
			)
			.set( bearer( tenant.owner ) )
			.expect( 204 );
		const refused = await read( fromRevoked ).expect( 401 );
		expect( refused.body.error ).toBe(
			'This site session is no longer valid.'
		);
		await read( fromKept ).expect( 200 );
	} );

	it( 'resolves each kind of caller in at most one query', async () => {
		const { sequelize } = cloud.context.db;
		const session = await siteSession( cloud, tenant.apiKey, 'viewer' );
		// Warm up: the key's last_used_at is written at most once a minute.
		await request( cloud.app )
			.post( '/api/v1/auth/site-session/' )
			.set( 'X-IGNY8-API-Key', tenant.apiKey )
			.send( {
				wp_user: { id: 1, login: 'a', display_name: 'A' },
				role: 'viewer',
			} )
			.expect( 200 );
		const spy = jest.spyOn( sequelize, 'query' );
		try {
			// Routes whose handlers query nothing: every query is the caller's resolution.
			const counted = async ( call: () => Promise< unknown > ) => {
				spy.mockClear();
				await call();
				return spy.mock.calls.length;
			};
			const counts = {
				user: await counted( () =>
					request( cloud.app )
						.get( '/api/v1/auth/me/' )
						.set( bearer( tenant.owner ) )
						.expect( 200 )
				),
				siteSession: await counted( () =>
					request( cloud.app )
						.get( '/api/v1/auth/me/' )
						.set( as( session ) )
						.expect( 403 )
				),
				siteKey: await counted( () =>
					request( cloud.app )
						.post( '/api/v1/auth/site-session/' )
						.set( 'X-IGNY8-API-Key', tenant.apiKey )
						.send( {
							wp_user: { id: 1, login: 'a', display_name: 'A' },
							role: 'viewer',
						} )
						.expect( 200 )
				),
			};
			// People and site sessions seen in the last seconds come from the
			// principal cache (principal-cache.test.ts); site keys always query.
			expect( counts.user ).toBeLessThanOrEqual( 1 );
			expect( counts.siteSession ).toBeLessThanOrEqual( 1 );
			expect( counts.siteKey ).toBe( 1 );
		} finally {
			spy.mockRestore();
		}
	} );
} );

describe.each( [
	[ 'memory', 'inline' ],
	[ 'Redis', 'bee' ],
] as const )( 'throttling (%s counters)', ( _label, queue ) => {
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue },
			{
				THROTTLE_ANON_PER_MINUTE: '10',
				THROTTLE_USER_PER_MINUTE: '25',
			},
			{ workers: false }
		);
		tenant = await addTenant( cloud, 'Throttled' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const from = ( address: string ) => ( { 'X-Forwarded-For': address } );

	it( 'answers a flood of bad tokens and bad keys from one address with 429 after the address’s budget', async () => {
		const statuses: number[] = [];
		for ( let i = 0; i < 14; i++ ) {
			const call = request( cloud.app )
				.get( '/api/v1/auth/sites/' )
				.set( from( '198.51.100.1' ) );
			const response =
				i % 2 === 0
					? await call.set( as( `not-a-token-${ i }` ) )
					: await call.set(
							'X-IGNY8-API-Key',
							`ig8_guess${ i }`.padEnd( 44, 'x' )
						);
			statuses.push( response.status );
			if ( response.status === 429 ) {
				expect( response.body ).toMatchObject( {
					success: false,
					code: 'throttled',
				} );
				expect(
					Number( response.headers[ 'retry-after' ] )
				).toBeGreaterThan( 0 );
			}
		}
		expect( statuses ).toEqual( [
			...Array( 10 ).fill( 401 ),
			...Array( 4 ).fill( 429 ),
		] );
		// Another address is not affected.
		await request( cloud.app )
			.get( '/api/v1/auth/sites/' )
			.set( from( '198.51.100.2' ) )
			.set( as( 'not-a-token' ) )
			.expect( 401 );
	} );

	it( 'keeps a busy site key working while anonymous callers from its address are throttled, and limits the key on its own', async () => {
		const address = from( '198.51.100.3' );
		const anonymous: number[] = [];
		for ( let i = 0; i < 12; i++ ) {
			anonymous.push(
				(
					await request( cloud.app )
						.post( '/api/v1/auth/refresh/' )
						.set( address )
						.send( { refresh: 'nope' } )
				).status
			);
		}
		expect( anonymous.slice( 10 ) ).toEqual( [ 429, 429 ] );
		const keyed: number[] = [];
		for ( let i = 0; i < 27; i++ ) {
			keyed.push(
				(
					await request( cloud.app )
						.get( '/api/v1/auth/sectors/' )
						.set( address )
						.set( 'X-IGNY8-API-Key', tenant.apiKey )
				).status
			);
		}
		expect( keyed ).toEqual( [ ...Array( 25 ).fill( 200 ), 429, 429 ] );
		// A signed-in person from the same address has a budget of their own.
		const owner = await request( cloud.app )
			.get( '/api/v1/auth/sites/' )
			.set( address )
			.set( bearer( tenant.owner ) );
		expect( owner.status ).toBe( 200 );
	} );
} );

describe.each( [
	[ 'memory', 'inline' ],
	[ 'Redis', 'bee' ],
] as const )( 'login lockout (%s counters)', ( _label, queue ) => {
	it( 'locks an email after its failures even when 60 wrong passwords arrive at once', async () => {
		const cloud = await startTestCloud(
			{ db: 'postgres', queue },
			{},
			{ workers: false }
		);
		const from = ( address: string ) => ( {
			'X-Forwarded-For': address,
		} );
		const tenant = await addTenant( cloud, 'Lockout' );
		const victim = await addUser( cloud, tenant.accountId, 'editor' );
		const server = http.createServer( cloud.app );
		await new Promise< void >( ( resolve ) =>
			server.listen( 0, '127.0.0.1', resolve )
		);
		const { port } = server.address() as AddressInfo;
		try {
			const statuses = await Promise.all(
				Array.from( { length: 60 }, async ( _, i ) => {
					const response = await fetch(
						`http://127.0.0.1:${ port }/api/v1/auth/login/`,
						{
							method: 'POST',
							headers: {
								'Content-Type': 'application/json',
								'X-Forwarded-For': '198.51.100.4',
							},
							body: JSON.stringify( {
								email: victim.email,
								password: `guess number ${ i }`,
							} ),
						}
					);
					return response.status;
				} )
			);
			const counts = statuses.reduce< Record< number, number > >(
				( acc, status ) => ( {
					...acc,
					[ status ]: ( acc[ status ] ?? 0 ) + 1,
				} ),
				{}
			);
			// LOGIN_MAX_FAILURES (10) guesses are checked; every other one is refused unseen.
			expect( counts ).toEqual( { 401: 10, 429: 50 } );
			// Blocked means blocked: the right password does not get through either.
			await request( cloud.app )
				.post( '/api/v1/auth/login/' )
				.set( from( '198.51.100.4' ) )
				.send( { email: victim.email, password: PASSWORD } )
				.expect( 429 );
		} finally {
			await new Promise( ( resolve ) => server.close( resolve ) );
			await cloud.stop();
		}
	} );
} );
