/**
 * A generated draft from review to the block editor, in Chromium, against
 * real WordPress (native PHP, IGNY8 Bridge connected) and a real cloud
 * (PostgreSQL, bee-queue on Redis) whose AI provider is the fake
 * OpenAI-compatible server: IGNY8 → Content shows the draft as an article
 * with its SEO fields (length counters in words, a search-result preview),
 * saved values survive a reload, "Open in editor" sends the draft to
 * WordPress and opens the block editor on it as real blocks with the IGNY8
 * sidebar showing its task and keywords, and the SEO fields reach the post's
 * meta when IGNY8 publishes it.
 */
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import {
	collectConsoleErrors,
	freePort,
	launchBrowser,
	loginToWpAdmin,
	outboundAllow,
	startFakeOpenAI,
	startWordPress,
	type ConsoleErrors,
	type FakeOpenAI,
	type WordPressSite,
	type WpUser,
} from '@igny8/test-harness';
import { AI_ENV, grant } from '../../cloud/test/ai-support';
import { addTenant, bearer, type Tenant } from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import {
	connectSite,
	listen,
	postsForContent,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import { assertPluginUiBuilt } from './build-check';
import { screenshotsAtBothWidths, seriousViolations } from './support/screens';

const TASK_TITLE = 'Grow tomatoes from seed';
const KEYWORDS = [ 'tomato seeds', 'starting tomato seeds indoors' ];
/** What the fake model writes: every kind of block a draft usually has. */
const ARTICLE_HTML = [
	'<h2>Why start from seed</h2>',
	'<p>Seeds give you <strong>hundreds of varieties</strong> for the price of one seedling.</p>',
	'<h2>What you need</h2>',
	'<ul><li>Seed-starting mix</li><li>Small pots</li><li>A sunny window</li></ul>',
	'<blockquote><p>Sow six to eight weeks before the last frost.</p></blockquote>',
	'<h2>Timing</h2>',
	'<h3>Timing table</h3>',
	'<table><thead><tr><th>Step</th><th>Week</th></tr></thead><tbody><tr><td>Sow</td><td>1</td></tr><tr><td>Transplant</td><td>6</td></tr></tbody></table>',
	'<p>Harden the seedlings off for a week before planting out.</p>',
].join( '' );

const ARTICLE = {
	title: TASK_TITLE,
	content_html: ARTICLE_HTML,
	excerpt: 'Everything you need to start tomatoes from seed.',
	meta_description: 'Start tomatoes from seed.',
	categories: [ 'Guides' ],
	tags: [ 'tomatoes' ],
};
/** What the fake model answers when asked to rewrite "What you need". */
const REWRITTEN_SECTION =
	'<p>Three things, all cheap:</p><ol><li>A fine seed-starting mix</li><li>Pots with drainage holes</li><li>A south-facing window</li><li>A spray bottle</li></ol>';

const SEO_TITLE = 'Tomato seeds: grow tomatoes from seed indoors';
const KEYPHRASE = 'tomato seeds';
const GOOD_DESCRIPTION =
	'Start tomato seeds indoors six weeks before the last frost: the mix, the pots, the light and the timing you need for strong, healthy seedlings.';
const SIDEBAR_DESCRIPTION =
	'How to start tomato seeds indoors: seed-starting mix, small pots, a sunny window and a simple week-by-week timing table for strong seedlings.';

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

beforeAll( async () => {
	assertPluginUiBuilt();
	openai = await startFakeOpenAI();
	openai.fallback( 'chat', ( call ) =>
		/Rewrite the section under the heading/.test(
			( call.body.messages as { content: string }[] )
				.map( ( message ) => message.content )
				.join( '\n' )
		)
			? { content: { section_html: REWRITTEN_SECTION } }
			: {
					content: ARTICLE,
				}
	);

	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'bee' },
		{
			...AI_ENV( openai ),
			DATABASE_POOL_MAX: '5',
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud ),
		startWordPress( { port: wpPort } ),
	] );
	tenant = await addTenant( cloud, 'Editor handoff' );
	await grant( cloud, tenant, 500 );
	await cloud.context.models.Site.update(
		{ wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	await connectSite( site, served.url, tenant );

	// A task, written by the (fake) model through the ordinary AI run.
	const auth = bearer( tenant.owner );
	const task = await request( cloud.app )
		.post( '/api/v1/writer/tasks/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			title: TASK_TITLE,
			target_keywords: KEYWORDS,
		} )
		.expect( 201 );
	const started = await request( cloud.app )
		.post( '/api/v1/writer/tasks/generate_content/' )
		.set( auth )
		.send( { ids: [ task.body.data.id ] } )
		.expect( 202 );
	const runId = started.body.data.run_id as number;
	const deadline = Date.now() + 60_000;
	for (;;) {
		const run = await request( cloud.app )
			.get( `/api/v1/system/ai-runs/${ runId }/` )
			.set( auth )
			.expect( 200 );
		if ( run.body.data.status === 'succeeded' ) {
			break;
		}
		if (
			[ 'failed', 'cancelled' ].includes( run.body.data.status ) ||
			Date.now() > deadline
		) {
			throw new Error( `generate_content: ${ run.text }` );
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 300 ) );
	}
	const content = await cloud.context.models.Content.findOne( {
		where: { task_id: task.body.data.id },
	} );
	contentId = content!.id;

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

const review = () => page.locator( '.igny8-draft-review' );

async function openDraft( on: Page = page ): Promise< void > {
	await on.goto( '/wp-admin/admin.php?page=igny8-content' );
	await on
		.getByRole( 'button', { name: TASK_TITLE, exact: true } )
		.click( { timeout: 30_000 } );
	await on.locator( '.igny8-draft-review .igny8-seo' ).waitFor();
}

type BlockSummary = { name: string; count: number };

/** The editor's top-level blocks once the IGNY8 script has converted the post. */
async function convertedBlocks( on: Page ): Promise< BlockSummary[] > {
	type Wp = {
		wp?: {
			data?: {
				select: ( store: string ) => {
					getBlocks: () => { name: string; innerBlocks: unknown[] }[];
				};
			};
		};
	};
	await on.waitForFunction(
		() => {
			const blocks = ( globalThis as Wp ).wp?.data
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
	return on.evaluate( () =>
		( globalThis as Wp )
			.wp!.data!.select( 'core/block-editor' )
			.getBlocks()
			.map( ( block ) => ( {
				name: block.name,
				count: block.innerBlocks.length,
			} ) )
	);
}

describe( 'reviewing a generated draft', () => {
	it( 'shows the draft as an article, not as HTML to edit', async () => {
		await openDraft();
		const preview = review().locator( '.igny8-draft-review__preview' );
		await expect(
			preview.locator( 'h2' ).first().textContent()
		).resolves.toBe( 'Why start from seed' );
		await expect( preview.locator( 'li' ).count() ).resolves.toBe( 3 );
		// The HTML textarea is gone; the text is edited in the block editor.
		await expect(
			review().getByLabel( 'HTML', { exact: true } ).count()
		).resolves.toBe( 0 );
		await review()
			.getByRole( 'button', { name: 'Open in editor' } )
			.waitFor();
		await expect(
			review().locator( '.igny8-handoff__hint' ).textContent()
		).resolves.toContain( 'saves it to WordPress as a draft' );
		await screenshotsAtBothWidths( page, 'igny8-draft-review' );
	} );

	it( 'says in words when the meta description is too long, and the snippet follows what is typed', async () => {
		const description = review().getByLabel( 'Meta description' );
		const counter = review()
			.locator( '.igny8-seo__count' )
			.filter( { has: page.locator( '.igny8-seo__verdict' ) } )
			.nth( 1 );
		const snippet = review().getByTestId( 'igny8-snippet' );

		await description.fill( 'tomato '.repeat( 30 ).trim() );
		await expect( counter.getAttribute( 'data-verdict' ) ).resolves.toBe(
			'long'
		);
		await expect( counter.textContent() ).resolves.toMatch(
			/^Too long: search results show only about 156 characters\. 209 characters\.$/
		);
		// The result page cuts it at a word, with an ellipsis.
		await expect(
			snippet.locator( '.igny8-seo__result-description' ).textContent()
		).resolves.toMatch( /^(tomato )+…$/ );

		await description.fill( 'Too short.' );
		await expect( counter.textContent() ).resolves.toContain(
			'Too short: aim for at least 120 characters.'
		);

		await description.fill( GOOD_DESCRIPTION );
		await expect( counter.textContent() ).resolves.toContain(
			'Good length.'
		);
		await expect(
			snippet.locator( '.igny8-seo__result-description' ).textContent()
		).resolves.toBe( GOOD_DESCRIPTION );

		// No SEO title yet: the post title stands in, and the title counter says so.
		await expect(
			snippet.locator( '.igny8-seo__result-title' ).textContent()
		).resolves.toBe( TASK_TITLE );
		await review().getByLabel( 'SEO title' ).fill( SEO_TITLE );
		await expect(
			snippet.locator( '.igny8-seo__result-title' ).textContent()
		).resolves.toBe( SEO_TITLE );
		await expect(
			review().locator( '.igny8-seo__count' ).first().textContent()
		).resolves.toMatch(
			/^Good length\. 45 characters, about \d+ of 580 pixels\.$/
		);
		await review().getByLabel( 'Focus keyphrase' ).fill( KEYPHRASE );
		await expect(
			review().locator( '.igny8-seo__checks' ).textContent()
		).resolves.toBe(
			'Keyphrase in the title: yesKeyphrase in the meta description: yes'
		);
		await screenshotsAtBothWidths( page, 'igny8-draft-review-seo' );
		await expect(
			seriousViolations( page, { include: [ '.igny8-draft-review' ] } )
		).resolves.toEqual( [] );

		await review().getByRole( 'button', { name: 'Save changes' } ).click();
		await review().getByText( 'Saved in IGNY8.' ).waitFor();
	} );

	it( 'keeps the saved SEO fields across a reload, in the cloud', async () => {
		await page.reload();
		await openDraft();
		await expect(
			review().getByLabel( 'Meta description' ).inputValue()
		).resolves.toBe( GOOD_DESCRIPTION );
		await expect(
			review().getByLabel( 'SEO title' ).inputValue()
		).resolves.toBe( SEO_TITLE );
		await expect(
			review().getByLabel( 'Focus keyphrase' ).inputValue()
		).resolves.toBe( KEYPHRASE );
		const stored = await cloud.context.models.Content.findByPk( contentId );
		expect( stored!.meta_description ).toBe( GOOD_DESCRIPTION );
		expect( stored!.attributes ).toMatchObject( {
			meta_title: SEO_TITLE,
			focus_keyphrase: KEYPHRASE,
		} );
		// The run that wrote the draft is still on record beside them.
		expect( stored!.attributes.generated_by_run ).toEqual(
			expect.any( Number )
		);
	} );
} );

describe( 'Open in editor', () => {
	it( 'sends the draft to WordPress as a draft and opens it in the block editor as blocks', async () => {
		await review()
			.getByRole( 'button', { name: 'Open in editor' } )
			.click();
		await page.waitForURL( /\/wp-admin\/post\.php\?post=\d+&action=edit/, {
			timeout: 90_000,
		} );
		postId = Number( new URL( page.url() ).searchParams.get( 'post' ) );
		const posts = await postsForContent( site, contentId );
		expect( posts ).toHaveLength( 1 );
		expect( posts[ 0 ] ).toMatchObject( {
			ID: postId,
			post_status: 'draft',
		} );
		// WordPress got the HTML, which would open as one Classic block.
		expect( posts[ 0 ]!.post_content ).not.toContain( '<!-- wp:' );

		const blocks = await convertedBlocks( page );
		const names = blocks.map( ( block ) => block.name );
		expect( names ).toEqual( [
			'core/heading',
			'core/paragraph',
			'core/heading',
			'core/list',
			'core/quote',
			'core/heading',
			'core/heading',
			'core/table',
			'core/paragraph',
		] );
		expect( names ).not.toContain( 'core/freeform' );
		expect( names ).not.toContain( 'core/html' );
		// Three list items, one paragraph in the quote.
		expect( blocks[ 3 ]!.count ).toBe( 3 );
		expect( blocks[ 4 ]!.count ).toBe( 1 );
	} );

	it( 'tells the person it converted the post and leaves saving to them', async () => {
		await page
			.locator( '.components-notice' )
			.filter( { hasText: 'IGNY8 turned this draft’s HTML into blocks' } )
			.waitFor();
		await expect(
			page.evaluate( () =>
				(
					globalThis as unknown as {
						wp: {
							data: {
								select: ( store: string ) => {
									isEditedPostDirty: () => boolean;
								};
							};
						};
					}
				 ).wp.data
					.select( 'core/editor' )
					.isEditedPostDirty()
			)
		).resolves.toBe( true );
		// Nothing was saved for them: WordPress still has the HTML.
		const [ post ] = await postsForContent( site, contentId );
		expect( post!.post_content ).not.toContain( '<!-- wp:' );
	} );

	it( 'shows the task, its target keywords, the state and the SEO fields in the IGNY8 sidebar', async () => {
		await page
			.getByRole( 'button', { name: 'IGNY8', exact: true } )
			.first()
			.click();
		const sidebar = page.locator( '.igny8-editor' );
		const task = sidebar.locator( '.igny8-editor__task a' );
		await expect( task.textContent() ).resolves.toBe( TASK_TITLE );
		await expect( task.getAttribute( 'href' ) ).resolves.toMatch(
			/\/wp-admin\/admin\.php\?page=igny8-tasks$/
		);
		await expect(
			sidebar.locator( '.igny8-editor__keywords li' ).allTextContents()
		).resolves.toEqual( KEYWORDS );
		await expect(
			sidebar.locator( '.igny8-editor__state' ).textContent()
		).resolves.toMatch( /^Draft in WordPressLast sent by IGNY8: / );
		await expect(
			sidebar.getByLabel( 'Meta description' ).inputValue()
		).resolves.toBe( GOOD_DESCRIPTION );
		await screenshotsAtBothWidths( page, 'igny8-editor-sidebar' );
		await expect(
			seriousViolations( page, { include: [ '.igny8-editor' ] } )
		).resolves.toEqual( [] );
	} );

	it( 'rewrites one section after showing its credit estimate, and puts it in place of the old blocks', async () => {
		const sidebar = page.locator( '.igny8-editor' );
		await sidebar
			.getByRole( 'button', { name: 'Rewrite a section' } )
			.click();
		await expect(
			sidebar
				.getByLabel( 'Section', { exact: true } )
				.locator( 'option' )
				.allTextContents()
		).resolves.toEqual( [
			'Why start from seed',
			'What you need',
			'Timing',
			'— Timing table',
		] );
		await sidebar
			.getByLabel( 'Section', { exact: true } )
			.selectOption( { label: 'What you need' } );
		await sidebar
			.getByLabel( 'What to change (optional)' )
			.fill( 'Make it a numbered list.' );
		await sidebar
			.getByRole( 'button', { name: 'Rewrite this section…' } )
			.click();
		const dialog = page.locator( '.igny8-modal' );
		await expect(
			dialog.locator( '.igny8-estimate' ).textContent()
		).resolves.toMatch(
			/^This will use at most \d+ credits?\. Your balance: \d+ credits\.$/
		);
		await dialog
			.getByRole( 'button', { name: 'Rewrite', exact: true } )
			.click();
		await dialog
			.locator( '.igny8-run[data-status="succeeded"]' )
			.waitFor( { timeout: 60_000 } );
		await page
			.locator( '.components-notice' )
			.filter( { hasText: 'IGNY8 rewrote the section “What you need”' } )
			.waitFor();
		const names = ( await convertedBlocks( page ) ).map(
			( block ) => block.name
		);
		// The list and quote of the old section gave way to a paragraph and a numbered list.
		expect( names ).toEqual( [
			'core/heading',
			'core/paragraph',
			'core/heading',
			'core/paragraph',
			'core/list',
			'core/heading',
			'core/heading',
			'core/table',
			'core/paragraph',
		] );
		await expect(
			page.evaluate(
				() =>
					(
						globalThis as unknown as {
							wp: {
								data: {
									select: ( store: string ) => {
										getBlocks: () => {
											attributes: { ordered?: boolean };
											innerBlocks: unknown[];
										}[];
									};
								};
							};
						}
					 ).wp.data
						.select( 'core/block-editor' )
						.getBlocks()
						.map( ( block ) => [
							block.attributes.ordered ?? null,
							block.innerBlocks.length,
						] )[ 4 ]
			)
		).resolves.toEqual( [ true, 4 ] );
		const prompt = openai
			.received( 'chat' )
			.map( ( call ) =>
				( call.body.messages as { content: string }[] )
					.map( ( message ) => message.content )
					.join( '\n' )
			)
			.find( ( text ) => text.includes( 'Rewrite the section' ) );
		expect( prompt ).toContain( 'Make it a numbered list.' );
		const stored = await cloud.context.models.Content.findByPk( contentId );
		expect( stored!.content_html ).toContain(
			`<h2>What you need</h2>${ REWRITTEN_SECTION }`
		);
		await dialog
			.locator( '.igny8-modal__actions' )
			.getByRole( 'button', { name: 'Close' } )
			.click();
	} );

	it( 'saves SEO fields from the sidebar, and they reach the post meta when IGNY8 publishes', async () => {
		const sidebar = page.locator( '.igny8-editor' );
		await sidebar
			.getByLabel( 'Meta description' )
			.fill( SIDEBAR_DESCRIPTION );
		await expect(
			sidebar.locator( '.igny8-seo__count' ).nth( 1 ).textContent()
		).resolves.toContain( 'Good length.' );
		await sidebar
			.getByRole( 'button', { name: 'Save SEO fields' } )
			.click();
		await sidebar
			.getByText( 'Saved in IGNY8.', { exact: false } )
			.waitFor();

		// Publish from IGNY8 → Content in another tab (this one has unsaved blocks).
		const other = await page.context().newPage();
		const otherErrors = collectConsoleErrors( other );
		await openDraft( other );
		const dialog = other.locator( '.igny8-draft-review' );
		await expect(
			dialog.getByRole( 'button', { name: 'Open in editor' } ).count()
		).resolves.toBe( 1 );
		await expect(
			dialog
				.locator( '.igny8-handoff' )
				.getByRole( 'link', { name: 'Preview post' } )
				.getAttribute( 'href' )
		).resolves.toContain( `?p=${ postId }&preview=true` );
		const panel = dialog.locator( '.igny8-publish' );
		await panel.getByRole( 'radio', { name: 'Publish now' } ).check();
		await panel
			.getByRole( 'button', { name: 'Send to WordPress' } )
			.click();
		await panel
			.locator( '.igny8-publish__status[data-status="published"]' )
			.filter( { hasText: 'In WordPress: Published' } )
			.waitFor( { timeout: 60_000 } );
		const [ post ] = await postsForContent( site, contentId );
		expect( post ).toMatchObject( {
			ID: postId,
			post_status: 'publish',
			meta: expect.objectContaining( {
				_igny8_meta_description: SIDEBAR_DESCRIPTION,
				_igny8_meta_title: SEO_TITLE,
				_igny8_focus_keyphrase: KEYPHRASE,
			} ),
		} );
		expect( otherErrors.errors ).toEqual( [] );
		await other.close();
	} );

	it( 'logged no console or PHP error', () => {
		// The block editor, opened by an editor, asks for theme styles and
		// site settings that only administrators may read; WordPress's 403s, not ours.
		const core403 =
			/status of 403 .*\/wp-json\/wp\/v2\/(global-styles|settings)\b/;
		expect(
			errors.errors.filter( ( error ) => ! core403.test( error ) )
		).toEqual( [] );
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );
