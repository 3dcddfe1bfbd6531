import request from 'supertest';
import { ACCESS_TOKEN_SECONDS } from '../src/modules/auth/tokens';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

/**
 * Site sessions: the plugin trades its site key for a short-lived token for
 * the WordPress user in front of wp-admin. The token is confined to that
 * site, carries the role the plugin mapped, and can never manage the account.
 */

let cloud: TestCloud;
let tenant: Tenant;
let otherSite: { siteId: number; sectorId: number; keywordId: number };
let ownKeywordId: number;

const WP_USER = {
	id: 7,
	login: 'maria',
	email: 'maria@example.test',
	display_name: 'Maria',
};

async function session(
	role: 'admin' | 'editor' | 'viewer',
	key = tenant.apiKey
) {
	const response = await request( cloud.app )
		.post( '/api/v1/auth/site-session/' )
		.set( 'X-IGNY8-API-Key', key )
		.send( { wp_user: WP_USER, role } )
		.expect( 200 );
	return response.body.data as {
		access: string;
		expires_at: string;
		site_id: number;
		role: string;
	};
}

const as = ( token: string ) => ( { Authorization: `Bearer ${ token }` } );

beforeAll( async () => {
	cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
	tenant = await addTenant( cloud, 'Site sessions' );
	const auth = bearer( tenant.owner );
	const own = await request( cloud.app )
		.post( '/api/v1/planner/keywords/' )
		.set( auth )
		.send( { sector_id: tenant.sectorId, keyword: 'own site keyword' } )
		.expect( 201 );
	ownKeywordId = own.body.data.id;
	const site = await request( cloud.app )
		.post( '/api/v1/auth/sites/' )
		.set( auth )
		.send( { name: 'Second site', wordpress_url: 'https://second.test' } )
		.expect( 201 );
	const sector = await request( cloud.app )
		.post( '/api/v1/auth/sectors/' )
		.set( auth )
		.send( { site_id: site.body.data.id, name: 'Main' } )
		.expect( 201 );
	const keyword = await request( cloud.app )
		.post( '/api/v1/planner/keywords/' )
		.set( auth )
		.send( {
			sector_id: sector.body.data.id,
			keyword: 'other site keyword',
		} )
		.expect( 201 );
	otherSite = {
		siteId: site.body.data.id,
		sectorId: sector.body.data.id,
		keywordId: keyword.body.data.id,
	};
} );

afterAll( async () => {
	await cloud?.stop();
} );

describe( 'opening a session', () => {
	it( 'answers a token for the key’s site with the mapped role, valid for the access-token lifetime', async () => {
		const started = Date.now();
		const data = await session( 'editor' );
		expect( data.site_id ).toBe( tenant.siteId );
		expect( data.role ).toBe( 'editor' );
		const lifetime = Date.parse( data.expires_at ) - started;
		expect( lifetime ).toBeGreaterThan(
			( ACCESS_TOKEN_SECONDS - 5 ) * 1000
		);
		expect( lifetime ).toBeLessThanOrEqual(
			( ACCESS_TOKEN_SECONDS + 5 ) * 1000
		);
	} );

	it( 'is refused without a key, with a wrong key, and to a signed-in account user', async () => {
		const body = { wp_user: WP_USER, role: 'admin' };
		await request( cloud.app )
			.post( '/api/v1/auth/site-session/' )
			.send( body )
			.expect( 401 );
		await request( cloud.app )
			.post( '/api/v1/auth/site-session/' )
			.set( 'X-IGNY8-API-Key', 'ig8_wrongwrongwrongwrongwrongwrong' )
			.send( body )
			.expect( 401 );
		await request( cloud.app )
			.post( '/api/v1/auth/site-session/' )
			.set( bearer( tenant.owner ) )
			.send( body )
			.expect( 403 );
	} );

	it( 'refuses a role the plugin may not hand out, and a malformed user, naming the field', async () => {
		const owner = await request( cloud.app )
			.post( '/api/v1/auth/site-session/' )
			.set( 'X-IGNY8-API-Key', tenant.apiKey )
			.send( { wp_user: WP_USER, role: 'owner' } )
			.expect( 400 );
		expect( owner.body.success ).toBe( false );
		expect( Object.keys( owner.body.errors ) ).toContain( 'role' );
		const noId = await request( cloud.app )
			.post( '/api/v1/auth/site-session/' )
			.set( 'X-IGNY8-API-Key', tenant.apiKey )
			.send( { wp_user: { login: 'x' }, role: 'viewer' } )
			.expect( 400 );
		expect( JSON.stringify( noId.body.errors ) ).toMatch( /id/ );
	} );
} );

describe( 'what a session may do', () => {
	it( 'sees its own site’s content and nothing of the account’s other sites', async () => {
		const { access } = await session( 'viewer' );
		const list = await request( cloud.app )
			.get( '/api/v1/planner/keywords/' )
			.set( as( access ) )
			.expect( 200 );
		const ids = list.body.results.map( ( k: { id: number } ) => k.id );
		expect( ids ).toContain( ownKeywordId );
		expect( ids ).not.toContain( otherSite.keywordId );
		await request( cloud.app )
			.get( `/api/v1/planner/keywords/${ otherSite.keywordId }/` )
			.set( as( access ) )
			.expect( 404 );
		const sites = await request( cloud.app )
			.get( '/api/v1/auth/sites/' )
			.set( as( access ) )
			.expect( 200 );
		expect(
			sites.body.results.map( ( s: { id: number } ) => s.id )
		).toEqual( [ tenant.siteId ] );
	} );

	it( 'writes content as an editor, only into its own site', async () => {
		const { access } = await session( 'editor' );
		await request( cloud.app )
			.post( '/api/v1/planner/keywords/' )
			.set( as( access ) )
			.send( { sector_id: tenant.sectorId, keyword: 'written from wp' } )
			.expect( 201 );
		const elsewhere = await request( cloud.app )
			.post( '/api/v1/planner/keywords/' )
			.set( as( access ) )
			.send( { sector_id: otherSite.sectorId, keyword: 'not mine' } )
			.expect( 400 );
		expect( elsewhere.body.errors.sector_id ).toBeDefined();
	} );

	it( 'reads only, as a viewer', async () => {
		const { access } = await session( 'viewer' );
		const refused = await request( cloud.app )
			.post( '/api/v1/planner/keywords/' )
			.set( as( access ) )
			.send( { sector_id: tenant.sectorId, keyword: 'viewer write' } )
			.expect( 403 );
		expect( refused.body.error ).toMatch( /viewer/ );
	} );

	it( 'never manages the account, even as a WordPress admin', async () => {
		const { access } = await session( 'admin' );
		await request( cloud.app )
			.post( '/api/v1/auth/sites/' )
			.set( as( access ) )
			.send( { name: 'Sneaky', wordpress_url: 'https://sneaky.test' } )
			.expect( 403 );
		await request( cloud.app )
			.post( `/api/v1/auth/sites/${ tenant.siteId }/api-keys/` )
			.set( as( access ) )
			.send( { name: 'Sneaky' } )
			.expect( 403 );
		await request( cloud.app )
			.get( '/api/v1/auth/me/' )
			.set( as( access ) )
			.expect( 403 );
		await request( cloud.app )
			.get( '/api/v1/auth/users/' )
			.set( as( access ) )
			.expect( 403 );
	} );

	it( 'lets a WordPress admin add, rename and delete its own site’s sectors, and nobody else’s', async () => {
		const admin = as( ( await session( 'admin' ) ).access );
		const added = await request( cloud.app )
			.post( '/api/v1/auth/sectors/' )
			.set( admin )
			.send( { site_id: tenant.siteId, name: 'From WordPress' } )
			.expect( 201 );
		await request( cloud.app )
			.patch( `/api/v1/auth/sectors/${ added.body.data.id }/` )
			.set( admin )
			.send( { name: 'Renamed in WordPress' } )
			.expect( 200 );
		const elsewhere = await request( cloud.app )
			.post( '/api/v1/auth/sectors/' )
			.set( admin )
			.send( { site_id: otherSite.siteId, name: 'Not mine' } )
			.expect( 400 );
		expect( elsewhere.body.errors.site_id ).toBeDefined();
		await request( cloud.app )
			.patch( `/api/v1/auth/sectors/${ otherSite.sectorId }/` )
			.set( admin )
			.send( { name: 'Not mine' } )
			.expect( 404 );
		await request( cloud.app )
			.delete( `/api/v1/auth/sectors/${ otherSite.sectorId }/` )
			.set( admin )
			.expect( 404 );
		// An editor works in sectors but does not arrange them.
		await request( cloud.app )
			.post( '/api/v1/auth/sectors/' )
			.set( as( ( await session( 'editor' ) ).access ) )
			.send( { site_id: tenant.siteId, name: 'Editor sector' } )
			.expect( 403 );
		await request( cloud.app )
			.delete( `/api/v1/auth/sectors/${ added.body.data.id }/` )
			.set( admin )
			.expect( 204 );
		expect(
			await cloud.context.models.Sector.count( {
				where: { site_id: otherSite.siteId },
			} )
		).toBe( 1 );
	} );

	it( 'stops working as soon as its site is switched off', async () => {
		const { access } = await session( 'editor' );
		const site = await cloud.context.models.Site.findByPk( tenant.siteId );
		await site!.update( { status: 'inactive' } );
		try {
			await request( cloud.app )
				.get( '/api/v1/planner/keywords/' )
				.set( as( access ) )
				.expect( 401 );
		} finally {
			await site!.update( { status: 'active' } );
		}
	} );
} );

describe( 'CORS', () => {
	const preflight = ( origin: string ) =>
		request( cloud.app )
			.options( '/api/v1/planner/keywords/' )
			.set( 'Origin', origin )
			.set( 'Access-Control-Request-Method', 'GET' )
			.set( 'Access-Control-Request-Headers', 'authorization' );

	it( 'lets a connected site’s wp-admin call the API from the browser', async () => {
		const response = await preflight( 'https://example.test' );
		expect( response.headers[ 'access-control-allow-origin' ] ).toBe(
			'https://example.test'
		);
		expect( response.headers[ 'access-control-allow-headers' ] ).toMatch(
			/Authorization/i
		);
	} );

	it( 'does not let any other origin in', async () => {
		for ( const origin of [
			'https://evil.test',
			'https://example.test.evil.test',
			'http://example.test',
		] ) {
			const response = await preflight( origin );
			expect(
				response.headers[ 'access-control-allow-origin' ]
			).toBeUndefined();
		}
	} );
	it( 'lets a WordPress admin change the account’s AI configuration only while the account holds that one site', async () => {
		// This account has a second site: one site's admin must not decide for the other.
		const admin = as( ( await session( 'admin' ) ).access );
		const shown = await request( cloud.app )
			.get( '/api/v1/system/settings/ai/' )
			.set( admin )
			.expect( 200 );
		expect( shown.body.data ).toMatchObject( {
			can_change: false,
			cannot_change_reason: 'several_sites',
		} );
		for ( const [ method, path, body ] of [
			[ 'put', '/api/v1/system/settings/ai/', { temperature: 0.3 } ],
			[ 'post', '/api/v1/system/author-profiles/', { name: 'Sneaky' } ],
			[
				'put',
				'/api/v1/system/prompts/generate_ideas/',
				{ system: 'S', user: '{{count}} ideas' },
			],
		] as const ) {
			const refused = await request( cloud.app )
				[ method ]( path )
				.set( admin )
				.send( body )
				.expect( 403 );
			expect( refused.body.error ).toMatch( /console/ );
		}
		expect(
			await cloud.context.models.AuthorProfile.count( {
				where: { account_id: tenant.accountId },
			} )
		).toBe( 0 );

		// A plugin-first account: the WordPress admin is its operator.
		const solo = await addTenant( cloud, 'Solo site' );
		const soloSession = async ( role: 'admin' | 'editor' ) =>
			as(
				(
					await request( cloud.app )
						.post( '/api/v1/auth/site-session/' )
						.set( 'X-IGNY8-API-Key', solo.apiKey )
						.send( { wp_user: WP_USER, role } )
						.expect( 200 )
				).body.data.access
			);
		const soloAdmin = await soloSession( 'admin' );
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( soloAdmin )
			.send( { temperature: 0.3 } )
			.expect( 200 );
		await request( cloud.app )
			.post( '/api/v1/system/author-profiles/' )
			.set( soloAdmin )
			.send( { name: 'House voice' } )
			.expect( 201 );
		const editor = await soloSession( 'editor' );
		const readOnly = await request( cloud.app )
			.get( '/api/v1/system/settings/ai/' )
			.set( editor )
			.expect( 200 );
		expect( readOnly.body.data ).toMatchObject( {
			temperature: 0.3,
			can_change: false,
			cannot_change_reason: 'role',
		} );
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( editor )
			.send( { temperature: 0.9 } )
			.expect( 403 );
	} );
} );
