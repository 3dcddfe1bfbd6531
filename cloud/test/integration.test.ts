import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { REPO_ROOT, phpBinary } from '@igny8/test-harness';
import { deriveSigningSecret } from '../src/modules/auth/bridge-signing';
import { decryptSecret } from '../src/modules/auth/crypto';
import { httpUrlOrNull } from '../src/net/http-url';
import {
	canonicalRequest,
	signRequest,
} from '../src/modules/integration/wp-client';
import { addTenant, addUser, bearer, type Tenant } from './fixtures';
import { signedCall } from './site-signing';
import { startTestCloud, type TestCloud } from './support';
import { addWriterContent, type WriterFixtures } from './writer-fixtures';

const metadata = {
	site_name: 'Shop',
	post_types: [
		{
			name: 'post',
			label: 'Posts',
			counts: { publish: 3, draft: 1, trash: 5 },
		},
		{ name: 'page', label: 'Pages', counts: { publish: 2 } },
	],
	taxonomies: [ { name: 'category', label: 'Categories', count: 4 } ],
};

const CONNECT_BODY = {
	site_url: 'https://shop.example.test',
	rest_url: 'https://shop.example.test/wp-json/',
	metadata,
};

/** The plugin's test-connection, answered 200: the key in plain the first time (pairing), signed after. */
const connect = async ( cloud: TestCloud, tenant: Tenant ) => {
	const key = await cloud.context.models.SiteApiKey.findByPk( tenant.keyId );
	return key?.paired_at
		? signedCall(
				cloud.app,
				tenant,
				'post',
				'/api/v1/integration/integrations/test-connection/',
				CONNECT_BODY
			).expect( 200 )
		: request( cloud.app )
				.post( '/api/v1/integration/integrations/test-connection/' )
				.set( 'X-IGNY8-API-Key', tenant.apiKey )
				.send( CONNECT_BODY )
				.expect( 200 );
};

const postEvent = (
	type: string,
	post: Record< string, unknown >,
	occurredAt = new Date().toISOString()
) => ( { id: randomUUID(), type, occurred_at: occurredAt, post } );

describe( 'integration: connecting a WordPress site', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		tenant = await addTenant( cloud, 'Connect Co' );
		other = await addTenant( cloud, 'Other Co' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'creates the site’s integration on test-connection, keeps the key sealed and never returns it', async () => {
		const response = await connect( cloud, tenant );

		expect( response.body.data ).toMatchObject( {
			site_id: tenant.siteId,
			platform: 'wordpress',
			platform_type: 'cms',
			has_credentials: true,
			is_active: true,
			config_json: {
				site_url: 'https://shop.example.test',
				rest_url: 'https://shop.example.test/wp-json/',
				content_types: [ 'post', 'page' ],
				structure: metadata,
			},
		} );
		expect( JSON.stringify( response.body ) ).not.toContain(
			tenant.apiKey
		);
		expect( JSON.stringify( response.body ) ).not.toContain( 'api_key' );
		expect( response.body.data.key_id ).toBe( tenant.keyId );
		const row = await cloud.context.models.SiteIntegration.findByPk(
			response.body.data.id
		);
		// Only the derived secret is kept, sealed: never the key.
		expect( JSON.stringify( row!.credentials_json ) ).not.toContain(
			tenant.apiKey
		);
		const sealed = row!.credentials_json.signing_secret as string;
		expect(
			decryptSecret( cloud.context.secrets.encryptionKey, sealed )
		).toBe( deriveSigningSecret( tenant.apiKey ) );
		expect( row!.credentials_json.key_id ).toBe( tenant.keyId );
	} );

	it( 'updates the same integration when the site connects again', async () => {
		const first = await connect( cloud, tenant );
		const second = await connect( cloud, tenant );
		expect( second.body.data.id ).toBe( first.body.data.id );
		expect(
			await cloud.context.models.SiteIntegration.count( {
				where: { site_id: tenant.siteId },
			} )
		).toBe( 1 );
	} );

	it( 'refuses a wrong key with 401, and a person’s token with 403, creating nothing', async () => {
		const before = await cloud.context.models.SiteIntegration.count();
		const wrong = await request( cloud.app )
			.post( '/api/v1/integration/integrations/test-connection/' )
			.set( 'X-IGNY8-API-Key', 'ig8_not-a-real-key-at-all' )
			.send( {
				site_url: 'https://x.test',
				rest_url: 'https://x.test/wp-json/',
				metadata: {},
			} )
			.expect( 401 );
		expect( wrong.body ).toMatchObject( {
			success: false,
			code: 'not_authenticated',
		} );
		await request( cloud.app )
			.post( '/api/v1/integration/integrations/test-connection/' )
			.set( bearer( other.owner ) )
			.send( {
				site_url: 'https://x.test',
				rest_url: 'https://x.test/wp-json/',
				metadata: {},
			} )
			.expect( 403 );
		expect( await cloud.context.models.SiteIntegration.count() ).toBe(
			before
		);
	} );

	it( 'answers a malformed test-connection with field errors and changes nothing', async () => {
		const before = await cloud.context.models.SiteIntegration.count();
		const response = await request( cloud.app )
			.post( '/api/v1/integration/integrations/test-connection/' )
			.set( 'X-IGNY8-API-Key', other.apiKey )
			.send( { site_url: 'not a url', metadata: [] } )
			.expect( 400 );
		expect( Object.keys( response.body.errors ).sort() ).toEqual( [
			'metadata',
			'rest_url',
			'site_url',
		] );
		expect( await cloud.context.models.SiteIntegration.count() ).toBe(
			before
		);
	} );

	it( 'lets managers create, change, list and delete integrations, one per site and platform', async () => {
		const auth = bearer( other.owner );
		const created = await request( cloud.app )
			.post( '/api/v1/integration/integrations/' )
			.set( auth )
			.send( {
				site_id: other.siteId,
				config_json: { sync_settings: { post_types: [ 'post' ] } },
			} )
			.expect( 201 );
		expect( created.body.data ).toMatchObject( {
			site_id: other.siteId,
			platform: 'wordpress',
			has_credentials: false,
			sync_state: 'idle',
		} );
		const again = await request( cloud.app )
			.post( '/api/v1/integration/integrations/' )
			.set( auth )
			.send( { site_id: other.siteId } )
			.expect( 409 );
		expect( again.body.error ).toBe(
			`Site ${ other.siteId } already has a wordpress integration.`
		);
		// Another account's site looks missing.
		await request( cloud.app )
			.post( '/api/v1/integration/integrations/' )
			.set( auth )
			.send( { site_id: tenant.siteId, platform: 'wix' } )
			.expect( 400 );

		const id = created.body.data.id;
		const patched = await request( cloud.app )
			.patch( `/api/v1/integration/integrations/${ id }/` )
			.set( auth )
			.send( { sync_enabled: false } )
			.expect( 200 );
		expect( patched.body.data.sync_enabled ).toBe( false );
		const types = await request( cloud.app )
			.get( `/api/v1/integration/integrations/${ id }/content-types/` )
			.set( auth )
			.expect( 200 );
		expect( types.body.data.sync_settings ).toEqual( {
			post_types: [ 'post' ],
			include_content: true,
		} );
		// Sync refuses while it is turned off.
		const refused = await request( cloud.app )
			.post( `/api/v1/integration/integrations/${ id }/sync/` )
			.set( auth )
			.send( {} )
			.expect( 400 );
		expect( refused.body.error ).toBe(
			'Sync is turned off for this integration.'
		);

		const list = await request( cloud.app )
			.get( '/api/v1/integration/integrations/' )
			.set( auth )
			.expect( 200 );
		expect(
			list.body.results.map( ( r: { id: number } ) => r.id )
		).toEqual( [ id ] );

		await request( cloud.app )
			.delete( `/api/v1/integration/integrations/${ id }/` )
			.set( auth )
			.expect( 204 );
		await request( cloud.app )
			.get( `/api/v1/integration/integrations/${ id }/` )
			.set( auth )
			.expect( 404 );
	} );

	it( 'stores a reported structure and derives the content types from it', async () => {
		const connected = await connect( cloud, tenant );
		const id = connected.body.data.id;
		await request( cloud.app )
			.post(
				`/api/v1/integration/integrations/${ id }/update-structure/`
			)
			.set( bearer( tenant.owner ) )
			.send( {
				metadata: {
					post_types: [
						{
							name: 'product',
							label: 'Products',
							counts: { publish: 7 },
						},
					],
					taxonomies: [],
				},
			} )
			.expect( 200 );
		const types = await signedCall(
			cloud.app,
			tenant,
			'get',
			`/api/v1/integration/integrations/${ id }/content-types/`
		).expect( 200 );
		expect( types.body.data.post_types ).toEqual( [
			{ name: 'product', label: 'Products', count: 7, synced: true },
		] );
		await connect( cloud, tenant );
	} );

	it( 'stores only http(s) addresses from the post export: anything else keeps the one stored', async () => {
		const connected = await connect( cloud, tenant );
		const row = await cloud.context.models.SiteIntegration.findByPk(
			connected.body.data.id
		);
		const item = ( id: number, url: string | null ) => ( {
			wp_post_id: id,
			post_type: 'post',
			status: 'publish',
			title: `Post ${ id }`,
			url,
			modified_gmt: '2026-11-26T12:00:00Z',
		} );
		const { integrations } = cloud.context.services;
		await integrations.storePosts(
			row!,
			[
				item( 501, 'https://shop.example.test/a/' ),
				item( 502, 'javascript:alert(1)' ),
			],
			true
		);
		await integrations.storePosts(
			row!,
			[
				item( 501, 'javascript:alert(document.cookie)' ),
				item( 502, 'data:text/html,x' ),
				item( 503, 'HTTPS://shop.example.test/c/' ),
			],
			true
		);
		const urls = (
			await cloud.context.models.SitePost.findAll( {
				where: {
					site_id: tenant.siteId,
					wp_post_id: [ 501, 502, 503 ],
				},
				order: [ [ 'wp_post_id', 'ASC' ] ],
			} )
		).map( ( p ) => [ p.wp_post_id, p.url, p.title ] );
		expect( urls ).toEqual( [
			[ 501, 'https://shop.example.test/a/', 'Post 501' ],
			[ 502, null, 'Post 502' ],
			[ 503, 'HTTPS://shop.example.test/c/', 'Post 503' ],
		] );
	} );
} );

describe( 'httpUrlOrNull', () => {
	it.each( [
		[ 'https://example.com/a?b=c#d', 'https://example.com/a?b=c#d' ],
		[ 'http://127.0.0.1:8080/', 'http://127.0.0.1:8080/' ],
		[ '  https://example.com/  ', 'https://example.com/' ],
		[ 'javascript:alert(1)', null ],
		[ 'JAVASCRIPT:alert(1)', null ],
		[ 'java\nscript:alert(1)', null ],
		[ 'data:text/html,x', null ],
		[ 'ftp://example.com/', null ],
		[ '//example.com/', null ],
		[ '/path', null ],
		[ 'http://', null ],
		[ 'https://exa mple.com/', null ],
		[ '', null ],
		[ 42, null ],
		[ null, null ],
		[ undefined, null ],
	] )( 'maps %p to %p', ( value, expected ) => {
		expect( httpUrlOrNull( value ) ).toBe( expected );
	} );

	it( 'refuses an address longer than the 2000 characters the columns hold', () => {
		const base = 'https://example.com/';
		expect(
			httpUrlOrNull( base + 'a'.repeat( 2000 - base.length ) )
		).not.toBeNull();
		expect(
			httpUrlOrNull( base + 'a'.repeat( 2001 - base.length ) )
		).toBeNull();
	} );
} );

describe( 'integration: events from the plugin’s outbox', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;
	let writer: WriterFixtures;
	let theirs: WriterFixtures;

	const send = ( site: Tenant, events: unknown[] ) =>
		signedCall( cloud.app, site, 'post', '/api/v1/integration/events/', {
			events,
		} );

	const state = async ( fixtures: WriterFixtures ) => {
		const { models } = cloud.context;
		const task = await models.Task.findByPk( fixtures.taskId );
		const content = await models.Content.findByPk( fixtures.contentId );
		return {
			task: task!.status,
			assigned_post_id: task!.assigned_post_id,
			post_url: task!.post_url,
			sync_status: content!.sync_status,
			external_id: content!.external_id,
		};
	};

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		tenant = await addTenant( cloud, 'Events Co' );
		other = await addTenant( cloud, 'Bystander Co' );
		writer = await addWriterContent( cloud, tenant );
		theirs = await addWriterContent( cloud, other );
		// Both sites pair, so their events are signed.
		await connect( cloud, tenant );
		await connect( cloud, other );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const post = (
		status: string,
		extra: Record< string, unknown > = {}
	) => ( {
		wp_post_id: 41,
		post_type: 'post',
		status,
		title: 'Hello',
		url: 'https://shop.example.test/hello/',
		modified_gmt: new Date().toISOString(),
		content_hash: 'a'.repeat( 64 ),
		igny8_task_id: writer.taskId,
		igny8_content_id: writer.contentId,
		...extra,
	} );

	it.each( [
		[ 'publish', 'published', 'published' ],
		[ 'future', 'completed', 'scheduled' ],
		[ 'draft', 'completed', 'draft' ],
		[ 'pending', 'completed', 'draft' ],
		[ 'private', 'completed', 'draft' ],
	] )(
		'maps a post saved as %s to task %s and content %s',
		async ( wpStatus, taskStatus, syncStatus ) => {
			const response = await send( tenant, [
				postEvent( 'post.status_changed', post( wpStatus ) ),
			] ).expect( 200 );
			expect( response.body.data.accepted ).toHaveLength( 1 );
			expect( await state( writer ) ).toEqual( {
				task: taskStatus,
				assigned_post_id: 41,
				post_url: 'https://shop.example.test/hello/',
				sync_status: syncStatus,
				external_id: '41',
			} );
		}
	);

	it( 'maps trashing, then deleting, and clears the post link on delete', async () => {
		await send( tenant, [
			postEvent( 'post.trashed', post( 'trash' ) ),
		] ).expect( 200 );
		expect( await state( writer ) ).toMatchObject( {
			task: 'completed',
			sync_status: 'trashed',
			external_id: '41',
		} );
		await send( tenant, [
			postEvent( 'post.deleted', {
				wp_post_id: 41,
				igny8_task_id: writer.taskId,
				igny8_content_id: writer.contentId,
			} ),
		] ).expect( 200 );
		expect( await state( writer ) ).toEqual( {
			task: 'completed',
			assigned_post_id: null,
			post_url: null,
			sync_status: 'deleted',
			external_id: null,
		} );
		const row = await cloud.context.models.SitePost.findOne( {
			where: { site_id: tenant.siteId, wp_post_id: 41 },
		} );
		expect( row!.status ).toBe( 'deleted' );
		expect( row!.deleted_at ).not.toBeNull();
	} );

	it( 'applies each event id once within the retention period: a replayed batch is acknowledged as duplicates', async () => {
		const events = [
			postEvent(
				'post.saved',
				post( 'publish', {
					wp_post_id: 50,
					igny8_task_id: null,
					igny8_content_id: null,
					title: 'First',
				} )
			),
			postEvent(
				'post.saved',
				post( 'draft', {
					wp_post_id: 51,
					igny8_task_id: null,
					igny8_content_id: null,
				} )
			),
		];
		const first = await send( tenant, events ).expect( 200 );
		expect( first.body.data ).toEqual( {
			accepted: events.map( ( e ) => e.id ),
			duplicates: [],
			rejected: [],
		} );
		// Someone edits the row after; a replay must not re-apply the old title.
		await cloud.context.models.SitePost.update(
			{ title: 'Changed since' },
			{ where: { site_id: tenant.siteId, wp_post_id: 50 } }
		);
		const [ again, concurrent ] = await Promise.all( [
			send( tenant, events ),
			send( tenant, events ),
		] );
		for ( const replay of [ again, concurrent ] ) {
			expect( replay.status ).toBe( 200 );
			expect( replay.body.data ).toEqual( {
				accepted: [],
				duplicates: events.map( ( e ) => e.id ),
				rejected: [],
			} );
		}
		const row = await cloud.context.models.SitePost.findOne( {
			where: { site_id: tenant.siteId, wp_post_id: 50 },
		} );
		expect( row!.title ).toBe( 'Changed since' );
	} );

	it( 'keeps event ids for the retention period, then the purge deletes the expired ones', async () => {
		const { context } = cloud;
		expect( context.config.eventRetentionDays ).toBe( 30 );
		const events = [ 60, 61 ].map( ( id ) =>
			postEvent(
				'post.saved',
				post( 'publish', {
					wp_post_id: id,
					igny8_task_id: null,
					igny8_content_id: null,
				} )
			)
		);
		await send( tenant, events ).expect( 200 );
		const ids = events.map( ( e ) => e.id );
		const kept = async () =>
			(
				( await context.db.sequelize.query(
					'SELECT event_id FROM integration_events WHERE event_id IN (:ids) ORDER BY event_id',
					{ replacements: { ids }, type: QueryTypes.SELECT }
				) ) as { event_id: string }[]
			 ).map( ( row ) => row.event_id );
		await context.db.sequelize.query(
			`UPDATE integration_events SET processed_at = NOW() - INTERVAL '31 days' WHERE event_id = :id`,
			{ replacements: { id: ids[ 0 ] } }
		);
		// What the scheduler runs daily (integration.event-retention).
		expect( await context.services.events.purgeExpired() ).toBe( 1 );
		expect( await kept() ).toEqual( [ ids[ 1 ] ] );
		expect( await context.services.events.purgeExpired() ).toBe( 0 );
		// Within the period a replay is still a duplicate.
		const replay = await send( tenant, [ events[ 1 ] ] ).expect( 200 );
		expect( replay.body.data.duplicates ).toEqual( [ ids[ 1 ] ] );
	} );

	it( 'rejects a malformed event by id and still applies the rest of the batch', async () => {
		const good = postEvent(
			'post.saved',
			post( 'publish', {
				wp_post_id: 60,
				igny8_task_id: null,
				igny8_content_id: null,
			} )
		);
		const badId = randomUUID();
		const response = await send( tenant, [
			{
				id: badId,
				type: 'post.saved',
				occurred_at: 'yesterday',
				post: { wp_post_id: -1 },
			},
			{ type: 'nonsense' },
			good,
		] ).expect( 200 );
		expect( response.body.data.accepted ).toEqual( [ good.id ] );
		expect(
			response.body.data.rejected.map(
				( r: { id: string | null } ) => r.id
			)
		).toEqual( [ badId, null ] );
		expect( response.body.data.rejected[ 0 ].error ).toMatch(
			/occurred_at|wp_post_id/
		);
		// The well-formed event of the batch was applied despite its neighbours.
		expect(
			await cloud.context.models.SitePost.count( {
				where: { site_id: tenant.siteId, wp_post_id: 60 },
			} )
		).toBe( 1 );
	} );

	it( 'refuses a whole batch that is empty or larger than 100 events', async () => {
		await send( tenant, [] ).expect( 400 );
		const tooMany = Array.from( { length: 101 }, () =>
			postEvent( 'post.saved', post( 'publish' ) )
		);
		const response = await send( tenant, tooMany ).expect( 400 );
		expect( response.body.errors.events ).toEqual( [
			'at most 100 events per batch',
		] );
		await request( cloud.app )
			.post( '/api/v1/integration/events/' )
			.set( bearer( tenant.owner ) )
			.send( {
				events: [ postEvent( 'post.saved', post( 'publish' ) ) ],
			} )
			.expect( 403 );
	} );

	it( 'never touches another site’s task or content, whatever ids the event names', async () => {
		const before = await state( theirs );
		const response = await send( tenant, [
			postEvent( 'post.status_changed', {
				wp_post_id: 99,
				status: 'publish',
				igny8_task_id: theirs.taskId,
				igny8_content_id: theirs.contentId,
			} ),
		] ).expect( 200 );
		expect( response.body.data.accepted ).toHaveLength( 1 );
		expect( await state( theirs ) ).toEqual( before );
	} );

	it( 'ignores an event older than one already applied to the same post', async () => {
		const later = new Date( Date.now() + 60_000 ).toISOString();
		const earlier = new Date( Date.now() - 60_000 ).toISOString();
		await send( tenant, [
			postEvent(
				'post.status_changed',
				post( 'publish', { wp_post_id: 70 } ),
				later
			),
		] ).expect( 200 );
		await send( tenant, [
			postEvent(
				'post.status_changed',
				post( 'draft', { wp_post_id: 70 } ),
				earlier
			),
		] ).expect( 200 );
		expect( await state( writer ) ).toMatchObject( {
			task: 'published',
			sync_status: 'published',
			external_id: '70',
		} );
	} );

	it( 'stores only http(s) addresses from events: anything else keeps the one stored', async () => {
		const at = ( seconds: number ) =>
			new Date( Date.now() + 120_000 + seconds * 1000 ).toISOString();
		await send( tenant, [
			postEvent(
				'post.saved',
				post( 'publish', { wp_post_id: 88 } ),
				at( 0 )
			),
		] ).expect( 200 );
		const stored = async () => ( {
			site_post: ( await cloud.context.models.SitePost.findOne( {
				where: { site_id: tenant.siteId, wp_post_id: 88 },
			} ) )!.url,
			task: ( await state( writer ) ).post_url,
		} );
		const good = {
			site_post: 'https://shop.example.test/hello/',
			task: 'https://shop.example.test/hello/',
		};
		expect( await stored() ).toEqual( good );
		const hostile = [
			'javascript:alert(document.cookie)',
			'JavaScript:alert(1)',
			' javascript:alert(1)',
			'java\tscript:alert(1)',
			'data:text/html,<script>alert(1)</script>',
			'vbscript:msgbox(1)',
			'//evil.example/x',
			'/relative/path',
			'https://',
			'',
		];
		for ( const [ i, url ] of hostile.entries() ) {
			const response = await send( tenant, [
				postEvent(
					'post.saved',
					post( 'publish', {
						wp_post_id: 88,
						url,
						title: `T${ i }`,
					} ),
					at( i + 1 )
				),
			] ).expect( 200 );
			expect( response.body.data.accepted ).toHaveLength( 1 );
			expect( await stored() ).toEqual( good );
		}
		// The rest of the event still applies.
		const row = await cloud.context.models.SitePost.findOne( {
			where: { site_id: tenant.siteId, wp_post_id: 88 },
		} );
		expect( row!.title ).toBe( `T${ hostile.length - 1 }` );
	} );

	it( 'accepts events that describe a post by id, type and status only, keeping what it knew', async () => {
		await send( tenant, [
			postEvent(
				'post.saved',
				post( 'publish', { wp_post_id: 89 } ),
				new Date( Date.now() + 300_000 ).toISOString()
			),
		] ).expect( 200 );
		const response = await send( tenant, [
			postEvent(
				'post.status_changed',
				{
					wp_post_id: 89,
					post_type: 'post',
					status: 'private',
					old_status: 'publish',
					igny8_task_id: null,
					igny8_content_id: null,
				},
				new Date( Date.now() + 301_000 ).toISOString()
			),
		] ).expect( 200 );
		expect( response.body.data.accepted ).toHaveLength( 1 );
		const row = await cloud.context.models.SitePost.findOne( {
			where: { site_id: tenant.siteId, wp_post_id: 89 },
		} );
		expect( row ).toMatchObject( {
			status: 'private',
			title: 'Hello',
			url: 'https://shop.example.test/hello/',
		} );
		expect( row!.deleted_at ).toBeNull();
	} );

	it( 'stores a structure change on the site’s integration', async () => {
		await connect( cloud, tenant );
		await send( tenant, [
			{
				id: randomUUID(),
				type: 'structure.changed',
				occurred_at: new Date().toISOString(),
				metadata: {
					post_types: [ { name: 'recipe', label: 'Recipes' } ],
				},
			},
		] ).expect( 200 );
		const row = await cloud.context.models.SiteIntegration.findOne( {
			where: { site_id: tenant.siteId },
		} );
		expect( row!.config_json.structure ).toEqual( {
			post_types: [ { name: 'recipe', label: 'Recipes' } ],
		} );
	} );

	it( 'keeps the site’s categories and tags from term events, per site, newest event winning', async () => {
		const at = ( offsetMs: number ) =>
			new Date( Date.now() + offsetMs ).toISOString();
		const termEvent = (
			action: 'created' | 'edited' | 'deleted',
			term: Record< string, unknown >,
			occurredAt: string
		) => ( {
			id: randomUUID(),
			type: 'term.changed',
			occurred_at: occurredAt,
			term: { action, ...term },
		} );
		const terms = async ( siteId: number ) =>
			cloud.context.db.sequelize.query< Record< string, unknown > >(
				`SELECT taxonomy, term_id::int AS term_id, name, slug, deleted_at IS NOT NULL AS deleted
				 FROM site_terms WHERE site_id = :site ORDER BY taxonomy, term_id`,
				{ replacements: { site: siteId }, type: QueryTypes.SELECT }
			);
		const created = termEvent(
			'created',
			{ taxonomy: 'category', term_id: 5, name: 'News', slug: 'news' },
			at( -3000 )
		);
		const response = await send( tenant, [
			created,
			termEvent(
				'created',
				{ taxonomy: 'post_tag', term_id: 9, name: 'seo', slug: 'seo' },
				at( -3000 )
			),
			termEvent(
				'edited',
				{
					taxonomy: 'category',
					term_id: 5,
					name: 'Company news',
					slug: 'company-news',
				},
				at( -2000 )
			),
		] ).expect( 200 );
		expect( response.body.data.accepted ).toHaveLength( 3 );
		// The same term id on another site is that site's own term.
		await send( other, [
			termEvent(
				'created',
				{ taxonomy: 'category', term_id: 5, name: 'Elsewhere' },
				at( -3000 )
			),
		] ).expect( 200 );
		expect( await terms( tenant.siteId ) ).toEqual( [
			{
				taxonomy: 'category',
				term_id: 5,
				name: 'Company news',
				slug: 'company-news',
				deleted: false,
			},
			{
				taxonomy: 'post_tag',
				term_id: 9,
				name: 'seo',
				slug: 'seo',
				deleted: false,
			},
		] );
		expect( await terms( other.siteId ) ).toEqual( [
			{
				taxonomy: 'category',
				term_id: 5,
				name: 'Elsewhere',
				slug: '',
				deleted: false,
			},
		] );

		// A deletion wins over a late, older edit; a replayed "created" is a duplicate.
		await send( tenant, [
			termEvent(
				'deleted',
				{ taxonomy: 'post_tag', term_id: 9, name: 'seo', slug: 'seo' },
				at( -1000 )
			),
			termEvent(
				'edited',
				{ taxonomy: 'post_tag', term_id: 9, name: 'SEO!', slug: 'seo' },
				at( -1500 )
			),
		] ).expect( 200 );
		const replay = await send( tenant, [ created ] ).expect( 200 );
		expect( replay.body.data.duplicates ).toEqual( [ created.id ] );
		expect( await terms( tenant.siteId ) ).toEqual( [
			expect.objectContaining( {
				term_id: 5,
				name: 'Company news',
				deleted: false,
			} ),
			expect.objectContaining( {
				term_id: 9,
				name: 'seo',
				deleted: true,
			} ),
		] );
	} );

	it( 'lets a viewer read integrations but not write them', async () => {
		const viewer = await addUser( cloud, tenant.accountId, 'viewer' );
		const list = await request( cloud.app )
			.get( '/api/v1/integration/integrations/' )
			.set( bearer( viewer ) )
			.expect( 200 );
		expect( list.body.count ).toBe( 1 );
		await request( cloud.app )
			.post(
				`/api/v1/integration/integrations/${ list.body.results[ 0 ].id }/sync/`
			)
			.set( bearer( viewer ) )
			.send( {} )
			.expect( 403 );
	} );
} );

describe( 'the signed client and the plugin sign the same canonical string', () => {
	it( 'matches RequestVerifier::canonical() and ::sign() in PHP', () => {
		const parts = {
			method: 'get',
			route: '/igny8/v1/posts/',
			query: {
				per_page: '200',
				post_type: 'post,page',
				modified_after: '2026-11-26T12:00:00Z',
				after_id: '12',
				rest_route: '/igny8/v1/posts',
				'name with space': "it's (a) *test*!",
			},
			timestamp: 1764158400,
			requestId: '5b0c1f0e-0000-4000-8000-000000000000',
			body: '{"title":"Grüße"}',
		};
		const verifier = path.join(
			REPO_ROOT,
			'plugin/src/Security/RequestVerifier.php'
		);
		// WordPress's one helper the method uses, then the class itself.
		const php = `
			namespace { function untrailingslashit( $s ) { return rtrim( $s, '/\\\\' ); } define( 'ABSPATH', '/' ); }
			namespace { require ${ JSON.stringify( verifier ) };
				$in = json_decode( stream_get_contents( STDIN ), true );
				$c = \\IGNY8\\Bridge\\Security\\RequestVerifier::canonical( $in['method'], $in['route'], $in['query'], (string) $in['timestamp'], $in['requestId'], $in['body'] );
				echo json_encode( array( $c, \\IGNY8\\Bridge\\Security\\RequestVerifier::sign( 'ig8_key', $c ), \\IGNY8\\Bridge\\Security\\RequestVerifier::derive_secret( 'ig8_key' ) ) ); }`;
		const output = execFileSync( phpBinary(), [ '-r', php ], {
			input: JSON.stringify( parts ),
		} ).toString();
		const canonical = canonicalRequest( parts );
		expect( JSON.parse( output ) ).toEqual( [
			canonical,
			signRequest( 'ig8_key', canonical ),
			deriveSigningSecret( 'ig8_key' ),
		] );
	} );
} );
