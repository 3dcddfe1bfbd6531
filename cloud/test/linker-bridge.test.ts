import { createHash } from 'node:crypto';
import { startWordPress, type WordPressSite } from '@igny8/test-harness';
import type { BridgeLinksApply } from '@igny8/shared-types';
import {
	WpLinkRefusedError,
	WpLinksConflictError,
	WpNotManagedError,
} from '../src/modules/integration';
import { addTenant, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';
import {
	connectSite,
	freePort,
	listen,
	phpJson,
	type ListeningCloud,
} from './wordpress-bridge';

/**
 * The Linker's way into a published post, against a real WordPress with
 * IGNY8 Bridge: the cloud signs `posts/{id}/links(/remove)`, the plugin checks
 * the post was not edited since and wraps the text in links, and nothing
 * else of the post changes.
 */
describe( 'linker bridge', () => {
	let cloud: TestCloud;
	let served: ListeningCloud;
	let site: WordPressSite;
	let tenant: Tenant;

	/** Non-ASCII text (é: 2 bytes, 🍅: 4) before the anchors, and markup WordPress's save filters would rewrite. */
	const TITLE = 'Garden notes';
	const CONTENT =
		'<p onclick="x()">Grow tomatoes in café soil 🍅 &amp; basil.</p>\n' +
		'<iframe src="https://video.example/embed"></iframe>\n' +
		'<p>Fish & chips, <a href="https://elsewhere.example/">their link</a>, then compost tea.</p>';
	const hashOf = ( content: string, title = TITLE ) =>
		createHash( 'sha256' )
			.update( `${ title }\n${ content }` )
			.digest( 'hex' );

	/** A link on the first occurrence of `anchor`, at UTF-8 byte offsets as the plugin counts them. */
	const link = ( id: string, anchor: string, href: string ) => {
		const at = CONTENT.indexOf( anchor );
		const start = Buffer.byteLength( CONTENT.slice( 0, at ) );
		return {
			id,
			href,
			anchor,
			start,
			end: start + Buffer.byteLength( anchor ),
		};
	};
	const LINKS: BridgeLinksApply[ 'links' ] = [
		link( 'l-tomato', 'tomatoes', 'https://site.example/tomatoes/' ),
		link( 'l-cafe', 'café soil 🍅', 'https://site.example/?p=7&lang=fr' ),
		link( 'l-tea', 'compost tea', 'https://site.example/compost-tea/' ),
	];
	const LINKED =
		'<p onclick="x()">Grow <a href="https://site.example/tomatoes/" data-igny8-link="l-tomato">tomatoes</a> in ' +
		'<a href="https://site.example/?p=7&#038;lang=fr" data-igny8-link="l-cafe">café soil 🍅</a> &amp; basil.</p>\n' +
		'<iframe src="https://video.example/embed"></iframe>\n' +
		'<p>Fish & chips, <a href="https://elsewhere.example/">their link</a>, then ' +
		'<a href="https://site.example/compost-tea/" data-igny8-link="l-tea">compost tea</a>.</p>';

	beforeAll( async () => {
		const port = await freePort();
		let wpPort = await freePort();
		while ( wpPort === port ) {
			wpPort = await freePort();
		}
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ IGNY8_OUTBOUND_ALLOW: `127.0.0.1:${ wpPort }` }
		);
		[ served, site ] = await Promise.all( [
			listen( cloud, port ),
			startWordPress( { port: wpPort } ),
		] );
		tenant = await addTenant( cloud, 'Linker Co' );
		await connectSite( site, served.url, tenant );
	}, 120_000 );
	afterAll( async () => {
		await site?.stop();
		await served?.close();
		await cloud?.stop();
	} );

	const integrations = () => cloud.context.services.integrations;

	/**
	 * A published post holding exactly CONTENT (stored past the save
	 * filters, as an editor with unfiltered HTML would have it), managed by
	 * IGNY8 unless `managed` is false.
	 */
	async function addPost( managed = true ): Promise< number > {
		const { id } = await phpJson< { id: number } >(
			site,
			`
global $wpdb;
$id = wp_insert_post( array( 'post_title' => ${ JSON.stringify( TITLE ) }, 'post_content' => 'x', 'post_status' => 'publish' ) );
$wpdb->update( $wpdb->posts, array( 'post_content' => ${ phpString( CONTENT ) } ), array( 'ID' => $id ) );
clean_post_cache( $id );
${ managed ? "update_post_meta( $id, '_igny8_content_id', 8800 + $id );" : '' }
echo wp_json_encode( array( 'id' => $id ) );`
		);
		return id;
	}

	async function stored(
		id: number
	): Promise< { title: string; content: string; links: string } > {
		return phpJson(
			site,
			`
clean_post_cache( ${ id } );
$p = get_post( ${ id } );
echo wp_json_encode( array( 'title' => $p->post_title, 'content' => $p->post_content, 'links' => (string) get_post_meta( ${ id }, '_igny8_links', true ) ) );`
		);
	}

	it( 'applies links leaving every other byte as it was, twice is once, and removes them one by one and all at once', async () => {
		const id = await addPost();
		expect( ( await stored( id ) ).content ).toBe( CONTENT );
		const body = { expected_hash: hashOf( CONTENT ), links: LINKS };

		const item = await integrations().applyLinks( tenant.siteId, id, body );
		expect( item.content_html ).toBe( LINKED );
		expect( item.content_hash ).toBe( hashOf( LINKED ) );
		expect( ( await stored( id ) ).content ).toBe( LINKED );
		expect(
			Object.keys( JSON.parse( ( await stored( id ) ).links ) )
		).toEqual( [ 'l-tomato', 'l-cafe', 'l-tea' ] );
		// The cloud's copy of the site's post follows what the site answered.
		const copy = await cloud.context.models.SitePost.findOne( {
			where: { site_id: tenant.siteId, wp_post_id: id },
		} );
		expect( copy?.content_hash ).toBe( hashOf( LINKED ) );

		// The same request again (as after a lost answer): nothing changes.
		const again = await integrations().applyLinks(
			tenant.siteId,
			id,
			body
		);
		expect( again.content_html ).toBe( LINKED );
		expect( again.modified_gmt ).toBe( item.modified_gmt );

		const one = await integrations().removeLinks( tenant.siteId, id, {
			ids: [ 'l-cafe' ],
		} );
		expect( one.content_html ).toBe(
			LINKED.replace(
				'<a href="https://site.example/?p=7&#038;lang=fr" data-igny8-link="l-cafe">café soil 🍅</a>',
				'café soil 🍅'
			)
		);
		const all = await integrations().removeLinks( tenant.siteId, id );
		expect( all.content_html ).toBe( CONTENT );
		expect( await stored( id ) ).toEqual( {
			title: TITLE,
			content: CONTENT,
			links: '',
		} );
	}, 60_000 );

	it( 'answers a post edited in WordPress since with a conflict carrying the post as it is, and changes nothing', async () => {
		const id = await addPost();
		// An editor with unfiltered HTML (so the save keeps the markup) retitles the post.
		await site.php(
			`kses_remove_filters(); wp_update_post( array( 'ID' => ${ id }, 'post_title' => 'Edited in WordPress' ) );`
		);
		const before = await stored( id );
		expect( before ).toMatchObject( {
			title: 'Edited in WordPress',
			content: CONTENT,
		} );

		const refused = await integrations()
			.applyLinks( tenant.siteId, id, {
				expected_hash: hashOf( CONTENT ),
				links: LINKS,
			} )
			.catch( ( error: unknown ) => error );
		expect( refused ).toBeInstanceOf( WpLinksConflictError );
		const current = ( refused as WpLinksConflictError ).current;
		expect( current.wp_post_id ).toBe( id );
		expect( current.title ).toBe( 'Edited in WordPress' );
		expect( current.content_hash ).toBe(
			hashOf( before.content, 'Edited in WordPress' )
		);
		expect( await stored( id ) ).toEqual( before );
		expect( before.content ).not.toContain( 'data-igny8-link' );

		// With the hash of the post as it is now, the same links go in.
		const item = await integrations().applyLinks( tenant.siteId, id, {
			expected_hash: current.content_hash,
			links: LINKS,
		} );
		expect( item.content_html ).toContain( 'data-igny8-link="l-tea"' );
	}, 60_000 );

	it( 'names the link whose text is not where it says, links a published post of the owner, and refuses their draft', async () => {
		const id = await addPost();
		const shifted = { ...LINKS[ 1 ]!, start: LINKS[ 1 ]!.start + 1 };
		const refused = await integrations()
			.applyLinks( tenant.siteId, id, {
				expected_hash: hashOf( CONTENT ),
				links: [ LINKS[ 0 ]!, shifted ],
			} )
			.catch( ( error: unknown ) => error );
		expect( refused ).toBeInstanceOf( WpLinkRefusedError );
		expect( refused ).toMatchObject( {
			linkId: 'l-cafe',
			code: 'igny8_anchor_mismatch',
			status: 422,
		} );
		expect( ( await stored( id ) ).content ).toBe( CONTENT );

		// The owner's published post takes links; their draft does not.
		const theirs = await addPost( false );
		const linked = await integrations().applyLinks( tenant.siteId, theirs, {
			expected_hash: hashOf( CONTENT ),
			links: LINKS,
		} );
		expect( linked.content_html ).toContain( 'data-igny8-link="l-cafe"' );
		const draft = await addPost( false );
		await phpJson(
			site,
			`update_option( 'igny8_export_statuses', array( 'publish', 'draft' ), false );
global $wpdb;
$wpdb->update( $wpdb->posts, array( 'post_status' => 'draft' ), array( 'ID' => ${ draft } ) );
clean_post_cache( ${ draft } );
echo wp_json_encode( array( 'ok' => true ) );`
		);
		await expect(
			integrations().applyLinks( tenant.siteId, draft, {
				expected_hash: hashOf( CONTENT ),
				links: LINKS,
			} )
		).rejects.toBeInstanceOf( WpNotManagedError );
		expect( ( await stored( draft ) ).content ).toBe( CONTENT );
	}, 60_000 );
} );

/** A PHP single-quoted string literal. */
function phpString( value: string ): string {
	return `'${ value.replace( /\\/g, '\\\\' ).replace( /'/g, "\\'" ) }'`;
}
