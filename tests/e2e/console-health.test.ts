/**
 * Per-site health on the agency console's Sites page, in Chromium against a
 * real cloud on PostgreSQL and a real WordPress (native PHP, MariaDB) running
 * IGNY8 Bridge: the plugin's own drainer reports its dead letter as a
 * heartbeat, and the page shows it — with the other sites' publish failures,
 * conflicts, link health, optimizer scores and old plugins — to an owner, an
 * admin, an editor and a viewer alike; "needs attention" narrows to the sites
 * with a problem, the sorts put the worst first, and a site's page explains
 * each problem. No console errors, no serious axe findings, at 1280 and 375 px.
 */
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
	launchBrowser,
	outboundAllow,
	startWordPress,
	type ConsoleErrors,
	type WordPressSite,
} from '@igny8/test-harness';
import {
	addUser,
	addTenant,
	bearer,
	type Actor,
	type Tenant,
} from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import {
	connectSite,
	freePort,
	listen,
	phpJson,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import {
	assertConsoleBuilt,
	checkConsolePage,
	signInToConsole,
} from './support/console';

let cloud: TestCloud;
let served: ListeningCloud;
let wordpress: WordPressSite;
let tenant: Tenant;
let browser: Browser;
let wordpressVersion: string;
const actors: Record< 'owner' | 'admin' | 'editor' | 'viewer', Actor > =
	{} as never;

/** A site of the tenant's account with a sector and a key, made through the API. */
async function addSite( name: string ): Promise< {
	siteId: number;
	sectorId: number;
	keyId: number;
	apiKey: string;
} > {
	const auth = bearer( tenant.owner );
	const site = await request( cloud.app )
		.post( '/api/v1/auth/sites/' )
		.set( auth )
		.send( {
			name,
			wordpress_url: `https://${ name.split( ' ' )[ 0 ]!.toLowerCase() }.example.test`,
		} )
		.expect( 201 );
	const sector = await request( cloud.app )
		.post( '/api/v1/auth/sectors/' )
		.set( auth )
		.send( { site_id: site.body.data.id, name: 'Main' } )
		.expect( 201 );
	const key = await request( cloud.app )
		.post( `/api/v1/auth/sites/${ site.body.data.id }/api-keys/` )
		.set( auth )
		.send( { name: 'WordPress' } )
		.expect( 201 );
	return {
		siteId: site.body.data.id,
		sectorId: sector.body.data.id,
		keyId: key.body.data.id,
		apiKey: key.body.data.key,
	};
}

/** A plugin's first test-connection (the key in plain pairs it), with the metadata it sends. */
async function pair(
	apiKey: string,
	host: string,
	metadata: Record< string, unknown >
): Promise< void > {
	await request( cloud.app )
		.post( '/api/v1/integration/integrations/test-connection/' )
		.set( 'X-IGNY8-API-Key', apiKey )
		.send( {
			site_url: `https://${ host }`,
			rest_url: `https://${ host }/wp-json/`,
			metadata: { post_types: [], taxonomies: [], ...metadata },
		} )
		.expect( 200 );
}

async function sql( text: string, bind: unknown[] ): Promise< number[] > {
	const [ rows ] = await cloud.context.db.sequelize.query( text, { bind } );
	return ( rows as { id?: number }[] ).map( ( row ) => Number( row.id ) );
}

beforeAll( async () => {
	assertConsoleBuilt();
	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{
			DATABASE_POOL_MAX: '5',
			// The cloud may check this WordPress's address (and only it) on loopback.
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		},
		{ workers: false }
	);
	[ served, wordpress ] = await Promise.all( [
		listen( cloud ),
		startWordPress( { port: wpPort } ),
	] );
	tenant = await addTenant( cloud, 'Health Console Agency' );
	actors.owner = tenant.owner;
	actors.admin = await addUser( cloud, tenant.accountId, 'admin' );
	actors.editor = await addUser( cloud, tenant.accountId, 'editor' );
	actors.viewer = await addUser( cloud, tenant.accountId, 'viewer' );
	const { models } = cloud.context;

	// Alpha: the real WordPress. Its outbox holds an event it gave up on;
	// its own drainer, with nothing pending, reports that as a heartbeat.
	await models.Site.update(
		{
			name: 'Alpha Garden Blog',
			wordpress_url: wordpress.url,
		},
		{ where: { id: tenant.siteId } }
	);
	await connectSite( wordpress, served.url, tenant );
	wordpressVersion = await phpJson< string >(
		wordpress,
		`$outbox = \\IGNY8\\Bridge\\Plugin::instance()->outbox();
		$id = $outbox->add( 'post.saved', array( 'post' => array( 'wp_post_id' => 424242 ) ) );
		global $wpdb;
		$wpdb->update( \\IGNY8\\Bridge\\Schema::outbox_table(), array( 'status' => 'dead', 'attempts' => 10 ), array( 'event_id' => $id ) );
		echo wp_json_encode( get_bloginfo( 'version' ) );`
	);
	const drained = await phpJson< {
		heartbeat: boolean;
		error: string | null;
	} >( wordpress, 'echo wp_json_encode( igny8_bridge_drain_outbox() );' );
	expect( drained ).toMatchObject( { heartbeat: true, error: null } );

	// Beta: an older plugin (no health), its last sync failed, two drafts
	// failed to publish and one post was edited in WordPress.
	const beta = await addSite( 'Beta Bakery' );
	await pair( beta.apiKey, 'beta.example.test', {
		wordpress_version: '6.5.5',
		plugin_version: '0.0.9',
	} );
	await models.SiteIntegration.update(
		{
			sync_state: 'failed',
			sync_error: 'The site did not answer within 60 s.',
		},
		{ where: { site_id: beta.siteId } }
	);
	for ( const status of [ 'failed', 'failed', 'conflict', 'published' ] ) {
		const content = await models.Content.create( {
			account_id: tenant.accountId,
			site_id: beta.siteId,
			sector_id: beta.sectorId,
			task_id: null,
			title: `Beta ${ status }`,
			content_html: '<p>Bread</p>',
			external_id: null,
			external_type: null,
		} );
		await sql(
			`INSERT INTO publishing_records (account_id, site_id, sector_id, content_id, status)
			 VALUES ($1, $2, $3, $4, $5)`,
			[ tenant.accountId, beta.siteId, beta.sectorId, content.id, status ]
		);
	}

	// Gamma: up to date and healthy, two orphans and a good score.
	const gamma = await addSite( 'Gamma Gardens' );
	await pair( gamma.apiKey, 'gamma.example.test', {
		wordpress_version: '6.6.2',
		plugin_version: '0.1.0',
		php_version: '8.2.1',
		outbox: { pending: 0, failing: 0, dead: 0, rejected: 0 },
	} );
	for ( const [ i, docPath ] of [ '/roses/', '/tulips/' ].entries() ) {
		await sql(
			`INSERT INTO linker_documents (account_id, site_id, wp_post_id, status, title, path, html_hash, linkable)
			 VALUES ($1, $2, $3, 'publish', $4, $5, 'h', TRUE) RETURNING id`,
			[ tenant.accountId, gamma.siteId, i + 1, docPath, docPath ]
		);
	}
	const scored = await models.Content.create( {
		account_id: tenant.accountId,
		site_id: gamma.siteId,
		sector_id: gamma.sectorId,
		task_id: null,
		title: 'Gamma roses',
		content_html: '<p>Roses</p>',
		external_id: null,
		external_type: null,
	} );
	await sql(
		`INSERT INTO optimizer_analyses (account_id, site_id, content_id, revision, score, seo_score, readability_score, word_count, locale, checks)
		 VALUES ($1, $2, $3, 1, 75, 75, 75, 300, 'en', '[]')`,
		[ tenant.accountId, gamma.siteId, scored.id ]
	);

	// Delta: never connected.
	await addSite( 'Delta Deli' );

	browser = await launchBrowser();
}, 180_000 );

afterAll( async () => {
	await browser?.close();
	await wordpress?.stop();
	await served?.close();
	await cloud?.stop();
} );

const signIn = ( actor: Actor ) =>
	signInToConsole( browser, served.url, actor );

const checkPage = ( page: Page, errors: ConsoleErrors, name: string ) =>
	checkConsolePage( page, errors, `console-${ name }` );

const ALL = [
	'Alpha Garden Blog',
	'Beta Bakery',
	'Delta Deli',
	'Gamma Gardens',
];

describe.each( [ 'owner', 'admin', 'editor', 'viewer' ] as const )(
	'site health in the console, as %s',
	( role ) => {
		let context: BrowserContext;
		let page: Page;
		let errors: ConsoleErrors;

		beforeAll( async () => {
			( { context, page, errors } = await signIn( actors[ role ] ) );
		} );
		afterAll( async () => {
			await context?.close();
		} );

		const rows = () => page.locator( '.igny8c-table tbody tr' );
		const names = () =>
			rows().evaluateAll( ( trs ) =>
				trs.map( ( tr ) => tr.getAttribute( 'data-row' ) )
			);
		const cell = ( site: string, column: string ) =>
			page.locator(
				`tr[data-row="${ site }"] td[data-column="${ column }"]`
			);

		it( 'shows each site’s reported health: versions, outbox, publishing, links and score', async () => {
			await rows().first().waitFor();
			expect( await names() ).toEqual( ALL );

			// What Alpha's own plugin reported.
			const alphaVersions = await cell(
				'Alpha Garden Blog',
				'versions'
			).innerText();
			expect( alphaVersions ).toContain(
				`WordPress ${ wordpressVersion }`
			);
			expect( alphaVersions ).toContain( 'Bridge 0.1.0' );
			expect( alphaVersions ).not.toContain( 'update available' );
			const alphaOutbox = cell( 'Alpha Garden Blog', 'outbox' );
			expect(
				await alphaOutbox
					.locator( '[data-dead-letters]' )
					.getAttribute( 'data-dead-letters' )
			).toBe( '1' );
			expect( await alphaOutbox.innerText() ).toContain( '0 waiting' );
			expect(
				await cell( 'Alpha Garden Blog', 'attention' ).innerText()
			).toBe( 'Dead letters' );

			// Beta: an older plugin, a failed sync, failures and a conflict.
			expect(
				await cell( 'Beta Bakery', 'versions' ).innerText()
			).toContain( 'Bridge 0.0.9 (update available)' );
			expect(
				await cell( 'Beta Bakery', 'connection' )
					.locator( '[data-connection]' )
					.getAttribute( 'data-connection' )
			).toBe( 'sync_failed' );
			expect( await cell( 'Beta Bakery', 'outbox' ).innerText() ).toBe(
				'Not reported (older plugin)'
			);
			const publishing = await cell(
				'Beta Bakery',
				'publishing'
			).innerText();
			expect( publishing ).toContain( '2 failed' );
			expect( publishing ).toContain( '1 conflict' );
			expect(
				await cell( 'Beta Bakery', 'attention' )
					.locator( '[data-attention]' )
					.getAttribute( 'data-attention' )
			).toBe(
				'sync_failed publish_failures publish_conflicts old_plugin'
			);

			// Gamma: healthy, two orphans, scored.
			const links = await cell( 'Gamma Gardens', 'links' ).innerText();
			expect( links ).toContain( '2 orphans' );
			expect( links ).toContain( '0 broken' );
			expect( await cell( 'Gamma Gardens', 'score' ).innerText() ).toBe(
				'75 / 100'
			);
			expect(
				await cell( 'Gamma Gardens', 'attention' ).innerText()
			).toBe( 'OK' );

			// Delta: nothing to report yet.
			expect( await cell( 'Delta Deli', 'links' ).innerText() ).toBe(
				'Not indexed yet'
			);
			expect( await cell( 'Delta Deli', 'last_sync' ).innerText() ).toBe(
				'Never'
			);
			await page.getByText( '2 sites need attention.' ).waitFor();
			await checkPage( page, errors, `sites-health-${ role }` );
		} );

		it( 'narrows to the sites that need attention, and sorts the worst first', async () => {
			const health = page.getByLabel( 'Health' );
			await health.selectOption( 'attention' );
			await expect( names() ).resolves.toEqual( [
				'Alpha Garden Blog',
				'Beta Bakery',
			] );
			await page.getByText( '2 of 4 sites' ).waitFor();
			await health.selectOption( 'dead_letters' );
			await expect( names() ).resolves.toEqual( [ 'Alpha Garden Blog' ] );
			await health.selectOption( 'broken_links' );
			await page.getByText( 'No site matches these filters.' ).waitFor();
			await page
				.getByRole( 'button', { name: 'Clear the filters' } )
				.click();
			await expect( names() ).resolves.toEqual( ALL );

			const sort = page.getByLabel( 'Sort by' );
			await sort.selectOption( '-publish_failures' );
			expect( ( await names() )[ 0 ] ).toBe( 'Beta Bakery' );
			await sort.selectOption( '-dead_letters' );
			expect( ( await names() )[ 0 ] ).toBe( 'Alpha Garden Blog' );
			await sort.selectOption( '-optimizer_score' );
			expect( ( await names() )[ 0 ] ).toBe( 'Gamma Gardens' );
			await sort.selectOption( '-attention' );
			expect( ( await names() ).slice( 0, 2 ) ).toEqual( [
				'Beta Bakery',
				'Alpha Garden Blog',
			] );

			// “Show them” is the same filter, one click from the summary.
			await sort.selectOption( 'name' );
			await page.getByRole( 'button', { name: 'Show them' } ).click();
			await expect( names() ).resolves.toEqual( [
				'Beta Bakery',
				'Alpha Garden Blog',
			] );
			await checkPage( page, errors, `sites-attention-${ role }` );
			await health.selectOption( '' );
		} );

		it( 'explains on the site’s page what needs attention and what to do', async () => {
			await page.getByRole( 'link', { name: 'Beta Bakery' } ).click();
			await page
				.getByRole( 'heading', { name: 'Beta Bakery' } )
				.waitFor();
			const panel = page.locator( '.igny8c-site-health' );
			await panel.getByRole( 'heading', { name: 'Health' } ).waitFor();
			await panel.locator( '[data-fact="publishing"]' ).waitFor();
			expect(
				await panel.locator( '[data-fact="php"] dd' ).innerText()
			).toBe( 'Not reported' );
			expect(
				await panel
					.locator( '[data-attention]' )
					.getAttribute( 'data-attention' )
			).toBe(
				'sync_failed publish_failures publish_conflicts old_plugin'
			);
			const advice = await panel
				.locator( '.igny8c-attention-list' )
				.innerText();
			expect( advice ).toContain( 'Update the plugin' );
			expect( advice ).toContain( 'publish with “force”' );
			await checkPage( page, errors, `site-health-${ role }` );
			await page.getByRole( 'link', { name: '← All sites' } ).click();
			await rows().first().waitFor();
		} );
	}
);
