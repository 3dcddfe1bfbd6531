/**
 * The editor's whole day in wp-admin, in Chromium, against real WordPress
 * (native PHP, MariaDB, IGNY8 Bridge connected: site key set and "Test
 * connection" done, so the cloud knows the site's REST URL) and a real cloud
 * (PostgreSQL, Redis with bee-queue workers) whose AI provider is the fake
 * OpenAI-compatible server: import a keyword CSV through the wizard →
 * cluster → generate ideas (live progress, reload re-attaches) → approve into
 * tasks → write → publish to this site → the post exists in WordPress and
 * the Content screen shows it published. Then a screenshot of every screen
 * with that data in it. No console error anywhere.
 */
import type { Browser, Page } from 'playwright-core';
import {
	collectConsoleErrors,
	freePort,
	launchBrowser,
	loginToWpAdmin,
	outboundAllow,
	screenshot,
	startFakeOpenAI,
	startWordPress,
	type ConsoleErrors,
	type FakeOpenAI,
	type FakeRequest,
	type WordPressSite,
	type WpUser,
} from '@igny8/test-harness';
import { AI_ENV, grant } from '../../cloud/test/ai-support';
import { addTenant, type Tenant } from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import {
	connectSite,
	listen,
	postsForContent,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import { assertPluginUiBuilt } from './build-check';

/** Long enough per provider call that the progress bar is seen moving, and a reload lands mid-run. */
const IDEAS_LATENCY_MS = 2500;

let openai: FakeOpenAI;
let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let editor: WpUser;
let browser: Browser;
let page: Page;
let errors: ConsoleErrors;

const promptOf = ( request: FakeRequest ): string =>
	( request.body.messages as { content: string }[] )
		.map( ( m ) => m.content )
		.join( '\n' );

/** The provider's answers: ideas per cluster, and one article per task. */
function scriptProvider(): void {
	openai.fallback( 'chat', ( request ) => {
		const prompt = promptOf( request );
		const cluster = /Cluster: ([^\n—]+)/.exec( prompt )?.[ 1 ]?.trim();
		if ( /content ideas/i.test( prompt ) ) {
			return {
				latencyMs: IDEAS_LATENCY_MS,
				content: {
					ideas: [
						{
							title: `The complete guide to ${ cluster ?? 'it' }`,
							description: `Everything a beginner needs about ${ cluster }.`,
							content_type: 'post',
							target_word_count: 1200,
							suggested_keywords: [ cluster ?? 'garden' ],
						},
					],
				},
			};
		}
		const title = /titled "([^"]+)"/.exec( prompt )?.[ 1 ] ?? 'Article';
		return {
			latencyMs: 300,
			content: {
				title,
				content_html: `<h2>${ title }</h2><p>Step one: start small.</p>`,
				excerpt: `A short guide: ${ title }.`,
				meta_description: `Learn ${ title.toLowerCase() }.`,
				categories: [ 'Guides' ],
				tags: [ 'garden' ],
			},
		};
	} );
}

beforeAll( async () => {
	assertPluginUiBuilt();
	openai = await startFakeOpenAI();
	scriptProvider();
	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'bee' },
		{
			...AI_ENV( openai ),
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
	tenant = await addTenant( cloud, 'Workspace flow' );
	await grant( cloud, tenant, 500 );
	// The owner registered the site under its real address: the cloud's CORS
	// lets that origin call the API with a site session.
	await cloud.context.models.Site.update(
		{ wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	await connectSite( site, served.url, tenant );
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
	await openai?.close();
} );

const SCREENS: Array< [ string, string ] > = [
	[ 'dashboard', 'igny8' ],
	[ 'keywords', 'igny8-keywords' ],
	[ 'clusters', 'igny8-clusters' ],
	[ 'ideas', 'igny8-ideas' ],
	[ 'tasks', 'igny8-tasks' ],
	[ 'content', 'igny8-content' ],
	[ 'images', 'igny8-images' ],
	[ 'linker', 'igny8-linker' ],
	[ 'activity', 'igny8-activity' ],
	[ 'settings', 'igny8-workspace-settings' ],
];

async function openScreen( slug: string ): Promise< void > {
	await page.goto( `/wp-admin/admin.php?page=${ slug }` );
	await page.locator( '.igny8-app__main > *' ).first().waitFor();
	await page
		.locator( '.igny8-app__main .igny8-loading' )
		.first()
		.waitFor( { state: 'detached', timeout: 15_000 } );
}

/** The dialog's own Close button (the title bar has an icon button with the same name). */
async function closeModal(): Promise< void > {
	await page
		.locator( '.igny8-modal__actions' )
		.getByRole( 'button', { name: 'Close' } )
		.click();
}

/** Selects every row of the screen's table. */
async function selectAll(): Promise< void > {
	await page.locator( 'table tbody tr' ).first().waitFor();
	await page
		.getByRole( 'checkbox', { name: 'Select all on this page' } )
		.check();
}

/** Reads the progress bar until `until` is true, recording each distinct value. */
async function watchProgress(
	seen: number[],
	until: ( value: number ) => boolean,
	timeoutMs = 60_000
): Promise< void > {
	const bar = page.locator( '.igny8-run [role="progressbar"]' );
	const deadline = Date.now() + timeoutMs;
	while ( Date.now() < deadline ) {
		const raw = await bar
			.getAttribute( 'aria-valuenow', { timeout: 1000 } )
			.catch( () => null );
		if ( raw !== null ) {
			const value = Number( raw );
			if ( seen[ seen.length - 1 ] !== value ) {
				seen.push( value );
			}
			if ( until( value ) ) {
				return;
			}
		}
		await page.waitForTimeout( 100 );
	}
	throw new Error( `progress stuck at ${ seen.join( ' → ' ) }` );
}

const KEYWORDS_CSV = [
	'Keyword,Search Volume',
	'tomato seeds,900',
	'tomato seedlings,500',
	'growing tomato seeds,300',
	'rose pruning,800',
	'pruning roses,400',
	'rose pruning shears,200',
	'lawn mowing,700',
	'lawn mowing height,300',
	'lawn mowing tips,250',
	'compost bin,650',
	'home compost bin,350',
	'compost bin for kitchen,150',
	',12',
].join( '\n' );

describe( 'the IGNY8 workspace, from keywords to a published post', () => {
	it( 'imports a keyword CSV through the wizard', async () => {
		await openScreen( 'igny8-keywords' );
		// The toolbar's button (an empty list offers another).
		await page
			.locator( '.igny8-toolbar' )
			.getByRole( 'button', { name: 'Import keywords' } )
			.click();
		await page.locator( 'input[type="file"]' ).setInputFiles( {
			name: 'garden.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from( KEYWORDS_CSV ),
		} );
		await page.getByRole( 'button', { name: 'Preview' } ).click();
		await page.locator( '.igny8-import__rows' ).waitFor();
		await page
			.getByRole( 'button', { name: 'Import', exact: true } )
			.click();
		const summary = page.locator( '.igny8-import__summary' );
		await summary.waitFor( { timeout: 30_000 } );
		await expect( summary.textContent() ).resolves.toMatch(
			/Imported 12 keywords/
		);
		await page.getByRole( 'button', { name: 'Done' } ).click();
		await page.locator( 'table tbody tr' ).nth( 11 ).waitFor();
		expect(
			await cloud.context.models.Keyword.count( {
				where: { sector_id: tenant.sectorId },
			} )
		).toBe( 12 );
	} );

	it( 'clusters every keyword', async () => {
		await page.getByRole( 'button', { name: 'Cluster all' } ).click();
		await page.locator( '.igny8-estimate' ).waitFor();
		await page.getByRole( 'button', { name: 'Start clustering' } ).click();
		await page
			.locator( '.igny8-run[data-status="succeeded"]' )
			.waitFor( { timeout: 60_000 } );
		await closeModal();
		expect(
			await cloud.context.models.Cluster.count( {
				where: { sector_id: tenant.sectorId },
			} )
		).toBeGreaterThanOrEqual( 3 );
	} );

	it( 'generates ideas with a progress bar that advances, and a reload mid-run re-attaches', async () => {
		const clusters = await cloud.context.models.Cluster.count( {
			where: { sector_id: tenant.sectorId },
		} );
		await openScreen( 'igny8-clusters' );
		await selectAll();
		await page
			.getByRole( 'button', { name: 'Generate ideas for selected' } )
			.click();
		await page.locator( '.igny8-estimate' ).waitFor();
		await page
			.locator( '.igny8-modal' )
			.getByRole( 'button', { name: 'Generate ideas', exact: true } )
			.click();

		// Before the reload: at least two distinct, increasing values below 100.
		const before: number[] = [];
		await watchProgress(
			before,
			( value ) =>
				before.filter( ( v ) => v > 0 && v < 100 ).length >= 2 &&
				value < 100
		);
		expect( before ).toEqual( [ ...before ].sort( ( a, b ) => a - b ) );
		const reachedBeforeReload = before[ before.length - 1 ]!;
		expect( reachedBeforeReload ).toBeLessThan( 100 );

		await page.reload();
		// The page found the running job and shows its progress again, without a click.
		const after: number[] = [];
		await page.locator( '.igny8-run' ).waitFor( { timeout: 15_000 } );
		await watchProgress( after, ( value ) => value === 100 );
		expect( after[ 0 ] ).toBeGreaterThanOrEqual( reachedBeforeReload );
		await page.locator( '.igny8-run[data-status="succeeded"]' ).waitFor();
		expect(
			openai
				.received( 'chat' )
				.filter( ( r ) => /content ideas/i.test( promptOf( r ) ) )
		).toHaveLength( clusters );
		await screenshot( page, 'igny8-flow-ideas-reattached-done' );
		await closeModal();
	} );

	it( 'approves the ideas into writer tasks', async () => {
		await openScreen( 'igny8-ideas' );
		await selectAll();
		const count = await page.locator( 'table tbody tr' ).count();
		expect( count ).toBeGreaterThanOrEqual( 3 );
		await page
			.getByRole( 'group', { name: 'Bulk actions' } )
			.getByRole( 'button', { name: 'Approve → tasks' } )
			.click();
		// The bulk action asks first, naming how many.
		const dialog = page.getByRole( 'dialog' );
		await dialog.getByText( `Approve ${ count } ideas?` ).waitFor();
		await dialog.getByRole( 'button', { name: 'Approve' } ).click();
		await page
			.locator( '.igny8-snackbars' )
			.filter( { hasText: 'writing tasks are ready' } )
			.waitFor();
		expect(
			await cloud.context.models.Task.count( {
				where: { sector_id: tenant.sectorId },
			} )
		).toBe( count );
	} );

	it( 'writes content for a task', async () => {
		await openScreen( 'igny8-tasks' );
		const first = page.locator( 'table tbody tr' ).first();
		await first.waitFor();
		await first.getByRole( 'checkbox' ).check();
		await page.getByRole( 'button', { name: 'Generate content' } ).click();
		await page.locator( '.igny8-estimate' ).waitFor();
		await page.getByRole( 'button', { name: 'Write' } ).click();
		await page
			.locator( '.igny8-run[data-status="succeeded"]' )
			.waitFor( { timeout: 60_000 } );
		await closeModal();
		await first.filter( { hasText: 'Draft ready' } ).waitFor();
	} );

	it( 'publishes the article to this site: the post exists and the Content screen says published', async () => {
		const content = await cloud.context.models.Content.findOne( {
			where: { sector_id: tenant.sectorId },
		} );
		expect( content ).not.toBeNull();
		await openScreen( 'igny8-content' );
		await page
			.getByRole( 'button', { name: content!.title, exact: true } )
			.click();
		const panel = page.locator( '.igny8-publish' );
		await panel.getByRole( 'radio', { name: 'Publish now' } ).check();
		await panel
			.getByRole( 'button', { name: 'Send to WordPress' } )
			.click();
		await panel
			.locator( '.igny8-publish__status[data-status="published"]' )
			.waitFor( { timeout: 60_000 } );
		await expect(
			panel.locator( '.igny8-publish__status' ).textContent()
		).resolves.toContain( 'In WordPress: Published' );

		const posts = await postsForContent( site, content!.id );
		expect( posts ).toHaveLength( 1 );
		expect( posts[ 0 ] ).toMatchObject( {
			post_title: content!.title,
			post_status: 'publish',
			categories: [ 'Guides' ],
			meta: expect.objectContaining( {
				_igny8_content_id: String( content!.id ),
				_igny8_managed: '1',
			} ),
		} );
		expect( posts[ 0 ]!.post_content ).toContain(
			'Step one: start small.'
		);
		const link = panel.getByRole( 'link', { name: 'View post' } );
		const href = await link.getAttribute( 'href' );
		expect( href ).toContain( site.url );
		const visit = await fetch( href! );
		expect( visit.status ).toBe( 200 );
		await expect( visit.text() ).resolves.toContain( content!.title );
		await screenshot( page, 'igny8-flow-content-published' );
		await page.keyboard.press( 'Escape' );

		// The list shows it too, once reloaded.
		await openScreen( 'igny8-content' );
		await page
			.locator( 'table tbody tr' )
			.filter( { hasText: content!.title } )
			.locator( '.igny8-sync[data-status="published"]' )
			.waitFor();
	} );

	it( 'shows every screen with the data in it (screenshots in test-output)', async () => {
		for ( const [ name, slug ] of SCREENS ) {
			await openScreen( slug );
			await expect(
				page.locator( '.igny8-app' ).getAttribute( 'data-screen' )
			).resolves.toBe( name );
			await screenshot( page, `igny8-flow-${ name }` );
		}
	} );

	it( 'logged no console error on any screen, and no PHP error', () => {
		expect( errors.errors ).toEqual( [] );
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );
