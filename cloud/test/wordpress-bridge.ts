import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { WordPressSite } from '@igny8/test-harness';
import { bearer, type Tenant } from './fixtures';
import type { TestCloud } from './support';

/** A 1×1 PNG: the smallest file WordPress's media library accepts as an image. */
export const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64'
);

export type ListeningCloud = {
	url: string;
	/** An image the cloud host serves: the plugin only sideloads from the cloud's own host. */
	imageUrl( name: string ): string;
	close(): Promise< void >;
};

/** A port nothing listens on right now, so the cloud's PUBLIC_URL can be known before it starts. */
export async function freePort(): Promise< number > {
	const probe = http.createServer();
	await new Promise< void >( ( resolve ) =>
		probe.listen( 0, '127.0.0.1', resolve )
	);
	const { port } = probe.address() as AddressInfo;
	await new Promise( ( resolve ) => probe.close( resolve ) );
	return port;
}

/** Serves the test cloud on a real port (WordPress must reach it), plus test images under /test-images/. */
export async function listen(
	cloud: TestCloud,
	port = 0
): Promise< ListeningCloud > {
	const server = http.createServer( ( req, res ) => {
		if ( req.url?.startsWith( '/test-images/' ) ) {
			res.writeHead( 200, {
				'Content-Type': 'image/png',
				'Content-Length': PNG.length,
			} );
			res.end( PNG );
			return;
		}
		cloud.app( req, res );
	} );
	await new Promise< void >( ( resolve, reject ) => {
		server.once( 'error', reject );
		server.listen( port, '127.0.0.1', () => resolve() );
	} );
	const url = `http://127.0.0.1:${ ( server.address() as AddressInfo ).port }`;
	return {
		url,
		imageUrl: ( name ) => `${ url }/test-images/${ name }`,
		close: () =>
			new Promise< void >( ( resolve ) => {
				server.close( () => resolve() );
				server.closeAllConnections();
			} ),
	};
}

/** Points the plugin at the cloud with the tenant's key and runs the plugin's own "Test connection". */
export async function connectSite(
	site: WordPressSite,
	cloudUrl: string,
	tenant: Tenant
): Promise< { id: number } > {
	const output = await site.php( `
update_option( 'igny8_cloud_url', ${ JSON.stringify( cloudUrl ) } );
update_option( 'igny8_api_key', ${ JSON.stringify( tenant.apiKey ) }, false );
$plugin = \\IGNY8\\Bridge\\Plugin::instance();
$answer = $plugin->cloud()->post(
	\\IGNY8\\Bridge\\CloudClient::TEST_PATH,
	array( 'site_url' => home_url(), 'rest_url' => rest_url(), 'metadata' => $plugin->metadata()->collect() )
);
echo wp_json_encode( is_wp_error( $answer ) ? array( 'error' => $answer->get_error_message() ) : $answer );` );
	const answer = JSON.parse( output ) as { id?: number; error?: string };
	if ( ! answer.id ) {
		throw new Error( `Test connection failed: ${ output }` );
	}
	return { id: answer.id };
}

/** Runs PHP on the site and parses what it echoed as JSON. */
export async function phpJson< T >(
	site: WordPressSite,
	code: string
): Promise< T > {
	const output = await site.php( code );
	try {
		return JSON.parse( output ) as T;
	} catch {
		throw new Error( `PHP did not print JSON:\n${ output }` );
	}
}

export type WpPost = {
	ID: number;
	post_title: string;
	post_content: string;
	post_status: string;
	categories: string[];
	tags: string[];
	thumbnail: number;
	thumbnail_alt: string;
	thumbnail_in_library: boolean;
	meta: Record< string, string >;
};

/** Every post (any status) the plugin made for a content id, as WordPress stores it. */
export function postsForContent(
	site: WordPressSite,
	contentId: number
): Promise< WpPost[] > {
	return phpJson< WpPost[] >(
		site,
		`
$posts = get_posts( array( 'post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1, 'meta_key' => '_igny8_content_id', 'meta_value' => '${ contentId }', 'suppress_filters' => true ) );
$out = array();
foreach ( $posts as $p ) {
	$thumb = (int) get_post_thumbnail_id( $p->ID );
	$meta  = array();
	foreach ( array( '_igny8_task_id', '_igny8_content_id', '_igny8_revision', '_igny8_managed', '_igny8_wordpress_status', '_igny8_last_synced', '_igny8_meta_description', '_igny8_meta_title', '_igny8_focus_keyphrase' ) as $k ) {
		$meta[ $k ] = (string) get_post_meta( $p->ID, $k, true );
	}
	$out[] = array(
		'ID' => $p->ID, 'post_title' => $p->post_title, 'post_content' => $p->post_content, 'post_status' => $p->post_status,
		'categories' => wp_get_post_terms( $p->ID, 'category', array( 'fields' => 'names' ) ),
		'tags' => wp_get_post_terms( $p->ID, 'post_tag', array( 'fields' => 'names' ) ),
		'thumbnail' => $thumb,
		'thumbnail_alt' => (string) get_post_meta( $thumb, '_wp_attachment_image_alt', true ),
		'thumbnail_in_library' => $thumb > 0 && 'attachment' === get_post_type( $thumb ) && file_exists( (string) get_attached_file( $thumb ) ),
		'meta' => $meta,
	);
}
echo wp_json_encode( $out );`
	);
}

/**
 * A task and its content, ready to publish: HTML, meta description, terms
 * and a featured image the cloud host serves (the plugin sideloads it).
 */
export async function addPublishableContent(
	cloud: TestCloud,
	served: ListeningCloud,
	tenant: Tenant,
	title: string,
	look: {
		body: string;
		meta: string;
		category: string[];
		tags: string[];
		cover: ( contentId: number ) => { file: string; alt: string };
	}
): Promise< { taskId: number; contentId: number } > {
	const auth = bearer( tenant.owner );
	const task = await request( cloud.app )
		.post( '/api/v1/writer/tasks/' )
		.set( auth )
		.send( { sector_id: tenant.sectorId, title: `${ title } task` } )
		.expect( 201 );
	const content = await request( cloud.app )
		.post( '/api/v1/writer/content/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			task_id: task.body.data.id,
			title,
			content_html: `<h2>${ title }</h2><p>${ look.body }</p>`,
			meta_description: look.meta,
			taxonomies: { category: look.category, post_tag: look.tags },
		} )
		.expect( 201 );
	const cover = look.cover( content.body.data.id );
	await request( cloud.app )
		.post( '/api/v1/writer/images/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			content_id: content.body.data.id,
			image_url: served.imageUrl( cover.file ),
			alt_text: cover.alt,
			is_featured: true,
		} )
		.expect( 201 );
	return {
		taskId: task.body.data.id as number,
		contentId: content.body.data.id as number,
	};
}
