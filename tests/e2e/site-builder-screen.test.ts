/**
 * IGNY8 → Site Builder in Chromium against real WordPress with IGNY8 Bridge
 * and the real cloud (issue 18's browser test of the apply diff): with no
 * structure the screen says what to do next, with the price of generating
 * one; a structure opens as a page tree that is renamed, reordered (by
 * dragging, and from the keyboard) and saved as a new version; “Apply to
 * WordPress…” first lists what will be created, and nothing changes until
 * the person confirms; then the pages are in WordPress. After a page is
 * edited in WordPress and another renamed here, the list says the first
 * will not be overwritten and the second will be updated, and the apply
 * does exactly that.
 */
import request from 'supertest';
import type { SiteBlueprint } from '@igny8/shared-types';
import type { Browser, Locator, Page } from 'playwright-core';
import {
	collectConsoleErrors,
	launchBrowser,
	loginToWpAdmin,
	outboundAllow,
	startWordPress,
	type ConsoleErrors,
	type WordPressSite,
} from '@igny8/test-harness';
import { grant } from '../../cloud/test/ai-support';
import { addTenant, bearer, type Tenant } from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import {
	connectSite,
	freePort,
	listen,
	phpJson,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import { assertPluginUiBuilt } from './build-check';
import { screenshotsAtBothWidths, seriousViolations } from './support/screens';

let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let browser: Browser;
let page: Page;
let errors: ConsoleErrors;
let blueprint: SiteBlueprint;

const section = ( heading: string ) => ( {
	heading,
	summary: `What "${ heading }" covers.`,
} );

/** Eight pages (two under Services), two categories and a menu. */
const STRUCTURE = {
	name: 'Agency relaunch',
	pages: [
		{
			key: 'home',
			title: 'Home',
			page_type: 'home',
			sections: [ section( 'Welcome' ) ],
		},
		{
			key: 'about',
			title: 'About us',
			page_type: 'about',
			sections: [ section( 'Our story' ) ],
		},
		{ key: 'services', title: 'Services', page_type: 'services' },
		{
			title: 'SEO audits',
			parent_key: 'services',
			page_type: 'service',
			target_keywords: [ 'seo audit' ],
		},
		{
			title: 'Local SEO',
			parent_key: 'services',
			page_type: 'service',
		},
		{ key: 'blog', title: 'Blog', page_type: 'blog' },
		{
			key: 'contact',
			title: 'Contact',
			page_type: 'contact',
			sections: [ section( 'Write to us' ) ],
		},
		{ key: 'imprint', title: 'Imprint', page_type: 'custom' },
	],
	categories: [ { name: 'Screen News' }, { name: 'Screen Guides' } ],
	menus: [
		{
			name: 'Screen menu',
			items: [
				{ type: 'page', target_key: 'home' },
				{ type: 'page', target_key: 'services' },
				{ type: 'page', target_key: 'contact' },
			],
		},
	],
};

const auth = () => bearer( tenant.owner );

/** The blueprint as the cloud has it now. */
async function cloudBlueprint(): Promise< SiteBlueprint > {
	const answer = await request( cloud.app )
		.get( `/api/v1/site-builder/blueprints/${ blueprint.id }/` )
		.set( auth() )
		.expect( 200 );
	return answer.body.data as SiteBlueprint;
}

type WpPage = {
	ID: number;
	title: string;
	slug: string;
	parent: number;
	status: string;
	content: string;
	key: string;
};

/** The pages the blueprint made in WordPress, by key. */
const wordpressPages = async (): Promise< Record< string, WpPage > > => {
	const pages = await phpJson< WpPage[] >(
		site,
		`
wp_cache_flush();
$out = array();
foreach ( get_posts( array( 'post_type' => 'page', 'post_status' => array( 'publish', 'draft', 'trash' ), 'numberposts' => -1, 'suppress_filters' => true, 'meta_key' => '_igny8_blueprint_key' ) ) as $p ) {
	$out[] = array( 'ID' => $p->ID, 'title' => $p->post_title, 'slug' => $p->post_name, 'parent' => $p->post_parent, 'status' => $p->post_status, 'content' => $p->post_content, 'key' => (string) get_post_meta( $p->ID, '_igny8_blueprint_key', true ) );
}
echo wp_json_encode( $out );`
	);
	return Object.fromEntries( pages.map( ( p ) => [ p.key, p ] ) );
};

beforeAll( async () => {
	assertPluginUiBuilt();
	const port = await freePort();
	let wpPort = await freePort();
	while ( wpPort === port ) {
		wpPort = await freePort();
	}
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{
			PUBLIC_URL: `http://127.0.0.1:${ port }`,
			CORS_ORIGINS: `http://127.0.0.1:${ wpPort }`,
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud, port ),
		startWordPress( { port: wpPort } ),
	] );
	tenant = await addTenant( cloud, 'Site Builder Screen' );
	await grant( cloud, tenant, 50 );
	await cloud.context.models.Site.update(
		{ wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	await connectSite( site, served.url, tenant );
	browser = await launchBrowser();
	( { page } = await loginToWpAdmin( browser, site.url, site.admin ) );
	errors = collectConsoleErrors( page );
}, 240_000 );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
	await served?.close();
	await cloud?.stop();
} );

/** A page's row in the tree. */
const row = ( title: string ): Locator =>
	page.locator( '.igny8-sb__row', {
		has: page.locator( '.igny8-sb__title', { hasText: title } ),
	} );

/** The tree's titles in order, indented by depth. */
const tree = () =>
	page
		.locator( '.igny8-sb__tree' )
		.first()
		.evaluate( ( list ) =>
			[ ...list.querySelectorAll( '.igny8-sb__node' ) ].map( ( node ) => {
				let depth = 0;
				for (
					let up = node.parentElement;
					up && up !== list;
					up = up.parentElement
				) {
					if ( up.classList.contains( 'igny8-sb__children' ) ) {
						depth++;
					}
				}
				return (
					'  '.repeat( depth ) +
					node.querySelector( '.igny8-sb__title' )!.textContent
				);
			} )
		);

/** The plan's (or report's) groups: heading → the names listed. */
const groups = ( dialog: Locator ) =>
	dialog.evaluate( ( element ) =>
		Object.fromEntries(
			[ ...element.querySelectorAll( '.igny8-sb__group' ) ].map(
				( group ) => [
					group.getAttribute( 'data-group' ),
					[ ...group.querySelectorAll( '.igny8-sb__line' ) ].map(
						( line ) => {
							const name = line.querySelector(
								'.igny8-sb__line-name'
							)!;
							const hidden =
								name.querySelector( '.screen-reader-text' )
									?.textContent ?? '';
							return `${
								line.querySelector( '.igny8-sb__line-kind' )!
									.textContent
							}: ${ name.textContent!.replace( hidden, '' ) }`;
						}
					),
				]
			)
		)
	);

/**
 * Opens the blueprint's page, waiting for its tree.
 */
async function openEditor(): Promise< void > {
	await page.goto(
		`/wp-admin/admin.php?page=igny8-site-builder&blueprint=${ blueprint.id }`
	);
	await page.locator( '.igny8-sb__tree' ).waitFor( { timeout: 30_000 } );
}

/**
 * Renames a page in its details and saves, waiting for the new version.
 * @param from    Its title now.
 * @param to      Its new title.
 * @param version The version the save makes.
 */
async function renameAndSave(
	from: string,
	to: string,
	version: number
): Promise< void > {
	await row( from ).locator( '.igny8-sb__toggle' ).click();
	const title = page.getByLabel( 'Title', { exact: true } );
	await title.fill( to );
	await page.getByText( 'Unsaved changes' ).waitFor();
	await page
		.getByLabel( 'What changed (optional)' )
		.fill( `Renamed “${ from }”` );
	await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
	await page
		.locator( '.components-snackbar', {
			hasText: `Saved as version ${ version }.`,
		} )
		.waitFor( { timeout: 30_000 } );
}

describe( 'IGNY8 → Site Builder', () => {
	it( 'with no structure yet, says what to do next, with the price of generating one', async () => {
		await page.goto( '/wp-admin/admin.php?page=igny8-site-builder' );
		await page
			.getByText( 'No site structure yet.' )
			.waitFor( { timeout: 30_000 } );
		const estimate = (
			await request( cloud.app )
				.post( '/api/v1/billing/estimate/' )
				.set( auth() )
				.send( {
					function: 'generate_site_structure',
					input: { site_id: tenant.siteId },
				} )
				.expect( 200 )
		).body.data as { credits: number };
		expect( estimate.credits ).toBeGreaterThan( 0 );
		await page
			.getByRole( 'button', {
				name: `Generate with AI (${ estimate.credits } credits)`,
			} )
			.waitFor( { timeout: 30_000 } );
		await page
			.getByRole( 'button', { name: 'Start from scratch' } )
			.waitFor();
		expect(
			await seriousViolations( page, { include: [ '.igny8-sb' ] } )
		).toEqual( [] );
		await screenshotsAtBothWidths( page, 'site-builder-empty' );
	} );

	it( 'renames and reorders pages, saves a version, and applies it after listing what will be created', async () => {
		blueprint = (
			await request( cloud.app )
				.post( '/api/v1/site-builder/blueprints/' )
				.set( auth() )
				.send( { site_id: tenant.siteId, ...STRUCTURE } )
				.expect( 201 )
		).body.data as SiteBlueprint;

		// From the list.
		await page.goto( '/wp-admin/admin.php?page=igny8-site-builder' );
		const card = page.locator( '.igny8-sb__card', {
			hasText: 'Agency relaunch',
		} );
		await card.waitFor( { timeout: 30_000 } );
		await expect( card.textContent() ).resolves.toContain(
			'8 pages, 2 categories, 1 menu · version 1'
		);
		await card.getByRole( 'button', { name: 'Open' } ).click();
		await page.locator( '.igny8-sb__tree' ).waitFor( { timeout: 30_000 } );
		expect( page.url() ).toContain( `blueprint=${ blueprint.id }` );
		await expect( tree() ).resolves.toEqual( [
			'Home',
			'About us',
			'Services',
			'  SEO audits',
			'  Local SEO',
			'Blog',
			'Contact',
			'Imprint',
		] );

		// Drag “Contact” onto the upper edge of “Services”: before it.
		await row( 'Contact' ).dragTo( row( 'Services' ), {
			targetPosition: { x: 40, y: 3 },
		} );
		// From the keyboard: “Imprint” up one place.
		await page.getByRole( 'button', { name: 'Move “Imprint” up' } ).focus();
		await page.keyboard.press( 'Enter' );
		await expect( tree() ).resolves.toEqual( [
			'Home',
			'About us',
			'Contact',
			'Services',
			'  SEO audits',
			'  Local SEO',
			'Imprint',
			'Blog',
		] );
		await expect(
			page.evaluate( () =>
				document.activeElement?.getAttribute( 'aria-label' )
			)
		).resolves.toBe( 'Move “Imprint” up' );

		// Rename: the details open under the row.
		await row( 'About us' ).locator( '.igny8-sb__toggle' ).click();
		await page
			.getByLabel( 'Title', { exact: true } )
			.fill( 'About the agency' );
		await page.getByText( 'Unsaved changes' ).waitFor();
		expect(
			await seriousViolations( page, { include: [ '.igny8-sb' ] } )
		).toEqual( [] );
		await screenshotsAtBothWidths( page, 'site-builder-editor' );

		await page
			.getByLabel( 'What changed (optional)' )
			.fill( 'Renamed About, moved Contact' );
		await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
		await page
			.locator( '.components-snackbar', {
				hasText: 'Saved as version 2.',
			} )
			.waitFor( { timeout: 30_000 } );
		const saved = await cloudBlueprint();
		expect( saved.version ).toBe( 2 );
		expect(
			saved.pages.map( ( p ) => [ p.key, p.title, p.parent_key ] )
		).toEqual( [
			[ 'home', 'Home', null ],
			[ 'about', 'About the agency', null ],
			[ 'contact', 'Contact', null ],
			[ 'services', 'Services', null ],
			[ 'seo-audits', 'SEO audits', 'services' ],
			[ 'local-seo', 'Local SEO', 'services' ],
			[ 'imprint', 'Imprint', null ],
			[ 'blog', 'Blog', null ],
		] );
		// Renamed, not replaced: the slug WordPress will use stays.
		expect( saved.pages[ 1 ]!.slug ).toBe( 'about-us' );

		// Apply: the list of what will change comes first, and changes nothing.
		const before = await wordpressPages();
		expect( before ).toEqual( {} );
		await page
			.getByRole( 'button', { name: 'Apply to WordPress…' } )
			.click();
		const dialog = page.getByRole( 'dialog', {
			name: 'Apply “Agency relaunch” to WordPress',
		} );
		await dialog
			.getByText(
				'This is what applying version 2 will do in WordPress.',
				{
					exact: false,
				}
			)
			.waitFor( { timeout: 30_000 } );
		await expect(
			dialog.locator( '.igny8-sb__report-summary' ).textContent()
		).resolves.toBe( '11 to create.' );
		const planned = await groups( dialog );
		expect( Object.keys( planned ) ).toEqual( [ 'create' ] );
		expect( planned.create ).toEqual( [
			'Page: Home',
			'Page: About the agency',
			'Page: Contact',
			'Page: Services',
			'Page: SEO audits',
			'Page: Local SEO',
			'Page: Imprint',
			'Page: Blog',
			'Category: Screen News',
			'Category: Screen Guides',
			'Menu: Screen menu',
		] );
		expect( await wordpressPages() ).toEqual( {} );
		expect(
			await seriousViolations( page, { include: [ '[role="dialog"]' ] } )
		).toEqual( [] );
		await screenshotsAtBothWidths( page, 'site-builder-plan' );

		await dialog
			.getByRole( 'button', { name: 'Apply to WordPress', exact: true } )
			.click();
		await dialog
			.getByText( 'Applied: version 2' )
			.waitFor( { timeout: 60_000 } );
		await expect(
			dialog.locator( '.igny8-sb__report-summary' ).textContent()
		).resolves.toBe( '11 created.' );
		await page
			.locator( '.components-snackbar', {
				hasText: 'Version 2 applied to WordPress: 11 created.',
			} )
			.waitFor();
		await screenshotsAtBothWidths( page, 'site-builder-report' );

		// The pages are in WordPress, in the tree the screen showed.
		const made = await wordpressPages();
		expect( Object.keys( made ).sort() ).toEqual(
			saved.pages.map( ( p ) => p.key ).sort()
		);
		expect( made.about ).toMatchObject( {
			title: 'About the agency',
			slug: 'about-us',
			status: 'publish',
			parent: 0,
		} );
		expect( made[ 'seo-audits' ]!.parent ).toBe( made.services!.ID );
		expect( made.contact!.content ).toContain( 'Write to us' );
		// The report links each page to WordPress.
		await expect(
			dialog
				.locator( '[data-group="create"] [data-key="about"] a' )
				.getAttribute( 'href' )
		).resolves.toContain( site.url );

		await dialog.getByRole( 'button', { name: 'Close' } ).last().click();
		await page
			.getByText( 'WordPress has version 2 (applied', { exact: false } )
			.waitFor( { timeout: 30_000 } );
	} );

	it( 'reports a page edited in WordPress instead of overwriting it, and updates a page renamed here', async () => {
		const wp = await wordpressPages();
		const edited =
			'<!-- wp:paragraph -->\n<p>Call us on 555 0100 — written in WordPress.</p>\n<!-- /wp:paragraph -->';
		await site.php(
			`wp_update_post( array( 'ID' => ${ wp.contact!.ID }, 'post_content' => ${ JSON.stringify(
				edited
			) } ) );`
		);

		await openEditor();
		await renameAndSave( 'Services', 'What we do', 3 );

		await page
			.getByRole( 'button', { name: 'Apply to WordPress…' } )
			.click();
		const dialog = page.getByRole( 'dialog', {
			name: 'Apply “Agency relaunch” to WordPress',
		} );
		await dialog
			.getByText(
				'This is what applying version 3 will do in WordPress.',
				{
					exact: false,
				}
			)
			.waitFor( { timeout: 30_000 } );
		const planned = await groups( dialog );
		expect( planned.update ).toEqual( [ 'Page: What we do' ] );
		expect( planned.edited ).toEqual( [ 'Page: Contact' ] );
		expect( planned.create ).toBeUndefined();
		await expect(
			dialog.locator( '.igny8-sb__report-summary' ).textContent()
		).resolves.toMatch(
			/^1 to update, 1 edited in WordPress, \d+ unchanged\.$/
		);
		const overwrite = dialog.getByRole( 'checkbox', {
			name: 'Overwrite “Contact” anyway',
		} );
		await expect( overwrite.isChecked() ).resolves.toBe( false );
		await dialog
			.locator( '[data-group="edited"] [data-key="contact"]' )
			.getByText( 'Stays as edited' )
			.waitFor();
		expect(
			await seriousViolations( page, { include: [ '[role="dialog"]' ] } )
		).toEqual( [] );
		await screenshotsAtBothWidths( page, 'site-builder-plan-edited' );

		await dialog
			.getByRole( 'button', { name: 'Apply to WordPress', exact: true } )
			.click();
		await dialog
			.getByText( 'Applied: version 3' )
			.waitFor( { timeout: 60_000 } );
		const reported = await groups( dialog );
		expect( reported.update ).toEqual( [ 'Page: What we do' ] );
		expect( reported.edited ).toEqual( [ 'Page: Contact' ] );

		const after = await wordpressPages();
		expect( after.services!.title ).toBe( 'What we do' );
		expect( after.services!.ID ).toBe( wp.services!.ID );
		// The edit made in WordPress is still there.
		expect( after.contact!.content ).toBe( edited );
		expect( Object.keys( after ) ).toHaveLength( 8 );

		await dialog.getByRole( 'button', { name: 'Close' } ).last().click();

		// Preview: a Playground link that opens in a new tab, and its blueprint as a file.
		await page.getByRole( 'button', { name: 'Preview…' } ).click();
		const preview = page.getByRole( 'dialog', {
			name: 'Preview the site structure',
		} );
		const open = preview.getByRole( 'link', { name: /Open the preview/ } );
		await open.waitFor( { timeout: 30_000 } );
		await expect( open.getAttribute( 'target' ) ).resolves.toBe( '_blank' );
		const link = ( await open.getAttribute( 'href' ) )!;
		expect( link ).toMatch( /^https:\/\/playground\.wordpress\.net\/#/ );
		const playground = JSON.parse(
			decodeURIComponent( link.slice( link.indexOf( '#' ) + 1 ) )
		);
		// The saved version's structure rides in the blueprint's PHP step.
		const encoded = /base64_decode\( '([^']+)' \)/.exec(
			JSON.stringify( playground )
		)![ 1 ]!;
		expect(
			JSON.parse( Buffer.from( encoded, 'base64' ).toString( 'utf8' ) )
		).toMatchObject( {
			version: 3,
			pages: expect.arrayContaining( [
				expect.objectContaining( {
					key: 'services',
					title: 'What we do',
				} ),
			] ),
		} );
		const download = preview.getByRole( 'link', {
			name: 'Download the Playground blueprint',
		} );
		await expect( download.getAttribute( 'download' ) ).resolves.toBe(
			`site-structure-${ blueprint.id }-v3.playground.json`
		);
		await expect( download.getAttribute( 'href' ) ).resolves.toMatch(
			/^data:application\/json/
		);
		await preview.getByRole( 'button', { name: 'Close' } ).last().click();

		// The menu's links: what each opens, in a tree of their own.
		await page.getByRole( 'tab', { name: 'Menus (1)' } ).click();
		const menu = page.getByRole( 'region', { name: 'Screen menu' } );
		await menu
			.getByRole( 'button', { name: 'Move “What we do” up' } )
			.waitFor();
		await menu
			.locator( '.igny8-sb__toggle', { hasText: 'Contact' } )
			.click();
		await expect(
			menu.getByLabel( 'Page', { exact: true } ).inputValue()
		).resolves.toBe( 'contact' );
		expect(
			await seriousViolations( page, { include: [ '.igny8-sb' ] } )
		).toEqual( [] );
		await screenshotsAtBothWidths( page, 'site-builder-menus' );

		// The History tab lists the versions and the applies.
		await page.getByRole( 'tab', { name: 'History' } ).click();
		await page
			.locator( '.igny8-sb__version[data-version="3"]' )
			.waitFor( { timeout: 30_000 } );
		await expect(
			page.locator( '.igny8-sb__version[data-version="2"]' ).textContent()
		).resolves.toContain( 'Renamed About, moved Contact' );
		await expect(
			page.locator( '.igny8-sb__apply' ).count()
		).resolves.toBe( 2 );
		await screenshotsAtBothWidths( page, 'site-builder-history' );
		expect( errors.errors ).toEqual( [] );
	} );
} );
