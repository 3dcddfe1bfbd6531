/**
 * IGNY8 → Settings in Chromium against real WordPress (native PHP, MariaDB,
 * IGNY8 Bridge connected) and a real cloud: every tab renders at 1280 and
 * 375 px without horizontal scroll; the chosen tab lives in the URL; the old
 * Settings → IGNY8 address lands on the Connection tab; the key is never
 * shown back; the Publishing defaults saved here decide the status, author
 * and categories of the post a draft published from IGNY8 becomes; and a
 * user without manage_options reads the settings but cannot save them (the
 * REST route answers 403 and the tab says who can).
 */
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import {
	collectConsoleErrors,
	freePort,
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
import {
	startTestCloud,
	waitFor,
	type TestCloud,
} from '../../cloud/test/support';
import {
	connectSite,
	listen,
	postsForContent,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import { assertPluginUiBuilt } from './build-check';
import { seriousViolations } from './support/screens';

const SETTINGS = '/wp-admin/admin.php?page=igny8-workspace-settings';

/** The tabs this part of the plugin draws from WordPress's own settings. */
const WORDPRESS_TABS = new Set( [
	'connection',
	'publishing',
	'data',
	'usage',
] );

/** A cloud or WordPress value with its underscores, which no person should read. */
const RAW_VALUE = /\b[a-z]+(?:_[a-z0-9]+)+\b/g;

const TABS: Array< [ string, string ] > = [
	[ 'connection', 'Connection' ],
	[ 'ai', 'AI' ],
	[ 'prompts', 'Prompts' ],
	[ 'profiles', 'Author profiles' ],
	[ 'strategies', 'Strategies' ],
	[ 'publishing', 'Publishing' ],
	[ 'data', 'Data' ],
	[ 'usage', 'Sectors & usage' ],
];

let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let editor: WpUser;
let browser: Browser;
let admin: Page;
let errors: ConsoleErrors;

beforeAll( async () => {
	assertPluginUiBuilt();
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
	tenant = await addTenant( cloud, 'Settings tabs' );
	await cloud.context.models.Site.update(
		{ wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	await connectSite( site, served.url, tenant );
	await site.php(
		`update_option( 'igny8_connection', array( 'connected' => true, 'checked_at' => gmdate( 'Y-m-d\\TH:i:s\\Z' ), 'error' => '' ), false );`
	);
	editor = await site.createUser( { role: 'editor' } );
	browser = await launchBrowser();
	( { page: admin } = await loginToWpAdmin( browser, site.url, site.admin ) );
	errors = collectConsoleErrors( admin );
} );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
	await served?.close();
	await cloud?.stop();
} );

/** Opens a tab by its URL and waits until its content has loaded. */
async function openTab( page: Page, tab: string ): Promise< void > {
	await page.goto( `${ SETTINGS }&tab=${ tab }` );
	await page.locator( '.igny8-settings__panel' ).waitFor();
	await page
		.locator( '.igny8-settings__panel .igny8-loading' )
		.first()
		.waitFor( { state: 'detached', timeout: 15_000 } );
}

async function selectedTab( page: Page ): Promise< string > {
	return (
		( await page
			.locator(
				'.igny8-settings__tabs [role="tab"][aria-selected="true"]'
			)
			.textContent() ) ?? ''
	);
}

/**
 * The console errors, less Chromium's own line for the one refusal a test
 * provoked on purpose (a save the settings route answered with `status`).
 * @param collected What the page logged.
 * @param status    The refusal's HTTP status.
 */
function unexpected( collected: ConsoleErrors, status: number ): string[] {
	return collected.errors.filter(
		( line ) =>
			! (
				line.includes( `status of ${ status }` ) &&
				/igny8(\/|%2F)v1(\/|%2F)settings/.test( line )
			)
	);
}

/** axe-core's serious and critical findings in the settings panel. */
const settingsViolations = ( page: Page ) =>
	seriousViolations( page, { include: [ '.igny8-settings' ] } );

/** The first elements that reach past the viewport's right edge. */
async function widest( page: Page ): Promise< string[] > {
	return page.evaluate( () =>
		Array.from( document.querySelectorAll( '#wpbody *' ) )
			.filter(
				( el ) =>
					el.getBoundingClientRect().right >
					document.documentElement.clientWidth + 1
			)
			.slice( 0, 5 )
			.map( ( el ) => `${ el.tagName }.${ el.className }` )
	);
}

async function overflow( page: Page ): Promise< number > {
	return page.evaluate(
		() =>
			document.documentElement.scrollWidth -
			document.documentElement.clientWidth
	);
}

describe( 'IGNY8 → Settings', () => {
	it( 'shows every tab, in order, at 1280 and 375 px without horizontal scroll', async () => {
		await openTab( admin, 'connection' );
		await expect(
			admin
				.locator( '.igny8-settings__tabs [role="tab"]' )
				.allTextContents()
		).resolves.toEqual( TABS.map( ( [ , title ] ) => title ) );
		for ( const width of [ 1280, 375 ] ) {
			await admin.setViewportSize( { width, height: 900 } );
			for ( const [ tab, title ] of TABS ) {
				await openTab( admin, tab );
				await expect( selectedTab( admin ) ).resolves.toBe( title );
				await screenshot( admin, `igny8-settings-${ tab }-${ width }` );
				// On failure, name what sticks out.
				const sticking = await overflow( admin );
				expect( {
					tab,
					width,
					sticking,
					wide: sticking > 0 ? await widest( admin ) : [],
				} ).toEqual( { tab, width, sticking: 0, wide: [] } );
				if ( WORDPRESS_TABS.has( tab ) ) {
					// Users' names are theirs to choose: only the product's own words count.
					const text = await admin
						.locator( '.igny8-settings__panel' )
						.evaluate( ( panel ) => {
							const copy = panel.cloneNode( true ) as HTMLElement;
							copy.querySelectorAll( 'option' ).forEach( ( o ) =>
								o.remove()
							);
							return copy.textContent ?? '';
						} );
					expect( {
						tab,
						width,
						axe: await settingsViolations( admin ),
						raw: text.match( RAW_VALUE ) ?? [],
					} ).toEqual( { tab, width, axe: [], raw: [] } );
				}
			}
		}
		await admin.setViewportSize( { width: 1280, height: 900 } );
	} );

	it( 'keeps the chosen tab in the URL through a reload and back/forward', async () => {
		await openTab( admin, 'connection' );
		await admin.getByRole( 'tab', { name: 'Publishing' } ).click();
		await admin.waitForURL( /tab=publishing/ );
		await admin.getByRole( 'tab', { name: 'Data' } ).click();
		await admin.waitForURL( /tab=data/ );
		await admin.reload();
		await admin.locator( '.igny8-settings__panel' ).waitFor();
		await expect( selectedTab( admin ) ).resolves.toBe( 'Data' );
		await admin.goBack();
		await admin.waitForURL( /tab=publishing/ );
		await expect( selectedTab( admin ) ).resolves.toBe( 'Publishing' );
		await admin.goForward();
		await admin.waitForURL( /tab=data/ );
		await expect( selectedTab( admin ) ).resolves.toBe( 'Data' );
	} );

	it( 'lands the old Settings → IGNY8 address on the Connection tab, and no longer lists it under Settings', async () => {
		await admin.goto( '/wp-admin/options-general.php?page=igny8-settings' );
		await admin.waitForURL(
			/admin\.php\?page=igny8-workspace-settings&tab=connection/
		);
		await admin.locator( '.igny8-settings__panel' ).waitFor();
		await expect( selectedTab( admin ) ).resolves.toBe( 'Connection' );
		await expect(
			admin
				.locator( '#menu-settings a[href*="page=igny8-settings"]' )
				.count()
		).resolves.toBe( 0 );
		// The plugin list's "Settings" link goes to the same place.
		await admin.goto( '/wp-admin/plugins.php' );
		const link = admin
			.locator( 'tr[data-plugin="igny8-bridge/igny8-bridge.php"]' )
			.getByRole( 'link', { name: 'Settings' } );
		await expect( link.getAttribute( 'href' ) ).resolves.toContain(
			'page=igny8-workspace-settings&tab=connection'
		);
	} );

	it( 'shows that a key is stored by its last characters only, and says what the last test found', async () => {
		await openTab( admin, 'connection' );
		const html = await admin.content();
		expect( html ).not.toContain( tenant.apiKey );
		await admin
			.locator( '.igny8-settings__panel' )
			.getByText( `ending in ${ tenant.apiKey.slice( -4 ) }` )
			.waitFor();
		await admin
			.locator( '.igny8-settings__panel' )
			.getByText( 'The last connection test passed' )
			.waitFor();
		await admin.locator( '.igny8-outbox__pending dd' ).waitFor();
		// The field starts empty: saving without typing a key keeps it.
		await expect(
			admin.getByLabel( 'Site key' ).inputValue()
		).resolves.toBe( '' );
		await admin
			.getByRole( 'button', { name: 'Save and test connection' } )
			.click();
		await admin
			.locator( '.components-snackbar' )
			.filter( { hasText: 'The connection test passed' } )
			.waitFor( { timeout: 30_000 } );
		const key = await site.php( "echo get_option( 'igny8_api_key' );" );
		expect( key.trim() ).toBe( tenant.apiKey );
	} );

	it( 'refuses a bad cloud URL with words that say what to do, and changes nothing', async () => {
		await openTab( admin, 'connection' );
		const url = admin.getByLabel( 'Cloud URL' );
		await url.fill( 'ftp://cloud.example.test' );
		await admin
			.getByRole( 'button', { name: 'Save and test connection' } )
			.click();
		await admin
			.locator( '.igny8-error' )
			.getByText( 'must start with http:// or https://' )
			.waitFor();
		const stored = await site.php(
			"echo get_option( 'igny8_cloud_url' );"
		);
		expect( stored.trim() ).toBe( served.url.replace( /\/$/, '' ) );
	} );

	it( 'publishes a draft from IGNY8 with the status, author and categories saved on the Publishing tab', async () => {
		const category = Number(
			await site.php(
				"$t = wp_insert_term( 'Field notes', 'category' ); echo is_array( $t ) ? $t['term_id'] : 0;"
			)
		);
		expect( category ).toBeGreaterThan( 0 );

		await openTab( admin, 'publishing' );
		await admin.getByRole( 'radio', { name: 'Pending review' } ).check();
		await admin
			.getByLabel( 'Author of new posts' )
			.selectOption( String( editor.id ) );
		await admin.getByRole( 'checkbox', { name: 'Field notes' } ).check();
		await admin
			.getByRole( 'button', { name: 'Save publishing defaults' } )
			.click();
		await admin
			.locator( '.components-snackbar' )
			.filter( { hasText: 'Publishing defaults saved.' } )
			.waitFor();
		// Saved in WordPress, so a reload shows the same choices.
		await openTab( admin, 'publishing' );
		await expect(
			admin.getByRole( 'radio', { name: 'Pending review' } ).isChecked()
		).resolves.toBe( true );
		await expect(
			admin.getByRole( 'checkbox', { name: 'Field notes' } ).isChecked()
		).resolves.toBe( true );

		// A draft in IGNY8 that names no category.
		const auth = bearer( tenant.owner );
		const task = await request( cloud.app )
			.post( '/api/v1/writer/tasks/' )
			.set( auth )
			.send( { sector_id: tenant.sectorId, title: 'Pruning task' } )
			.expect( 201 );
		const content = await request( cloud.app )
			.post( '/api/v1/writer/content/' )
			.set( auth )
			.send( {
				sector_id: tenant.sectorId,
				task_id: task.body.data.id,
				title: 'When to prune roses',
				content_html:
					'<h2>When to prune roses</h2><p>Late winter, before the buds open.</p>',
			} )
			.expect( 201 );
		const contentId = content.body.data.id as number;

		await admin.goto( '/wp-admin/admin.php?page=igny8-content' );
		await admin
			.getByRole( 'button', { name: 'When to prune roses', exact: true } )
			.click();
		const panel = admin.locator( '.igny8-publish' );
		// The publish panel starts on the site's default status.
		await expect(
			panel
				.getByRole( 'radio', { name: 'For review (pending)' } )
				.isChecked()
		).resolves.toBe( true );
		await panel
			.getByRole( 'button', { name: 'Send to WordPress' } )
			.click();
		const posts = await waitFor( async () => {
			const found = await postsForContent( site, contentId );
			return found.length > 0 ? found : undefined;
		}, 60_000 );
		expect( posts ).toHaveLength( 1 );
		expect( posts[ 0 ] ).toMatchObject( {
			post_title: 'When to prune roses',
			post_status: 'pending',
			categories: [ 'Field notes' ],
		} );
		const author = await site.php(
			`echo get_post_field( 'post_author', ${ posts[ 0 ]!.ID } );`
		);
		expect( Number( author.trim() ) ).toBe( editor.id );
	} );

	it( 'lets a user without manage_options read the settings but not save them', async () => {
		const { page } = await loginToWpAdmin( browser, site.url, editor );
		const editorErrors = collectConsoleErrors( page );
		try {
			await openTab( page, 'publishing' );
			await page
				.locator( '.igny8-settings__panel' )
				.getByText(
					'Only site administrators (users who can manage options) can change these settings.'
				)
				.waitFor();
			await expect(
				page
					.getByRole( 'button', { name: 'Save publishing defaults' } )
					.count()
			).resolves.toBe( 0 );
			await expect(
				page
					.getByRole( 'radio', { name: 'Pending review' } )
					.isDisabled()
			).resolves.toBe( true );

			// The route itself refuses, with the editor's real REST nonce.
			const answer = await page.evaluate( async () => {
				const wp = ( window as unknown as { wp: any } ).wp;
				try {
					await wp.apiFetch( {
						path: '/igny8/v1/settings',
						method: 'POST',
						data: { default_status: 'publish' },
					} );
					return { status: 200, code: '', message: '' };
				} catch ( error ) {
					const failure = error as {
						code?: string;
						message?: string;
						data?: { status?: number };
					};
					return {
						status: failure.data?.status ?? 0,
						code: failure.code ?? '',
						message: failure.message ?? '',
					};
				}
			} );
			expect( answer ).toEqual( {
				status: 403,
				code: 'rest_forbidden',
				message: expect.stringContaining( 'manage options' ),
			} );
			const status = await site.php(
				"echo get_option( 'igny8_default_post_status' );"
			);
			expect( status.trim() ).toBe( 'pending' );

			await openTab( page, 'connection' );
			await page
				.locator( '.igny8-settings__panel' )
				.getByText(
					'Only site administrators (users who can manage options) can change these settings.'
				)
				.waitFor();
			// Editors learn that a key is stored, not even its last characters.
			await expect( page.getByText( 'ending in' ).count() ).resolves.toBe(
				0
			);
			await expect(
				page.getByRole( 'button', { name: 'Send now' } ).count()
			).resolves.toBe( 0 );
			await screenshot( page, 'igny8-settings-publishing-editor' );
			expect( unexpected( editorErrors, 403 ) ).toEqual( [] );
		} finally {
			await page.context().close();
		}
	} );

	it( 'logged no console error and no PHP error', () => {
		expect( unexpected( errors, 400 ) ).toEqual( [] );
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );
