/**
 * The WordPress bridge across both systems: a real cloud (PostgreSQL, Redis
 * with bee-queue workers, served on a real port) and a real WordPress on
 * native PHP with MariaDB and IGNY8 Bridge. The cloud runs in this process so
 * the test can stop and restart its HTTP listener on the same port.
 */
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import type { Browser } from 'playwright-core';
import {
	freePort,
	launchBrowser,
	loginToWpAdmin,
	outboundAllow,
	startWordPress,
	type WordPressSite,
} from '@igny8/test-harness';
import { addTenant, bearer, type Tenant } from '../../cloud/test/fixtures';
import { signedCall } from '../../cloud/test/site-signing';
import {
	startTestCloud,
	waitFor,
	type TestCloud,
} from '../../cloud/test/support';
import {
	addPublishableContent,
	connectSite,
	listen,
	phpJson,
	postsForContent,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';

let cloud: TestCloud;
let served: ListeningCloud;
let port: number;
let site: WordPressSite;
let tenant: Tenant;

beforeAll( async () => {
	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'bee' },
		{
			DATABASE_POOL_MAX: '5',
			// The cloud may call back this WordPress (and only it) on loopback.
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud ),
		startWordPress( { port: wpPort } ),
	] );
	port = Number( new URL( served.url ).port );
	tenant = await addTenant( cloud, 'Bridge E2E' );
	await connectSite( site, served.url, tenant );
} );

afterAll( async () => {
	await site?.stop();
	await served?.close();
	await cloud?.stop();
} );

const auth = () => bearer( tenant.owner );

const newContent = ( title: string ) =>
	addPublishableContent( cloud, served, tenant, title, {
		body: `All about ${ title }.`,
		meta: `Read about ${ title }`,
		category: [ 'Guides' ],
		tags: [ 'e2e', 'bridge' ],
		cover: ( id ) => ( {
			file: `cover-${ id }.png`,
			alt: `${ title } cover`,
		} ),
	} );

const publish = ( contentId: number, extra: object = {} ) =>
	request( cloud.app )
		.post( '/api/v1/publisher/publish/' )
		.set( auth() )
		.send( { content_ids: [ contentId ], ...extra } )
		.expect( 202 );

async function settled( contentId: number ) {
	return waitFor( async () => {
		const row = await cloud.context.models.PublishingRecord.findOne( {
			where: { content_id: contentId },
		} );
		return row && ! [ 'queued', 'publishing' ].includes( row.status )
			? row
			: undefined;
	}, 60_000 );
}

/** What the cloud says about a task and its content now. */
async function cloudState( ids: { taskId: number; contentId: number } ) {
	const { models } = cloud.context;
	const task = await models.Task.findByPk( ids.taskId );
	const content = await models.Content.findByPk( ids.contentId );
	return {
		task: task!.status,
		assigned_post_id: task!.assigned_post_id,
		sync_status: content!.sync_status,
		external_id: content!.external_id,
	};
}

/** Runs the plugin's drainer until nothing is due (one run sends a bounded number of batches). */
async function drain(): Promise< { sent: number; error: string | null } > {
	let sent = 0;
	for ( let run = 0; run < 20; run++ ) {
		const result = await phpJson< {
			sent: number;
			error: string | null;
		} >( site, 'echo wp_json_encode( igny8_bridge_drain_outbox() );' );
		sent += result.sent;
		if ( result.error || result.sent === 0 ) {
			return { sent, error: result.error };
		}
	}
	return { sent, error: null };
}

const pendingEvents = () =>
	phpJson< string[] >(
		site,
		`global $wpdb; echo wp_json_encode( $wpdb->get_col( "SELECT event_id FROM {$wpdb->prefix}igny8_outbox WHERE status = 'pending' ORDER BY id" ) );`
	);

const appliedCount = async () =>
	(
		( await cloud.context.db.sequelize.query(
			'SELECT COUNT(*)::int AS n FROM integration_events WHERE site_id = :site',
			{ replacements: { site: tenant.siteId }, plain: true }
		) ) as { n: number }
	 ).n;

describe( 'cloud → WordPress publishing', () => {
	it( 'creates exactly one post with title, HTML, terms, featured image and meta, however often and concurrently it is published', async () => {
		const ids = await newContent( 'Hiking boots' );
		await publish( ids.contentId );
		const first = await settled( ids.contentId );
		expect( first.status ).toBe( 'published' );

		const [ post ] = await postsForContent( site, ids.contentId );
		expect( post ).toMatchObject( {
			ID: first.post_id,
			post_title: 'Hiking boots',
			post_status: 'publish',
			categories: [ 'Guides' ],
			thumbnail_alt: 'Hiking boots cover',
			thumbnail_in_library: true,
			meta: expect.objectContaining( {
				_igny8_task_id: String( ids.taskId ),
				_igny8_content_id: String( ids.contentId ),
				_igny8_managed: '1',
				_igny8_meta_description: 'Read about Hiking boots',
			} ),
		} );
		expect( [ ...post!.tags ].sort() ).toEqual( [ 'bridge', 'e2e' ] );
		expect( post!.post_content ).toContain(
			'<p>All about Hiking boots.</p>'
		);

		// Five more: three through the queue one after another, then two
		// signed pushes racing straight at the plugin (the cloud's per-site
		// queue would otherwise serialise them before WordPress saw a race).
		for ( let i = 0; i < 3; i++ ) {
			await publish( ids.contentId );
			expect( ( await settled( ids.contentId ) ).status ).toBe(
				'published'
			);
		}
		const integration = await cloud.context.models.SiteIntegration.findOne(
			{ where: { site_id: tenant.siteId } }
		);
		const client = cloud.context.services.integrations.clientFor(
			integration!
		);
		const content = await cloud.context.models.Content.findByPk(
			ids.contentId
		);
		const push = () =>
			client.upsertPost( {
				content_id: ids.contentId,
				revision: content!.revision,
				task_id: ids.taskId,
				title: 'Hiking boots',
				content_html: content!.content_html,
				excerpt: '',
				status: 'publish',
				categories: [ 'Guides' ],
				tags: [ 'e2e', 'bridge' ],
				images: [],
				meta_description: 'Read about Hiking boots',
				expected_hash: null,
				force: true,
			} );
		const raced = await Promise.all( [ push(), push() ] );
		expect( raced.map( ( r ) => r.post_id ) ).toEqual( [
			first.post_id,
			first.post_id,
		] );

		const posts = await postsForContent( site, ids.contentId );
		expect( posts.map( ( p ) => p.ID ) ).toEqual( [ first.post_id ] );
	} );
} );

describe( 'WordPress → cloud status sync through the outbox', () => {
	it( 'carries editing, publishing, trashing and deleting the post to the task and content', async () => {
		const ids = await newContent( 'Tent guide' );
		await publish( ids.contentId );
		const postId = ( await settled( ids.contentId ) ).post_id!;
		await drain();

		await site.php(
			`wp_update_post( array( 'ID' => ${ postId }, 'post_status' => 'draft', 'post_content' => '<p>Edited in WordPress</p>' ) );`
		);
		expect( ( await drain() ).error ).toBeNull();
		expect( await cloudState( ids ) ).toEqual( {
			task: 'completed',
			assigned_post_id: postId,
			sync_status: 'draft',
			external_id: String( postId ),
		} );
		const stored = await cloud.context.models.SitePost.findOne( {
			where: { site_id: tenant.siteId, wp_post_id: postId },
		} );
		expect( stored!.status ).toBe( 'draft' );

		await site.php( `wp_publish_post( ${ postId } );` );
		await drain();
		expect( await cloudState( ids ) ).toMatchObject( {
			task: 'published',
			sync_status: 'published',
		} );

		await site.php( `wp_trash_post( ${ postId } );` );
		await drain();
		expect( await cloudState( ids ) ).toMatchObject( {
			task: 'completed',
			sync_status: 'trashed',
		} );

		await site.php( `wp_delete_post( ${ postId }, true );` );
		await drain();
		expect( await cloudState( ids ) ).toEqual( {
			task: 'completed',
			assigned_post_id: null,
			sync_status: 'deleted',
			external_id: null,
		} );
		expect( await pendingEvents() ).toEqual( [] );
	} );

	it( 'queues 200 edits while the cloud is down and applies each exactly once when it returns', async () => {
		const postId = await phpJson< number >(
			site,
			`echo (int) wp_insert_post( array( 'post_title' => 'Offline edits', 'post_status' => 'publish' ) );`
		);
		await drain();
		const before = await appliedCount();

		await served.close();
		await site.php( `
for ( $i = 1; $i <= 200; $i++ ) {
	wp_update_post( array( 'ID' => ${ postId }, 'post_title' => "Offline edit $i" ) );
}` );
		const offline = await drain();
		expect( offline.sent ).toBe( 0 );
		expect( offline.error ).toMatch( /Could not reach the IGNY8 cloud/ );
		const queued = await pendingEvents();
		expect( queued.length ).toBeGreaterThanOrEqual( 200 );
		expect( new Set( queued ).size ).toBe( queued.length );
		expect( await appliedCount() ).toBe( before );

		served = await listen( cloud, port );
		// The failed batch waits out its backoff (30 s): let that time pass.
		await site.php(
			`global $wpdb; $wpdb->query( "UPDATE {$wpdb->prefix}igny8_outbox SET next_attempt_at = UTC_TIMESTAMP() WHERE status = 'pending'" );`
		);
		const back = await drain();
		expect( back ).toEqual( { sent: queued.length, error: null } );
		expect( await pendingEvents() ).toEqual( [] );

		const applied = await cloud.context.db.sequelize.query< {
			event_id: string;
		} >(
			'SELECT event_id::text AS event_id FROM integration_events WHERE site_id = :site AND event_id IN (:ids)',
			{
				replacements: { site: tenant.siteId, ids: queued },
				type: QueryTypes.SELECT,
			}
		);
		expect( applied.map( ( r ) => r.event_id ).sort() ).toEqual(
			[ ...queued ].sort()
		);
		expect( ( await appliedCount() ) - before ).toBe( queued.length );
		const row = await cloud.context.models.SitePost.findOne( {
			where: { site_id: tenant.siteId, wp_post_id: postId },
		} );
		expect( row!.title ).toBe( 'Offline edit 200' );

		// A replay (the plugin lost our answer) is a duplicate, not a second application.
		// The site has paired: it signs, the key is not sent.
		const replay = await signedCall(
			cloud.app,
			tenant,
			'post',
			'/api/v1/integration/events/',
			{
				events: [
					{
						id: queued[ 0 ],
						type: 'post.saved',
						occurred_at: new Date().toISOString(),
						post: {
							wp_post_id: postId,
							status: 'publish',
							title: 'Replayed',
						},
					},
				],
			}
		).expect( 200 );
		expect( replay.body.data.duplicates ).toEqual( [ queued[ 0 ] ] );
		await row!.reload();
		expect( row!.title ).toBe( 'Offline edit 200' );
		expect( ( await appliedCount() ) - before ).toBe( queued.length );
	} );
} );

describe( 'site terms', () => {
	it( 'categories and tags the publisher creates reach the cloud as the site’s terms', async () => {
		const ids = await newContent( 'Camp stoves' );
		await publish( ids.contentId );
		expect( ( await settled( ids.contentId ) ).status ).toBe( 'published' );
		expect( ( await drain() ).error ).toBeNull();
		const terms = await cloud.context.db.sequelize.query< {
			taxonomy: string;
			name: string;
			term_id: number;
		} >(
			`SELECT taxonomy, name, term_id::int AS term_id FROM site_terms
			 WHERE site_id = :site AND deleted_at IS NULL ORDER BY taxonomy, name`,
			{ replacements: { site: tenant.siteId }, type: QueryTypes.SELECT }
		);
		const wpIds = await phpJson< Record< string, number > >(
			site,
			`echo wp_json_encode( array( 'Guides' => (int) get_term_by( 'name', 'Guides', 'category' )->term_id, 'bridge' => (int) get_term_by( 'name', 'bridge', 'post_tag' )->term_id, 'e2e' => (int) get_term_by( 'name', 'e2e', 'post_tag' )->term_id ) );`
		);
		expect( terms ).toEqual( [
			{ taxonomy: 'category', name: 'Guides', term_id: wpIds.Guides },
			{ taxonomy: 'post_tag', name: 'bridge', term_id: wpIds.bridge },
			{ taxonomy: 'post_tag', name: 'e2e', term_id: wpIds.e2e },
		] );
	} );
} );

describe( 'the meta box’s "Resync now"', () => {
	let browser: Browser | undefined;
	afterAll( async () => {
		await browser?.close();
	} );

	it( 'clicked by an editor in the block editor, sends the post to the cloud at once', async () => {
		const ids = await newContent( 'Trekking poles' );
		await publish( ids.contentId );
		const postId = ( await settled( ids.contentId ) ).post_id!;
		expect( ( await drain() ).error ).toBeNull();
		// The cloud's copy goes stale (as after a lost event); only a resync can repair it.
		await cloud.context.models.SitePost.update(
			{ title: 'Stale copy', last_event_at: null },
			{ where: { site_id: tenant.siteId, wp_post_id: postId } }
		);
		const before = await appliedCount();

		const editor = await site.createUser( { role: 'editor' } );
		// No welcome guide over the editor.
		await site.php(
			`$u = get_user_by( 'login', ${ JSON.stringify(
				editor.login
			) } ); global $wpdb; update_user_meta( $u->ID, $wpdb->get_blog_prefix() . 'persisted_preferences', array( 'core/edit-post' => array( 'welcomeGuide' => false ), 'core' => array( 'editorMode' => 'visual' ), '_modified' => gmdate( 'c' ) ) );`
		);
		browser = await launchBrowser();
		const { context, page } = await loginToWpAdmin(
			browser,
			site.url,
			editor
		);
		try {
			await page.goto(
				`/wp-admin/post.php?post=${ postId }&action=edit`
			);
			const resync = page.locator( 'a.igny8-resync' );
			await resync.waitFor( { state: 'visible', timeout: 60_000 } );
			await Promise.all( [
				page.waitForURL( /igny8_resynced=1/, { timeout: 60_000 } ),
				resync.click(),
			] );
		} finally {
			await context.close();
		}

		expect( await pendingEvents() ).toEqual( [] );
		expect( ( await appliedCount() ) - before ).toBe( 1 );
		const stored = await cloud.context.models.SitePost.findOne( {
			where: { site_id: tenant.siteId, wp_post_id: postId },
		} );
		expect( stored!.title ).toBe( 'Trekking poles' );
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );

describe( 'conflicts', () => {
	it( 'reports a WordPress edit followed by a cloud update as a conflict and overwrites nothing', async () => {
		const ids = await newContent( 'Sleeping bags' );
		await publish( ids.contentId );
		const published = await settled( ids.contentId );
		await site.php(
			`wp_update_post( array( 'ID' => ${ published.post_id }, 'post_content' => '<p>Written by the site owner</p>' ) );`
		);
		await drain();
		await request( cloud.app )
			.patch( `/api/v1/writer/content/${ ids.contentId }/` )
			.set( auth() )
			.send( { content_html: '<p>Rewritten in the cloud</p>' } )
			.expect( 200 );

		await publish( ids.contentId );
		const record = await settled( ids.contentId );

		expect( record.status ).toBe( 'conflict' );
		expect( record.last_pushed_hash ).toBe( published.last_pushed_hash );
		expect( record.remote_hash ).toMatch( /^[0-9a-f]{64}$/ );
		expect( record.remote_hash ).not.toBe( record.last_pushed_hash );
		expect( record.last_error ).toMatch( /edited in WordPress/ );
		const [ post ] = await postsForContent( site, ids.contentId );
		expect( post!.post_content ).toBe( '<p>Written by the site owner</p>' );
		const content = await cloud.context.models.Content.findByPk(
			ids.contentId
		);
		expect( content!.content_html ).toBe( '<p>Rewritten in the cloud</p>' );
		expect( content!.revision ).toBeGreaterThan( 1 );
	} );
} );
