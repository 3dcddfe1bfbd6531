/**
 * A draft's images from wp-admin, in Chromium, against real WordPress
 * (native PHP, MariaDB, IGNY8 Bridge connected) and a real cloud
 * (PostgreSQL, Redis with bee-queue workers) whose AI provider is the fake
 * OpenAI-compatible server. On the Content screen: generate image prompts
 * and then images (estimate first, progress, the results as thumbnails with
 * prompt and alt text), redraw one (its picture changes), choose another as
 * featured, edit its alt text, publish → the post's featured image and the
 * other images are in the media library with their alt text. Then the block
 * editor's IGNY8 sidebar of that post starts a run of its own. Screenshots
 * at 1280 and 375 px wide; no console error, no PHP error.
 */
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import {
	collectConsoleErrors,
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
import { addTenant, bearer, type Tenant } from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import {
	connectSite,
	freePort,
	listen,
	phpJson,
	postsForContent,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import { assertPluginUiBuilt } from './build-check';

const TITLE = 'Pruning roses in late winter';

let openai: FakeOpenAI;
let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let editor: WpUser;
let browser: Browser;
let page: Page;
let errors: ConsoleErrors;
let contentId: number;
let postId: number;

const promptOf = ( call: FakeRequest ): string =>
	( call.body.messages as { content: string }[] )
		.map( ( m ) => m.content )
		.join( '\n' );

/** The art director's answer: a featured image and as many in-article ones as asked. */
function scriptProvider(): void {
	let round = 0;
	openai.fallback( 'chat', ( call ) => {
		const count = Number(
			/and (\d+) in-article images/.exec( promptOf( call ) )?.[ 1 ] ?? 0
		);
		round += 1;
		return {
			latencyMs: 600,
			content: {
				featured: {
					prompt: `Round ${ round }: gloved hands pruning a climbing rose on a frosty morning`,
					alt_text: `Round ${ round }: pruning a climbing rose`,
				},
				in_article: Array.from( { length: count }, ( _, n ) => ( {
					prompt: `Round ${ round }: close-up of a pruning cut above bud ${ n + 1 }, shallow depth of field`,
					alt_text: `Round ${ round }: a clean cut above bud ${ n + 1 }`,
				} ) ),
			},
		};
	} );
	openai.fallback( 'images', { latencyMs: 400 } );
}

beforeAll( async () => {
	assertPluginUiBuilt();
	openai = await startFakeOpenAI();
	scriptProvider();
	// Generated pictures are served at the address WordPress and Chromium reach the cloud at.
	const port = await freePort();
	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'bee' },
		{
			...AI_ENV( openai ),
			DATABASE_POOL_MAX: '5',
			PUBLIC_URL: `http://127.0.0.1:${ port }`,
			// The cloud may call back this WordPress (and only it) on loopback.
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud, port ),
		startWordPress( { port: wpPort } ),
	] );
	tenant = await addTenant( cloud, 'Workspace images' );
	await grant( cloud, tenant, 500 );
	await cloud.context.models.Site.update(
		{ wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	await connectSite( site, served.url, tenant );

	// A draft written earlier: a task and its content, no images yet.
	const auth = bearer( tenant.owner );
	const task = await request( cloud.app )
		.post( '/api/v1/writer/tasks/' )
		.set( auth )
		.send( { sector_id: tenant.sectorId, title: `${ TITLE } task` } )
		.expect( 201 );
	const content = await request( cloud.app )
		.post( '/api/v1/writer/content/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			task_id: task.body.data.id,
			title: TITLE,
			content_html:
				'<h2>When to prune</h2><p>After the last hard frost.</p><h2>Where to cut</h2><p>A quarter inch above an outward bud.</p>',
			meta_description: 'When and where to prune roses.',
		} )
		.expect( 201 );
	contentId = content.body.data.id;

	editor = await site.createUser( { role: 'editor' } );
	// No welcome guide over the block editor.
	await site.php(
		`$u = get_user_by( 'login', ${ JSON.stringify(
			editor.login
		) } ); global $wpdb; update_user_meta( $u->ID, $wpdb->get_blog_prefix() . 'persisted_preferences', array( 'core/edit-post' => array( 'welcomeGuide' => false ), 'core' => array( 'editorMode' => 'visual' ), '_modified' => gmdate( 'c' ) ) );`
	);
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

const images = () =>
	cloud.context.models.Image.findAll( {
		where: { content_id: contentId },
		order: [
			[ 'position', 'ASC' ],
			[ 'id', 'ASC' ],
		],
	} );

/** The open content's image cards, in the content dialog (not a run's results). */
const cards = () =>
	page.locator(
		'.igny8-content-editor .igny8-draft-images .igny8-image-cards > .igny8-image-card'
	);

/** Runs the AI action dialog that is open: estimate, start, progress to the end. */
async function runDialog(
	startLabel: string,
	estimate: RegExp
): Promise< void > {
	const dialog = page.locator( '.igny8-modal' );
	await expect(
		dialog.locator( '.igny8-estimate' ).textContent()
	).resolves.toMatch( estimate );
	await dialog
		.locator( '.igny8-modal__actions' )
		.getByRole( 'button', { name: startLabel, exact: true } )
		.click();
	await dialog.locator( '.igny8-run' ).waitFor();
	await dialog
		.locator( '.igny8-run[data-status="succeeded"]' )
		.waitFor( { timeout: 60_000 } );
}

async function closeDialog(): Promise< void > {
	await page
		.locator( '.igny8-modal .igny8-modal__actions' )
		.getByRole( 'button', { name: 'Close' } )
		.click();
	await page.locator( '.igny8-modal' ).waitFor( { state: 'detached' } );
}

async function openDraft(): Promise< void > {
	await page.goto( '/wp-admin/admin.php?page=igny8-content' );
	await page
		.getByRole( 'button', { name: TITLE, exact: true } )
		.click( { timeout: 30_000 } );
	await page.locator( '.igny8-content-editor .igny8-draft-images' ).waitFor();
}

/**
 * Opens the block editor of the published post, once the IGNY8 script has
 * turned its HTML into blocks (a Classic block would start TinyMCE, which
 * throws if the layout changes while it initialises).
 * @param on The page.
 */
async function openBlockEditor( on: Page ): Promise< void > {
	await on.goto( `/wp-admin/post.php?post=${ postId }&action=edit` );
	await on.waitForFunction(
		() => {
			const blocks = (
				globalThis as {
					wp?: {
						data?: {
							select: ( store: string ) => {
								getBlocks: () => { name: string }[];
							};
						};
					};
				}
			 ).wp?.data
				?.select( 'core/block-editor' )
				.getBlocks();
			return (
				!! blocks &&
				blocks.length > 1 &&
				blocks.every( ( block ) => block.name !== 'core/freeform' )
			);
		},
		undefined,
		{ timeout: 60_000 }
	);
}

/** Both widths the screens must work at. */
async function screenshots( name: string ): Promise< void > {
	await screenshot( page, `${ name }-1280` );
	await page.setViewportSize( { width: 375, height: 812 } );
	await page.waitForTimeout( 300 );
	await screenshot( page, `${ name }-375` );
	await page.setViewportSize( { width: 1280, height: 900 } );
	await page.waitForTimeout( 300 );
}

describe( 'a draft’s images from wp-admin', () => {
	it( 'starts with an empty state that says what to do', async () => {
		await openDraft();
		const section = page.locator(
			'.igny8-content-editor .igny8-draft-images'
		);
		await section
			.getByText(
				'Generate image prompts to describe a featured image and 2 in-article images.'
			)
			.waitFor();
		await expect( cards().count() ).resolves.toBe( 0 );
		await screenshots( 'igny8-images-empty' );
	} );

	it( 'generates image prompts after showing their price, and shows them with their alt text', async () => {
		await page
			.locator( '.igny8-content-editor' )
			.getByRole( 'button', { name: 'Generate image prompts' } )
			.click();
		await page.locator( '.igny8-modal .igny8-estimate' ).waitFor();
		await screenshots( 'igny8-images-prompts-estimate' );
		await runDialog( 'Write prompts', /at most 6 credits/ );
		// The dialog shows what the run made.
		const result = page.locator( '.igny8-modal .igny8-run__result' );
		await result.locator( '.igny8-image-card' ).nth( 2 ).waitFor();
		await expect( result.textContent() ).resolves.toContain(
			'Round 1: a clean cut above bud 2'
		);
		await screenshots( 'igny8-images-prompts-done' );
		await closeDialog();

		const rows = await images();
		expect(
			rows.map( ( r ) => [ r.position, r.is_featured, r.image_url ] )
		).toEqual( [
			[ 0, true, null ],
			[ 1, false, null ],
			[ 2, false, null ],
		] );
		await cards().nth( 2 ).waitFor();
		for ( const [ index, row ] of rows.entries() ) {
			const card = cards().nth( index );
			await expect( card.textContent() ).resolves.toContain( row.prompt );
			await expect(
				card.getByLabel( 'Alt text' ).inputValue()
			).resolves.toBe( row.alt_text );
			await expect( card.textContent() ).resolves.toContain(
				'Not drawn yet'
			);
		}
	} );

	it( 'generates the images, shown as thumbnails the browser loads', async () => {
		await page
			.locator( '.igny8-content-editor' )
			.getByRole( 'button', { name: 'Generate images' } )
			.click();
		await runDialog( 'Draw images', /at most 6 credits/ );
		await closeDialog();
		const rows = await images();
		expect( rows.every( ( r ) => r.image_url !== null ) ).toBe( true );
		for ( const [ index, row ] of rows.entries() ) {
			const thumbnail = cards().nth( index ).locator( 'img' );
			await thumbnail.waitFor();
			await expect( thumbnail.getAttribute( 'src' ) ).resolves.toBe(
				row.image_url
			);
			await expect( thumbnail.getAttribute( 'alt' ) ).resolves.toBe(
				row.alt_text
			);
			// The picture really arrived from the cloud (no credentials, another origin).
			await expect(
				thumbnail.evaluate( ( img ) => {
					const picture = img as unknown as {
						complete: boolean;
						naturalWidth: number;
					};
					return picture.complete && picture.naturalWidth > 0;
				} )
			).resolves.toBe( true );
		}
		await expect(
			page
				.locator( '.igny8-content-editor' )
				.getByRole( 'button', { name: 'Generate images' } )
				.count()
		).resolves.toBe( 0 );
		await screenshots( 'igny8-images-drawn' );
	} );

	it( 'regenerates one image: its picture changes, the others stay', async () => {
		const before = await images();
		const second = cards().nth( 1 );
		const oldSrc = await second.locator( 'img' ).getAttribute( 'src' );
		expect( oldSrc ).toBe( before[ 1 ]!.image_url );
		await second.getByRole( 'button', { name: 'Regenerate' } ).click();
		await runDialog( 'Regenerate', /at most 2 credits/ );
		await closeDialog();
		await page
			.locator(
				`.igny8-content-editor .igny8-image-card[data-image-id="${ before[ 1 ]!.id }"] img:not([src="${ oldSrc }"])`
			)
			.waitFor();
		const after = await images();
		const newSrc = await cards()
			.nth( 1 )
			.locator( 'img' )
			.getAttribute( 'src' );
		expect( newSrc ).not.toBe( oldSrc );
		expect( newSrc ).toBe( after[ 1 ]!.image_url );
		expect( after[ 0 ]!.image_url ).toBe( before[ 0 ]!.image_url );
		expect( after[ 2 ]!.image_url ).toBe( before[ 2 ]!.image_url );
		// The old file is gone from the cloud; the new one is served.
		await expect(
			fetch( oldSrc! ).then( ( r ) => r.status )
		).resolves.toBe( 404 );
		await expect(
			fetch( newSrc! ).then( ( r ) => r.status )
		).resolves.toBe( 200 );
	} );

	it( 'chooses another image as featured and edits its alt text', async () => {
		const third = cards().nth( 2 );
		await third.getByRole( 'button', { name: 'Set as featured' } ).click();
		await page
			.locator(
				'.igny8-content-editor .igny8-image-cards > .igny8-image-card[data-featured="true"]'
			)
			.filter( { hasText: 'bud 2' } )
			.waitFor();
		await expect(
			cards().nth( 0 ).getAttribute( 'data-featured' )
		).resolves.toBe( 'false' );
		await third
			.getByLabel( 'Alt text' )
			.fill( 'A clean pruning cut above an outward-facing bud' );
		await third.getByRole( 'button', { name: 'Save alt text' } ).click();
		await third.getByText( 'Saved.' ).waitFor();
		const rows = await images();
		expect( rows.map( ( r ) => r.is_featured ) ).toEqual( [
			false,
			false,
			true,
		] );
		expect( rows[ 2 ]!.alt_text ).toBe(
			'A clean pruning cut above an outward-facing bud'
		);
		await screenshots( 'igny8-images-featured-chosen' );
	} );

	it( 'publishes: the chosen featured image is the post thumbnail, the others are in the media library, each with its alt text', async () => {
		const panel = page.locator( '.igny8-publish' );
		await panel.getByRole( 'radio', { name: 'Publish now' } ).check();
		await panel
			.getByRole( 'button', { name: 'Send to WordPress' } )
			.click();
		await panel
			.locator( '.igny8-publish__status[data-status="published"]' )
			.waitFor( { timeout: 60_000 } );

		const rows = await images();
		const [ post ] = await postsForContent( site, contentId );
		expect( post ).toMatchObject( {
			post_status: 'publish',
			thumbnail_in_library: true,
			thumbnail_alt: 'A clean pruning cut above an outward-facing bud',
		} );
		postId = post!.ID;
		const library = await phpJson<
			{ id: number; source: string; alt: string; parent: number }[]
		>(
			site,
			`
$out = array();
foreach ( get_posts( array( 'post_type' => 'attachment', 'post_status' => 'any', 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC' ) ) as $a ) {
	$out[] = array( 'id' => $a->ID, 'source' => (string) get_post_meta( $a->ID, '_igny8_source_url', true ), 'alt' => (string) get_post_meta( $a->ID, '_wp_attachment_image_alt', true ), 'parent' => (int) $a->post_parent, 'file' => file_exists( (string) get_attached_file( $a->ID ) ) );
}
echo wp_json_encode( $out );`
		);
		const bySource = new Map( library.map( ( a ) => [ a.source, a ] ) );
		for ( const row of rows ) {
			const attachment = bySource.get( row.image_url! );
			expect( attachment ).toMatchObject( {
				alt: row.alt_text,
				file: true,
			} );
		}
		const featured = rows.find( ( r ) => r.is_featured )!;
		expect( bySource.get( featured.image_url! )!.id ).toBe(
			post!.thumbnail
		);
		// The redrawn picture went over, not the one it replaced.
		expect( library ).toHaveLength( rows.length );
		await page.keyboard.press( 'Escape' );
	} );

	it( 'starts image generation from the block editor’s IGNY8 sidebar of the managed post', async () => {
		await openBlockEditor( page );
		// The sidebar's pinned button in the editor's header.
		const toggle = page.locator(
			'.interface-pinned-items button[aria-label="IGNY8"]'
		);
		await toggle.waitFor( { timeout: 60_000 } );
		if ( ( await toggle.getAttribute( 'aria-pressed' ) ) !== 'true' ) {
			await toggle.click();
		}
		const sidebar = page.locator( '.igny8-editor' );
		const sidebarCards = sidebar.locator(
			'.igny8-draft-images .igny8-image-cards > .igny8-image-card'
		);
		await sidebarCards.nth( 2 ).waitFor( { timeout: 30_000 } );
		// The sidebar's own stylesheet is loaded with its script.
		await expect(
			page.locator( 'link#igny8-bridge-editor-css' ).count()
		).resolves.toBe( 1 );
		for ( const row of await images() ) {
			await expect(
				sidebar
					.locator(
						`.igny8-image-card[data-image-id="${ row.id }"] img`
					)
					.getAttribute( 'src' )
			).resolves.toBe( row.image_url );
		}
		await screenshot( page, 'igny8-images-sidebar-before-1280' );

		// New prompts for this post (one in-article), then their pictures.
		await sidebar
			.getByRole( 'button', { name: 'Generate image prompts' } )
			.click();
		await page
			.locator( '.igny8-modal' )
			.getByLabel( 'In-article images' )
			.selectOption( '1' );
		await runDialog( 'Write prompts', /at most 5 credits/ );
		await closeDialog();
		await sidebar
			.getByRole( 'button', { name: 'Generate images' } )
			.click();
		await runDialog( 'Draw images', /at most 4 credits/ );
		await screenshot( page, 'igny8-images-sidebar-run-done' );
		await closeDialog();

		const rows = await images();
		expect( rows ).toHaveLength( 5 );
		expect( rows.every( ( r ) => r.image_url !== null ) ).toBe( true );
		await sidebarCards.nth( 4 ).locator( 'img' ).waitFor();
		await expect( sidebarCards.locator( 'img' ).count() ).resolves.toBe(
			5
		);
		await expect(
			sidebar.locator( '.igny8-image-card[data-featured="true"]' ).count()
		).resolves.toBe( 1 );
		await screenshot( page, 'igny8-images-sidebar-1280' );

		// On a phone (a fresh page at that width) the sidebar opens from the editor's Options menu.
		const phone = await loginToWpAdmin( browser, site.url, editor );
		const phoneErrors = collectConsoleErrors( phone.page );
		await phone.page.setViewportSize( { width: 375, height: 812 } );
		await openBlockEditor( phone.page );
		await phone.page
			.getByRole( 'button', { name: 'Options', exact: true } )
			.click( { timeout: 60_000 } );
		await phone.page
			.getByRole( 'menu' )
			.getByText( 'IGNY8', { exact: true } )
			.click();
		await phone.page
			.locator(
				'.igny8-editor .igny8-image-cards > .igny8-image-card img'
			)
			.nth( 4 )
			.waitFor( { state: 'attached', timeout: 30_000 } );
		await screenshot( phone.page, 'igny8-images-sidebar-375' );
		errors.errors.push( ...phoneErrors.errors );
		await phone.context.close();
	} );

	it( 'logged no console error and no PHP error', () => {
		// The block editor itself asks an editor's browser for theme styles and
		// site settings that only administrators may read; WordPress's 403s, not ours.
		const core403 =
			/status of 403 .*\/wp-json\/wp\/v2\/(global-styles|settings)\b/;
		expect(
			errors.errors.filter( ( error ) => ! core403.test( error ) )
		).toEqual( [] );
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );
