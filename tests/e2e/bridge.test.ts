/**
 * IGNY8 Bridge's cloud-facing routes over real HTTP: WordPress on native
 * `php -S` with several workers and MariaDB (or SQLite with
 * `IGNY8_WP_DB=sqlite`; publish-lock.test.ts runs the locking on both), called
 * exactly as the cloud calls them (signed). Images come from a local HTTP server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	callBridge,
	pairSitePhp,
	startWordPress,
	type WordPressSite,
	type WpRestClient,
} from '@igny8/test-harness';

const KEY = 'ig8_e2e_bridge_0123456789abcdefghijklmnop';
// A valid 1×1 PNG.
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64'
);

interface PostAnswer {
	success: boolean;
	data: {
		post_id: number;
		url: string;
		status: string;
		content_hash: string;
		featured_media_id: number | null;
	};
}

let site: WordPressSite;
let images: http.Server;
let imageBase: string;
const imageHits: string[] = [];
let asEditor: WpRestClient;
let asSubscriber: WpRestClient;

beforeAll( async () => {
	images = http.createServer( ( request, response ) => {
		imageHits.push( request.url ?? '' );
		if ( request.url?.startsWith( '/media/' ) ) {
			response.writeHead( 200, { 'Content-Type': 'image/png' } );
			response.end( PNG );
			return;
		}
		response.writeHead( 404 ).end();
	} );
	await new Promise< void >( ( resolve ) =>
		images.listen( 0, '127.0.0.1', resolve )
	);
	imageBase = `http://127.0.0.1:${ ( images.address() as AddressInfo ).port }`;
	site = await startWordPress( { workers: 4 } );
	// The images are served by "the cloud": the plugin trusts the cloud's own host.
	await site.php( `
update_option( 'igny8_cloud_url', ${ JSON.stringify( imageBase ) } );
${ pairSitePhp( KEY ) }` );
	const [ editor, subscriber ] = await Promise.all( [
		site.createUser( { role: 'editor' } ),
		site.createUser( { role: 'subscriber' } ),
	] );
	[ asEditor, asSubscriber ] = await Promise.all( [
		site.login( editor ),
		site.login( subscriber ),
	] );
} );

afterAll( async () => {
	await site?.stop();
	await new Promise( ( resolve ) => images?.close( resolve ) );
} );

function body( contentId: number, extra: Record< string, unknown > = {} ) {
	return {
		content_id: contentId,
		revision: 1,
		task_id: contentId + 100,
		title: `E2E post ${ contentId }`,
		content_html: `<p>Intro</p><img src="${ imageBase }/media/inline-${ contentId }.png" alt="inline"><p>More</p>`,
		excerpt: 'Excerpt',
		status: 'publish',
		categories: [ 'E2E Category' ],
		tags: [ 'e2e-tag', 'bridge' ],
		featured_image: {
			url: `${ imageBase }/media/featured-${ contentId }.png`,
			alt: 'Featured alt',
		},
		images: [
			{
				url: `${ imageBase }/media/inline-${ contentId }.png`,
				alt: 'Inline alt',
			},
		],
		meta_description: 'E2E meta description',
		...extra,
	};
}

function publish( payload: unknown ) {
	return callBridge< PostAnswer >( site.url, KEY, 'POST', '/igny8/v1/posts', {
		body: payload,
	} );
}

async function stateOf( contentId: number ) {
	return JSON.parse(
		await site.php( `
global $wpdb;
$ids = array_map( 'intval', $wpdb->get_col( $wpdb->prepare( "SELECT post_id FROM {$wpdb->postmeta} WHERE meta_key = '_igny8_content_id' AND meta_value = %s", '${ contentId }' ) ) );
$post = $ids ? get_post( $ids[0] ) : null;
$thumb = $post ? (int) get_post_thumbnail_id( $post ) : 0;
echo json_encode( array(
	'ids'         => $ids,
	'title'       => $post ? $post->post_title : null,
	'content'     => $post ? $post->post_content : null,
	'status'      => $post ? $post->post_status : null,
	'categories'  => $post ? wp_get_post_terms( $post->ID, 'category', array( 'fields' => 'names' ) ) : array(),
	'tags'        => $post ? wp_get_post_terms( $post->ID, 'post_tag', array( 'fields' => 'names' ) ) : array(),
	'meta'        => $post ? array_map( function ( $v ) { return $v[0]; }, array_filter( get_post_meta( $post->ID ), function ( $k ) { return 0 === strpos( $k, '_igny8_' ); }, ARRAY_FILTER_USE_KEY ) ) : array(),
	'thumb'       => $thumb,
	'thumb_mime'  => $thumb ? get_post_mime_type( $thumb ) : null,
	'thumb_file'  => $thumb ? file_exists( get_attached_file( $thumb ) ) : false,
	'thumb_alt'   => $thumb ? get_post_meta( $thumb, '_wp_attachment_image_alt', true ) : null,
	'attachments' => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = 'attachment'" ),
	'posts'       => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = 'post'" ),
) );` )
	) as {
		ids: number[];
		title: string | null;
		content: string | null;
		status: string | null;
		categories: string[];
		tags: string[];
		meta: Record< string, string >;
		thumb: number;
		thumb_mime: string | null;
		thumb_file: boolean;
		thumb_alt: string | null;
		attachments: number;
		posts: number;
	};
}

describe( 'POST igny8/v1/posts', () => {
	it( 'creates one post with title, HTML, terms, featured and inline images in the media library, and meta', async () => {
		const created = await publish( body( 11 ) );
		expect( created.status ).toBe( 201 );
		expect( created.body.success ).toBe( true );
		const state = await stateOf( 11 );
		expect( state.ids ).toEqual( [ created.body.data.post_id ] );
		expect( state.title ).toBe( 'E2E post 11' );
		expect( state.status ).toBe( 'publish' );
		expect( state.content ).toContain( '<p>Intro</p>' );
		// The inline image now points at the site's own copy.
		expect( state.content ).toContain(
			`${ site.url }/wp-content/uploads/`
		);
		expect( state.content ).not.toContain( imageBase );
		expect( state.categories ).toEqual( [ 'E2E Category' ] );
		expect( [ ...state.tags ].sort() ).toEqual( [ 'bridge', 'e2e-tag' ] );
		expect( state.thumb ).toBe( created.body.data.featured_media_id );
		expect( state.thumb_mime ).toBe( 'image/png' );
		expect( state.thumb_file ).toBe( true );
		expect( state.thumb_alt ).toBe( 'Featured alt' );
		expect( state.attachments ).toBe( 2 );
		expect( state.meta ).toMatchObject( {
			_igny8_content_id: '11',
			_igny8_task_id: '111',
			_igny8_revision: '1',
			_igny8_managed: '1',
			_igny8_wordpress_status: 'publish',
			_igny8_meta_description: 'E2E meta description',
		} );
		expect( imageHits ).toEqual( [
			'/media/inline-11.png',
			'/media/featured-11.png',
		] );
		// The public page serves it.
		const page = await fetch( created.body.data.url );
		expect( page.status ).toBe( 200 );
		expect( await page.text() ).toContain( 'E2E post 11' );
	} );

	it( 'publishing 5 more times, two of them concurrently, leaves exactly one post and reuses the images', async () => {
		const first = await stateOf( 11 );
		const hitsBefore = imageHits.length;
		const answers = [];
		answers.push( await publish( body( 11, { revision: 2 } ) ) );
		answers.push( await publish( body( 11, { revision: 3 } ) ) );
		answers.push(
			...( await Promise.all( [
				publish( body( 11, { revision: 4 } ) ),
				publish( body( 11, { revision: 4 } ) ),
			] ) )
		);
		answers.push(
			await publish( body( 11, { revision: 5, title: 'Final' } ) )
		);
		for ( const answer of answers ) {
			expect( answer.status ).toBe( 200 );
			expect( answer.body.data.post_id ).toBe( first.ids[ 0 ] );
		}
		const after = await stateOf( 11 );
		expect( after.ids ).toEqual( first.ids );
		expect( after.title ).toBe( 'Final' );
		expect( after.posts ).toBe( first.posts );
		expect( after.attachments ).toBe( first.attachments );
		expect( imageHits.length ).toBe( hitsBefore );
	} );

	it( 'two concurrent first publications of new content make one post', async () => {
		const payload = body( 12, { featured_image: null, images: [] } );
		const answers = await Promise.all( [
			publish( payload ),
			publish( payload ),
			publish( payload ),
		] );
		const statuses = answers.map( ( answer ) => answer.status ).sort();
		expect( statuses ).toEqual( [ 200, 200, 201 ] );
		expect(
			new Set( answers.map( ( answer ) => answer.body.data.post_id ) )
				.size
		).toBe( 1 );
		expect( ( await stateOf( 12 ) ).ids ).toHaveLength( 1 );
	} );

	it( 'answers 409 when the post was edited in WordPress and expected_hash differs', async () => {
		const created = await publish(
			body( 13, { featured_image: null, images: [] } )
		);
		expect( created.status ).toBe( 201 );
		await site.php(
			`wp_update_post( array( 'ID' => ${ created.body.data.post_id }, 'post_content' => '<p>Edited by a human</p>' ) );`
		);
		const conflict = await callBridge< {
			code: string;
			data: { post_id: number; content_hash: string };
		} >(
			site.url,
			KEY,
			'PUT',
			`/igny8/v1/posts/${ created.body.data.post_id }`,
			{
				body: body( 13, {
					revision: 2,
					title: 'Cloud rewrite',
					featured_image: null,
					images: [],
					expected_hash: created.body.data.content_hash,
				} ),
			}
		);
		expect( conflict.status ).toBe( 409 );
		expect( conflict.body.code ).toBe( 'igny8_conflict' );
		expect( conflict.body.data.post_id ).toBe( created.body.data.post_id );
		expect( conflict.body.data.content_hash ).not.toBe(
			created.body.data.content_hash
		);
		const state = await stateOf( 13 );
		expect( state.content ).toBe( '<p>Edited by a human</p>' );
		expect( state.title ).toBe( 'E2E post 13' );
	} );
} );

describe( 'authentication', () => {
	const ROUTES: Array< [ string, string ] > = [
		[ 'GET', '/igny8/v1/site-metadata' ],
		[ 'GET', '/igny8/v1/posts' ],
		[ 'GET', '/igny8/v1/post-by-task-id/111' ],
		[ 'GET', '/igny8/v1/post-by-content-id/11' ],
		[ 'POST', '/igny8/v1/posts' ],
		[ 'PUT', '/igny8/v1/posts/1' ],
	];

	it( 'a correctly signed GET with query parameters succeeds', async () => {
		const answer = await callBridge< {
			data: { items: Array< { igny8_content_id: number | null } > };
		} >( site.url, KEY, 'GET', '/igny8/v1/posts', {
			query: { post_type: 'post', per_page: '50' },
		} );
		expect( answer.status ).toBe( 200 );
		expect(
			answer.body.data.items.map( ( item ) => item.igny8_content_id )
		).toEqual( expect.arrayContaining( [ 11, 12, 13 ] ) );
	} );

	it( 'a tampered body, a wrong key, a stale timestamp and a replayed request get 401 and change nothing', async () => {
		const payload = body( 11, {
			revision: 99,
			title: 'Hacked',
			featured_image: null,
			images: [],
		} );
		const before = await stateOf( 11 );
		const faulty = await Promise.all( [
			callBridge( site.url, KEY, 'POST', '/igny8/v1/posts', {
				body: payload,
				override: {
					rawBody: JSON.stringify( {
						...payload,
						title: 'Tampered',
					} ),
				},
			} ),
			callBridge( site.url, KEY, 'POST', '/igny8/v1/posts', {
				body: payload,
				override: { key: 'ig8_wrong_0123456789abcdefghijklmnopqrs' },
			} ),
			callBridge( site.url, KEY, 'POST', '/igny8/v1/posts', {
				body: payload,
				override: {
					timestamp: String( Math.floor( Date.now() / 1000 ) - 400 ),
				},
			} ),
			// Another key id, and the key itself in plain: the key never travels after pairing.
			callBridge( site.url, KEY, 'POST', '/igny8/v1/posts', {
				body: payload,
				override: { keyId: '2' },
			} ),
			callBridge( site.url, KEY, 'POST', '/igny8/v1/posts', {
				body: payload,
				override: { plainKey: KEY },
			} ),
		] );
		for ( const answer of faulty ) {
			expect( answer.status ).toBe( 401 );
			expect( ( answer.body as { code: string } ).code ).toBe(
				'igny8_unauthorized'
			);
		}
		expect( await stateOf( 11 ) ).toEqual( before );

		// A genuine request goes through once; the same bytes again are refused.
		const once = {
			body: body( 11, {
				revision: 6,
				title: 'Genuine',
				featured_image: null,
				images: [],
			} ),
			override: {
				requestId: '7a1c1f0e-0000-4000-8000-000000000001',
				timestamp: String( Math.floor( Date.now() / 1000 ) ),
			},
		};
		const genuine = await callBridge(
			site.url,
			KEY,
			'POST',
			'/igny8/v1/posts',
			once
		);
		expect( genuine.status ).toBe( 200 );
		await site.php(
			`wp_update_post( array( 'ID' => ${ before.ids[ 0 ] }, 'post_title' => 'Set in WordPress' ) );`
		);
		const replayed = await callBridge(
			site.url,
			KEY,
			'POST',
			'/igny8/v1/posts',
			once
		);
		expect( replayed.status ).toBe( 401 );
		expect( ( await stateOf( 11 ) ).title ).toBe( 'Set in WordPress' );
	} );

	it( 'every route refuses logged-out visitors, subscribers and editors without the key', async () => {
		const before = await stateOf( 11 );
		const payload = body( 11, { revision: 100, title: 'Nope' } );
		for ( const [ method, route ] of ROUTES ) {
			const json = method === 'GET' ? undefined : payload;
			const anonymous = await fetch( `${ site.url }/wp-json${ route }`, {
				method,
				headers: json ? { 'Content-Type': 'application/json' } : {},
				body: json ? JSON.stringify( json ) : undefined,
			} );
			expect( anonymous.status ).toBe( 401 );
			for ( const client of [ asSubscriber, asEditor ] ) {
				const answer = await client.request( method, route, json );
				expect( [ 401, 403 ] ).toContain( answer.status );
				expect( ( answer.body as { code: string } ).code ).toBe(
					'igny8_unauthorized'
				);
			}
		}
		expect( await stateOf( 11 ) ).toEqual( before );
	} );
} );

describe( 'outbox on demand', () => {
	it( 'a WordPress edit queues an event; draining with the cloud down keeps it with backoff', async () => {
		const out = JSON.parse(
			await site.php( `
global $wpdb;
$table = $wpdb->prefix . 'igny8_outbox';
$wpdb->query( "DELETE FROM {$table}" );
update_option( 'igny8_cloud_url', 'http://127.0.0.1:9' );
$id = wp_insert_post( array( 'post_title' => 'Queued', 'post_status' => 'publish' ) );
do_action( 'igny8_drain_outbox' );
echo json_encode( $wpdb->get_results( $wpdb->prepare( "SELECT event_type, status, attempts, next_attempt_at > %s AS later, last_error FROM {$table}", gmdate( 'Y-m-d H:i:s' ) ), ARRAY_A ) );
update_option( 'igny8_cloud_url', ${ JSON.stringify( imageBase ) } );` )
		) as Array< Record< string, string > >;
		// The site never ran "Test connection", so the cloud also gets its structure.
		expect( out.map( ( row ) => row.event_type ).sort() ).toEqual( [
			'post.saved',
			'structure.changed',
		] );
		const saved = out.find( ( row ) => row.event_type === 'post.saved' );
		expect( saved ).toMatchObject( {
			event_type: 'post.saved',
			status: 'pending',
			attempts: '1',
			later: '1',
		} );
		expect( saved!.last_error ).toMatch(
			/^Could not reach the IGNY8 cloud/
		);
	} );
} );

describe( 'IGNY8 → Settings (REST)', () => {
	it( 'shows the key by its last characters only, and "Send now" needs the REST nonce and manage_options', async () => {
		const admin = await site.login( site.admin );
		const settings = await admin.get< {
			connection: { key_set: boolean; key_last4: string | null };
		} >( 'igny8/v1/settings' );
		expect( settings.status ).toBe( 200 );
		expect( settings.body.connection ).toMatchObject( {
			key_set: true,
			key_last4: KEY.slice( -4 ),
		} );
		expect( JSON.stringify( settings.body ) ).not.toContain( KEY );
		// The login cookie with a forged nonce: WordPress refuses before the route runs.
		const forged = () =>
			fetch( `${ site.url }/wp-json/igny8/v1/outbox/send`, {
				method: 'POST',
				headers: {
					Cookie: admin
						.cookies()
						.map( ( c ) => `${ c.name }=${ c.value }` )
						.join( '; ' ),
					'X-WP-Nonce': 'bad0nce000',
				},
			} );

		const attempts = async () =>
			Number(
				await site.php(
					`global $wpdb; echo (int) $wpdb->get_var( "SELECT COALESCE( SUM( attempts ), 0 ) FROM {$wpdb->prefix}igny8_outbox" );`
				)
			);
		await site.php(
			`global $wpdb; $wpdb->query( "UPDATE {$wpdb->prefix}igny8_outbox SET next_attempt_at = '2000-01-01 00:00:00'" ); update_option( 'igny8_cloud_url', 'http://127.0.0.1:9' );`
		);
		try {
			const before = await attempts();
			expect( ( await forged() ).status ).toBe( 403 );
			expect(
				( await asEditor.post( 'igny8/v1/outbox/send' ) ).status
			).toBe( 403 );
			expect( await attempts() ).toBe( before );

			const sent = await admin.post< { result: string } >(
				'igny8/v1/outbox/send'
			);
			expect( sent.status ).toBe( 200 );
			expect( sent.body.result ).toBe( 'failed' );
			expect( await attempts() ).toBeGreaterThan( before );
		} finally {
			await site.php(
				`update_option( 'igny8_cloud_url', ${ JSON.stringify( imageBase ) } );`
			);
		}
	} );
} );

describe( 'the whole run', () => {
	it( 'logged no PHP notice, warning, deprecation or error', () => {
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );
