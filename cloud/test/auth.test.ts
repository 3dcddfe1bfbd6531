import jwt from 'jsonwebtoken';
import request from 'supertest';
import {
	errorEnvelopeSchema,
	successEnvelope,
	tokenPairSchema,
} from '@igny8/shared-types';
import { signAccessToken } from '../src/modules/auth/tokens';
import { PASSWORD, addTenant, addUser, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

const tokenEnvelope = successEnvelope( tokenPairSchema );

describe( 'authentication', () => {
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		tenant = await addTenant( cloud, 'Auth Co' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const api = () => request( cloud.app );

	it( 'registers an account with its owner and returns a working token pair', async () => {
		const response = await api()
			.post( '/api/v1/auth/register/' )
			.send( {
				account_name: 'Green Leaf Media',
				email: 'Founder@GreenLeaf.test',
				password: 'a long enough password',
			} )
			.expect( 201 );
		const body = tokenEnvelope.parse( response.body );
		expect( body.data.user ).toMatchObject( {
			email: 'founder@greenleaf.test',
			role: 'owner',
		} );
		const me = await api()
			.get( '/api/v1/auth/me/' )
			.set( bearer( { token: body.data.access } ) )
			.expect( 200 );
		expect( me.body.data.account ).toMatchObject( {
			name: 'Green Leaf Media',
			slug: 'green-leaf-media',
			status: 'trial',
			owner_id: body.data.user.id,
		} );
		const stored = await cloud.context.models.User.findByPk(
			body.data.user.id
		);
		expect( stored!.password_hash ).toMatch( /^\$argon2id\$/ );
	} );

	it( 'refuses to register an email twice, writing nothing', async () => {
		const before = await cloud.context.models.Account.count();
		const response = await api()
			.post( '/api/v1/auth/register/' )
			.send( {
				account_name: 'Copycat',
				email: 'founder@greenleaf.test',
				password: 'another long password',
			} )
			.expect( 400 );
		expect( response.body.errors ).toEqual( {
			email: [ 'is already registered' ],
		} );
		expect( await cloud.context.models.Account.count() ).toBe( before );
	} );

	it( 'logs in, then refreshes with rotation: each refresh token works exactly once', async () => {
		const login = tokenEnvelope.parse(
			(
				await api()
					.post( '/api/v1/auth/login/' )
					.send( { email: tenant.owner.email, password: PASSWORD } )
					.expect( 200 )
			).body
		);
		const first = tokenEnvelope.parse(
			(
				await api()
					.post( '/api/v1/auth/refresh/' )
					.send( { refresh: login.data.refresh } )
					.expect( 200 )
			).body
		);
		expect( first.data.refresh ).not.toBe( login.data.refresh );
		await api()
			.get( '/api/v1/auth/me/' )
			.set( bearer( { token: first.data.access } ) )
			.expect( 200 );

		// The old token again: treated as stolen, so the whole family is revoked…
		const reuse = await api()
			.post( '/api/v1/auth/refresh/' )
			.send( { refresh: login.data.refresh } )
			.expect( 401 );
		expect( errorEnvelopeSchema.parse( reuse.body ).error ).toMatch(
			/already used/
		);
		// …including the newest token, which its legitimate holder can no longer use.
		await api()
			.post( '/api/v1/auth/refresh/' )
			.send( { refresh: first.data.refresh } )
			.expect( 401 );
	} );

	it( 'logs out: the refresh token stops working', async () => {
		const login = (
			await api()
				.post( '/api/v1/auth/login/' )
				.send( { email: tenant.owner.email, password: PASSWORD } )
				.expect( 200 )
		).body.data;
		await api()
			.post( '/api/v1/auth/logout/' )
			.send( { refresh: login.refresh } )
			.expect( 204 );
		await api()
			.post( '/api/v1/auth/refresh/' )
			.send( { refresh: login.refresh } )
			.expect( 401 );
		// Logging out twice is harmless.
		await api()
			.post( '/api/v1/auth/logout/' )
			.send( { refresh: login.refresh } )
			.expect( 204 );
	} );

	it.each( [
		[ 'no token', {} ],
		[ 'a malformed token', { Authorization: 'Bearer not.a.jwt' } ],
		[ 'the wrong scheme', { Authorization: 'Token abc' } ],
	] )( 'answers %s with 401 in the envelope', async ( _label, headers ) => {
		const response = await api()
			.get( '/api/v1/auth/me/' )
			.set( headers )
			.expect( 401 );
		expect( errorEnvelopeSchema.parse( response.body ) ).toMatchObject( {
			success: false,
			code: 'not_authenticated',
		} );
	} );

	it( 'refuses an expired access token', async () => {
		const claims = {
			sub: String( tenant.owner.id ),
			account_id: tenant.accountId,
			role: 'owner' as const,
		};
		const expired = signAccessToken(
			cloud.context.secrets.jwtSecret,
			claims,
			-10
		).token;
		const response = await api()
			.get( '/api/v1/auth/me/' )
			.set( bearer( { token: expired } ) )
			.expect( 401 );
		expect( response.body.error ).toBe(
			'Access token is invalid or expired.'
		);
	} );

	it( 'refuses a tampered access token, and one signed with another algorithm or key', async () => {
		const [ header, payload, signature ] = tenant.owner.token.split( '.' );
		const claims = JSON.parse(
			Buffer.from( payload!, 'base64url' ).toString()
		);
		const promoted = Buffer.from(
			JSON.stringify( { ...claims, sub: '1', role: 'developer' } )
		).toString( 'base64url' );
		await api()
			.get( '/api/v1/auth/me/' )
			.set(
				bearer( { token: `${ header }.${ promoted }.${ signature }` } )
			)
			.expect( 401 );

		const unsigned = jwt.sign( claims, '', { algorithm: 'none' } );
		await api()
			.get( '/api/v1/auth/me/' )
			.set( bearer( { token: unsigned } ) )
			.expect( 401 );
		const otherKey = jwt.sign(
			claims,
			'another secret that is long enough to use',
			{ algorithm: 'HS256' }
		);
		await api()
			.get( '/api/v1/auth/me/' )
			.set( bearer( { token: otherKey } ) )
			.expect( 401 );
		const hs512 = jwt.sign( claims, cloud.context.secrets.jwtSecret, {
			algorithm: 'HS512',
		} );
		await api()
			.get( '/api/v1/auth/me/' )
			.set( bearer( { token: hs512 } ) )
			.expect( 401 );
	} );

	it( 'refuses a deactivated user at once, even with a still-valid token', async () => {
		const editor = await addUser( cloud, tenant.accountId, 'editor' );
		await api()
			.get( '/api/v1/auth/me/' )
			.set( bearer( editor ) )
			.expect( 200 );
		await api()
			.patch( `/api/v1/auth/users/${ editor.id }/` )
			.set( bearer( tenant.owner ) )
			.send( { is_active: false } )
			.expect( 200 );
		const response = await api()
			.get( '/api/v1/auth/me/' )
			.set( bearer( editor ) )
			.expect( 401 );
		expect( response.body.error ).toBe( 'This user is deactivated.' );
		await api()
			.post( '/api/v1/auth/login/' )
			.send( { email: editor.email, password: PASSWORD } )
			.expect( 401 );
	} );

	it( 'refuses every user of a suspended account at once', async () => {
		const other = await addTenant( cloud, 'Suspended Co' );
		await cloud.context.models.Account.update(
			{ status: 'suspended' },
			{ where: { id: other.accountId } }
		);
		const response = await api()
			.get( '/api/v1/auth/me/' )
			.set( bearer( other.owner ) )
			.expect( 401 );
		expect( response.body.error ).toBe( 'This account is suspended.' );
		await api()
			.get( '/api/v1/auth/sites/' )
			.set( 'X-IGNY8-API-Key', other.apiKey )
			.expect( 401 );
	} );

	it( 'changes a password: the old one stops working and other sessions end', async () => {
		const user = await addUser( cloud, tenant.accountId, 'viewer' );
		const session = (
			await api()
				.post( '/api/v1/auth/login/' )
				.send( { email: user.email, password: PASSWORD } )
				.expect( 200 )
		).body.data;
		const wrong = await api()
			.post( '/api/v1/auth/change-password/' )
			.set( bearer( user ) )
			.send( {
				current_password: 'not my password',
				new_password: 'a brand new passphrase',
			} )
			.expect( 400 );
		expect( wrong.body.errors ).toEqual( {
			current_password: [ 'is not your current password' ],
		} );
		await api()
			.post( '/api/v1/auth/change-password/' )
			.set( bearer( user ) )
			.send( {
				current_password: PASSWORD,
				new_password: 'a brand new passphrase',
			} )
			.expect( 204 );
		await api()
			.post( '/api/v1/auth/login/' )
			.send( { email: user.email, password: PASSWORD } )
			.expect( 401 );
		await api()
			.post( '/api/v1/auth/login/' )
			.send( { email: user.email, password: 'a brand new passphrase' } )
			.expect( 200 );
		await api()
			.post( '/api/v1/auth/refresh/' )
			.send( { refresh: session.refresh } )
			.expect( 401 );
	} );

	it( 'says the same thing for an unknown email and a wrong password', async () => {
		const unknown = await api()
			.post( '/api/v1/auth/login/' )
			.send( {
				email: 'nobody@example.test',
				password: 'whatever it is',
			} )
			.expect( 401 );
		const wrong = await api()
			.post( '/api/v1/auth/login/' )
			.send( { email: tenant.owner.email, password: 'wrong password' } )
			.expect( 401 );
		expect( unknown.body.error ).toBe( 'Invalid email or password.' );
		expect( wrong.body.error ).toBe( unknown.body.error );
	} );
} );

describe( 'login brute-force protection', () => {
	it.each( [ 'inline', 'bee' ] as const )(
		'throttles 20 wrong passwords in a row (%s: memory / Redis counters)',
		async ( queue ) => {
			const cloud = await startTestCloud( { db: 'postgres', queue } );
			try {
				const tenant = await addTenant( cloud, 'Target Co' );
				const statuses: number[] = [];
				for ( let attempt = 0; attempt < 20; attempt++ ) {
					const response = await request( cloud.app )
						.post( '/api/v1/auth/login/' )
						.send( {
							email: tenant.owner.email,
							password: `guess ${ attempt }`,
						} );
					statuses.push( response.status );
				}
				expect( statuses.slice( 0, 10 ) ).toEqual(
					Array( 10 ).fill( 401 )
				);
				expect( statuses.slice( 10 ) ).toEqual(
					Array( 10 ).fill( 429 )
				);
				// Blocked means blocked: the right password does not get through either…
				const blocked = await request( cloud.app )
					.post( '/api/v1/auth/login/' )
					.send( { email: tenant.owner.email, password: PASSWORD } )
					.expect( 429 );
				expect(
					Number( blocked.headers[ 'retry-after' ] )
				).toBeGreaterThan( 0 );
				expect( blocked.body ).toMatchObject( {
					success: false,
					code: 'throttled',
				} );
				// …while other people can still sign in.
				const colleague = await addUser(
					cloud,
					tenant.accountId,
					'editor'
				);
				expect( colleague.token ).toEqual( expect.any( String ) );
			} finally {
				await cloud.stop();
			}
		}
	);
} );
