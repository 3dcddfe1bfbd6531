import request from 'supertest';
import type { Tenant } from './fixtures';
import type { TestCloud } from './support';

/** The WordPress user a test's site sessions speak for. */
export const WP_USER = { id: 7, login: 'maria', display_name: 'Maria' };

/** A site session (the plugin's trade of its key), as its bearer token. */
export async function siteSession(
	cloud: TestCloud,
	apiKey: string,
	role: 'admin' | 'editor' | 'viewer' = 'admin'
): Promise< string > {
	const response = await request( cloud.app )
		.post( '/api/v1/auth/site-session/' )
		.set( 'X-IGNY8-API-Key', apiKey )
		.send( { wp_user: WP_USER, role } )
		.expect( 200 );
	return response.body.data.access as string;
}

export const as = ( token: string ) => ( {
	Authorization: `Bearer ${ token }`,
} );

/**
 * Another site of the tenant's own account, with a sector and a key: what a
 * site's key or session must never see. Shaped as a Tenant so the content
 * fixtures can fill it.
 */
export async function addSecondSite(
	cloud: TestCloud,
	tenant: Tenant,
	wordpressUrl = 'https://second.test'
): Promise< Tenant > {
	const auth = as( tenant.owner.token );
	const site = await request( cloud.app )
		.post( '/api/v1/auth/sites/' )
		.set( auth )
		.send( { name: 'Second site', wordpress_url: wordpressUrl } )
		.expect( 201 );
	const sector = await request( cloud.app )
		.post( '/api/v1/auth/sectors/' )
		.set( auth )
		.send( { site_id: site.body.data.id, name: 'Second sector' } )
		.expect( 201 );
	const key = await request( cloud.app )
		.post( `/api/v1/auth/sites/${ site.body.data.id }/api-keys/` )
		.set( auth )
		.send( { name: 'Second WordPress' } )
		.expect( 201 );
	return {
		...tenant,
		siteId: site.body.data.id,
		sectorId: sector.body.data.id,
		keyId: key.body.data.id,
		apiKey: key.body.data.key,
	};
}
