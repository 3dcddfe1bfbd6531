/**
 * Every IGNY8 screen as a person meets it, at a desktop width (1280 px) and
 * a phone width (375 px), with data in every list (the whole pipeline ran
 * first): no console errors, nothing wider than the window, no serious or
 * critical accessibility violation (axe-core), and no raw value from the
 * cloud (`in_progress`, `auto_cluster`, `has_api_key` …) in the words shown.
 */
import type { Browser, Page } from 'playwright-core';
import {
	collectConsoleErrors,
	launchBrowser,
	loginRestClient,
	loginToWpAdmin,
	outboundAllow,
	screenshot,
	startFakeOpenAI,
	startWordPress,
	type FakeOpenAI,
	type WordPressSite,
} from '@igny8/test-harness';
import { AI_ENV, grant } from '../../cloud/test/ai-support';
import { addTenant } from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import {
	connectSite,
	freePort,
	listen,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import { assertPluginUiBuilt } from './build-check';
import { seriousViolations } from './support/screens';
import { runPipeline, scriptPipelineProvider } from './support/pipeline';

/** page slug → the screen id the workspace renders it as. */
const SCREENS: Array< [ string, string ] > = [
	[ 'igny8', 'dashboard' ],
	[ 'igny8-keywords', 'keywords' ],
	[ 'igny8-clusters', 'clusters' ],
	[ 'igny8-ideas', 'ideas' ],
	[ 'igny8-tasks', 'tasks' ],
	[ 'igny8-content', 'content' ],
	[ 'igny8-images', 'images' ],
	...[ 'overview', 'posts' ].map( ( tab ): [ string, string ] => [
		`igny8-linker&tab=${ tab }`,
		'linker',
	] ),
	[ 'igny8-optimizer', 'optimizer' ],
	...[ 'rules', 'runs' ].map( ( tab ): [ string, string ] => [
		`igny8-automation&tab=${ tab }`,
		'automation',
	] ),
	[ 'igny8-automation&rule=new', 'automation' ],
	[ 'igny8-site-builder', 'site-builder' ],
	...[ 'runs', 'publishing', 'outbox' ].map( ( tab ): [ string, string ] => [
		`igny8-activity&tab=${ tab }`,
		'activity',
	] ),
	...[
		'connection',
		'ai',
		'prompts',
		'profiles',
		'strategies',
		'publishing',
		'data',
		'usage',
	].map( ( tab ): [ string, string ] => [
		`igny8-workspace-settings&tab=${ tab }`,
		'settings',
	] ),
];

const WIDTHS = [ 1280, 375 ] as const;

/**
 * Words a person should never read: a cloud value with its underscores
 * (`in_progress`, `csv_import`, `has_api_key`). Real words never carry one.
 */
const RAW_VALUE = /\b[a-z]+(?:_[a-z0-9]+)+\b/g;

let openai: FakeOpenAI;
let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let browser: Browser;

beforeAll( async () => {
	assertPluginUiBuilt();
	openai = await startFakeOpenAI();
	scriptPipelineProvider( openai );
	const port = await freePort();
	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'pglite', queue: 'inline' },
		{
			...AI_ENV( openai ),
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
	const tenant = await addTenant( cloud, 'Screens' );
	await grant( cloud, tenant, 500 );
	await connectSite( site, served.url, tenant );
	// Data in every list: keywords, a cluster, ideas, a task, a published draft, images, runs.
	await runPipeline( {
		cloudUrl: served.url,
		wordpress: await loginRestClient( site.url, site.admin ),
		runCron: async () => {
			await ( await fetch( `${ site.url }/wp-cron.php` ) ).text();
		},
		stepTimeoutMs: 90_000,
	} );
	browser = await launchBrowser();
} );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
	await served?.close();
	await cloud?.stop();
	await openai?.close();
} );

/** axe-core on the page, WordPress's own menu, toolbar and footer left out. */
const pageViolations = ( page: Page ) =>
	seriousViolations( page, {
		include: [ '#wpbody-content' ],
		exclude: [ '#screen-meta-links', '.notice:not(.igny8-notice)' ],
	} );

/** What is wider than the window at this width, by element. */
function overflow( page: Page ): Promise< string[] > {
	return page.evaluate( () => {
		const width = document.documentElement.clientWidth;
		if ( document.documentElement.scrollWidth <= width + 1 ) {
			return [];
		}
		const wide: string[] = [];
		for ( const element of Array.from(
			document.querySelectorAll( '#wpbody-content *' )
		) ) {
			const box = element.getBoundingClientRect();
			if ( box.width > 0 && box.right > width + 1 ) {
				wide.push(
					`${ element.tagName.toLowerCase() }.${ String(
						( element as HTMLElement ).className
					).replace( /\s+/g, '.' ) } → ${ Math.round( box.right ) }px`
				);
			}
		}
		return [
			`page is ${ document.documentElement.scrollWidth }px wide in a ${ width }px window`,
			...wide.slice( 0, 8 ),
		];
	} );
}

async function rawValues( page: Page ): Promise< string[] > {
	const text = await page.locator( '#wpbody-content' ).innerText();
	return [ ...new Set( text.match( RAW_VALUE ) ?? [] ) ];
}

async function openScreen( page: Page, slug: string, screen: string ) {
	await page.goto( `/wp-admin/admin.php?page=${ slug }` );
	await page
		.locator( `.igny8-app[data-screen="${ screen }"] .igny8-app__main > *` )
		.first()
		.waitFor();
	await page
		.locator( '.igny8-loading, .components-spinner' )
		.first()
		.waitFor( { state: 'detached', timeout: 20_000 } )
		.catch( () => undefined );
}

it( "draws IGNY8's buttons in the user's admin color scheme, not a fixed blue", async () => {
	await site.php(
		`update_user_option( get_user_by( 'login', ${ JSON.stringify(
			site.admin.login
		) } )->ID, 'admin_color', 'midnight', true );`
	);
	const { context, page } = await loginToWpAdmin(
		browser,
		site.url,
		site.admin
	);
	try {
		await openScreen( page, 'igny8-keywords', 'keywords' );
		const button = page.locator(
			'.igny8-app .components-button.is-primary'
		);
		await button.first().waitFor();
		// Midnight's accent (#e14d43), where WordPress components default to #3858e9.
		expect(
			await button
				.first()
				.evaluate(
					( element ) => getComputedStyle( element ).backgroundColor
				)
		).toBe( 'rgb(225, 77, 67)' );
	} finally {
		await context.close();
		await site.php(
			`delete_user_option( get_user_by( 'login', ${ JSON.stringify(
				site.admin.login
			) } )->ID, 'admin_color', true );`
		);
	}
} );

describe.each( WIDTHS )( 'every IGNY8 screen at %i px', ( width ) => {
	it.each( SCREENS )(
		'%s: no console error, no overflow, no serious axe violation, no raw value',
		async ( slug, screen ) => {
			const { context, page } = await loginToWpAdmin(
				browser,
				site.url,
				site.admin
			);
			try {
				await page.setViewportSize( { width, height: 900 } );
				const errors = collectConsoleErrors( page );
				await openScreen( page, slug, screen );
				await screenshot(
					page,
					`screen-${ slug.replace( /^igny8-?/, '' ) || 'dashboard' }-${ width }`
				);
				expect( {
					console: errors.errors,
					overflow: await overflow( page ),
					axe: await pageViolations( page ),
					raw: await rawValues( page ),
				} ).toEqual( { console: [], overflow: [], axe: [], raw: [] } );
			} finally {
				await context.close();
			}
		}
	);
} );
