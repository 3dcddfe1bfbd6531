import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import {
	startFakeOpenAI,
	startWordPress,
	type FakeOpenAI,
	type WordPressSite,
} from '@igny8/test-harness';
import { productFactsText } from '../src/modules/ai/functions/product-facts';
import { AI_ENV, finished, grant, promptOf } from './ai-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';
import {
	connectSite,
	freePort,
	listen,
	phpJson,
	type ListeningCloud,
} from './wordpress-bridge';

/**
 * WooCommerce products as content, against a real WordPress with IGNY8
 * Bridge: the shop's products reach the cloud with their shop facts, a
 * product task is written as a description plus a short description (the
 * fake provider answers), and publishing writes them into the product.
 *
 * No registry ships WooCommerce's PHP: the site runs the stand-in
 * mu-plugin (the `WooCommerce` class, the `product` type, `product_cat` and
 * `product_tag`), and the shop facts sit in WooCommerce's documented meta
 * keys.
 */

const WOOCOMMERCE_STUB = path.resolve(
	__dirname,
	'../../tests/e2e/fixtures/woocommerce-stub.php'
);

type WpProduct = {
	ID: number;
	post_type: string;
	post_title: string;
	post_content: string;
	post_excerpt: string;
	product_cat: string[];
	product_tag: string[];
	category: string[];
	price: string;
	sku: string;
};

describe( 'WooCommerce products as content', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let served: ListeningCloud;
	let site: WordPressSite;
	let tenant: Tenant;
	let integrationId: number;

	beforeAll( async () => {
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
				IGNY8_OUTBOUND_ALLOW: `127.0.0.1:${ wpPort }`,
			}
		);
		[ served, site ] = await Promise.all( [
			listen( cloud, port ),
			startWordPress( { port: wpPort } ),
		] );
		// WooCommerce becomes active after IGNY8: the first connection offers products.
		fs.copyFileSync(
			WOOCOMMERCE_STUB,
			path.join(
				site.wpDir,
				'wp-content',
				'mu-plugins',
				'woocommerce-stub.php'
			)
		);
		tenant = await addTenant( cloud, 'Shop Co' );
		await grant( cloud, tenant, 100 );
		integrationId = ( await connectSite( site, served.url, tenant ) ).id;
	}, 120_000 );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await site?.stop();
		await served?.close();
		await cloud?.stop();
		await openai?.close();
	} );

	const auth = () => bearer( tenant.owner );

	/** A product as the shop owner made it, handed to IGNY8 when `managed`. */
	const shopProduct = ( managed: boolean ) =>
		phpJson< { id: number } >(
			site,
			`
$id = wp_insert_post( array( 'post_type' => 'product', 'post_status' => 'publish', 'post_title' => 'Trail Runner 2', 'post_content' => '<p>Old description.</p>', 'post_excerpt' => 'Old short description.' ) );
update_post_meta( $id, '_price', '89.00' );
update_post_meta( $id, '_regular_price', '99.00' );
update_post_meta( $id, '_sku', 'TR-2-BLK' );
update_post_meta( $id, '_stock_status', 'instock' );
wp_set_object_terms( $id, array( 'Running shoes' ), 'product_cat' );
wp_set_object_terms( $id, array( 'trail', 'waterproof' ), 'product_tag' );
${ managed ? "update_post_meta( $id, '_igny8_managed', '1' );" : '' }
echo wp_json_encode( array( 'id' => $id ) );`
		);

	const product = ( id: number ) =>
		phpJson< WpProduct >(
			site,
			`
clean_post_cache( ${ id } );
$p = get_post( ${ id } );
$names = function ( $taxonomy ) use ( $p ) { $n = wp_get_post_terms( $p->ID, $taxonomy, array( 'fields' => 'names' ) ); return is_wp_error( $n ) ? array() : $n; };
echo wp_json_encode( array( 'ID' => $p->ID, 'post_type' => $p->post_type, 'post_title' => $p->post_title, 'post_content' => $p->post_content, 'post_excerpt' => $p->post_excerpt, 'product_cat' => $names( 'product_cat' ), 'product_tag' => $names( 'product_tag' ), 'category' => $names( 'category' ), 'price' => (string) get_post_meta( $p->ID, '_price', true ), 'sku' => (string) get_post_meta( $p->ID, '_sku', true ) ) );`
		);

	const countOf = ( postType: string ) =>
		phpJson< number >(
			site,
			`echo (int) ( new WP_Query( array( 'post_type' => '${ postType }', 'post_status' => 'any', 'fields' => 'ids', 'posts_per_page' => -1 ) ) )->found_posts;`
		);

	async function addTask( fields: Record< string, unknown > ) {
		const response = await request( cloud.app )
			.post( '/api/v1/writer/tasks/' )
			.set( auth() )
			.send( { sector_id: tenant.sectorId, ...fields } )
			.expect( 201 );
		return response.body.data.id as number;
	}

	/** Runs generate_content for a task; the fake provider answers `answer`. */
	async function write( taskId: number, answer: object ) {
		openai.fallback( 'chat', { content: answer } );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_content/' )
			.set( auth() )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		const chats = openai.received( 'chat' );
		expect( chats ).toHaveLength( 1 );
		const content = await cloud.context.models.Content.findOne( {
			where: { task_id: taskId },
		} );
		return { prompt: promptOf( chats[ 0 ]!.body ), content: content! };
	}

	async function publish( contentId: number ) {
		await request( cloud.app )
			.post( '/api/v1/publisher/publish/' )
			.set( auth() )
			.send( { content_ids: [ contentId ] } )
			.expect( 202 );
		return waitFor( async () => {
			const row = await cloud.context.models.PublishingRecord.findOne( {
				where: { content_id: contentId },
			} );
			return row && ! [ 'queued', 'publishing' ].includes( row.status )
				? row
				: undefined;
		}, 60_000 );
	}

	const description = ( name: string ) => ( {
		title: name,
		content_html: `<h2>Why runners pick ${ name }</h2><p>Grips wet rock.</p><h2>Specifications</h2><ul><li>Drop: 6 mm</li></ul><h2>How to use it</h2><p>Lace snugly.</p>`,
		excerpt: `${ name }: a waterproof trail shoe that grips wet rock.`,
		meta_description: `${ name } trail shoe`,
		categories: [ 'Trail shoes' ],
		tags: [ 'grip', 'waterproof' ],
	} );

	it( 'brings the shop’s products with their WooCommerce fields, terms and short description', async () => {
		const { id } = await shopProduct( false );
		const types = await request( cloud.app )
			.get(
				`/api/v1/integration/integrations/${ integrationId }/content-types/`
			)
			.set( auth() )
			.expect( 200 );
		expect( JSON.stringify( types.body.data ) ).toContain( '"product"' );

		await request( cloud.app )
			.post( `/api/v1/integration/integrations/${ integrationId }/sync/` )
			.set( auth() )
			.send( {} )
			.expect( 202 );
		const row = await waitFor(
			async () =>
				( await cloud.context.models.SitePost.findOne( {
					where: { site_id: tenant.siteId, wp_post_id: id },
				} ) ) ?? undefined,
			60_000
		);
		expect( row ).toMatchObject( {
			post_type: 'product',
			title: 'Trail Runner 2',
			excerpt: 'Old short description.',
			categories: [ 'Running shoes' ],
		} );
		expect( [ ...row.tags ].sort() ).toEqual( [ 'trail', 'waterproof' ] );

		// The export as the cloud's client reads it (checked against the bridge contract).
		const integration =
			await cloud.context.models.SiteIntegration.findByPk(
				integrationId
			);
		const page = await cloud.context.services.integrations
			.clientFor( integration! )
			.exportPosts( { postTypes: [ 'product' ], perPage: 50 } );
		expect(
			page.items.find( ( item ) => item.wp_post_id === id )
		).toMatchObject( {
			post_type: 'product',
			excerpt: 'Old short description.',
			categories: [ 'Running shoes' ],
			product: {
				price: '89.00',
				regular_price: '99.00',
				sale_price: null,
				sku: 'TR-2-BLK',
				stock_status: 'instock',
			},
		} );
	} );

	it( 'writes a product idea’s task as a description and a short description, and publishes them as a new product', async () => {
		const idea = await request( cloud.app )
			.post( '/api/v1/planner/ideas/' )
			.set( auth() )
			.send( {
				sector_id: tenant.sectorId,
				title: 'Summit Pack 30',
				content_type: 'product',
			} )
			.expect( 201 );
		const taskId = await addTask( {
			title: 'Summit Pack 30',
			content_idea_id: idea.body.data.id,
			target_keywords: [ 'hiking backpack' ],
		} );
		const { prompt, content } = await write(
			taskId,
			description( 'Summit Pack 30' )
		);

		// The product prompt, not the article's: sections for a product page, and a short description.
		expect( prompt ).toContain(
			'Write the product description for "Summit Pack 30"'
		);
		expect( prompt ).toContain( '(a new product: no shop data yet)' );
		expect( prompt ).toContain( 'excerpt (the short description' );
		expect( prompt ).toContain( 'about 400 words' );
		expect( content ).toMatchObject( {
			entity_type: 'product',
			title: 'Summit Pack 30',
			excerpt:
				'Summit Pack 30: a waterproof trail shoe that grips wet rock.',
			taxonomies: {
				product_cat: [ 'Trail shoes' ],
				product_tag: [ 'grip', 'waterproof' ],
			},
		} );
		expect( content.content_html ).toContain( '<h2>Specifications</h2>' );

		const postsBefore = await countOf( 'post' );
		const record = await publish( content.id );
		expect( record ).toMatchObject( {
			status: 'published',
			last_error: null,
		} );
		const made = await product( record.post_id! );
		expect( made ).toMatchObject( {
			post_type: 'product',
			post_title: 'Summit Pack 30',
			post_excerpt:
				'Summit Pack 30: a waterproof trail shoe that grips wet rock.',
			product_cat: [ 'Trail shoes' ],
			category: [],
		} );
		expect( made.post_content ).toContain( '<h2>How to use it</h2>' );
		expect( [ ...made.product_tag ].sort() ).toEqual( [
			'grip',
			'waterproof',
		] );
		// Never a plain post for a product.
		expect( await countOf( 'post' ) ).toBe( postsBefore );
	} );

	it( 'rewrites an existing product from its shop facts and updates it in place', async () => {
		const { id } = await shopProduct( true );
		await request( cloud.app )
			.post( `/api/v1/integration/integrations/${ integrationId }/sync/` )
			.set( auth() )
			.send( {} )
			.expect( 202 );
		await waitFor(
			async () =>
				( await cloud.context.models.SitePost.findOne( {
					where: { site_id: tenant.siteId, wp_post_id: id },
				} ) ) ?? undefined,
			60_000
		);
		// A task naming the product (no idea): a product, whatever the default type.
		const taskId = await addTask( {
			title: 'Better copy for our trail shoe',
			assigned_post_id: id,
		} );
		const { prompt, content } = await write(
			taskId,
			description( 'A new name the model made up' )
		);

		expect( prompt ).toContain(
			'Write the product description for "Trail Runner 2"'
		);
		expect( prompt ).toContain( '- Name: Trail Runner 2' );
		expect( prompt ).toContain( '- Categories: Running shoes' );
		// Price and SKU come from WooCommerce's meta through the site copy.
		expect( prompt ).toContain( '- Price: 89.00' );
		expect( prompt ).toContain( '- SKU: TR-2-BLK' );
		expect( prompt ).toContain( '- Stock: instock' );
		expect( prompt ).toContain(
			'- Current short description: Old short description.'
		);
		expect( prompt ).toContain( '- Current description: Old description.' );
		// The shop's name and terms stay; the copy is new.
		expect( content ).toMatchObject( {
			entity_type: 'product',
			title: 'Trail Runner 2',
			excerpt:
				'A new name the model made up: a waterproof trail shoe that grips wet rock.',
			taxonomies: { product_cat: [ 'Running shoes' ] },
		} );

		const productsBefore = await countOf( 'product' );
		const record = await publish( content.id );
		expect( record ).toMatchObject( { status: 'published', post_id: id } );
		const updated = await product( id );
		expect( updated ).toMatchObject( {
			post_type: 'product',
			post_title: 'Trail Runner 2',
			post_excerpt:
				'A new name the model made up: a waterproof trail shoe that grips wet rock.',
			product_cat: [ 'Running shoes' ],
			// The shop's own data is untouched.
			price: '89.00',
			sku: 'TR-2-BLK',
		} );
		expect( updated.post_content ).toContain( '<h2>Specifications</h2>' );
		expect( updated.post_content ).not.toContain( 'Old description.' );
		expect( await countOf( 'product' ) ).toBe( productsBefore );
	} );

	it( 'refuses to rewrite a product the owner did not hand over, and changes nothing', async () => {
		const { id } = await shopProduct( false );
		const taskId = await addTask( {
			title: 'Copy for a product not handed over',
			assigned_post_id: id,
		} );
		const { content } = await write( taskId, description( 'Other' ) );
		const record = await publish( content.id );
		expect( record.status ).toBe( 'failed' );
		expect( record.last_error ).toMatch( /manage/i );
		expect( await product( id ) ).toMatchObject( {
			post_content: '<p>Old description.</p>',
			post_excerpt: 'Old short description.',
		} );
	} );
} );

describe( 'the shop facts a product prompt lists', () => {
	it( 'lists what the shop knows, price and SKU included, and nothing it does not', () => {
		expect(
			productFactsText( {
				wp_post_id: 7,
				title: 'Trail Runner 2',
				excerpt: 'Old short description.',
				description: '',
				categories: [ 'Running shoes' ],
				tags: [],
				shop: {
					price: '89.00',
					regular_price: '99.00',
					sale_price: null,
					sku: 'TR-2-BLK',
					stock_status: 'instock',
				},
			} )
		).toBe(
			[
				'- Name: Trail Runner 2',
				'- Price: 89.00',
				'- Regular price: 99.00',
				'- SKU: TR-2-BLK',
				'- Stock: instock',
				'- Categories: Running shoes',
				'- Current short description: Old short description.',
			].join( '\n' )
		);
		expect( productFactsText( null ) ).toBe(
			'(a new product: no shop data yet)'
		);
	} );
} );
