import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import {
	BRIDGE_PLUGIN_VERSION,
	ROLES,
	type BridgeHealth,
	type SiteHealth,
} from '@igny8/shared-types';
import { REPO_ROOT } from '@igny8/test-harness';
import { isOlderVersion } from '../src/modules/site-health';
import {
	addTenant,
	addUser,
	bearer,
	type Actor,
	type Tenant,
} from './fixtures';
import { addSecondSite, as, siteSession } from './security-support';
import { signedCall } from './site-signing';
import { startTestCloud, type TestCloud } from './support';

/**
 * Per-site health: what a site's IGNY8 Bridge reports of itself with its
 * outbox batches and heartbeats (checked, bounded, each site writing only
 * its own), and the console's `GET /integration/site-health/`, whose figures
 * are the ones each module gives for one site — read for every site of the
 * account at once, by any of its people, never by a site nor another account.
 */

const EVENTS = '/api/v1/integration/events/';
const HEALTH = '/api/v1/integration/site-health/';

const health = ( overrides: Partial< BridgeHealth > = {} ): BridgeHealth => ( {
	outbox: { pending: 3, failing: 1, dead: 2, rejected: 1 },
	wordpress_version: '6.6.2',
	plugin_version: BRIDGE_PLUGIN_VERSION,
	php_version: '8.3.6-1+ubuntu22.04.1',
	...overrides,
} );

const postEvent = ( wpPostId: number ) => ( {
	id: randomUUID(),
	type: 'post.saved',
	occurred_at: new Date().toISOString(),
	post: { wp_post_id: wpPostId, post_type: 'post', status: 'draft' },
} );

const CONNECT_BODY = {
	site_url: 'https://shop.example.test',
	rest_url: 'https://shop.example.test/wp-json/',
	metadata: {
		site_name: 'Shop',
		wordpress_version: '6.5.5',
		plugin_version: '0.0.9',
		php_version: '8.1.2',
		post_types: [],
		taxonomies: [],
	},
};

/** The plugin's first test-connection: the key in plain, which pairs it. */
async function pair(
	cloud: TestCloud,
	site: Tenant,
	metadata: Record< string, unknown > = {}
): Promise< void > {
	await request( cloud.app )
		.post( '/api/v1/integration/integrations/test-connection/' )
		.set( 'X-IGNY8-API-Key', site.apiKey )
		.send( {
			...CONNECT_BODY,
			metadata: { ...CONNECT_BODY.metadata, ...metadata },
		} )
		.expect( 200 );
}

async function stored(
	cloud: TestCloud,
	siteId: number
): Promise< { health: unknown; reported: Date | null } > {
	const row = await cloud.context.models.SiteIntegration.findOne( {
		where: { site_id: siteId, platform: 'wordpress' },
	} );
	return { health: row!.health, reported: row!.health_reported_at };
}

describe( 'site health: what the plugin reports', () => {
	let cloud: TestCloud;
	let site: Tenant;
	let second: Tenant;
	let stranger: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{},
			{ workers: false }
		);
		site = await addTenant( cloud, 'Reporting Co' );
		second = await addSecondSite( cloud, site );
		stranger = await addTenant( cloud, 'Stranger Co' );
		for ( const each of [ site, second, stranger ] ) {
			await pair( cloud, each );
		}
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'keeps the health an events batch carries, and when it came, on the site’s own integration', async () => {
		const before = Date.now();
		const event = postEvent( 501 );
		const response = await signedCall( cloud.app, site, 'post', EVENTS, {
			events: [ event ],
			health: health(),
		} ).expect( 200 );
		expect( response.body.data.accepted ).toEqual( [ event.id ] );
		const { health: kept, reported } = await stored( cloud, site.siteId );
		expect( kept ).toEqual( health() );
		expect( reported!.getTime() ).toBeGreaterThanOrEqual( before - 1000 );
		// The other sites (of the account and beyond) keep what their own test-connection left: nothing.
		expect( ( await stored( cloud, second.siteId ) ).health ).toBeNull();
		expect( ( await stored( cloud, stranger.siteId ) ).health ).toBeNull();
	} );

	it( 'accepts a heartbeat: no events, only the health', async () => {
		const beat = health( {
			outbox: { pending: 0, failing: 0, dead: 4, rejected: 0 },
		} );
		const response = await signedCall( cloud.app, second, 'post', EVENTS, {
			events: [],
			health: beat,
		} ).expect( 200 );
		expect( response.body.data ).toEqual( {
			accepted: [],
			duplicates: [],
			rejected: [],
		} );
		expect( ( await stored( cloud, second.siteId ) ).health ).toEqual(
			beat
		);
		// Only the calling site's own row: the first site's report is as it was.
		expect( ( await stored( cloud, site.siteId ) ).health ).toEqual(
			health()
		);
	} );

	it.each( [
		[
			'a negative count',
			{
				...health(),
				outbox: { pending: -1, failing: 0, dead: 0, rejected: 0 },
			},
			'health.outbox.pending',
		],
		[
			'a count past the bound',
			{
				...health(),
				outbox: { pending: 0, failing: 0, dead: 2e9, rejected: 0 },
			},
			'health.outbox.dead',
		],
		[
			'a fractional count',
			{
				...health(),
				outbox: { pending: 1.5, failing: 0, dead: 0, rejected: 0 },
			},
			'health.outbox.pending',
		],
		[ 'no outbox', { ...health(), outbox: undefined }, 'health.outbox' ],
		[
			'a version that is no version',
			{ ...health(), plugin_version: '<script>' },
			'health.plugin_version',
		],
		[
			'a version too long to keep',
			{ ...health(), wordpress_version: '6'.repeat( 65 ) },
			'health.wordpress_version',
		],
		[
			'a field the cloud does not know',
			{ ...health(), uptime_days: 12 },
			'health.uptime_days',
		],
		[ 'a health that is no object', 'healthy', 'health' ],
	] )(
		'refuses a batch whose health has %s with a clear 400, and keeps nothing of it',
		async ( _name, bad, field ) => {
			const event = postEvent( 777 );
			const before = await stored( cloud, site.siteId );
			const response = await signedCall(
				cloud.app,
				site,
				'post',
				EVENTS,
				{ events: [ event ], health: bad }
			).expect( 400 );
			expect( response.body.success ).toBe( false );
			expect( Object.keys( response.body.errors ) ).toEqual( [ field ] );
			expect( await stored( cloud, site.siteId ) ).toEqual( before );
			// The batch's event was not applied either.
			const [ seen ] = await cloud.context.db.sequelize.query< {
				n: number;
			} >(
				'SELECT count(*)::int AS n FROM integration_events WHERE event_id = $1',
				{ bind: [ event.id ], type: QueryTypes.SELECT }
			);
			expect( seen!.n ).toBe( 0 );
		}
	);

	it( 'still takes an older plugin’s batch without health, and keeps the last one reported', async () => {
		const before = await stored( cloud, site.siteId );
		const event = postEvent( 502 );
		const response = await signedCall( cloud.app, site, 'post', EVENTS, {
			events: [ event ],
		} ).expect( 200 );
		expect( response.body.data.accepted ).toEqual( [ event.id ] );
		expect( await stored( cloud, site.siteId ) ).toEqual( before );
	} );

	it( 'refuses a batch with neither events nor health, and a site named in the body', async () => {
		const empty = await signedCall( cloud.app, site, 'post', EVENTS, {
			events: [],
		} ).expect( 400 );
		expect( empty.body.errors.events ).toEqual( [
			'send at least one event (or, as a heartbeat, the health)',
		] );
		// A site speaks only for itself: there is no way to name another.
		const aimed = await signedCall( cloud.app, site, 'post', EVENTS, {
			events: [],
			health: health(),
			site_id: stranger.siteId,
		} ).expect( 400 );
		expect( aimed.body.success ).toBe( false );
		expect( ( await stored( cloud, stranger.siteId ) ).health ).toBeNull();
	} );

	it( 'refuses a person’s health report: only a site with its key reports', async () => {
		await request( cloud.app )
			.post( EVENTS )
			.set( bearer( site.owner ) )
			.send( { events: [], health: health() } )
			.expect( 403 );
	} );

	it( 'keeps the health a test-connection’s metadata carries, and ignores one that does not check out', async () => {
		const third = await addSecondSite(
			cloud,
			site,
			'https://third.example.test'
		);
		await pair( cloud, third, {
			plugin_version: '0.1.0',
			outbox: { pending: 0, failing: 0, dead: 1, rejected: 0 },
		} );
		expect( ( await stored( cloud, third.siteId ) ).health ).toEqual( {
			outbox: { pending: 0, failing: 0, dead: 1, rejected: 0 },
			wordpress_version: '6.5.5',
			plugin_version: '0.1.0',
			php_version: '8.1.2',
		} );
		const fourth = await addSecondSite(
			cloud,
			site,
			'https://fourth.example.test'
		);
		await pair( cloud, fourth, {
			outbox: { pending: 'lots', failing: 0, dead: 0, rejected: 0 },
		} );
		expect( ( await stored( cloud, fourth.siteId ) ).health ).toBeNull();
	} );
} );

describe( 'site health: the console’s Sites page', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	/** Alpha: paired, reporting, with publications, links and scores. */
	let alpha: Tenant;
	/** Beta: an older plugin whose last sync failed. */
	let beta: Tenant;
	/** Gamma: never connected. */
	let gamma: Tenant;
	let other: Tenant;
	const people = new Map< string, Actor >();

	const read = ( actor: { token: string }, query = '' ) =>
		request( cloud.app )
			.get( `${ HEALTH }${ query }` )
			.set( bearer( actor ) );

	/** `n` content rows of a site, straight in the database. */
	async function contents( site: Tenant, n: number ): Promise< number[] > {
		const ids: number[] = [];
		for ( let i = 0; i < n; i++ ) {
			const row = await cloud.context.models.Content.create( {
				account_id: site.accountId,
				site_id: site.siteId,
				sector_id: site.sectorId,
				task_id: null,
				title: `Content ${ site.siteId }-${ i }`,
				content_html: '<p>Text</p>',
				external_id: null,
				external_type: null,
			} );
			ids.push( row.id );
		}
		return ids;
	}

	async function sql( text: string, bind: unknown[] ): Promise< void > {
		await cloud.context.db.sequelize.query( text, { bind } );
	}

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{},
			{ workers: false }
		);
		tenant = await addTenant( cloud, 'Health Agency' );
		alpha = tenant;
		beta = await addSecondSite(
			cloud,
			tenant,
			'https://beta.example.test'
		);
		gamma = await addSecondSite(
			cloud,
			tenant,
			'https://gamma.example.test'
		);
		other = await addTenant( cloud, 'Elsewhere' );
		for ( const role of ROLES ) {
			people.set(
				role,
				role === 'owner'
					? tenant.owner
					: await addUser( cloud, tenant.accountId, role )
			);
		}

		// Alpha pairs and reports; Beta paired with an older plugin that reports no health, and its sync failed.
		await pair( cloud, alpha, { plugin_version: BRIDGE_PLUGIN_VERSION } );
		await signedCall( cloud.app, alpha, 'post', EVENTS, {
			events: [],
			health: health(),
		} ).expect( 200 );
		await pair( cloud, beta );
		await cloud.context.models.SiteIntegration.update(
			{ sync_state: 'failed', sync_error: 'The site did not answer.' },
			{ where: { site_id: beta.siteId } }
		);
		// The other account's site: everything in bad shape, none of it ours.
		await pair( cloud, other );
		await signedCall( cloud.app, other, 'post', EVENTS, {
			events: [],
			health: health( {
				outbox: { pending: 90, failing: 9, dead: 99, rejected: 9 },
			} ),
		} ).expect( 200 );

		// Publications: Alpha 2 failed, 1 conflict, 1 published, 1 queued; Beta 1 conflict; the other account 3 failed.
		const publish = async ( site: Tenant, statuses: string[] ) => {
			const ids = await contents( site, statuses.length );
			for ( const [ i, status ] of statuses.entries() ) {
				await sql(
					`INSERT INTO publishing_records (account_id, site_id, sector_id, content_id, status)
					 VALUES ($1, $2, $3, $4, $5)`,
					[
						site.accountId,
						site.siteId,
						site.sectorId,
						ids[ i ],
						status,
					]
				);
			}
		};
		await publish( alpha, [
			'failed',
			'failed',
			'conflict',
			'published',
			'queued',
		] );
		await publish( beta, [ 'conflict' ] );
		await publish( other, [ 'failed', 'failed', 'failed' ] );

		// Alpha's link graph: /a/ → /b/, /b/ → /a/, /a/ → /gone/ (missing),
		// /b/ → /old-c/ (moved to /c/: a redirect, not broken), /a/ → /d/
		// (a draft: unpublished); /c/ and /d/ are linked from nowhere
		// published, /c/ is an orphan (/d/ is no link target at all).
		const doc = async (
			site: Tenant,
			docPath: string,
			linkable: boolean,
			previous: string[] = []
		) => {
			const [ row ] = await cloud.context.db.sequelize.query< {
				id: number;
			} >(
				`INSERT INTO linker_documents (account_id, site_id, wp_post_id, status, title, url, path, previous_paths, html_hash, linkable)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'h', $9) RETURNING id::int AS id`,
				{
					bind: [
						site.accountId,
						site.siteId,
						Math.floor( Math.random() * 1e9 ),
						linkable ? 'publish' : 'draft',
						docPath,
						`https://example.test${ docPath }`,
						docPath,
						previous,
						linkable,
					],
					type: QueryTypes.SELECT,
				}
			);
			return row!.id;
		};
		const link = ( site: Tenant, source: number, target: string ) =>
			sql(
				`INSERT INTO linker_links (site_id, source_id, path, href, anchor) VALUES ($1, $2, $3, $3, 'anchor')`,
				[ site.siteId, source, target ]
			);
		const a = await doc( alpha, '/a/', true );
		const b = await doc( alpha, '/b/', true );
		await doc( alpha, '/c/', true, [ '/old-c/' ] );
		await doc( alpha, '/d/', false );
		await link( alpha, a, '/b/' );
		await link( alpha, b, '/a/' );
		await link( alpha, a, '/gone/' );
		await link( alpha, b, '/old-c/' );
		await link( alpha, a, '/d/' );
		// The other account: a broken link of its own.
		const theirs = await doc( other, '/x/', true );
		await link( other, theirs, '/nowhere/' );

		// Optimizer: Alpha's contents scored 40 and 81 (latest revisions), one never scored.
		const [ first, secondId ] = await contents( alpha, 3 );
		const score = ( contentId: number, revision: number, value: number ) =>
			sql(
				`INSERT INTO optimizer_analyses (account_id, site_id, content_id, revision, score, seo_score, readability_score, word_count, locale, checks)
				 VALUES ($1, $2, $3, $4, $5, $5, $5, 100, 'en', '[]')`,
				[ alpha.accountId, alpha.siteId, contentId, revision, value ]
			);
		await score( first!, 1, 10 );
		await score( first!, 2, 40 );
		await score( secondId!, 1, 81 );
	}, 120_000 );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const row = ( sites: SiteHealth[], site: Tenant ) =>
		sites.find( ( each ) => each.site_id === site.siteId )!;

	it( 'lists every site of the account with its connection, versions, outbox and what each module counts', async () => {
		const response = await read( tenant.owner ).expect( 200 );
		const { sites, current_plugin_version: current } = response.body.data;
		expect( current ).toBe( BRIDGE_PLUGIN_VERSION );
		expect( sites.map( ( s: SiteHealth ) => s.site_id ) ).toEqual( [
			alpha.siteId,
			beta.siteId,
			gamma.siteId,
		] );
		const integration = await cloud.context.models.SiteIntegration.findOne(
			{ where: { site_id: alpha.siteId } }
		);
		expect( row( sites, alpha ) ).toEqual( {
			site_id: alpha.siteId,
			name: 'Health Agency site',
			url: 'https://example.test',
			domain: null,
			created_at: expect.any( String ),
			connection: {
				integration_id: integration!.id,
				key_id: alpha.keyId,
				is_active: true,
				sync_enabled: true,
				sync_state: 'idle',
				sync_error: null,
				last_sync_at: null,
			},
			wordpress_version: '6.6.2',
			plugin_version: BRIDGE_PLUGIN_VERSION,
			php_version: '8.3.6-1+ubuntu22.04.1',
			outbox: { pending: 3, failing: 1, dead: 2, rejected: 1 },
			health_reported_at: integration!.health_reported_at!.toISOString(),
			publishing: { failed: 2, conflicts: 1 },
			links: { posts: 4, orphans: 1, broken: 2 },
			optimizer_score: 61,
			attention: [
				'dead_letters',
				'publish_failures',
				'publish_conflicts',
				'broken_links',
			],
		} );
		// An older plugin: no health, versions from the metadata it connected with.
		expect( row( sites, beta ) ).toMatchObject( {
			connection: {
				key_id: beta.keyId,
				sync_state: 'failed',
				sync_error: 'The site did not answer.',
			},
			wordpress_version: '6.5.5',
			plugin_version: '0.0.9',
			php_version: '8.1.2',
			outbox: null,
			health_reported_at: null,
			publishing: { failed: 0, conflicts: 1 },
			links: null,
			optimizer_score: null,
			attention: [ 'sync_failed', 'publish_conflicts', 'old_plugin' ],
		} );
		expect( row( sites, gamma ) ).toMatchObject( {
			connection: null,
			wordpress_version: null,
			plugin_version: null,
			outbox: null,
			publishing: { failed: 0, conflicts: 0 },
			links: null,
			optimizer_score: null,
			attention: [],
		} );
	} );

	it( 'gives each site the figures its module’s own page gives', async () => {
		const { sites } = ( await read( tenant.owner ).expect( 200 ) ).body
			.data;
		const report = await request( cloud.app )
			.get( `/api/v1/linker/report/?site_id=${ alpha.siteId }` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( row( sites, alpha ).links ).toEqual( {
			posts: report.body.data.totals.posts,
			orphans: report.body.data.totals.orphans,
			broken: report.body.data.totals.broken,
		} );
		const summary = await request( cloud.app )
			.get( `/api/v1/optimizer/summary/?site_id=${ alpha.siteId }` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( row( sites, alpha ).optimizer_score ).toBe(
			summary.body.data.average
		);
		for ( const site of [ alpha, beta ] ) {
			for ( const status of [ 'failed', 'conflict' ] as const ) {
				const records = await request( cloud.app )
					.get(
						`/api/v1/publisher/publishing-records/?site_id=${ site.siteId }&status=${ status }`
					)
					.set( bearer( tenant.owner ) )
					.expect( 200 );
				const { publishing } = row( sites, site );
				expect(
					status === 'failed'
						? publishing.failed
						: publishing.conflicts
				).toBe( records.body.count );
			}
		}
	} );

	it( 'narrows to one site of the account, and refuses another account’s as one that does not exist', async () => {
		const one = await read(
			tenant.owner,
			`?site_id=${ beta.siteId }`
		).expect( 200 );
		expect(
			one.body.data.sites.map( ( s: SiteHealth ) => s.site_id )
		).toEqual( [ beta.siteId ] );
		for ( const id of [ other.siteId, 987654321 ] ) {
			const refused = await read(
				tenant.owner,
				`?site_id=${ id }`
			).expect( 400 );
			expect( refused.body.errors ).toEqual( {
				site_id: [ `site ${ id } does not exist` ],
			} );
		}
	} );

	it.each( [ ...ROLES ] )(
		'answers the same rows to the account’s %s',
		async ( role ) => {
			const owner = ( await read( tenant.owner ).expect( 200 ) ).body
				.data;
			const response = await read( people.get( role )! ).expect( 200 );
			expect( response.body.data ).toEqual( owner );
		}
	);

	it( 'shows another account nothing of this one', async () => {
		const response = await read( other.owner ).expect( 200 );
		expect(
			response.body.data.sites.map( ( s: SiteHealth ) => s.site_id )
		).toEqual( [ other.siteId ] );
		expect( row( response.body.data.sites, other ) ).toMatchObject( {
			outbox: { pending: 90, dead: 99 },
			publishing: { failed: 3, conflicts: 0 },
			links: { posts: 1, orphans: 1, broken: 1 },
		} );
		// …and this account none of the other's figures.
		const ours = ( await read( tenant.owner ).expect( 200 ) ).body.data;
		expect(
			ours.sites.reduce(
				( sum: number, s: SiteHealth ) => sum + s.publishing.failed,
				0
			)
		).toBe( 2 );
	} );

	it( 'refuses a site’s key and a WordPress user’s session: it spans every site of the account', async () => {
		const key = await request( cloud.app )
			.get( HEALTH )
			.set( 'X-IGNY8-API-Key', gamma.apiKey )
			.expect( 401 );
		expect( key.body.error ).toBe(
			'A site API key cannot be used here; sign in as a user.'
		);
		const signed = await signedCall( cloud.app, alpha, 'get', HEALTH );
		expect( signed.status ).toBe( 401 );
		const session = await request( cloud.app )
			.get( HEALTH )
			.set( as( await siteSession( cloud, gamma.apiKey, 'admin' ) ) )
			.expect( 403 );
		expect( session.body.code ).toBe( 'permission_denied' );
		await request( cloud.app ).get( HEALTH ).expect( 401 );
	} );

	it( 'keeps the reads grouped: the same number of queries for one site as for many', async () => {
		const count = async () => {
			// Warm (a first call may load settings once), then count what one read costs.
			await read( tenant.owner ).expect( 200 );
			let queries = 0;
			const hook = ( _options: unknown, query: { sql?: string } ) => {
				// The request counter flushes on a timer, whatever is being read.
				if ( ! query.sql?.includes( 'account_request_stats' ) ) {
					queries += 1;
				}
			};
			cloud.context.db.sequelize.addHook( 'afterQuery', 'count', hook );
			try {
				await read( tenant.owner ).expect( 200 );
			} finally {
				cloud.context.db.sequelize.removeHook( 'afterQuery', 'count' );
			}
			return queries;
		};
		const before = await count();
		for ( let i = 0; i < 5; i++ ) {
			await addSecondSite( cloud, tenant, `https://more-${ i }.test` );
		}
		const after = await count();
		expect( after ).toBe( before );
		expect( after ).toBeLessThanOrEqual( 7 );
	} );
} );

describe( 'site health: versions', () => {
	it( 'ships the same IGNY8 Bridge version the plugin declares', () => {
		const source = fs.readFileSync(
			path.join( REPO_ROOT, 'plugin', 'igny8-bridge.php' ),
			'utf8'
		);
		expect(
			/define\(\s*'IGNY8_BRIDGE_VERSION',\s*'([^']+)'\s*\)/.exec(
				source
			)?.[ 1 ]
		).toBe( BRIDGE_PLUGIN_VERSION );
	} );

	it.each( [
		[ '0.0.9', '0.1.0', true ],
		[ '0.1.0', '0.1.0', false ],
		[ '0.1.0-beta2', '0.1.0', true ],
		[ '0.1', '0.1.0', false ],
		[ '0.2.0', '0.1.0', false ],
		[ '1.0.0', '0.9.9', false ],
		[ '0.10.0', '0.9.0', false ],
		[ 'unknown', '0.1.0', false ],
	] )( '%s older than %s: %s', ( version, current, older ) => {
		expect( isOlderVersion( version, current ) ).toBe( older );
	} );
} );
