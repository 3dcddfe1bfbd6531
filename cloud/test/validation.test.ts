import request from 'supertest';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

describe( 'bad input', () => {
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		tenant = await addTenant( cloud, 'Validation Co' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const counts = async () => {
		const { models } = cloud.context;
		return {
			sites: await models.Site.count(),
			sectors: await models.Sector.count(),
			users: await models.User.count(),
			accounts: await models.Account.count(),
		};
	};

	it.each( [
		[
			'a missing field',
			'/auth/sites/',
			{},
			{ name: [ 'this field is required' ] },
		],
		[
			'a wrongly typed field',
			'/auth/sites/',
			{ name: 42 },
			{ name: [ 'Invalid input: expected string, received number' ] },
		],
		[
			'an unknown field',
			'/auth/sites/',
			{ name: 'Fine', colour: 'blue' },
			{ colour: [ 'is not a recognised field' ] },
		],
		[
			'an oversized string',
			'/auth/sites/',
			{ name: 'x'.repeat( 256 ) },
			{ name: [ 'must be at most 255 characters' ] },
		],
		[
			'a blank name',
			'/auth/sites/',
			{ name: '   ' },
			{ name: [ 'may not be blank' ] },
		],
		[
			'a bad URL',
			'/auth/sites/',
			{ name: 'Fine', wordpress_url: 'javascript:alert(1)' },
			{ wordpress_url: [ 'must be a valid http(s) URL' ] },
		],
		[
			'several problems at once',
			'/auth/sectors/',
			{ site_id: 'one', name: '', extra: true },
			{
				site_id: [ 'Invalid input: expected number, received string' ],
				name: [ 'may not be blank' ],
				extra: [ 'is not a recognised field' ],
			},
		],
		[
			'a short password',
			'/auth/users/',
			{
				email: 'new@example.test',
				username: 'newbie',
				password: 'short',
				role: 'editor',
			},
			{ password: [ 'must be at least 10 characters' ] },
		],
		[
			'an unknown role',
			'/auth/users/',
			{
				email: 'new@example.test',
				username: 'newbie',
				password: 'long enough password',
				role: 'developer',
			},
			{ role: [ expect.stringContaining( 'Invalid option' ) ] },
		],
		[
			'a malformed email',
			'/auth/users/',
			{
				email: 'not-an-email',
				username: 'newbie',
				password: 'long enough password',
				role: 'editor',
			},
			{ email: [ 'must be a valid email address' ] },
		],
	] )(
		'answers %s with 400 and per-field errors, writing nothing',
		async ( _label, path, body, errors ) => {
			const before = await counts();
			const response = await request( cloud.app )
				.post( `/api/v1${ path }` )
				.set( bearer( tenant.owner ) )
				.send( body )
				.expect( 400 );
			expect( response.body ).toEqual( {
				success: false,
				code: 'validation_error',
				error: 'Invalid body.',
				errors,
				request_id: expect.any( String ),
			} );
			expect( await counts() ).toEqual( before );
		}
	);

	it( 'answers malformed JSON with 400 in the envelope', async () => {
		const before = await counts();
		const response = await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.set( 'Content-Type', 'application/json' )
			.send( '{"name": "Broken"' )
			.expect( 400 );
		expect( response.body ).toMatchObject( {
			success: false,
			code: 'bad_request',
			error: 'Malformed JSON in request body.',
		} );
		expect( await counts() ).toEqual( before );
	} );

	it( 'answers a body that is not an object with 400', async () => {
		const response = await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.send( [ 'a', 'list' ] )
			.expect( 400 );
		expect( response.body.errors ).toEqual( {
			non_field_errors: [ expect.stringContaining( 'expected object' ) ],
		} );
	} );

	it( 'answers an oversized body with 413', async () => {
		const response = await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.send( { name: 'x'.repeat( 2 * 1024 * 1024 ) } )
			.expect( 413 );
		expect( response.body.code ).toBe( 'payload_too_large' );
	} );

	it( 'validates path ids and query parameters', async () => {
		const path = await request( cloud.app )
			.get( '/api/v1/auth/sites/abc/' )
			.set( bearer( tenant.owner ) )
			.expect( 400 );
		expect( path.body.errors ).toEqual( {
			id: [ 'must be a positive whole number' ],
		} );
		const size = await request( cloud.app )
			.get( '/api/v1/auth/sites/?page_size=1000' )
			.set( bearer( tenant.owner ) )
			.expect( 400 );
		expect( size.body.errors ).toEqual( {
			page_size: [ expect.stringContaining( '100' ) ],
		} );
		const order = await request( cloud.app )
			.get( '/api/v1/auth/sites/?ordering=password' )
			.set( bearer( tenant.owner ) )
			.expect( 400 );
		expect( order.body.errors.ordering[ 0 ] ).toMatch(
			/cannot order by "password"/
		);
	} );

	it( 'never answers with a stack trace or SQL, even for an unexpected failure', async () => {
		const response = await request( cloud.app )
			.get( '/api/v1/auth/sites/99999999999999999999/' )
			.set( bearer( tenant.owner ) );
		expect( [ 400, 404 ] ).toContain( response.status );
		expect( JSON.stringify( response.body ) ).not.toMatch(
			/SELECT|at .*\.ts:|sequelize/i
		);
	} );
} );

describe( 'lists', () => {
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		tenant = await addTenant( cloud, 'Lists Co' );
		for ( const name of [
			'Delta Garden',
			'alpha bakery',
			'Charlie Motors',
			'Bravo Dental',
		] ) {
			await request( cloud.app )
				.post( '/api/v1/auth/sites/' )
				.set( bearer( tenant.owner ) )
				.send( { name } )
				.expect( 201 );
		}
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const names = ( body: { results: Array< { name: string } > } ) =>
		body.results.map( ( s ) => s.name );

	it( 'pages with count, next and previous', async () => {
		const first = await request( cloud.app )
			.get( '/api/v1/auth/sites/?page_size=2&ordering=name' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( first.body.count ).toBe( 5 );
		expect( names( first.body ) ).toEqual( [
			'alpha bakery',
			'Bravo Dental',
		] );
		expect( first.body.previous ).toBeNull();
		const next = new URL( first.body.next );
		expect( Object.fromEntries( next.searchParams ) ).toEqual( {
			page_size: '2',
			ordering: 'name',
			page: '2',
		} );
		const second = await request( cloud.app )
			.get( `${ next.pathname }${ next.search }` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( names( second.body ) ).toEqual( [
			'Charlie Motors',
			'Delta Garden',
		] );
		const third = await request( cloud.app )
			.get( '/api/v1/auth/sites/?page_size=2&ordering=name&page=3' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( names( third.body ) ).toEqual( [ 'Lists Co site' ] );
		expect( third.body.next ).toBeNull();
		expect( third.body.previous ).toContain( 'page=2' );
	} );

	it( 'orders descending and searches case-insensitively', async () => {
		const desc = await request( cloud.app )
			.get( '/api/v1/auth/sites/?ordering=-name' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( names( desc.body ) ).toEqual( [
			'Lists Co site',
			'Delta Garden',
			'Charlie Motors',
			'Bravo Dental',
			'alpha bakery',
		] );
		const search = await request( cloud.app )
			.get( '/api/v1/auth/sites/?search=DENT' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( names( search.body ) ).toEqual( [ 'Bravo Dental' ] );
		const literal = await request( cloud.app )
			.get( '/api/v1/auth/sites/?search=%25' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( literal.body.count ).toBe( 0 );
	} );
} );

describe( 'plan limits', () => {
	let cloud: TestCloud;

	beforeAll( async () => {
		// Several connections, so racing requests really run side by side.
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ DATABASE_POOL_MAX: '10' }
		);
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'allows the free plan one site and one sector per site, with a clear error beyond', async () => {
		const tenant = await addTenant( cloud, 'Free Co', 'free' );
		const site = await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.send( { name: 'Second' } )
			.expect( 403 );
		expect( site.body ).toMatchObject( {
			code: 'plan_limit_reached',
			error: 'Your Free plan allows 1 site; upgrade to add more.',
		} );
		const sector = await request( cloud.app )
			.post( '/api/v1/auth/sectors/' )
			.set( bearer( tenant.owner ) )
			.send( { site_id: tenant.siteId, name: 'Second' } )
			.expect( 403 );
		expect( sector.body ).toMatchObject( {
			code: 'plan_limit_reached',
			error: 'Your Free plan allows 1 sector per site; upgrade to add more.',
		} );
		expect(
			await cloud.context.models.Site.count( {
				where: { account_id: tenant.accountId },
			} )
		).toBe( 1 );
	} );

	it( 'holds the limit when requests race', async () => {
		const tenant = await addTenant( cloud, 'Racing Co', 'starter' );
		const responses = await Promise.all(
			Array.from( { length: 8 }, ( _, i ) =>
				request( cloud.app )
					.post( '/api/v1/auth/sectors/' )
					.set( bearer( tenant.owner ) )
					.send( { site_id: tenant.siteId, name: `Sector ${ i }` } )
			)
		);
		// Starter: 3 sectors per site, one of which addTenant created.
		expect( responses.filter( ( r ) => r.status === 201 ) ).toHaveLength(
			2
		);
		expect( responses.filter( ( r ) => r.status === 403 ) ).toHaveLength(
			6
		);
		expect(
			await cloud.context.models.Sector.count( {
				where: { site_id: tenant.siteId },
			} )
		).toBe( 3 );
	} );

	it( 'keeps credits non-negative in the database itself', async () => {
		const tenant = await addTenant( cloud, 'Broke Co' );
		await expect(
			cloud.context.models.Account.update(
				{ credits: -1 },
				{ where: { id: tenant.accountId } }
			)
		).rejects.toThrow( /accounts_credits_non_negative/ );
	} );
} );
