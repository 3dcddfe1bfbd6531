/**
 * The IGNY8 lists as a person uses them, in Chromium against real WordPress
 * and the real cloud: the view (filters, sort, page, page size) lives in the
 * URL, so reload and back/forward bring it back; bulk actions ask first, in
 * words that name how many, and a snackbar says what happened (with Undo
 * where it can be undone); statuses read as words, never as slugs.
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
	type WpUser,
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

const KEYWORDS = 60;
const TASKS = 24;
/** Status words a person may see; a raw slug (`in_progress`) is none of them. */
const RAW_SLUG =
	/\b(in_progress|auto_cluster|has_api_key|csv_import|api_import)\b/;

let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let editor: WpUser;
let browser: Browser;
let page: Page;
let errors: ConsoleErrors;
let postId: number;

const pad = ( n: number ) => String( n ).padStart( 2, '0' );

beforeAll( async () => {
	assertPluginUiBuilt();
	const wpPort = await freePort();
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
	tenant = await addTenant( cloud, 'List views' );
	await cloud.context.models.Site.update(
		{ wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	await connectSite( site, served.url, tenant );

	// Keywords “kw 01” … “kw 60”: every third inactive, volumes all different.
	await request( cloud.app )
		.post( '/api/v1/planner/keywords/bulk_create/' )
		.set( bearer( tenant.owner ) )
		.send( {
			sector_id: tenant.sectorId,
			keywords: Array.from( { length: KEYWORDS }, ( _, i ) => ( {
				keyword: `kw ${ pad( i + 1 ) }`,
				search_volume: ( i + 1 ) * 10,
				status: i % 3 === 0 ? 'inactive' : 'active',
			} ) ),
		} )
		.expect( 201 );
	await request( cloud.app )
		.post( '/api/v1/planner/clusters/' )
		.set( bearer( tenant.owner ) )
		.send( { sector_id: tenant.sectorId, name: 'Running shoes' } )
		.expect( 201 );
	for ( let i = 0; i < TASKS; i++ ) {
		await request( cloud.app )
			.post( '/api/v1/writer/tasks/' )
			.set( bearer( tenant.owner ) )
			.send( {
				sector_id: tenant.sectorId,
				title: `Task ${ pad( i + 1 ) }`,
				target_keywords: [ `kw ${ pad( i + 1 ) }` ],
				status: i % 2 === 0 ? 'in_progress' : 'pending',
			} )
			.expect( 201 );
	}

	// One draft that became a WordPress post, one that has not yet.
	postId = Number(
		(
			await site.php(
				`echo wp_insert_post( array( 'post_title' => 'Pruning roses', 'post_status' => 'publish' ) );`
			)
		).trim()
	);
	for ( const body of [
		{
			title: 'Pruning roses',
			external_id: String( postId ),
			external_type: 'post',
			sync_status: 'published',
		},
		{ title: 'Composting at home', sync_status: 'draft' },
	] ) {
		await request( cloud.app )
			.post( '/api/v1/writer/content/' )
			.set( bearer( tenant.owner ) )
			.send( {
				sector_id: tenant.sectorId,
				content_html: '<p>Text.</p>',
				...body,
			} )
			.expect( 201 );
	}

	editor = await site.createUser( { role: 'editor' } );
	browser = await launchBrowser();
	( { page } = await loginToWpAdmin( browser, site.url, editor ) );
	errors = collectConsoleErrors( page );
} );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
	await served?.close();
	await cloud?.stop();
} );

/** The table has loaded the page the URL asks for. */
async function settled(): Promise< void > {
	await page.locator( '.igny8-table[aria-busy="false"]' ).waitFor();
}

async function openScreen( slug: string, query = '' ): Promise< void > {
	await page.goto( `/wp-admin/admin.php?page=${ slug }${ query }` );
	await page.locator( '.igny8-dataview' ).waitFor();
	await page
		.locator(
			'.igny8-table[aria-busy="false"], .igny8-dataview .igny8-empty'
		)
		.first()
		.waitFor();
}

const filters = () => page.getByRole( 'group', { name: 'Filters' } );
const pages = () => page.getByRole( 'navigation', { name: 'Pages' } );
const firstCell = () =>
	page.locator( '.igny8-table tbody tr' ).first().locator( 'td' ).first();
const columnTexts = ( column: string ) =>
	page
		.locator( `.igny8-table tbody td[data-label="${ column }"]` )
		.allTextContents();
const args = () => new URL( page.url() ).searchParams;

/** The keywords view: Inactive, sorted by keyword A→Z, 10 per page, page 2. */
async function expectInactivePage2(): Promise< void > {
	await pages().getByText( 'Page 2 of 2' ).waitFor();
	expect( await filters().getByLabel( 'Status' ).inputValue() ).toBe(
		'inactive'
	);
	expect( await pages().getByLabel( 'Per page' ).inputValue() ).toBe( '10' );
	// Inactive keywords are 01, 04, 07 … 58 (20 of them); page 2 starts at the 11th.
	await expect( firstCell().textContent() ).resolves.toBe( 'kw 31' );
	expect( new Set( await columnTexts( 'Status' ) ) ).toEqual(
		new Set( [ 'Inactive' ] )
	);
	expect( await page.locator( '.igny8-app' ).innerText() ).not.toMatch(
		RAW_SLUG
	);
}

describe( 'IGNY8 lists keep their view in the URL', () => {
	it( 'restores filters, sort, page size and page on reload and back/forward (Keywords)', async () => {
		await openScreen( 'igny8-keywords' );
		expect( args().get( 'page' ) ).toBe( 'igny8-keywords' );

		await filters().getByLabel( 'Status' ).selectOption( 'inactive' );
		await page
			.locator( 'thead' )
			.getByRole( 'button', { name: 'Keyword' } )
			.click();
		await pages().getByLabel( 'Per page' ).selectOption( '10' );
		await settled();
		await pages().getByRole( 'button', { name: 'Next' } ).click();
		await settled();

		expect( Object.fromEntries( args() ) ).toEqual( {
			page: 'igny8-keywords',
			status: 'inactive',
			orderby: 'keyword',
			per_page: '10',
			paged: '2',
		} );
		await expectInactivePage2();
		await screenshot( page, 'igny8-list-keywords-view' );

		await page.reload();
		await page.locator( '.igny8-dataview' ).waitFor();
		await settled();
		await expectInactivePage2();

		// Another view of the same list, then another screen.
		await filters().getByLabel( 'Status' ).selectOption( 'active' );
		await settled();
		await pages().getByText( 'Page 1 of 4' ).waitFor();
		expect( args().get( 'status' ) ).toBe( 'active' );
		expect( args().get( 'paged' ) ).toBeNull();

		await page.goBack();
		await settled();
		await expectInactivePage2();

		await page.goForward();
		await settled();
		await pages().getByText( 'Page 1 of 4' ).waitFor();
		expect( await filters().getByLabel( 'Status' ).inputValue() ).toBe(
			'active'
		);

		await page.goBack();
		await settled();
		await page.goto( '/wp-admin/admin.php?page=igny8-clusters' );
		await page.goBack();
		await page.locator( '.igny8-dataview' ).waitFor();
		await settled();
		await expectInactivePage2();
	} );

	it( 'ignores what it does not know in the URL', async () => {
		await openScreen(
			'igny8-keywords',
			'&status=in_progress&orderby=password&paged=-3&per_page=7&hidden=keyword,nope&intent=commercial'
		);
		// Only the valid filter applies; the list loads without an error.
		expect( await filters().getByLabel( 'Intent' ).inputValue() ).toBe(
			'commercial'
		);
		expect( await filters().getByLabel( 'Status' ).inputValue() ).toBe(
			''
		);
		expect( await page.locator( '.igny8-error' ).count() ).toBe( 0 );
		await page.getByText( 'No keywords match these filters.' ).waitFor();
		await page
			.locator( '.igny8-empty' )
			.getByRole( 'button', { name: 'Clear filters' } )
			.click();
		await settled();
		await pages().getByText( 'Page 1 of 3' ).waitFor();
		expect( Object.fromEntries( args() ) ).toEqual( {
			page: 'igny8-keywords',
		} );
	} );

	it( 'asks before a bulk change, says what happened, and undoes it', async () => {
		await openScreen( 'igny8-keywords', '&orderby=keyword&per_page=10' );
		// kw 01 is inactive; kw 02, 03 and 05 are active.
		for ( const keyword of [ 'kw 01', 'kw 02', 'kw 03' ] ) {
			await page
				.locator( '.igny8-table tbody tr', { hasText: keyword } )
				.getByRole( 'checkbox' )
				.check();
		}
		const bulk = page.getByRole( 'group', { name: 'Bulk actions' } );
		await bulk.getByText( '3 keywords selected' ).waitFor();
		await bulk.getByLabel( 'Set status' ).selectOption( 'inactive' );

		const dialog = page.getByRole( 'dialog' );
		await dialog.getByText( 'Mark 3 keywords as “Inactive”?' ).waitFor();
		await screenshot( page, 'igny8-list-keywords-confirm' );
		await dialog.getByRole( 'button', { name: 'Change status' } ).click();

		const snackbar = page.locator( '.igny8-snackbars' );
		await snackbar.getByText( '3 keywords marked “Inactive”.' ).waitFor();
		await settled();
		await page.waitForFunction(
			() =>
				document.querySelectorAll(
					'.igny8-table tbody td[data-label="Status"]'
				)[ 1 ]?.textContent === 'Inactive'
		);
		expect( ( await columnTexts( 'Status' ) ).slice( 0, 3 ) ).toEqual( [
			'Inactive',
			'Inactive',
			'Inactive',
		] );

		await snackbar.getByRole( 'button', { name: 'Undo' } ).click();
		// kw 01 was already inactive, kw 02 and 03 active: each goes back to its own.
		const firstThree = async () => {
			const list = await request( cloud.app )
				.get( '/api/v1/planner/keywords/' )
				.query( {
					sector_id: tenant.sectorId,
					ordering: 'keyword',
					page_size: 3,
				} )
				.set( bearer( tenant.owner ) );
			return list.body.results.map(
				( k: { status: string } ) => k.status
			);
		};
		const deadline = Date.now() + 10_000;
		while (
			( await firstThree() ).join() !== 'inactive,active,active' &&
			Date.now() < deadline
		) {
			await page.waitForTimeout( 200 );
		}
		expect( await firstThree() ).toEqual( [
			'inactive',
			'active',
			'active',
		] );
		await page.waitForFunction(
			() =>
				document.querySelectorAll(
					'.igny8-table tbody td[data-label="Status"]'
				)[ 1 ]?.textContent === 'Active'
		);

		// Moving to a cluster says where, and Undo takes them out again.
		for ( const keyword of [ 'kw 04', 'kw 05' ] ) {
			await page
				.locator( '.igny8-table tbody tr', { hasText: keyword } )
				.getByRole( 'checkbox' )
				.check();
		}
		await bulk
			.getByLabel( 'Move to cluster' )
			.selectOption( { label: 'Running shoes' } );
		await dialog
			.getByText( 'Move 2 keywords to “Running shoes”?' )
			.waitFor();
		await dialog.getByRole( 'button', { name: 'Move' } ).click();
		await snackbar
			.getByText( '2 keywords moved to “Running shoes”.' )
			.waitFor();
		await screenshot( page, 'igny8-list-keywords-snackbar' );
		await page
			.locator( '.igny8-table tbody tr', { hasText: 'kw 04' } )
			.locator( 'td[data-label="Cluster"]', { hasText: 'Running shoes' } )
			.waitFor();
		await snackbar
			.locator( '.components-snackbar', {
				hasText: 'moved to “Running shoes”',
			} )
			.getByRole( 'button', { name: 'Undo' } )
			.click();
		await page
			.locator( '.igny8-table tbody tr', { hasText: 'kw 04' } )
			.locator( 'td[data-label="Cluster"]', { hasText: '—' } )
			.waitFor();
		await page
			.locator( '.igny8-table tbody tr', { hasText: 'kw 05' } )
			.locator( 'td[data-label="Cluster"]', { hasText: '—' } )
			.waitFor();

		// Delete: the question names the count and says it is final.
		await page
			.getByRole( 'checkbox', { name: 'Select all on this page' } )
			.check();
		await bulk.getByText( '10 keywords selected' ).waitFor();
		await bulk.getByRole( 'button', { name: 'Delete' } ).click();
		await dialog
			.getByText( 'Delete 10 keywords? This cannot be undone.' )
			.waitFor();
		await dialog.getByRole( 'button', { name: 'Cancel' } ).click();
		await dialog.waitFor( { state: 'detached' } );
		await pages().getByText( `${ KEYWORDS } keywords` ).waitFor();

		await bulk.getByRole( 'button', { name: 'Delete' } ).click();
		await dialog.getByRole( 'button', { name: 'Delete' } ).click();
		await snackbar.getByText( '10 keywords deleted.' ).waitFor();
		await settled();
		await pages()
			.getByText( `${ KEYWORDS - 10 } keywords` )
			.waitFor();
		await expect( firstCell().textContent() ).resolves.toBe( 'kw 11' );

		// One row, from its own menu.
		await page
			.getByRole( 'button', { name: 'Actions for “kw 11”' } )
			.click();
		await page.getByRole( 'menuitem', { name: 'Delete' } ).click();
		await dialog
			.getByText( 'Delete “kw 11”? This cannot be undone.' )
			.waitFor();
		await dialog.getByRole( 'button', { name: 'Delete' } ).click();
		await snackbar.getByText( '1 keyword deleted.' ).waitFor();
		expect( await page.locator( '.igny8-app' ).innerText() ).not.toMatch(
			RAW_SLUG
		);
	} );

	it( 'restores a writer list’s view too (Tasks), with words for statuses', async () => {
		await openScreen( 'igny8-tasks' );
		expect( new Set( await columnTexts( 'Status' ) ) ).toEqual(
			new Set( [ 'Writing', 'To write' ] )
		);
		expect( await page.locator( '.igny8-app' ).innerText() ).not.toMatch(
			RAW_SLUG
		);
		await filters().getByLabel( 'Status' ).selectOption( 'in_progress' );
		await page
			.locator( 'thead' )
			.getByRole( 'button', { name: 'Title' } )
			.click();
		await page
			.locator( 'thead' )
			.getByRole( 'button', { name: 'Title' } )
			.click();
		await pages().getByLabel( 'Per page' ).selectOption( '10' );
		await settled();
		await pages().getByRole( 'button', { name: 'Next' } ).click();
		await settled();
		const expectView = async () => {
			await pages().getByText( 'Page 2 of 2' ).waitFor();
			// Writing tasks are 01, 03 … 23; Z→A, page 2 holds the last two.
			expect(
				await page
					.locator( '.igny8-table tbody td:first-of-type' )
					.allTextContents()
			).toEqual( [ 'Task 03', 'Task 01' ] );
			expect( await filters().getByLabel( 'Status' ).inputValue() ).toBe(
				'in_progress'
			);
		};
		expect( Object.fromEntries( args() ) ).toEqual( {
			page: 'igny8-tasks',
			status: 'in_progress',
			orderby: '-title',
			per_page: '10',
			paged: '2',
		} );
		await expectView();
		await screenshot( page, 'igny8-list-tasks-view' );

		await page.reload();
		await page.locator( '.igny8-dataview' ).waitFor();
		await settled();
		await expectView();

		await pages().getByRole( 'button', { name: 'Previous' } ).click();
		await settled();
		await pages().getByText( 'Page 1 of 2' ).waitFor();
		await page.goBack();
		await settled();
		await expectView();
		await page.goForward();
		await settled();
		await pages().getByText( 'Page 1 of 2' ).waitFor();

		// Hide a column: the choice is part of the view too.
		await page.getByRole( 'button', { name: 'Columns' } ).click();
		await page.getByRole( 'checkbox', { name: 'Keywords' } ).uncheck();
		await page.keyboard.press( 'Escape' );
		expect( args().get( 'hidden' ) ).toBe( 'keywords' );
		await page.reload();
		await settled();
		expect(
			await page.locator( 'thead' ).getByText( 'Keywords' ).count()
		).toBe( 0 );

		// A date range (behind “More filters”) is part of the view as well.
		await filters().getByRole( 'button', { name: 'More filters' } ).click();
		await filters().getByLabel( 'Added from' ).fill( '2099-01-01' );
		await filters().getByLabel( 'Added from' ).press( 'Enter' );
		await page.getByText( 'No tasks match these filters.' ).waitFor();
		expect( args().get( 'created_after' ) ).toBe( '2099-01-01' );
		await page.reload();
		await page.getByText( 'No tasks match these filters.' ).waitFor();
		expect( await filters().getByLabel( 'Added from' ).inputValue() ).toBe(
			'2099-01-01'
		);
		await page.goBack();
		await settled();
		await pages().getByText( 'Page 1 of 2' ).waitFor();
		expect( args().get( 'created_after' ) ).toBeNull();
	} );

	it( 'links content that is in WordPress to its editor and post', async () => {
		await openScreen( 'igny8-content' );
		// Newest first: the draft, then the post.
		expect( await columnTexts( 'Status' ) ).toEqual( [
			expect.stringMatching( /^Draft/ ),
			'Published',
		] );
		await page
			.getByRole( 'button', { name: 'Actions for “Pruning roses”' } )
			.click();
		const editLink = page.getByRole( 'menuitem', {
			name: 'Open in editor',
		} );
		expect( await editLink.getAttribute( 'href' ) ).toBe(
			`${ site.url }/wp-admin/post.php?post=${ postId }&action=edit`
		);
		expect(
			await page
				.getByRole( 'menuitem', { name: 'View post' } )
				.getAttribute( 'href' )
		).toBe( `${ site.url }/?p=${ postId }` );
		await page.keyboard.press( 'Escape' );

		await page
			.getByRole( 'button', {
				name: 'Actions for “Composting at home”',
			} )
			.click();
		const menu = page.getByRole( 'menu' );
		await menu
			.getByRole( 'menuitem', { name: 'Review and edit' } )
			.waitFor();
		expect(
			await menu
				.getByRole( 'menuitem', { name: 'Open in editor' } )
				.count()
		).toBe( 0 );
		await page.keyboard.press( 'Escape' );

		// The filter by status uses the same words.
		await filters().getByLabel( 'Status' ).selectOption( 'published' );
		await settled();
		expect( await columnTexts( 'Title' ) ).toEqual( [ 'Pruning roses' ] );
		expect( await columnTexts( 'Status' ) ).toEqual( [ 'Published' ] );
	} );

	it.each( [ 1280, 375 ] )(
		'shows every list at %i px without horizontal scroll or raw slugs',
		async ( width ) => {
			await page.setViewportSize( { width, height: 900 } );
			for ( const slug of [
				'igny8-keywords',
				'igny8-clusters',
				'igny8-ideas',
				'igny8-tasks',
				'igny8-content',
				'igny8-images',
			] ) {
				await openScreen( slug, '&per_page=10' );
				const overflow = await page.evaluate(
					() =>
						document.documentElement.scrollWidth >
						document.documentElement.clientWidth
				);
				await screenshot( page, `igny8-list-${ slug }-${ width }` );
				expect( { slug, overflow } ).toEqual( {
					slug,
					overflow: false,
				} );
				expect(
					await page.locator( '.igny8-app' ).innerText()
				).not.toMatch( RAW_SLUG );
			}
			await page.setViewportSize( { width: 1280, height: 900 } );
			expect( errors.errors ).toEqual( [] );
		}
	);
} );
