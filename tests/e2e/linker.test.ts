/**
 * IGNY8 → Linker and the block editor's “Internal links” panel, in Chromium
 * against real WordPress and the real cloud: posts written in WordPress are
 * pulled by site sync and indexed by “Rebuild index”; the Overview shows the
 * report's figures, orphans and broken links; “Review suggestions” → Apply
 * puts the link into the WordPress post; in the block editor, “Insert” puts
 * a suggested link into the paragraph without a reload, Undo takes it out,
 * and the saved post keeps the link's `data-igny8-link`.
 */
import request from 'supertest';
import type { LinkerReport, LinkSuggestion } from '@igny8/shared-types';
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
import {
	startTestCloud,
	waitFor,
	type TestCloud,
} from '../../cloud/test/support';
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
const ids: Record< string, number > = {};

const paragraph = ( text: string ) =>
	`<!-- wp:paragraph -->\n<p>${ text }</p>\n<!-- /wp:paragraph -->`;

/** The posts of the site: a hub to link to, four posts that mention it, and one with a broken link. */
const POSTS = {
	compost: {
		title: 'Composting at home',
		content: [
			paragraph(
				'Composting at home turns kitchen scraps and garden waste into dark, crumbly compost. A compost bin, greens, browns, water and air are all it takes.'
			),
			paragraph(
				'Turn the compost pile every week so the composting keeps warm, and the compost is ready in three months.'
			),
		].join( '\n\n' ),
	},
	tomatoes: {
		title: 'Growing tomatoes',
		content: [
			paragraph(
				'Tomatoes want sun, deep watering and rich soil. Before planting, dig in compost: composting at home gives you plenty for every bed.'
			),
			paragraph(
				'Stake the plants early and pinch out the side shoots.'
			),
		].join( '\n\n' ),
		managed: true,
	},
	watering: {
		title: 'Watering the vegetable garden',
		content: [
			paragraph(
				'Water the vegetable garden in the morning. Mulch and composting at home keep the soil moist for days.'
			),
			paragraph( 'Soak the roots, not the leaves.' ),
		].join( '\n\n' ),
	},
	mulching: {
		title: 'Mulching beds',
		content: paragraph(
			'Spread mulch after rain. Leaf mould and composting at home feed the worms under it.'
		),
		managed: true,
	},
	beds: {
		title: 'Building raised beds',
		content: paragraph(
			'Fill raised beds with topsoil, then a layer from composting at home on top.'
		),
		managed: true,
	},
	roses: {
		title: 'Pruning roses',
		content: paragraph(
			'Prune roses in late winter. See <a href="__SITE__/?p=987654">our old rose guide</a> for the tools.'
		),
	},
} as const;

/**
 * The cloud's answer, as the account's owner asks (naming the site, which
 * a wp-admin session implies).
 * @param path  The route under /api/v1.
 * @param query Its query; `site_id` is added.
 */
async function api< T >(
	path: string,
	query: Record< string, string | number > = {}
): Promise< T > {
	const answer = await request( cloud.app )
		.get( `/api/v1${ path }` )
		.query( { site_id: tenant.siteId, ...query } )
		.set( bearer( tenant.owner ) );
	expect( { status: answer.status, body: answer.body } ).toMatchObject( {
		status: 200,
	} );
	return ( answer.body.data ?? answer.body.results ) as T;
}

async function postContent( id: number ): Promise< string > {
	const { content } = await phpJson< { content: string } >(
		site,
		`clean_post_cache( ${ id } ); echo wp_json_encode( array( 'content' => get_post( ${ id } )->post_content ) );`
	);
	return content;
}

type Wp = {
	wp: {
		data: {
			select: ( store: string ) => any;
			dispatch: ( store: string ) => any;
		};
	};
};

/** The HTML of the editor's paragraph blocks, as they are now. */
function editorParagraphs( on: Page ): Promise< string[] > {
	return on.evaluate( () =>
		( globalThis as unknown as Wp ).wp.data
			.select( 'core/block-editor' )
			.getBlocks()
			.filter( ( block: any ) => block.name === 'core/paragraph' )
			.map( ( block: any ) => String( block.attributes.content ) )
	);
}

beforeAll( async () => {
	assertPluginUiBuilt();
	const port = await freePort();
	let wpPort = await freePort();
	while ( wpPort === port ) {
		wpPort = await freePort();
	}
	cloud = await startTestCloud(
		{ db: 'pglite', queue: 'inline' },
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
	tenant = await addTenant( cloud, 'Linker Screens' );
	await cloud.context.models.Site.update(
		{ wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	const integration = await connectSite( site, served.url, tenant );

	for ( const [ key, post ] of Object.entries( POSTS ) ) {
		const { id } = await phpJson< { id: number } >(
			site,
			`
$id = wp_insert_post( array(
	'post_title' => ${ JSON.stringify( post.title ) },
	'post_content' => ${ JSON.stringify(
		post.content.replace( '__SITE__', site.url )
	) },
	'post_status' => 'publish',
) );
${ 'managed' in post ? "update_post_meta( $id, '_igny8_managed', '1' );" : '' }
echo wp_json_encode( array( 'id' => $id ) );`
		);
		ids[ key ] = id;
	}
	// Site sync pulls the posts, with their HTML, into the cloud.
	await request( cloud.app )
		.post( `/api/v1/integration/integrations/${ integration.id }/sync/` )
		.set( bearer( tenant.owner ) )
		.send( { mode: 'full' } )
		.expect( 202 );
	await waitFor( async () => {
		const answer = await request( cloud.app )
			.get( `/api/v1/integration/integrations/${ integration.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		const state = ( answer.body.data as { sync_state: string } ).sync_state;
		if ( state === 'failed' ) {
			throw new Error( 'site sync failed' );
		}
		return state === 'succeeded' ? state : undefined;
	}, 60_000 );

	// No welcome guide over the block editor.
	await site.php(
		`$u = get_user_by( 'login', ${ JSON.stringify(
			site.admin.login
		) } ); global $wpdb; update_user_meta( $u->ID, $wpdb->get_blog_prefix() . 'persisted_preferences', array( 'core/edit-post' => array( 'welcomeGuide' => false ), 'core' => array( 'editorMode' => 'visual' ), '_modified' => gmdate( 'c' ) ) );`
	);
	browser = await launchBrowser();
	( { page } = await loginToWpAdmin( browser, site.url, site.admin ) );
	errors = collectConsoleErrors( page );
}, 180_000 );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
	await served?.close();
	await cloud?.stop();
} );

const figure = ( name: string ) =>
	page
		.locator( '.igny8-linker__figure', {
			has: page.locator( 'dt', { hasText: name } ),
		} )
		.locator( 'dd' );

describe( 'IGNY8 → Linker', () => {
	it( 'rebuilds the index from the screen and shows the report’s figures for the seeded posts', async () => {
		await page.goto( '/wp-admin/admin.php?page=igny8-linker' );
		await page
			.getByRole( 'button', { name: 'Rebuild index' } )
			.click( { timeout: 30_000 } );
		await page
			.locator( '.components-snackbar', {
				hasText:
					'The link index was rebuilt; the figures below are up to date.',
			} )
			.waitFor( { timeout: 60_000 } );

		const report = await api< LinkerReport >( '/linker/report/' );
		// Every seeded post is indexed (WordPress's own sample post and page may be too).
		expect( report.totals.posts ).toBeGreaterThanOrEqual( 4 );
		const titles = (
			await api< Array< { title: string } > >( '/linker/posts/', {
				page_size: 100,
			} )
		).map( ( row ) => row.title );
		expect( titles ).toEqual(
			expect.arrayContaining(
				Object.values( POSTS ).map( ( post ) => post.title )
			)
		);
		// The broken link of “Pruning roses” (a post that does not exist).
		expect( report.totals.broken ).toBe( 1 );
		expect( report.broken[ 0 ]?.source.title ).toBe( 'Pruning roses' );

		await expect( figure( 'Posts indexed' ).textContent() ).resolves.toBe(
			String( report.totals.posts )
		);
		await expect( figure( 'Orphans' ).textContent() ).resolves.toBe(
			String( report.totals.orphans )
		);
		await expect( figure( 'Broken links' ).textContent() ).resolves.toBe(
			'1'
		);
		await expect(
			figure( 'Open suggestions' ).textContent()
		).resolves.toBe( String( report.totals.open_suggestions ) );
		expect( report.totals.open_suggestions ).toBeGreaterThan( 0 );

		// The broken link names its post, links to its editor, and says what is wrong.
		const broken = page.locator( '.igny8-linker__link', {
			hasText: 'our old rose guide',
		} );
		await expect(
			broken
				.getByRole( 'link', { name: 'Pruning roses', exact: true } )
				.getAttribute( 'href' )
		).resolves.toContain( `post.php?post=${ ids.roses }&action=edit` );
		await expect( broken.textContent() ).resolves.toContain(
			'Post does not exist'
		);
		// The orphans are listed with their editor links.
		if ( report.orphans.length > 0 ) {
			await page
				.locator( '.igny8-linker__list' )
				.first()
				.getByRole( 'link', {
					name: report.orphans[ 0 ]!.title,
					exact: true,
				} )
				.waitFor();
		}
		// No seeded post has a keyword: none competes with another.
		await page
			.locator( '.igny8-linker__competing', {
				hasText: 'No two posts are aimed at the same keyword.',
			} )
			.waitFor();
		expect(
			await seriousViolations( page, { include: [ '.igny8-linker' ] } )
		).toEqual( [] );
		await screenshotsAtBothWidths( page, 'linker-overview' );
	} );

	it( 'Review suggestions → Apply adds the link to the post in WordPress', async () => {
		const suggestions = await api< LinkSuggestion[] >(
			'/linker/suggestions/',
			{
				post_id: ids.tomatoes!,
			}
		);
		const toCompost = suggestions.find(
			( suggestion ) => suggestion.target.post_id === ids.compost
		);
		expect( toCompost ).toBeDefined();
		const suggestion = toCompost!;

		await page.goto(
			'/wp-admin/admin.php?page=igny8-linker&tab=posts&filter=with_suggestions'
		);
		await page
			.getByRole( 'button', { name: 'Actions for “Growing tomatoes”' } )
			.click( { timeout: 30_000 } );
		await page
			.getByRole( 'menuitem', { name: 'Review suggestions' } )
			.click();
		const modal = page.getByRole( 'dialog', {
			name: 'Link suggestions for “Growing tomatoes”',
		} );
		const choiceLabel = `Link “${ suggestion.anchor }” to “Composting at home”`;
		const choice = modal.getByLabel( choiceLabel );
		await choice.waitFor();
		// The anchor is highlighted inside its sentence, and its strength is a word.
		const item = modal.locator( '.igny8-linker__suggestion', {
			has: page.getByLabel( choiceLabel ),
		} );
		await expect( item.locator( 'mark' ).textContent() ).resolves.toBe(
			suggestion.anchor
		);
		await expect(
			item.locator( '.igny8-linker__strength' ).textContent()
		).resolves.toMatch( /^(Strong|Good|Possible) match$/ );
		expect(
			await seriousViolations( page, {
				include: [ '.components-modal__frame' ],
			} )
		).toEqual( [] );
		await screenshotsAtBothWidths( page, 'linker-review' );

		await choice.check();
		await modal.getByRole( 'button', { name: 'Apply (1)' } ).click();
		await modal
			.getByText(
				'Add the links of 1 suggestion to this post? A published post is updated in WordPress at once; nothing else in it changes.'
			)
			.waitFor();
		await modal.getByRole( 'button', { name: 'Add links' } ).click();
		await page
			.locator( '.components-snackbar', { hasText: '1 link added.' } )
			.waitFor( { timeout: 30_000 } );

		const content = await postContent( ids.tomatoes! );
		expect( content ).toContain( `data-igny8-link="${ suggestion.id }"` );
		expect( content ).toMatch(
			new RegExp(
				`<a [^>]*data-igny8-link="${ suggestion.id }"[^>]*>${ suggestion.anchor }</a>`
			)
		);
		// Applied: it is no longer offered.
		await modal.getByLabel( choiceLabel ).waitFor( { state: 'detached' } );
		await modal.getByRole( 'button', { name: 'Close' } ).first().click();
	} );

	it( 'filters orphans, searches and sorts, keeping the tab and the view in the URL', async () => {
		await page.goto( '/wp-admin/admin.php?page=igny8-linker&tab=posts' );
		await page
			.getByLabel( 'Show', { exact: true } )
			.selectOption( 'orphans' );
		await page.waitForURL( /filter=orphans/ );
		const report = await api< LinkerReport >( '/linker/report/' );
		await page
			.locator(
				'.igny8-table[aria-busy="false"], .igny8-dataview .igny8-empty'
			)
			.first()
			.waitFor();
		const rows = await page.locator( '.igny8-table tbody tr' ).count();
		expect( rows ).toBe( Math.min( report.totals.orphans, 25 ) );
		expect(
			await seriousViolations( page, { include: [ '.igny8-linker' ] } )
		).toEqual( [] );
		await screenshotsAtBothWidths( page, 'linker-posts' );
		await page.reload();
		await expect(
			page.getByLabel( 'Show', { exact: true } ).inputValue()
		).resolves.toBe( 'orphans' );
		await expect(
			page.getByRole( 'tab', { name: 'Posts', selected: true } ).count()
		).resolves.toBe( 1 );

		// Searching and sorting are the cloud's, and live in the URL too.
		await page
			.getByRole( 'button', { name: 'Clear filters' } )
			.first()
			.click();
		await page
			.getByRole( 'searchbox', { name: 'Search posts' } )
			.fill( 'tomatoes' );
		await page.waitForURL( /search=tomatoes/ );
		await page
			.locator( '.igny8-table[aria-busy="false"] tbody tr', {
				hasText: 'Growing tomatoes',
			} )
			.waitFor();
		await expect(
			page.locator( '.igny8-table tbody tr' ).count()
		).resolves.toBe( 1 );
		await page
			.getByRole( 'searchbox', { name: 'Search posts' } )
			.fill( '' );
		await page.waitForURL( ( url ) => ! url.search.includes( 'search=' ) );
		await page
			.locator( '.igny8-table thead' )
			.getByRole( 'button', { name: 'Suggestions' } )
			.click();
		await page.waitForURL( /orderby=-?open_suggestions/ );
		await page.locator( '.igny8-table[aria-busy="false"]' ).waitFor();
		const counts = (
			await page
				.locator( '.igny8-table tbody td[data-label="Suggestions"]' )
				.allTextContents()
		).map( Number );
		expect( counts.length ).toBeGreaterThan( 1 );
		const ascending = [ ...counts ].sort( ( a, b ) => a - b );
		expect( [ ascending, [ ...ascending ].reverse() ] ).toContainEqual(
			counts
		);
	} );
	it( 'applies the top suggestions of the selected posts in bulk, after a confirmation', async () => {
		const before = await postContent( ids.mulching! );
		await page.goto(
			'/wp-admin/admin.php?page=igny8-linker&tab=posts&filter=with_suggestions'
		);
		const row = page.locator( '.igny8-table tbody tr', {
			hasText: 'Mulching beds',
		} );
		await row.getByRole( 'checkbox' ).check( { timeout: 30_000 } );
		await page
			.getByRole( 'group', { name: 'Bulk actions' } )
			.getByRole( 'button', { name: 'Apply top suggestions' } )
			.click();
		const confirm = page.getByRole( 'dialog', {
			name: 'Apply top suggestions',
		} );
		await confirm
			.getByText(
				'Add up to 5 of the best suggested links to each of 1 post? Published posts are updated in WordPress at once; nothing else in them changes.'
			)
			.waitFor();
		await confirm.getByRole( 'button', { name: 'Add links' } ).click();
		await page
			.locator( '.components-snackbar', {
				hasText: /^\d+ links? added to 1 post\.$/,
			} )
			.waitFor( { timeout: 30_000 } );
		const content = await postContent( ids.mulching! );
		expect( content ).toMatch(
			/<a [^>]*data-igny8-link="[^"]+"[^>]*>composting at home<\/a>/
		);
		// Nothing else of the post changed.
		expect(
			content.replace(
				/<a [^>]*data-igny8-link="[^"]+"[^>]*>([^<]*)<\/a>/g,
				'$1'
			)
		).toBe( before );
	} );
	it( 'removes the links IGNY8 added to a post, after a confirmation', async () => {
		const linked = await postContent( ids.tomatoes! );
		expect( linked ).toContain( 'data-igny8-link=' );
		await page.goto( '/wp-admin/admin.php?page=igny8-linker&tab=posts' );
		await page
			.getByRole( 'button', { name: 'Actions for “Growing tomatoes”' } )
			.click( { timeout: 30_000 } );
		await page
			.getByRole( 'menuitem', { name: 'Remove IGNY8 links' } )
			.click();
		const confirm = page.getByRole( 'dialog', {
			name: 'Remove IGNY8 links',
		} );
		await confirm
			.getByText(
				'Remove every link IGNY8 added to “Growing tomatoes”? The words stay; only the links go. Links you added yourself are kept.'
			)
			.waitFor();
		await confirm.getByRole( 'button', { name: 'Remove links' } ).click();
		await page
			.locator( '.components-snackbar', {
				hasText:
					'1 link that IGNY8 added was removed. The post in WordPress was updated.',
			} )
			.waitFor( { timeout: 30_000 } );
		// The words are back exactly as they were before the link.
		expect( await postContent( ids.tomatoes! ) ).toBe(
			linked.replace(
				/<a [^>]*data-igny8-link="[^"]+"[^>]*>([^<]*)<\/a>/g,
				'$1'
			)
		);
	} );
	it( 'lets an administrator change how many links are suggested per post and paragraph', async () => {
		await page.goto( '/wp-admin/admin.php?page=igny8-linker' );
		const limits = page.locator( '.igny8-linker__limits' );
		const perPost = limits.getByLabel( 'Links per post' );
		await perPost.waitFor( { timeout: 30_000 } );
		const before = await api< { max_links_per_post: number } >(
			'/linker/settings/'
		);
		await expect( perPost.inputValue() ).resolves.toBe(
			String( before.max_links_per_post )
		);
		await perPost.fill( '3' );
		await limits.getByLabel( 'Links per paragraph' ).fill( '1' );
		await limits.getByRole( 'button', { name: 'Save limits' } ).click();
		await page
			.locator( '.components-snackbar', {
				hasText:
					'Link limits saved: up to 3 per post and 1 per paragraph.',
			} )
			.waitFor();
		await expect( api( '/linker/settings/' ) ).resolves.toEqual( {
			max_links_per_post: 3,
			max_links_per_paragraph: 1,
		} );
	} );
} );

/** The IGNY8 sidebar's Internal links panel, opened (a phone width closes the sidebar). */
async function linksPanel() {
	const panel = page.locator( '.igny8-links' );
	await page
		.locator( '.editor-header, .edit-post-header' )
		.first()
		.waitFor( { timeout: 60_000 } );
	// The editor reopens the sidebar it had open last; let it, before deciding to open it.
	await page.waitForFunction(
		() =>
			( globalThis as unknown as Wp ).wp.data
				.select( 'core/block-editor' )
				.getBlocks().length > 0
	);
	await page.waitForTimeout( 500 );
	if ( ! ( await panel.isVisible() ) ) {
		const pinned = page
			.getByRole( 'button', { name: 'IGNY8', exact: true } )
			.first();
		if ( await pinned.isVisible() ) {
			await pinned.click();
		} else {
			// A phone hides pinned sidebars: the way in is the Options menu.
			await page
				.locator( '.editor-header, .edit-post-header' )
				.first()
				.getByRole( 'button', { name: 'Options' } )
				.click();
			// A checkable item (it shows whether the sidebar is open).
			await page
				.locator( '[role="menuitemcheckbox"]', { hasText: /^IGNY8$/ } )
				.click();
		}
	}
	const toggle = panel.getByRole( 'button', { name: 'Internal links' } );
	if ( ( await toggle.getAttribute( 'aria-expanded' ) ) !== 'true' ) {
		await toggle.click();
	}
	return panel;
}

describe( 'the block editor’s Internal links panel', () => {
	it( 'inserts a suggested link into the paragraph without a reload, and Undo takes it out', async () => {
		const suggestions = await api< LinkSuggestion[] >(
			'/linker/suggestions/',
			{
				post_id: ids.watering!,
			}
		);
		const suggestion = suggestions.find(
			( item ) => item.target.post_id === ids.compost
		);
		expect( suggestion ).toBeDefined();
		const { id, anchor } = suggestion!;

		await page.goto(
			`/wp-admin/post.php?post=${ ids.watering }&action=edit`
		);
		const panel = await linksPanel();
		const insert = panel.getByRole( 'button', {
			name: `Insert a link from “${ anchor }” to “Composting at home”`,
		} );
		await insert.waitFor( { timeout: 30_000 } );
		// A mark on the page: a reload would wipe it.
		await page.evaluate( () => {
			( globalThis as any ).igny8NoReload = true;
		} );

		await insert.click();
		await page
			.locator( '.components-snackbar', { hasText: 'Link added' } )
			.waitFor();
		const linked = ( await editorParagraphs( page ) ).find( ( html ) =>
			html.includes( `data-igny8-link="${ id }"` )
		);
		expect( linked ).toBeDefined();
		expect( linked ).toContain( `>${ anchor }</a>` );
		await panel.getByText( 'Inserted' ).waitFor();
		await expect(
			page.evaluate( () => ( globalThis as any ).igny8NoReload )
		).resolves.toBe( true );
		expect(
			await seriousViolations( page, { include: [ '.igny8-links' ] } )
		).toEqual( [] );
		await screenshot( page, 'linker-editor-panel-1280' );

		await page
			.locator( '.components-snackbar', { hasText: 'Link added' } )
			.getByRole( 'button', { name: 'Undo' } )
			.click();
		await page.waitForFunction(
			( linkId ) =>
				! ( globalThis as unknown as Wp ).wp.data
					.select( 'core/block-editor' )
					.getBlocks()
					.some( ( block: any ) =>
						String( block.attributes.content ?? '' ).includes(
							`data-igny8-link="${ linkId }"`
						)
					),
			id
		);
		expect( await editorParagraphs( page ) ).toContain(
			'Water the vegetable garden in the morning. Mulch and composting at home keep the soil moist for days.'
		);
		await insert.waitFor();
		await screenshotsAtBothWidths( page, 'linker-editor-panel-undone' );
	} );

	it( 'saves the inserted link with its data-igny8-link attribute', async () => {
		const suggestions = await api< LinkSuggestion[] >(
			'/linker/suggestions/',
			{
				post_id: ids.watering!,
			}
		);
		const { id, anchor } = suggestions.find(
			( item ) => item.target.post_id === ids.compost
		)!;
		await (
			await linksPanel()
		)
			.getByRole( 'button', {
				name: `Insert a link from “${ anchor }” to “Composting at home”`,
			} )
			.click();
		await page.evaluate( () =>
			( globalThis as unknown as Wp ).wp.data
				.dispatch( 'core/editor' )
				.savePost()
		);
		await page.waitForFunction(
			() =>
				! ( globalThis as unknown as Wp ).wp.data
					.select( 'core/editor' )
					.isSavingPost() &&
				! ( globalThis as unknown as Wp ).wp.data
					.select( 'core/editor' )
					.isEditedPostDirty()
		);
		const content = await postContent( ids.watering! );
		expect( content ).toMatch(
			new RegExp(
				`<a [^>]*data-igny8-link="${ id }"[^>]*>${ anchor }</a>`
			)
		);
		expect( errors.errors ).toEqual( [] );
	} );

	it( 'applies an inbound suggestion to the other post, from this post’s panel', async () => {
		await page.goto(
			`/wp-admin/post.php?post=${ ids.compost }&action=edit`
		);
		const panel = await linksPanel();
		await panel.getByRole( 'tab', { name: 'To this post' } ).click();
		const apply = panel.getByRole( 'button', {
			name: /^Add the link to “Building raised beds” on “.+”$/,
		} );
		await apply.click( { timeout: 30_000 } );
		await page
			.locator( '.components-snackbar', {
				hasText: '1 link added. The post in WordPress was updated.',
			} )
			.waitFor( { timeout: 30_000 } );
		const content = await postContent( ids.beds! );
		expect( content ).toMatch(
			/<a [^>]*data-igny8-link="[^"]+"[^>]*>composting at home<\/a>/
		);
		// Applied: the panel offers it no more.
		await apply.waitFor( { state: 'detached' } );
		expect( errors.errors ).toEqual( [] );
	} );
	it( 'is reachable and fits on a phone', async () => {
		await page.setViewportSize( { width: 375, height: 812 } );
		try {
			await page.goto(
				`/wp-admin/post.php?post=${ ids.compost }&action=edit`
			);
			const panel = await linksPanel();
			await panel
				.getByRole( 'tab', { name: 'From this post' } )
				.waitFor();
			await page
				.locator(
					'.igny8-links .igny8-links__item, .igny8-links .igny8-empty'
				)
				.first()
				.waitFor( { timeout: 30_000 } );
			await screenshot( page, 'linker-editor-panel-375' );
			expect(
				await page.evaluate(
					() =>
						document.documentElement.scrollWidth >
						document.documentElement.clientWidth
				)
			).toBe( false );
			expect(
				await seriousViolations( page, { include: [ '.igny8-links' ] } )
			).toEqual( [] );
		} finally {
			await page.setViewportSize( { width: 1280, height: 900 } );
		}
	} );
} );

describe( 'a site that is not connected', () => {
	it( 'says how to connect it instead of showing the Linker', async () => {
		await site.php( '( new \\IGNY8\\Bridge\\Options() )->disconnect();' );
		await page.goto( '/wp-admin/admin.php?page=igny8-linker' );
		await page
			.getByText(
				'Connect this site to IGNY8 to see how its posts link to each other.'
			)
			.waitFor();
		await expect(
			page
				.getByRole( 'link', { name: 'Connect it in Settings' } )
				.getAttribute( 'href' )
		).resolves.toContain( 'page=igny8-workspace-settings' );
	} );
} );
