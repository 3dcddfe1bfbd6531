import request from 'supertest';
import { decryptSecret } from '../src/modules/auth/crypto';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

describe( 'sites and sectors', () => {
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		tenant = await addTenant( cloud, 'Sites Co' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'stores a WordPress password encrypted and never returns it', async () => {
		const created = await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.send( {
				name: 'Secret Garden',
				wordpress_url: 'https://garden.example',
				wordpress_username: 'editor',
				wordpress_password: 'hunter2 app password',
			} )
			.expect( 201 );
		expect( created.body.data ).toMatchObject( {
			slug: 'secret-garden',
			wordpress_username: 'editor',
			has_wordpress_password: true,
		} );
		expect( JSON.stringify( created.body ) ).not.toContain( 'hunter2' );

		const row = await cloud.context.models.Site.findByPk(
			created.body.data.id
		);
		expect( row!.wordpress_password_encrypted ).toMatch( /^v1\./ );
		expect( row!.wordpress_password_encrypted ).not.toContain( 'hunter2' );
		expect(
			decryptSecret(
				cloud.context.secrets.encryptionKey,
				row!.wordpress_password_encrypted!
			)
		).toBe( 'hunter2 app password' );

		const cleared = await request( cloud.app )
			.patch( `/api/v1/auth/sites/${ created.body.data.id }/` )
			.set( bearer( tenant.owner ) )
			.send( { wordpress_password: null } )
			.expect( 200 );
		expect( cleared.body.data.has_wordpress_password ).toBe( false );
	} );

	it( 'gives sites unique slugs within an account and refuses a clashing one', async () => {
		const first = await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.send( { name: 'Twin' } )
			.expect( 201 );
		const second = await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.send( { name: 'Twin' } )
			.expect( 201 );
		expect( [ first.body.data.slug, second.body.data.slug ] ).toEqual( [
			'twin',
			'twin-2',
		] );
		const clash = await request( cloud.app )
			.patch( `/api/v1/auth/sites/${ second.body.data.id }/` )
			.set( bearer( tenant.owner ) )
			.send( { slug: 'twin' } )
			.expect( 400 );
		expect( clash.body.errors ).toEqual( {
			slug: [ 'another site of this account uses this slug' ],
		} );
	} );

	it( 'links sites and sectors to the seeded industry catalogue, and refuses unknown entries', async () => {
		const industries = await request( cloud.app )
			.get( '/api/v1/auth/industries/' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		const tech = industries.body.data.find(
			( i: { slug: string } ) => i.slug === 'technology'
		);
		expect(
			tech.sectors.map( ( s: { name: string } ) => s.name )
		).toContain( 'SaaS' );
		const saas = tech.sectors.find(
			( s: { name: string } ) => s.name === 'SaaS'
		);

		const site = await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.send( { name: 'Tech Blog', industry_id: tech.id } )
			.expect( 201 );
		const sector = await request( cloud.app )
			.post( '/api/v1/auth/sectors/' )
			.set( bearer( tenant.owner ) )
			.send( {
				site_id: site.body.data.id,
				name: 'SaaS reviews',
				industry_sector_id: saas.id,
			} )
			.expect( 201 );
		expect( sector.body.data ).toMatchObject( {
			site_id: site.body.data.id,
			industry_sector_id: saas.id,
			status: 'active',
		} );

		const bad = await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.send( { name: 'Nowhere', industry_id: 999999 } )
			.expect( 400 );
		expect( bad.body.errors ).toEqual( {
			industry_id: [ 'industry 999999 does not exist' ],
		} );
		const duplicate = await request( cloud.app )
			.post( '/api/v1/auth/sectors/' )
			.set( bearer( tenant.owner ) )
			.send( { site_id: site.body.data.id, name: 'saas REVIEWS' } )
			.expect( 400 );
		expect( duplicate.body.errors ).toEqual( {
			name: [ 'this site already has a sector with this name' ],
		} );
	} );

	it( 'deletes a site with its sectors and keys, and its key stops working', async () => {
		const site = await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.send( { name: 'Short lived' } )
			.expect( 201 );
		const key = await request( cloud.app )
			.post( `/api/v1/auth/sites/${ site.body.data.id }/api-keys/` )
			.set( bearer( tenant.owner ) )
			.send( {} )
			.expect( 201 );
		await request( cloud.app )
			.post( '/api/v1/auth/sectors/' )
			.set( bearer( tenant.owner ) )
			.send( { site_id: site.body.data.id, name: 'Only' } )
			.expect( 201 );
		await request( cloud.app )
			.delete( `/api/v1/auth/sites/${ site.body.data.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 204 );
		expect(
			await cloud.context.models.Sector.count( {
				where: { site_id: site.body.data.id },
			} )
		).toBe( 0 );
		await request( cloud.app )
			.get( '/api/v1/auth/sites/' )
			.set( 'X-IGNY8-API-Key', key.body.data.key )
			.expect( 401 );
	} );
} );
