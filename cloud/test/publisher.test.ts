import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { startWordPress, type WordPressSite } from '@igny8/test-harness';
import { deriveSigningSecret } from '../src/modules/auth/bridge-signing';
import { encryptSecret } from '../src/modules/auth/crypto';
import { addTenant, bearer, type Tenant, pairedCredentials } from './fixtures';
import { signedCall } from './site-signing';
import { startTestCloud, waitFor, type TestCloud } from './support';
import {
	addPublishableContent,
	connectSite,
	freePort,
	listen,
	PNG,
	phpJson,
	postsForContent,
	type ListeningCloud,
} from './wordpress-bridge';

/**
 * The publisher against a real WordPress with IGNY8 Bridge: the cloud signs
 * its pushes, the plugin verifies them and writes the post.
 */
describe( 'publisher', () => {
	let cloud: TestCloud;
	let served: ListeningCloud;
	let site: WordPressSite;
	let tenant: Tenant;
	let integrationId: number;

	beforeAll( async () => {
		const port = await freePort();
		let wpPort = await freePort();
		while ( wpPort === port ) {
			wpPort = await freePort();
		}
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{
				// The cloud's own image URLs must point where WordPress can fetch them.
				PUBLIC_URL: `http://127.0.0.1:${ port }`,
				// The cloud may call this WordPress, and port 9 (nothing listens
				// there) stands for a site that is down; nothing else on loopback.
				IGNY8_OUTBOUND_ALLOW: `127.0.0.1:${ wpPort },127.0.0.1:9`,
			},
			// Retries of a site that was down are found by the scheduler's sweep.
			{ scheduler: true }
		);
		[ served, site ] = await Promise.all( [
			listen( cloud, port ),
			startWordPress( { port: wpPort } ),
		] );
		tenant = await addTenant( cloud, 'Publish Co' );
		integrationId = ( await connectSite( site, served.url, tenant ) ).id;
	}, 120_000 );
	afterAll( async () => {
		await site?.stop();
		await served?.close();
		await cloud?.stop();
	} );

	const auth = () => bearer( tenant.owner );

	const newContent = ( title: string ) =>
		addPublishableContent( cloud, served, tenant, title, {
			body: `Body of ${ title }.`,
			meta: `About ${ title }`,
			category: [ 'News' ],
			tags: [ 'seo', 'wordpress' ],
			cover: ( id ) => ( {
				file: `${ id }.png`,
				alt: `Cover of ${ title }`,
			} ),
		} );

	const publish = ( contentIds: number[], extra: object = {} ) =>
		request( cloud.app )
			.post( '/api/v1/publisher/publish/' )
			.set( auth() )
			.send( { content_ids: contentIds, ...extra } );

	/** The record once no push for it is pending any more. */
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

	it( 'publishes a content record as one post with its title, HTML, terms, featured image and meta', async () => {
		const { taskId, contentId } = await newContent( 'Running shoes' );

		const response = await publish( [ contentId ] ).expect( 202 );
		expect( response.body.data.records ).toEqual( [
			expect.objectContaining( {
				content_id: contentId,
				status: 'queued',
			} ),
		] );
		const record = await settled( contentId );

		expect( record.status ).toBe( 'published' );
		const posts = await postsForContent( site, contentId );
		expect( posts ).toHaveLength( 1 );
		const [ post ] = posts;
		expect( post ).toMatchObject( {
			ID: record.post_id,
			post_title: 'Running shoes',
			post_status: 'publish',
			categories: [ 'News' ],
			tags: [ 'seo', 'wordpress' ],
			thumbnail_alt: 'Cover of Running shoes',
			thumbnail_in_library: true,
			meta: expect.objectContaining( {
				_igny8_task_id: String( taskId ),
				_igny8_content_id: String( contentId ),
				_igny8_managed: '1',
				_igny8_wordpress_status: 'publish',
				_igny8_meta_description: 'About Running shoes',
			} ),
		} );
		expect( post!.post_content ).toContain(
			'<p>Body of Running shoes.</p>'
		);
		expect( record.last_pushed_hash ).toMatch( /^[0-9a-f]{64}$/ );

		const { models } = cloud.context;
		const content = await models.Content.findByPk( contentId );
		const task = await models.Task.findByPk( taskId );
		expect( {
			external_id: content!.external_id,
			sync_status: content!.sync_status,
			task: task!.status,
			assigned_post_id: task!.assigned_post_id,
			post_url: task!.post_url,
		} ).toEqual( {
			external_id: String( post!.ID ),
			sync_status: 'published',
			task: 'published',
			assigned_post_id: post!.ID,
			post_url: record.post_url,
		} );
		// The fact is recorded with the change, for the modules that react to it.
		const events = await cloud.context.db.sequelize.query< {
			account_id: string;
			payload: Record< string, unknown >;
		} >(
			"SELECT account_id, payload FROM domain_events WHERE type = 'content.published' AND payload->>'content_id' = :id",
			{
				replacements: { id: String( contentId ) },
				type: QueryTypes.SELECT,
			}
		);
		expect( events ).toHaveLength( 1 );
		expect( Number( events[ 0 ]!.account_id ) ).toBe( tenant.accountId );
		expect( events[ 0 ]!.payload ).toMatchObject( {
			content_id: contentId,
			task_id: taskId,
			post_id: post!.ID,
			post_url: record.post_url,
			status: 'publish',
		} );
	} );

	it( 'carries the writer’s terms, meta description and images (the cloud’s own stored files) into the post', async () => {
		const { models } = cloud.context;
		const { ai } = cloud.context.services;
		const content = await request( cloud.app )
			.post( '/api/v1/writer/content/' )
			.set( auth() )
			.send( {
				sector_id: tenant.sectorId,
				title: 'Stored images',
				content_html: '<p>Text only.</p>',
				meta_description: 'What generate_content wrote',
				attributes: {
					meta_title: 'Stored images, the SEO title',
					focus_keyphrase: 'stored images',
				},
				taxonomies: {
					category: [ 'Guides', 'Gear' ],
					post_tag: [ 'hiking' ],
				},
			} )
			.expect( 201 );
		const contentId = content.body.data.id as number;
		// What generate_images leaves behind: files in the cloud's store, rows pointing at their served URL.
		const stored = async (
			alt: string,
			extra: { is_featured?: boolean; position?: number }
		) => {
			const file = await ai.files.put( PNG, 'image/png' );
			expect( file.url.startsWith( `${ served.url }/api/v1/` ) ).toBe(
				true
			);
			await models.Image.create( {
				account_id: tenant.accountId,
				site_id: tenant.siteId,
				sector_id: tenant.sectorId,
				task_id: null,
				content_id: contentId,
				image_url: file.url,
				storage_path: file.key,
				alt_text: alt,
				...extra,
			} );
			return file.url;
		};
		const second = await stored( 'Second in the text', { position: 2 } );
		const featured = await stored( 'The cover', { is_featured: true } );
		const first = await stored( 'First in the text', { position: 1 } );

		await publish( [ contentId ] ).expect( 202 );
		const record = await settled( contentId );
		expect( { status: record.status, error: record.last_error } ).toEqual( {
			status: 'published',
			error: null,
		} );

		const [ post ] = await postsForContent( site, contentId );
		expect( post ).toMatchObject( {
			categories: expect.arrayContaining( [ 'Guides', 'Gear' ] ),
			tags: [ 'hiking' ],
			thumbnail_alt: 'The cover',
			thumbnail_in_library: true,
			meta: expect.objectContaining( {
				_igny8_meta_description: 'What generate_content wrote',
				_igny8_meta_title: 'Stored images, the SEO title',
				_igny8_focus_keyphrase: 'stored images',
			} ),
		} );
		expect( post!.categories ).toHaveLength( 2 );
		const library = await phpJson<
			{ source: string; alt: string; parent: number; file: boolean }[]
		>(
			site,
			`
$out = array();
foreach ( get_posts( array( 'post_type' => 'attachment', 'post_status' => 'any', 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC', 'meta_key' => '_igny8_source_url', 'meta_value' => ${ JSON.stringify(
				[ first, second, featured ]
			) }, 'meta_compare' => 'IN' ) ) as $a ) {
	$out[] = array( 'source' => get_post_meta( $a->ID, '_igny8_source_url', true ), 'alt' => get_post_meta( $a->ID, '_wp_attachment_image_alt', true ), 'parent' => (int) $a->post_parent, 'file' => file_exists( (string) get_attached_file( $a->ID ) ) );
}
echo wp_json_encode( $out );`
		);
		// Inline images in position order, then the featured one; each a real file attached to the post.
		expect( library ).toEqual( [
			{
				source: first,
				alt: 'First in the text',
				parent: post!.ID,
				file: true,
			},
			{
				source: second,
				alt: 'Second in the text',
				parent: post!.ID,
				file: true,
			},
			{
				source: featured,
				alt: 'The cover',
				parent: post!.ID,
				file: true,
			},
		] );
	} );

	it( 'attributes the post to whoever asked: the WordPress user of a site session, else the account user’s email', async () => {
		const users = await phpJson< { wp: number; owner: number } >(
			site,
			`
$wp    = wp_insert_user( array( 'user_login' => 'maria-wp', 'user_email' => 'maria-wp@example.test', 'user_pass' => wp_generate_password(), 'role' => 'editor' ) );
$owner = wp_insert_user( array( 'user_login' => 'cloud-owner', 'user_email' => ${ JSON.stringify(
				tenant.owner.email
			) }, 'user_pass' => wp_generate_password(), 'role' => 'author' ) );
echo wp_json_encode( array( 'wp' => $wp, 'owner' => $owner ) );`
		);
		const authorOf = ( postId: number ) =>
			phpJson< number >(
				site,
				`echo (int) get_post_field( 'post_author', ${ postId } );`
			);

		// The site is paired: it asks for a session with a signed call.
		const session = await signedCall(
			cloud.app,
			tenant,
			'post',
			'/api/v1/auth/site-session/',
			{
				wp_user: {
					id: users.wp,
					login: 'maria-wp',
					email: 'maria-wp@example.test',
					display_name: 'Maria',
				},
				role: 'editor',
			}
		).expect( 200 );
		const fromWpAdmin = await newContent( 'Published from wp-admin' );
		await request( cloud.app )
			.post( '/api/v1/publisher/publish/' )
			.set( { Authorization: `Bearer ${ session.body.data.access }` } )
			.send( { content_ids: [ fromWpAdmin.contentId ] } )
			.expect( 202 );
		const viaSession = await settled( fromWpAdmin.contentId );
		expect( viaSession ).toMatchObject( {
			status: 'published',
			requested_by_wp_login: 'maria-wp',
			requested_by_user_id: null,
		} );
		expect( await authorOf( viaSession.post_id! ) ).toBe( users.wp );

		const fromCloud = await newContent( 'Published from the cloud' );
		const queued = await publish( [ fromCloud.contentId ] ).expect( 202 );
		expect( queued.body.data.records[ 0 ] ).toMatchObject( {
			requested_by_user_id: tenant.owner.id,
			requested_by_wp_login: null,
		} );
		const viaAccount = await settled( fromCloud.contentId );
		expect( viaAccount.status ).toBe( 'published' );
		expect( await authorOf( viaAccount.post_id! ) ).toBe( users.owner );

		// Publishing again from the cloud re-attributes the request, and the post follows.
		await request( cloud.app )
			.post( '/api/v1/publisher/publish/' )
			.set( { Authorization: `Bearer ${ session.body.data.access }` } )
			.send( { content_ids: [ fromCloud.contentId ] } )
			.expect( 202 );
		const again = await settled( fromCloud.contentId );
		expect( again.requested_by_wp_login ).toBe( 'maria-wp' );
		expect( await authorOf( again.post_id! ) ).toBe( users.wp );
	} );

	it( 'leaves exactly one post after publishing five more times, two of them at once', async () => {
		const { contentId } = await newContent( 'Trail shoes' );
		await publish( [ contentId ] ).expect( 202 );
		const first = await settled( contentId );
		for ( let i = 0; i < 3; i++ ) {
			await publish( [ contentId ] ).expect( 202 );
			await settled( contentId );
		}
		await Promise.all( [
			publish( [ contentId ] ).expect( 202 ),
			publish( [ contentId ] ).expect( 202 ),
		] );
		const last = await settled( contentId );

		expect( last.status ).toBe( 'published' );
		expect( last.post_id ).toBe( first.post_id );
		const posts = await postsForContent( site, contentId );
		expect( posts.map( ( p ) => p.ID ) ).toEqual( [ first.post_id ] );
		expect(
			await cloud.context.models.PublishingRecord.count( {
				where: { content_id: contentId },
			} )
		).toBe( 1 );
		// The image was imported once, not once per push.
		const attachments = await phpJson< number >(
			site,
			`echo (int) ( new WP_Query( array( 'post_type' => 'attachment', 'post_status' => 'any', 'fields' => 'ids', 'meta_key' => '_igny8_source_url', 'meta_value' => ${ JSON.stringify( served.imageUrl( `${ contentId }.png` ) ) } ) ) )->found_posts;`
		);
		expect( attachments ).toBe( 1 );
	} );

	it( 'reports a conflict instead of overwriting a post edited in WordPress, and overwrites it only when forced', async () => {
		const { contentId } = await newContent( 'Road shoes' );
		await publish( [ contentId ] ).expect( 202 );
		const published = await settled( contentId );
		await site.php(
			`wp_update_post( array( 'ID' => ${ published.post_id }, 'post_title' => 'Edited in WordPress' ) );`
		);
		await request( cloud.app )
			.patch( `/api/v1/writer/content/${ contentId }/` )
			.set( auth() )
			.send( { title: 'Updated in the cloud' } )
			.expect( 200 );

		await publish( [ contentId ] ).expect( 202 );
		const conflict = await settled( contentId );

		expect( conflict.status ).toBe( 'conflict' );
		expect( conflict.last_pushed_hash ).toBe( published.last_pushed_hash );
		expect( conflict.remote_hash ).toMatch( /^[0-9a-f]{64}$/ );
		expect( conflict.remote_hash ).not.toBe( conflict.last_pushed_hash );
		expect(
			( await postsForContent( site, contentId ) )[ 0 ]!.post_title
		).toBe( 'Edited in WordPress' );
		const listed = await request( cloud.app )
			.get(
				`/api/v1/publisher/publishing-records/?content_id=${ contentId }`
			)
			.set( auth() )
			.expect( 200 );
		expect( listed.body.results[ 0 ] ).toMatchObject( {
			status: 'conflict',
			last_pushed_hash: published.last_pushed_hash,
			remote_hash: conflict.remote_hash,
		} );

		await publish( [ contentId ], { force: true } ).expect( 202 );
		const forced = await settled( contentId );
		expect( forced.status ).toBe( 'published' );
		const posts = await postsForContent( site, contentId );
		expect( posts.map( ( p ) => [ p.ID, p.post_title ] ) ).toEqual( [
			[ published.post_id, 'Updated in the cloud' ],
		] );
	} );

	it( 'keeps publishing to a healthy site while another site is down, and backs the dead one off', async () => {
		const { models } = cloud.context;
		const dead = await addTenant( cloud, 'Dead Site Co' );
		// Same account as the healthy site would also do; a second account shows it is per site.
		await models.SiteIntegration.create( {
			account_id: dead.accountId,
			site_id: dead.siteId,
			platform: 'wordpress',
			config_json: { rest_url: 'http://127.0.0.1:9/wp-json/' },
			credentials_json: pairedCredentials(
				cloud,
				dead.apiKey,
				dead.keyId
			),
		} );
		const deadContent = await request( cloud.app )
			.post( '/api/v1/writer/content/' )
			.set( bearer( dead.owner ) )
			.send( { sector_id: dead.sectorId, title: 'Nobody will see this' } )
			.expect( 201 );
		await request( cloud.app )
			.post( '/api/v1/publisher/publish/' )
			.set( bearer( dead.owner ) )
			.send( { content_ids: [ deadContent.body.data.id ] } )
			.expect( 202 );
		const { contentId } = await newContent( 'Healthy site post' );
		await publish( [ contentId ] ).expect( 202 );

		expect( ( await settled( contentId ) ).status ).toBe( 'published' );
		const deadRecord = await waitFor( async () => {
			const row = await models.PublishingRecord.findOne( {
				where: { content_id: deadContent.body.data.id },
			} );
			return row && row.attempts > 0 && row.status === 'queued'
				? row
				: undefined;
		} );
		expect( deadRecord.last_error ).toMatch( /could not be reached/ );
		expect( deadRecord.next_attempt_at!.getTime() ).toBeGreaterThan(
			Date.now()
		);
		const integration = await models.SiteIntegration.findOne( {
			where: { site_id: dead.siteId },
		} );
		expect( integration!.publish_backoff_until!.getTime() ).toBeGreaterThan(
			Date.now()
		);
	} );

	it( 'retries a site that was down once its backoff has passed, without anyone publishing again', async () => {
		const { models } = cloud.context;
		const integration =
			await models.SiteIntegration.findByPk( integrationId );
		const restUrl = integration!.config_json.rest_url;
		await integration!.update( {
			config_json: {
				...integration!.config_json,
				rest_url: 'http://127.0.0.1:9/wp-json/',
			},
		} );
		const { contentId } = await newContent( 'Back from the dead' );
		await publish( [ contentId ] ).expect( 202 );
		const failedOnce = await waitFor( async () => {
			const row = await models.PublishingRecord.findOne( {
				where: { content_id: contentId },
			} );
			return row?.status === 'queued' &&
				row.attempts === 1 &&
				row.last_error
				? row
				: undefined;
		} );
		expect( failedOnce.last_error ).toMatch( /could not be reached/ );
		// The site comes back; only the sweeper can notice.
		await integration!.update( {
			config_json: { ...integration!.config_json, rest_url: restUrl },
		} );

		const record = await settled( contentId );
		expect( {
			status: record.status,
			attempts: record.attempts,
			error: record.last_error,
		} ).toEqual( {
			status: 'published',
			attempts: 2,
			error: null,
		} );
		expect( await postsForContent( site, contentId ) ).toHaveLength( 1 );
	} );

	it( 'refuses another account’s content and a site without a connection, queueing nothing', async () => {
		const stranger = await addTenant( cloud, 'Stranger Co' );
		const theirs = await request( cloud.app )
			.post( '/api/v1/writer/content/' )
			.set( bearer( stranger.owner ) )
			.send( { sector_id: stranger.sectorId, title: 'Theirs' } )
			.expect( 201 );
		const before = await cloud.context.models.PublishingRecord.count();

		const foreign = await publish( [ theirs.body.data.id ] ).expect( 400 );
		expect( foreign.body.errors ).toEqual( {
			content_ids: [ `content ${ theirs.body.data.id } does not exist` ],
		} );
		const unconnected = await request( cloud.app )
			.post( '/api/v1/publisher/publish/' )
			.set( bearer( stranger.owner ) )
			.send( { content_ids: [ theirs.body.data.id ] } )
			.expect( 400 );
		expect( unconnected.body.errors.content_ids[ 0 ] ).toMatch(
			/has no active WordPress connection/
		);
		const noDate = await publish( [ theirs.body.data.id ], {
			status: 'future',
		} ).expect( 400 );
		expect( noDate.body.errors ).toEqual( {
			date_gmt: [ 'a scheduled post needs date_gmt' ],
		} );
		expect( await cloud.context.models.PublishingRecord.count() ).toBe(
			before
		);
		await request( cloud.app )
			.get( `/api/v1/publisher/publishing-records/?page_size=100` )
			.set( bearer( stranger.owner ) )
			.expect( 200 )
			.expect( ( res ) => expect( res.body.count ).toBe( 0 ) );
	} );

	it( 'pulls the site’s posts into the cloud, fully and then incrementally', async () => {
		await site.php( `
for ( $i = 1; $i <= 45; $i++ ) {
	wp_insert_post( array( 'post_title' => "Existing post $i", 'post_content' => "<p>Existing $i</p>", 'post_status' => $i % 5 ? 'publish' : 'draft' ) );
}` );
		const expected = await phpJson< number[] >(
			site,
			`echo wp_json_encode( array_map( 'intval', get_posts( array( 'post_type' => array( 'post', 'page' ), 'post_status' => array( 'publish', 'future' ), 'numberposts' => -1, 'fields' => 'ids' ) ) ) );`
		);
		const started = await request( cloud.app )
			.post( `/api/v1/integration/integrations/${ integrationId }/sync/` )
			.set( auth() )
			.send( { mode: 'full' } )
			.expect( 202 );
		expect( [ 'queued', 'running', 'succeeded' ] ).toContain(
			started.body.data.sync_state
		);
		const done = await waitFor( async () => {
			const row =
				await cloud.context.models.SiteIntegration.findByPk(
					integrationId
				);
			return row && [ 'succeeded', 'failed' ].includes( row.sync_state )
				? row
				: undefined;
		}, 60_000 );
		expect( { state: done.sync_state, error: done.sync_error } ).toEqual( {
			state: 'succeeded',
			error: null,
		} );
		expect( done.sync_progress ).toMatchObject( {
			stage: 'done',
			percent: 100,
		} );
		const stored = await cloud.context.models.SitePost.findAll( {
			where: { site_id: tenant.siteId },
		} );
		// The site exports what its owner chose: by default published and scheduled posts, never the drafts.
		expect(
			stored.map( ( p ) => p.wp_post_id ).sort( ( a, b ) => a - b )
		).toEqual( [ ...expected ].sort( ( a, b ) => a - b ) );
		expect( stored.map( ( p ) => p.title ) ).not.toContain(
			'Existing post 5'
		);
		const sample = stored.find( ( p ) => p.title === 'Existing post 7' );
		expect( sample ).toMatchObject( {
			post_type: 'post',
			status: 'publish',
			content_html: '<p>Existing 7</p>',
		} );
		expect( sample!.content_hash ).toMatch( /^[0-9a-f]{64}$/ );

		// Incremental: only what changed since comes over, and it lands on the same rows.
		await site.php( `
sleep( 1 );
wp_update_post( array( 'ID' => ${ sample!.wp_post_id }, 'post_title' => 'Existing post 7, revised' ) );
wp_insert_post( array( 'post_title' => 'Brand new', 'post_status' => 'publish' ) );` );
		await request( cloud.app )
			.post( `/api/v1/integration/integrations/${ integrationId }/sync/` )
			.set( auth() )
			.send( { mode: 'incremental' } )
			.expect( 202 );
		const again = await waitFor( async () => {
			const row =
				await cloud.context.models.SiteIntegration.findByPk(
					integrationId
				);
			return row &&
				row.sync_state === 'succeeded' &&
				row.sync_progress.processed < expected.length
				? row
				: undefined;
		}, 60_000 );
		expect( again.sync_progress.processed ).toBe( 2 );
		const titles = (
			await cloud.context.models.SitePost.findAll( {
				where: { site_id: tenant.siteId },
			} )
		).map( ( p ) => p.title );
		expect( titles ).toContain( 'Existing post 7, revised' );
		expect( titles ).toContain( 'Brand new' );
		expect( titles ).toHaveLength( expected.length + 1 );

		// Posts removed behind WordPress's back (no hook ran, so no event came).
		const gone = stored
			.filter( ( p ) => /^Existing post (3|4)$/.test( p.title ) )
			.map( ( p ) => p.wp_post_id );
		expect( gone ).toHaveLength( 2 );
		await site.php(
			`global $wpdb; foreach ( array( ${ gone.join(
				', '
			) } ) as $id ) { $wpdb->delete( $wpdb->posts, array( 'ID' => $id ) ); } clean_post_cache( ${ gone[ 0 ] } ); clean_post_cache( ${ gone[ 1 ] } );`
		);
		const rowsOf = async ( ids: number[] ) =>
			(
				await cloud.context.models.SitePost.findAll( {
					where: { site_id: tenant.siteId, wp_post_id: ids },
					order: [ [ 'wp_post_id', 'ASC' ] ],
				} )
			).map( ( p ) => ( {
				status: p.status,
				deleted: p.deleted_at !== null,
			} ) );
		const fullSync = async () => {
			await request( cloud.app )
				.post(
					`/api/v1/integration/integrations/${ integrationId }/sync/`
				)
				.set( auth() )
				.send( { mode: 'full' } )
				.expect( 202 );
			return waitFor( async () => {
				const row =
					await cloud.context.models.SiteIntegration.findByPk(
						integrationId
					);
				return row &&
					[ 'succeeded', 'failed' ].includes( row.sync_state )
					? row
					: undefined;
			}, 60_000 );
		};

		// A full pull that fails (the site refuses the key) proves nothing missing: nothing is marked.
		const integration =
			await cloud.context.models.SiteIntegration.findByPk(
				integrationId
			);
		const credentials = integration!.credentials_json;
		await integration!.update( {
			credentials_json: {
				...credentials,
				signing_secret: encryptSecret(
					cloud.context.secrets.encryptionKey,
					deriveSigningSecret( 'ig8_not_the_sites_key' )
				),
			},
		} );
		expect( ( await fullSync() ).sync_state ).toBe( 'failed' );
		expect( await rowsOf( gone ) ).toEqual( [
			{ status: 'publish', deleted: false },
			{ status: 'publish', deleted: false },
		] );
		// An incremental pull only sees what changed: it cannot tell either.
		await integration!.update( { credentials_json: credentials } );
		await request( cloud.app )
			.post( `/api/v1/integration/integrations/${ integrationId }/sync/` )
			.set( auth() )
			.send( { mode: 'incremental' } )
			.expect( 202 );
		await waitFor( async () => {
			const row =
				await cloud.context.models.SiteIntegration.findByPk(
					integrationId
				);
			return row?.sync_state === 'succeeded' ? row : undefined;
		}, 60_000 );
		expect( ( await rowsOf( gone ) ).map( ( r ) => r.deleted ) ).toEqual( [
			false,
			false,
		] );

		const complete = await fullSync();
		expect( complete.sync_state ).toBe( 'succeeded' );
		expect( await rowsOf( gone ) ).toEqual( [
			{ status: 'deleted', deleted: true },
			{ status: 'deleted', deleted: true },
		] );
		expect( complete.config_json ).not.toHaveProperty(
			'full_sync_started_at'
		);
		// Everything WordPress still has stays as it was.
		expect(
			await cloud.context.models.SitePost.count( {
				where: { site_id: tenant.siteId, deleted_at: null },
			} )
		).toBe( expected.length + 1 - 2 );
	} );

	it( 'keeps a post a full pull no longer lists because the owner stopped exporting its status, without its content', async () => {
		const fullSync = async () => {
			await request( cloud.app )
				.post(
					`/api/v1/integration/integrations/${ integrationId }/sync/`
				)
				.set( auth() )
				.send( { mode: 'full' } )
				.expect( 202 );
			return waitFor( async () => {
				const row =
					await cloud.context.models.SiteIntegration.findByPk(
						integrationId
					);
				return row &&
					[ 'succeeded', 'failed' ].includes( row.sync_state )
					? row
					: undefined;
			}, 60_000 );
		};
		const draftId = await phpJson< number >(
			site,
			`update_option( 'igny8_export_statuses', array( 'publish', 'future', 'draft' ) );
echo wp_json_encode( wp_insert_post( array( 'post_title' => 'Draft shared, then not', 'post_content' => '<p>Not for the cloud</p>', 'post_status' => 'draft' ) ) );`
		);
		const rowOf = async () =>
			cloud.context.models.SitePost.findOne( {
				where: { site_id: tenant.siteId, wp_post_id: draftId },
			} );
		try {
			expect( ( await fullSync() ).sync_state ).toBe( 'succeeded' );
			expect( await rowOf() ).toMatchObject( {
				status: 'draft',
				title: 'Draft shared, then not',
				content_html: '<p>Not for the cloud</p>',
				deleted_at: null,
			} );

			await site.php(
				`update_option( 'igny8_export_statuses', array( 'publish', 'future' ) );`
			);
			expect( ( await fullSync() ).sync_state ).toBe( 'succeeded' );
			// Still a post of the site (not "deleted"), but the cloud no longer holds what the site stopped sharing.
			expect( await rowOf() ).toMatchObject( {
				status: 'draft',
				title: '',
				url: null,
				content_html: null,
				excerpt: '',
				deleted_at: null,
			} );
		} finally {
			await site.php( `delete_option( 'igny8_export_statuses' );` );
		}
	} );
} );
