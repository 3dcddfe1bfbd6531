/**
 * IGNY8 → Site Builder's “Write the copy with AI” in Chromium against real
 * WordPress, the real cloud and the fake AI provider: a page's details say
 * the price on the button, the dialog asks first, the run's new version
 * loads with the paragraph under each heading, and applying that version
 * puts the paragraphs in the WordPress page's content.
 */
import request from 'supertest';
import type { SiteBlueprint } from '@igny8/shared-types';
import type { Browser, Page } from 'playwright-core';
import {
	collectConsoleErrors,
	launchBrowser,
	loginToWpAdmin,
	outboundAllow,
	startFakeOpenAI,
	startWordPress,
	type ConsoleErrors,
	type FakeOpenAI,
	type WordPressSite,
} from '@igny8/test-harness';
import { AI_ENV, balance, grant } from '../../cloud/test/ai-support';
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
import { seriousViolations } from './support/screens';

let openai: FakeOpenAI;
let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let browser: Browser;
let page: Page;
let errors: ConsoleErrors;

const PARAGRAPHS = [
	'Copy Check audits every page for slow loading, broken links and missing titles.',
	'An audit costs a fixed fee agreed before we start, with a report you can act on.',
];

beforeAll( async () => {
	assertPluginUiBuilt();
	openai = await startFakeOpenAI();
	const port = await freePort();
	let wpPort = await freePort();
	while ( wpPort === port ) {
		wpPort = await freePort();
	}
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
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
	tenant = await addTenant( cloud, 'Site Builder Copy' );
	await grant( cloud, tenant, 10 );
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
	await openai?.close();
} );

describe( 'IGNY8 → Site Builder: a page’s copy written with AI', () => {
	it( 'says the price first, loads the new version with the paragraphs, and the apply puts them in WordPress', async () => {
		const blueprint = (
			await request( cloud.app )
				.post( '/api/v1/site-builder/blueprints/' )
				.set( bearer( tenant.owner ) )
				.send( {
					site_id: tenant.siteId,
					name: 'Copy site',
					pages: [
						{ key: 'home', title: 'Home', page_type: 'home' },
						{
							key: 'audits',
							title: 'Copy audits',
							page_type: 'service',
							target_keywords: [ 'seo audit' ],
							sections: [
								{ heading: 'What we check' },
								{ heading: 'Pricing' },
							],
						},
					],
				} )
				.expect( 201 )
		).body.data as SiteBlueprint;
		openai.fallback( 'chat', {
			content: {
				sections: [
					{ heading: 'What we check', text: PARAGRAPHS[ 0 ] },
					{ heading: 'Pricing', text: PARAGRAPHS[ 1 ] },
				],
			},
		} );
		const before = await balance( cloud, tenant );

		await page.goto(
			`/wp-admin/admin.php?page=igny8-site-builder&blueprint=${ blueprint.id }`
		);
		const row = page.locator( '.igny8-sb__row', {
			has: page.locator( '.igny8-sb__title', { hasText: 'Copy audits' } ),
		} );
		await row.waitFor( { timeout: 30_000 } );
		await row.locator( '.igny8-sb__toggle' ).click();
		const write = page.getByRole( 'button', {
			name: 'Write the copy with AI (1 credit)',
		} );
		await write.waitFor( { timeout: 30_000 } );
		expect(
			await seriousViolations( page, { include: [ '.igny8-sb' ] } )
		).toEqual( [] );
		await write.click();

		const dialog = page.getByRole( 'dialog', {
			name: 'Write the copy of “Copy audits” with AI',
		} );
		await dialog
			.getByText( 'This will use at most 1 credit.', { exact: false } )
			.waitFor( { timeout: 30_000 } );
		expect( openai.received( 'chat' ) ).toHaveLength( 0 );
		await dialog
			.getByRole( 'button', { name: 'Write', exact: true } )
			.click();
		await dialog
			.getByText(
				'The copy is saved as version 2 and shown in the outline.'
			)
			.waitFor( { timeout: 60_000 } );
		await dialog.getByRole( 'button', { name: 'Close' } ).last().click();

		// The editor shows the new version, the paragraphs under their headings.
		await page.getByText( 'Version 2', { exact: true } ).waitFor();
		const says = page.getByLabel( 'What it says' );
		await expect( says.nth( 0 ).inputValue() ).resolves.toBe(
			PARAGRAPHS[ 0 ]
		);
		await expect( says.nth( 1 ).inputValue() ).resolves.toBe(
			PARAGRAPHS[ 1 ]
		);
		expect( before - ( await balance( cloud, tenant ) ) ).toBe( 1 );

		// Applied: the WordPress page has each heading with its paragraph.
		await page
			.getByRole( 'button', { name: 'Apply to WordPress…' } )
			.click();
		const apply = page.getByRole( 'dialog', {
			name: 'Apply “Copy site” to WordPress',
		} );
		await apply
			.getByText(
				'This is what applying version 2 will do in WordPress.',
				{ exact: false }
			)
			.waitFor( { timeout: 30_000 } );
		await apply
			.getByRole( 'button', { name: 'Apply to WordPress', exact: true } )
			.click();
		await apply
			.getByText( 'Applied: version 2' )
			.waitFor( { timeout: 60_000 } );
		const [ wp ] = await phpJson< { content: string }[] >(
			site,
			`
wp_cache_flush();
$out = array();
foreach ( get_posts( array( 'post_type' => 'page', 'post_status' => 'any', 'numberposts' => -1, 'suppress_filters' => true, 'meta_key' => '_igny8_blueprint_key', 'meta_value' => 'audits' ) ) as $p ) {
	$out[] = array( 'content' => $p->post_content );
}
echo wp_json_encode( $out );`
		);
		expect( wp!.content ).toContain( 'What we check' );
		expect( wp!.content ).toContain( `<p>${ PARAGRAPHS[ 0 ] }</p>` );
		expect( wp!.content ).toContain( `<p>${ PARAGRAPHS[ 1 ] }</p>` );
		expect( wp!.content.indexOf( PARAGRAPHS[ 0 ]! ) ).toBeLessThan(
			wp!.content.indexOf( 'Pricing' )
		);
		expect( errors.errors ).toEqual( [] );
	} );
} );
