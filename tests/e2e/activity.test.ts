/**
 * IGNY8 → Activity as a person uses it, in Chromium against real WordPress
 * and the real cloud: AI runs, publications and the site's outbox, each tab
 * with real rows; the tab, filters and page live in the URL (reload and
 * back/forward bring them back); cancelling a waiting run and retrying an
 * event that gave up ask first, change the row and say what happened.
 */
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import {
	collectConsoleErrors,
	launchBrowser,
	loginToWpAdmin,
	outboundAllow,
	screenshot,
	startWordPress,
	type ConsoleErrors,
	type WordPressSite,
} from '@igny8/test-harness';
import { addTenant, bearer, type Tenant } from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import {
	connectSite,
	freePort,
	listen,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import { assertPluginUiBuilt } from './build-check';

const SUCCEEDED = 27;
const MINUTE = 60_000;
const RAW_SLUG =
	/\b(in_progress|auto_cluster|generate_ideas|generate_content|post\.saved)\b/;

let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let browser: Browser;
let page: Page;
let errors: ConsoleErrors;
let queuedRunId: number;
let postId: number;
let deadEventId: string;

beforeAll( async () => {
	assertPluginUiBuilt();
	const wpPort = await freePort();
	// No workers: a queued run stays queued until someone cancels it.
	cloud = await startTestCloud(
		{ db: 'pglite', queue: 'inline' },
		{
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		},
		{ workers: false }
	);
	[ served, site ] = await Promise.all( [
		listen( cloud ),
		startWordPress( { port: wpPort } ),
	] );
	tenant = await addTenant( cloud, 'Activity' );
	await cloud.context.models.Site.update(
		{ wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	await connectSite( site, served.url, tenant );

	const { models } = cloud.context;
	const scope = {
		account_id: tenant.accountId,
		site_id: tenant.siteId,
		sector_id: tenant.sectorId,
	};
	const now = Date.now();
	const run = async (
		function_name: string,
		status: string,
		at: number,
		extra: Record< string, unknown > = {}
	) => {
		const created = new Date( at );
		return models.AiTaskRun.create( {
			...scope,
			function_name,
			status,
			input: {},
			output_summary: null,
			error: null,
			created_by: null,
			started_at: status === 'queued' ? null : created,
			finished_at:
				status === 'queued' ? null : new Date( at + MINUTE / 2 ),
			credits_reserved: 2,
			credits_charged: status === 'succeeded' ? 2 : 0,
			created_at: created,
			updated_at: created,
			...extra,
		} as never );
	};
	// 27 finished idea runs (older), 2 failed drafts, 1 clustering still waiting (newest).
	for ( let i = 0; i < SUCCEEDED; i++ ) {
		await run( 'generate_ideas', 'succeeded', now - ( 60 + i ) * MINUTE );
	}
	for ( let i = 0; i < 2; i++ ) {
		await run( 'generate_content', 'failed', now - ( 10 + i ) * MINUTE, {
			error: 'The AI provider refused the request: check the key under Settings → AI.',
		} );
	}
	queuedRunId = ( await run( 'auto_cluster', 'queued', now ) ).get(
		'id'
	) as number;

	// Two publications: one that reached WordPress, one that failed.
	postId = Number(
		(
			await site.php(
				`echo wp_insert_post( array( 'post_title' => 'Pruning roses', 'post_status' => 'publish' ) );`
			)
		).trim()
	);
	for ( const [ title, status, extra ] of [
		[
			'Pruning roses',
			'published',
			{
				post_id: postId,
				post_url: `${ site.url }/?p=${ postId }`,
				published_at: new Date( now - 5 * MINUTE ),
			},
		],
		[
			'Composting at home',
			'failed',
			{
				last_error:
					'WordPress did not answer in time. It is tried again in 5 minutes.',
			},
		],
	] as const ) {
		const content = await request( cloud.app )
			.post( '/api/v1/writer/content/' )
			.set( bearer( tenant.owner ) )
			.send( {
				sector_id: tenant.sectorId,
				title,
				content_html: '<p>Text.</p>',
			} )
			.expect( 201 );
		await models.PublishingRecord.create( {
			...scope,
			content_id: content.body.data.id,
			status,
			...extra,
		} as never );
	}

	// An event that gave up: the post's own “saved” event, dead-lettered in
	// the same request that wrote it, so the drainer cannot send it first.
	deadEventId = (
		await site.php( `
			global $wpdb;
			$id = wp_insert_post( array( 'post_title' => 'Mulching beds', 'post_status' => 'publish' ) );
			$table = \\IGNY8\\Bridge\\Schema::outbox_table();
			$event = $wpdb->get_var( $wpdb->prepare( "SELECT event_id FROM %i WHERE object_id = %d AND event_type = 'post.saved' ORDER BY id DESC LIMIT 1", $table, $id ) );
			$wpdb->query( $wpdb->prepare( "UPDATE %i SET status = 'dead', attempts = 10, last_error = %s WHERE event_id = %s", $table, 'cURL error 7: Failed to connect to 127.0.0.1 port 9', $event ) );
			echo $event;
		` )
	).trim();
	expect( deadEventId ).toMatch( /^[0-9a-f-]{36}$/ );

	browser = await launchBrowser();
	( { page } = await loginToWpAdmin( browser, site.url, site.admin ) );
	errors = collectConsoleErrors( page );
} );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
	await served?.close();
	await cloud?.stop();
} );

async function settled(): Promise< void > {
	await page
		.locator(
			'.igny8-table[aria-busy="false"], .igny8-dataview .igny8-empty'
		)
		.first()
		.waitFor();
}

async function openActivity( query = '' ): Promise< void > {
	await page.goto( `/wp-admin/admin.php?page=igny8-activity${ query }` );
	await page
		.locator( '.igny8-dataview, .igny8-activity .igny8-empty' )
		.first()
		.waitFor();
	await settled();
}

const filters = () => page.getByRole( 'group', { name: 'Filters' } );
const pages = () => page.getByRole( 'navigation', { name: 'Pages' } );
const args = () => Object.fromEntries( new URL( page.url() ).searchParams );
const column = ( name: string ) =>
	page
		.locator( `.igny8-table tbody td[data-label="${ name }"]` )
		.allTextContents();
const row = ( text: string ) =>
	page.locator( '.igny8-table tbody tr', { hasText: text } );

describe( 'IGNY8 → Activity', () => {
	it( 'lists AI runs in words and keeps filter and page through reload and back/forward', async () => {
		await openActivity();
		await page
			.getByRole( 'tab', { name: 'AI runs', selected: true } )
			.waitFor();
		await pages().getByText( 'Page 1 of 2' ).waitFor();
		expect( ( await column( 'AI action' ) )[ 0 ] ).toBe(
			'Cluster keywords'
		);
		expect( ( await column( 'Status' ) ).slice( 0, 3 ) ).toEqual( [
			'Waiting to start',
			'Failed',
			'Failed',
		] );
		await row( 'Write drafts' )
			.first()
			.getByText( 'The AI provider refused the request' )
			.waitFor();
		expect( ( await column( 'Credits' ) )[ 0 ] ).toBe(
			'2 credits reserved'
		);
		expect( ( await column( 'Credits' ) )[ 3 ] ).toBe( '2 credits' );
		await screenshot( page, 'igny8-activity-runs' );

		await filters().getByLabel( 'Status' ).selectOption( 'succeeded' );
		await settled();
		await pages().getByLabel( 'Per page' ).selectOption( '10' );
		await settled();
		await pages().getByRole( 'button', { name: 'Next' } ).click();
		await settled();
		const expectFinishedPage2 = async () => {
			await pages().getByText( 'Page 2 of 3' ).waitFor();
			expect( await filters().getByLabel( 'Status' ).inputValue() ).toBe(
				'succeeded'
			);
			expect( new Set( await column( 'Status' ) ) ).toEqual(
				new Set( [ 'Finished' ] )
			);
			expect( await column( 'AI action' ) ).toHaveLength( 10 );
		};
		expect( args() ).toEqual( {
			page: 'igny8-activity',
			status: 'succeeded',
			per_page: '10',
			paged: '2',
		} );
		await expectFinishedPage2();

		await page.reload();
		await settled();
		await expectFinishedPage2();

		await filters()
			.getByLabel( 'AI action' )
			.selectOption( 'generate_content' );
		await settled();
		await page.getByText( 'No AI runs match these filters.' ).waitFor();
		await page.goBack();
		await settled();
		await expectFinishedPage2();
		await page.goForward();
		await settled();
		await page.getByText( 'No AI runs match these filters.' ).waitFor();
		expect( args().function_name ).toBe( 'generate_content' );
		expect( await page.locator( '.igny8-app' ).innerText() ).not.toMatch(
			RAW_SLUG
		);
	} );

	it( 'stops (cancels) a waiting run after asking, and says so', async () => {
		await openActivity( '&tab=runs&status=queued' );
		await row( 'Cluster keywords' ).waitFor();
		await page
			.getByRole( 'button', { name: 'Actions for “Cluster keywords”' } )
			.click();
		await page.getByRole( 'menuitem', { name: 'Stop run' } ).click();
		const dialog = page.getByRole( 'dialog' );
		await dialog
			.getByText(
				'Stop the “Cluster keywords” run? Nothing it has made so far is kept, and its credits are refunded.'
			)
			.waitFor();
		await screenshot( page, 'igny8-activity-cancel' );
		await dialog.getByRole( 'button', { name: 'Stop run' } ).click();
		await page
			.locator( '.igny8-snackbars' )
			.getByText(
				'The “Cluster keywords” run was stopped; its credits were refunded.'
			)
			.waitFor();
		// It no longer waits: the “waiting” filter is empty, the full list says Cancelled.
		await page.getByText( 'No AI runs match these filters.' ).waitFor();
		const run =
			await cloud.context.models.AiTaskRun.findByPk( queuedRunId );
		expect( run?.get( 'status' ) ).toBe( 'cancelled' );
		await filters().getByLabel( 'Status' ).selectOption( '' );
		await settled();
		expect( ( await column( 'Status' ) )[ 0 ] ).toBe( 'Cancelled' );
	} );

	it( 'lists publications with links to the post, the tab kept in the URL', async () => {
		await openActivity( '&tab=runs&status=failed' );
		await page.getByRole( 'tab', { name: 'Publishing' } ).click();
		await row( 'Pruning roses' ).waitFor();
		// Another tab starts from its own view: the runs filter is gone.
		expect( args() ).toEqual( {
			page: 'igny8-activity',
			tab: 'publishing',
		} );
		await row( 'Composting at home' )
			.getByText( 'WordPress did not answer in time.', { exact: false } )
			.waitFor();
		expect(
			await row( 'Pruning roses' )
				.locator( 'td[data-label="Status"]' )
				.textContent()
		).toBe( 'Published' );
		await row( 'Pruning roses' )
			.getByRole( 'button', { name: /^Actions for/ } )
			.click();
		expect(
			await page
				.getByRole( 'menuitem', { name: 'View post' } )
				.getAttribute( 'href' )
		).toBe( `${ site.url }/?p=${ postId }` );
		expect(
			await page
				.getByRole( 'menuitem', { name: 'Open in editor' } )
				.getAttribute( 'href' )
		).toContain( `post.php?post=${ postId }&action=edit` );
		await page.keyboard.press( 'Escape' );
		await screenshot( page, 'igny8-activity-publishing' );

		await filters().getByLabel( 'Status' ).selectOption( 'failed' );
		await settled();
		await page.reload();
		await settled();
		expect( await filters().getByLabel( 'Status' ).inputValue() ).toBe(
			'failed'
		);
		expect( await column( 'Status' ) ).toEqual( [ 'Failed' ] );
		await page
			.getByRole( 'tab', { name: 'Publishing', selected: true } )
			.waitFor();

		// Back to the runs tab, with the filter it had.
		await page.goBack();
		await page.goBack();
		await settled();
		await page
			.getByRole( 'tab', { name: 'AI runs', selected: true } )
			.waitFor();
		expect( await filters().getByLabel( 'Status' ).inputValue() ).toBe(
			'failed'
		);
		expect( new Set( await column( 'Status' ) ) ).toEqual(
			new Set( [ 'Failed' ] )
		);
	} );

	it( 'lists the outbox and retries an event that gave up, after asking', async () => {
		await openActivity( '&tab=outbox&state=dead' );
		const dead = row( 'Mulching beds' );
		await dead.waitFor();
		expect(
			await dead.locator( 'td[data-label="Change"]' ).textContent()
		).toBe( 'Post saved' );
		expect(
			await dead.locator( 'td[data-label="Status"]' ).textContent()
		).toBe( 'Gave up' );
		expect(
			await dead.locator( 'td[data-label="Attempts"]' ).textContent()
		).toBe( '10 of 10' );
		expect(
			await dead.locator( 'td[data-label="Next try"]' ).textContent()
		).toBe( 'Only when retried' );
		await dead.getByText( 'cURL error 7' ).waitFor();
		expect(
			await dead
				.getByRole( 'link', { name: 'Mulching beds' } )
				.getAttribute( 'href' )
		).toContain( 'post.php?post=' );
		await screenshot( page, 'igny8-activity-outbox' );

		await page.reload();
		await dead.waitFor();
		expect( await filters().getByLabel( 'Status' ).inputValue() ).toBe(
			'dead'
		);
		// At a phone's width the row becomes a card: nothing wider than the window.
		await page.setViewportSize( { width: 375, height: 900 } );
		await dead.waitFor();
		await screenshot( page, 'igny8-activity-outbox-375' );
		expect(
			await page.evaluate(
				() =>
					document.documentElement.scrollWidth -
					document.documentElement.clientWidth
			)
		).toBeLessThanOrEqual( 1 );
		await page.setViewportSize( { width: 1280, height: 900 } );

		await dead
			.getByRole( 'button', { name: 'Actions for “Post saved”' } )
			.click();
		await page.getByRole( 'menuitem', { name: 'Retry' } ).click();
		const dialog = page.getByRole( 'dialog' );
		await dialog
			.getByText(
				'Send 1 event to IGNY8 again? They go back in the queue and are sent now.'
			)
			.waitFor();
		await dialog.getByRole( 'button', { name: 'Retry' } ).click();
		await page
			.locator( '.igny8-snackbars' )
			.getByText( '1 event queued again and sent to IGNY8.' )
			.waitFor();
		// Sent and accepted: it left the outbox.
		await page.getByText( 'No events match this filter.' ).waitFor();
		expect(
			(
				await site.php(
					`echo wp_json_encode( ( new \\IGNY8\\Bridge\\Sync\\Outbox() )->find( ${ JSON.stringify( deadEventId ) } ) );`
				)
			).trim()
		).toBe( 'null' );
		expect( errors.errors ).toEqual( [] );
	} );

	it( 'tells someone who cannot manage the site who can see the outbox', async () => {
		const editor = await site.createUser( { role: 'editor' } );
		const session = await loginToWpAdmin( browser, site.url, editor );
		try {
			await session.page.goto(
				'/wp-admin/admin.php?page=igny8-activity&tab=outbox'
			);
			await session.page
				.getByText( 'Only administrators can see the outbox.' )
				.waitFor();
			expect( await session.page.locator( '.igny8-table' ).count() ).toBe(
				0
			);
			// The runs tab is theirs to read.
			await session.page.getByRole( 'tab', { name: 'AI runs' } ).click();
			await session.page
				.locator( '.igny8-table tbody tr' )
				.first()
				.waitFor();
		} finally {
			await session.context.close();
		}
	} );

	it( 'says where to connect the site when it is not connected, and the outbox still works', async () => {
		await site.php( '( new \\IGNY8\\Bridge\\Options() )->disconnect();' );
		await page.goto(
			'/wp-admin/admin.php?page=igny8-activity&tab=publishing'
		);
		await page
			.getByText(
				'Connect this site to IGNY8 to see its AI runs and publications.'
			)
			.waitFor();
		expect(
			await page
				.getByRole( 'link', { name: 'Connect it in Settings' } )
				.getAttribute( 'href' )
		).toContain( 'page=igny8-workspace-settings' );
		await page.getByRole( 'tab', { name: 'Outbox' } ).click();
		await page.locator( '.igny8-dataview' ).waitFor();
		await settled();
		expect( args() ).toEqual( { page: 'igny8-activity', tab: 'outbox' } );
		expect( await page.locator( '.igny8-error' ).count() ).toBe( 0 );
	} );
} );
