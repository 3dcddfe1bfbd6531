/**
 * A WooCommerce product's description, written and published to the product:
 * the shop owner hands a product to IGNY8 from wp-admin's Products list in
 * Chromium; through the plugin's site session (as the wp-admin screens call
 * the cloud) the site is synced, a task naming the product is written by the
 * fake provider and published; the product itself — not a new post — then
 * has the new description and short description, read back over WordPress's
 * REST API and on the Products screen.
 *
 * No registry ships WooCommerce's PHP: the site runs the stand-in mu-plugin
 * fixtures/woocommerce-stub.php (the `WooCommerce` class, the `product` type,
 * `product_cat` and `product_tag`), with the price and SKU in WooCommerce's
 * documented meta keys. WordPress runs on SQLite, as under Playground.
 */
import fs from 'node:fs';
import path from 'node:path';
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
	type ConsoleErrors,
	type FakeOpenAI,
	type WordPressSite,
	type WpRestClient,
} from '@igny8/test-harness';
import { AI_ENV, grant } from '../../cloud/test/ai-support';
import { addTenant, type Tenant } from '../../cloud/test/fixtures';
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

const WOOCOMMERCE_STUB = path.join(
	__dirname,
	'fixtures',
	'woocommerce-stub.php'
);

const NEW_DESCRIPTION = {
	title: 'A name the model invented',
	content_html:
		'<h2>Why trail runners choose it</h2><p>Lugs that bite into wet rock.</p><h2>Specifications</h2><ul><li>Drop: 6 mm</li><li>Weight: 290 g</li></ul><h2>How to use it</h2><p>Lace it snugly before a descent.</p>',
	excerpt: 'A waterproof trail shoe that grips wet rock.',
	meta_description: 'Trail Runner 2: waterproof grip for wet trails.',
	categories: [ 'Ignored for an existing product' ],
	tags: [ 'ignored' ],
};

let openai: FakeOpenAI;
let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let integrationId: number;
let wordpress: WpRestClient;
let browser: Browser;
let page: Page;
let errors: ConsoleErrors;
let productId: number;

beforeAll( async () => {
	openai = await startFakeOpenAI();
	openai.fallback( 'chat', { content: NEW_DESCRIPTION } );
	const port = await freePort();
	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'bee' },
		{
			...AI_ENV( openai ),
			DATABASE_POOL_MAX: '5',
			PUBLIC_URL: `http://127.0.0.1:${ port }`,
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud, port ),
		startWordPress( { db: 'sqlite', port: wpPort } ),
	] );
	// WooCommerce arrives after IGNY8 was activated: the first connection offers products.
	fs.copyFileSync(
		WOOCOMMERCE_STUB,
		path.join(
			site.wpDir,
			'wp-content',
			'mu-plugins',
			'woocommerce-stub.php'
		)
	);
	tenant = await addTenant( cloud, 'Trail Shop' );
	await grant( cloud, tenant, 100 );
	integrationId = ( await connectSite( site, served.url, tenant ) ).id;
	( { id: productId } = await phpJson< { id: number } >(
		site,
		`
$id = wp_insert_post( array( 'post_type' => 'product', 'post_status' => 'publish', 'post_title' => 'Trail Runner 2', 'post_content' => '<p>Old description.</p>', 'post_excerpt' => 'Old short description.' ) );
update_post_meta( $id, '_price', '89.00' );
update_post_meta( $id, '_regular_price', '99.00' );
update_post_meta( $id, '_sku', 'TR-2-BLK' );
update_post_meta( $id, '_stock_status', 'instock' );
wp_set_object_terms( $id, array( 'Running shoes' ), 'product_cat' );
wp_set_object_terms( $id, array( 'trail' ), 'product_tag' );
echo wp_json_encode( array( 'id' => $id ) );`
	) );
	wordpress = await loginRestClient( site.url, site.admin );
	browser = await launchBrowser();
	( { page } = await loginToWpAdmin( browser, site.url, site.admin ) );
	errors = collectConsoleErrors( page );
}, 180_000 );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
	await served?.close();
	await cloud?.stop();
	await openai?.close();
} );

/** The cloud API as the wp-admin screens call it: with the plugin's site session for this user. */
async function siteSession() {
	const minted = await wordpress.post< { token: string; site_id: number } >(
		'igny8/v1/session'
	);
	expect( minted.status ).toBe( 200 );
	const { token, site_id: siteId } = minted.body;
	const call = async < T >(
		method: string,
		route: string,
		body?: unknown
	) => {
		const response = await fetch( `${ served.url }/api/v1${ route }`, {
			method,
			headers: {
				authorization: `Bearer ${ token }`,
				...( body === undefined
					? {}
					: { 'content-type': 'application/json' } ),
			},
			body: body === undefined ? undefined : JSON.stringify( body ),
		} );
		const text = await response.text();
		if ( ! response.ok ) {
			throw new Error(
				`${ method } ${ route } answered ${ response.status }: ${ text }`
			);
		}
		return JSON.parse( text ) as T;
	};
	return { call, siteId };
}

type WpProduct = {
	id: number;
	type: string;
	content: { raw: string };
	excerpt: { raw: string };
	product_cat: number[];
};

const readProduct = async () => {
	const answer = await wordpress.get< WpProduct >(
		`wp/v2/product/${ productId }`,
		{ context: 'edit' }
	);
	expect( answer.status ).toBe( 200 );
	return answer.body;
};

describe( 'a WooCommerce product’s description', () => {
	it( 'the owner hands the product to IGNY8 from the Products list', async () => {
		await page.goto( '/wp-admin/edit.php?post_type=product' );
		const row = page.locator( `#post-${ productId }` );
		await row.hover();
		await row
			.getByRole( 'link', { name: 'Let IGNY8 manage this post' } )
			.click();
		await page.waitForURL( /igny8_managed=1/ );
		expect(
			await page.getByText( 'IGNY8 may now update this post.' ).count()
		).toBeGreaterThan( 0 );
		expect(
			await site.php(
				`echo get_post_meta( ${ productId }, '_igny8_managed', true );`
			)
		).toBe( '1' );
	} );

	it( 'is written from the shop’s facts and published into the product itself', async () => {
		const before = await readProduct();
		expect( before.content.raw ).toBe( '<p>Old description.</p>' );
		const { call } = await siteSession();
		const countPosts = () =>
			phpJson< number >(
				site,
				"echo (int) ( new WP_Query( array( 'post_type' => array( 'post', 'page' ), 'post_status' => 'any', 'fields' => 'ids', 'posts_per_page' => -1 ) ) )->found_posts;"
			);
		const postsBefore = await countPosts();

		// The site's products reach the cloud.
		await call(
			'POST',
			`/integration/integrations/${ integrationId }/sync/`,
			{}
		);
		await waitFor(
			async () =>
				( await cloud.context.models.SitePost.findOne( {
					where: { site_id: tenant.siteId, wp_post_id: productId },
				} ) ) ?? undefined,
			60_000
		);

		// A task naming the product, written by the (fake) provider.
		const task = await call< { data: { id: number } } >(
			'POST',
			'/writer/tasks/',
			{
				sector_id: tenant.sectorId,
				title: 'New copy for Trail Runner 2',
				target_keywords: [ 'waterproof trail shoes' ],
				assigned_post_id: productId,
			}
		);
		const started = await call< { data: { run_id: number } } >(
			'POST',
			'/writer/tasks/generate_content/',
			{ ids: [ task.data.id ] }
		);
		const run = await waitFor( async () => {
			const current = await call< {
				data: { status: string; error?: string };
			} >( 'GET', `/system/ai-runs/${ started.data.run_id }/` );
			return [ 'succeeded', 'failed', 'cancelled' ].includes(
				current.data.status
			)
				? current.data
				: undefined;
		}, 90_000 );
		expect( run ).toMatchObject( { status: 'succeeded' } );
		const prompt = openai
			.received( 'chat' )
			.map( ( chat ) =>
				( chat.body.messages as { content: string }[] )
					.map( ( m ) => m.content )
					.join( '\n' )
			)
			.join( '\n' );
		expect( prompt ).toContain(
			'Write the product description for "Trail Runner 2"'
		);
		expect( prompt ).toContain( '- Categories: Running shoes' );
		expect( prompt ).toContain(
			'- Current short description: Old short description.'
		);

		const contents = await call< {
			results: {
				id: number;
				entity_type: string;
				excerpt: string;
				title: string;
			}[];
		} >( 'GET', `/writer/content/?task_id=${ task.data.id }` );
		const content = contents.results[ 0 ]!;
		expect( content ).toMatchObject( {
			entity_type: 'product',
			title: 'Trail Runner 2',
			excerpt: NEW_DESCRIPTION.excerpt,
		} );

		// Published: into the product, not a new post.
		await call( 'POST', '/publisher/publish/', {
			content_ids: [ content.id ],
		} );
		const record = await waitFor( async () => {
			const row = await cloud.context.models.PublishingRecord.findOne( {
				where: { content_id: content.id },
			} );
			return row && ! [ 'queued', 'publishing' ].includes( row.status )
				? row
				: undefined;
		}, 90_000 );
		expect( record ).toMatchObject( {
			status: 'published',
			post_id: productId,
			last_error: null,
		} );

		const after = await readProduct();
		expect( after.type ).toBe( 'product' );
		expect( after.content.raw ).not.toBe( before.content.raw );
		expect( after.content.raw ).toContain( '<h2>Specifications</h2>' );
		expect( after.content.raw ).toContain( '<li>Drop: 6 mm</li>' );
		expect( after.excerpt.raw ).toBe( NEW_DESCRIPTION.excerpt );
		expect( after.product_cat ).toEqual( before.product_cat );
		expect( await countPosts() ).toBe( postsBefore );
		expect(
			await site.php(
				`echo get_post_meta( ${ productId }, '_price', true ) . '|' . get_post_meta( ${ productId }, '_sku', true );`
			)
		).toBe( '89.00|TR-2-BLK' );
	} );

	it( 'shows the new short description on the Products screen', async () => {
		await page.goto( '/wp-admin/edit.php?post_type=product&mode=excerpt' );
		const row = page.locator( `#post-${ productId }` );
		await row.waitFor();
		expect( await row.textContent() ).toContain( NEW_DESCRIPTION.excerpt );
		await screenshot( page, 'products-list-after-publish' );
		expect( errors.errors ).toEqual( [] );
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );
