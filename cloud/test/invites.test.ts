import { createHash } from 'node:crypto';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import {
	createdInviteSchema,
	errorEnvelopeSchema,
	successEnvelope,
	tokenPairSchema,
} from '@igny8/shared-types';
import { addTenant, addUser, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

const created = successEnvelope( createdInviteSchema );
const signedIn = successEnvelope( tokenPairSchema );

describe( 'invites', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;
	let n = 0;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ PUBLIC_URL: 'https://console.example.test' },
			{ workers: false }
		);
		tenant = await addTenant( cloud, 'Invite Co' );
		other = await addTenant( cloud, 'Other Co' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const api = () => request( cloud.app );

	async function invite(
		role = 'editor',
		by: { token: string } = tenant.owner
	): Promise< { id: number; email: string; token: string } > {
		const email = `invited-${ ++n }@example.test`;
		const response = await api()
			.post( '/api/v1/auth/invites/' )
			.set( bearer( by ) )
			.send( { email, role } )
			.expect( 201 );
		const body = created.parse( response.body );
		const token = new URL( body.data.link ).hash.replace( /^#token=/, '' );
		return { id: body.data.id, email, token };
	}

	const accept = ( token: string, username = `person-${ ++n }` ) =>
		api().post( '/api/v1/auth/invites/accept/' ).send( {
			token,
			username,
			password: 'a long enough password',
		} );

	async function usersWithEmail( email: string ): Promise< number > {
		return cloud.context.models.User.count( { where: { email } } );
	}

	it( 'answers the link once, then accepting makes the person with the invited role, signed in', async () => {
		const response = await api()
			.post( '/api/v1/auth/invites/' )
			.set( bearer( tenant.owner ) )
			.send( { email: 'New.Person@Example.test', role: 'admin' } )
			.expect( 201 );
		const body = created.parse( response.body );
		expect( body.data.link ).toMatch(
			/^https:\/\/console\.example\.test\/console\/accept\/#token=[\w-]{43}$/
		);
		const days =
			( Date.parse( body.data.expires_at ) - Date.now() ) / 86_400_000;
		expect( days ).toBeGreaterThan( 6.9 );
		expect( days ).toBeLessThanOrEqual( 7 );

		const list = await api()
			.get( '/api/v1/auth/invites/' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( list.body.data ).toEqual( [
			expect.objectContaining( {
				id: body.data.id,
				email: 'new.person@example.test',
				role: 'admin',
			} ),
		] );
		expect( JSON.stringify( list.body ) ).not.toContain( 'token' );
		expect( JSON.stringify( list.body ) ).not.toContain( 'link' );

		const token = body.data.link.split( '#token=' )[ 1 ]!;
		const accepted = await accept( token, 'new-person' ).expect( 200 );
		const pair = signedIn.parse( accepted.body );
		expect( pair.data.user ).toMatchObject( {
			email: 'new.person@example.test',
			username: 'new-person',
			role: 'admin',
		} );
		const me = await api()
			.get( '/api/v1/auth/me/' )
			.set( { Authorization: `Bearer ${ pair.data.access }` } )
			.expect( 200 );
		expect( me.body.data.account.id ).toBe( tenant.accountId );
		expect( me.body.data.user.role ).toBe( 'admin' );

		// Accepted: no longer pending.
		const after = await api()
			.get( '/api/v1/auth/invites/' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( after.body.data ).toEqual( [] );
	} );

	it( 'keeps only the hash of the token, never the token itself', async () => {
		const { id, token } = await invite();
		const rows = await cloud.context.db.sequelize.query<
			Record< string, unknown >
		>( 'SELECT * FROM invites WHERE id = :id', {
			replacements: { id },
			type: QueryTypes.SELECT,
		} );
		expect( rows[ 0 ]!.token_hash ).toBe(
			createHash( 'sha256' ).update( token ).digest( 'hex' )
		);
		expect( JSON.stringify( rows ) ).not.toContain( token );
	} );

	it( 'works once: a second accept is refused and makes no second person', async () => {
		const { email, token } = await invite();
		await accept( token ).expect( 200 );
		const again = await accept( token ).expect( 400 );
		expect( errorEnvelopeSchema.parse( again.body ).error ).toBe(
			'This invite was already used. Sign in, or ask for a new invite.'
		);
		expect( await usersWithEmail( email ) ).toBe( 1 );
	} );

	it( 'makes exactly one person when two accepts race', async () => {
		const { email, token } = await invite();
		const results = await Promise.all( [
			accept( token, `racer-a-${ n }` ),
			accept( token, `racer-b-${ n }` ),
			accept( token, `racer-c-${ n }` ),
		] );
		expect(
			results.map( ( r ) => r.status ).sort( ( a, b ) => a - b )
		).toEqual( [ 200, 400, 400 ] );
		expect( await usersWithEmail( email ) ).toBe( 1 );
	} );

	it( 'refuses an expired invite and says to ask for a new one', async () => {
		const { id, email, token } = await invite();
		await cloud.context.db.sequelize.query(
			"UPDATE invites SET expires_at = NOW() - INTERVAL '1 minute' WHERE id = :id",
			{ replacements: { id } }
		);
		const response = await accept( token ).expect( 400 );
		expect( response.body.error ).toBe(
			'This invite has expired. Ask for a new invite.'
		);
		expect( await usersWithEmail( email ) ).toBe( 0 );
		const list = await api()
			.get( '/api/v1/auth/invites/' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect(
			list.body.data.map( ( i: { id: number } ) => i.id )
		).not.toContain( id );
	} );

	it( 'refuses a revoked invite', async () => {
		const { id, email, token } = await invite();
		await api()
			.delete( `/api/v1/auth/invites/${ id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 204 );
		const response = await accept( token ).expect( 400 );
		expect( response.body.error ).toBe(
			'This invite was withdrawn. Ask for a new invite.'
		);
		expect( await usersWithEmail( email ) ).toBe( 0 );
	} );

	it( 'answers an unknown token without saying whether any invite exists', async () => {
		const response = await accept( 'x'.repeat( 43 ) ).expect( 400 );
		expect( response.body.error ).toMatch(
			/^This invite link is not valid\..*ask for a new invite\.$/
		);
	} );

	it( 'leaves the invite usable when the chosen username is taken', async () => {
		const { email, token } = await invite();
		const taken = await accept( token, tenant.owner.email ).expect( 400 );
		expect( taken.body.errors ).toEqual( {
			username: [ 'is already taken' ],
		} );
		await accept( token ).expect( 200 );
		expect( await usersWithEmail( email ) ).toBe( 1 );
	} );

	it( 'shows the invited email, role and account to whoever holds the link', async () => {
		const { email, token } = await invite( 'viewer' );
		const response = await api()
			.post( '/api/v1/auth/invites/lookup/' )
			.send( { token } )
			.expect( 200 );
		expect( response.body.data ).toMatchObject( {
			email,
			role: 'viewer',
			account_name: 'Invite Co',
		} );
	} );

	it( 'refuses viewers and editors (403), and an admin inviting an owner', async () => {
		for ( const role of [ 'viewer', 'editor' ] as const ) {
			const actor = await addUser( cloud, tenant.accountId, role );
			await api()
				.post( '/api/v1/auth/invites/' )
				.set( bearer( actor ) )
				.send( { email: `x-${ role }@example.test`, role: 'viewer' } )
				.expect( 403 );
			await api()
				.get( '/api/v1/auth/invites/' )
				.set( bearer( actor ) )
				.expect( 403 );
		}
		const admin = await addUser( cloud, tenant.accountId, 'admin' );
		const refused = await api()
			.post( '/api/v1/auth/invites/' )
			.set( bearer( admin ) )
			.send( { email: 'boss@example.test', role: 'owner' } )
			.expect( 403 );
		expect( refused.body.error ).toBe(
			'Your role (admin) cannot invite someone as owner.'
		);
		await invite( 'editor', admin );
	} );

	it( 'refuses an email that already has a person in the account', async () => {
		const response = await api()
			.post( '/api/v1/auth/invites/' )
			.set( bearer( tenant.owner ) )
			.send( { email: tenant.owner.email, role: 'viewer' } )
			.expect( 400 );
		expect( response.body.errors ).toEqual( {
			email: [ 'already belongs to someone in your account' ],
		} );
	} );

	it( 'replaces an earlier invite to the same email: only the newest link works', async () => {
		const email = `twice-${ ++n }@example.test`;
		const links: string[] = [];
		for ( let i = 0; i < 2; i++ ) {
			const response = await api()
				.post( '/api/v1/auth/invites/' )
				.set( bearer( tenant.owner ) )
				.send( { email, role: 'viewer' } )
				.expect( 201 );
			links.push( response.body.data.link.split( '#token=' )[ 1 ] );
		}
		await accept( links[ 0 ]! ).expect( 400 );
		await accept( links[ 1 ]! ).expect( 200 );
	} );

	it( 'answers another account’s invite id as not found', async () => {
		const response = await api()
			.post( '/api/v1/auth/invites/' )
			.set( bearer( other.owner ) )
			.send( { email: 'elsewhere@example.test', role: 'viewer' } )
			.expect( 201 );
		await api()
			.delete( `/api/v1/auth/invites/${ response.body.data.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 404 );
		const mine = await api()
			.get( '/api/v1/auth/invites/' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect(
			mine.body.data.map( ( i: { email: string } ) => i.email )
		).not.toContain( 'elsewhere@example.test' );
	} );
} );

describe( 'invites accepted in parallel connections', () => {
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		// Several connections, so the accepts really run at once (the suite above uses one).
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ DATABASE_POOL_MAX: '6' },
			{ workers: false }
		);
		tenant = await addTenant( cloud, 'Race Co' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'make exactly one person however many race', async () => {
		const response = await request( cloud.app )
			.post( '/api/v1/auth/invites/' )
			.set( bearer( tenant.owner ) )
			.send( { email: 'racer@example.test', role: 'editor' } )
			.expect( 201 );
		const token = response.body.data.link.split( '#token=' )[ 1 ];
		const results = await Promise.all(
			[ 1, 2, 3, 4, 5 ].map( ( i ) =>
				request( cloud.app )
					.post( '/api/v1/auth/invites/accept/' )
					.send( {
						token,
						username: `racer-${ i }`,
						password: 'a long enough password',
					} )
			)
		);
		expect( results.filter( ( r ) => r.status === 200 ) ).toHaveLength( 1 );
		expect(
			results
				.filter( ( r ) => r.status !== 200 )
				.map( ( r ) => r.body.error )
		).toEqual(
			Array( 4 ).fill(
				'This invite was already used. Sign in, or ask for a new invite.'
			)
		);
		expect(
			await cloud.context.models.User.count( {
				where: { email: 'racer@example.test' },
			} )
		).toBe( 1 );
	} );
} );
