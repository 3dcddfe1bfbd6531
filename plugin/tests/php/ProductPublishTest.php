<?php
/**
 * WooCommerce products as content: offered, exported with their shop facts,
 * and written by the cloud into the product itself.
 *
 * No registry ships WooCommerce's PHP, so these run against the `product`
 * post type and taxonomies registered as WooCommerce registers them, and
 * WooCommerce's documented meta keys (fixtures/woocommerce-stub.php).
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Sync\PostSnapshot;

require_once __DIR__ . '/BridgeTestCase.php';
require_once __DIR__ . '/fixtures/woocommerce-stub.php';

final class ProductPublishTest extends BridgeTestCase {

	/** WooCommerce is active before the site pairs (BridgeTestCase pairs in setUp). */
	protected function setUp(): void {
		igny8_test_register_products();
		parent::setUp();
	}

	protected function tearDown(): void {
		parent::tearDown();
		igny8_test_unregister_products();
	}

	/**
	 * A product as a shop owner made it: description, short description,
	 * WooCommerce's meta and terms.
	 *
	 * @param bool $managed Whether the owner handed it to IGNY8.
	 */
	private function shop_product( bool $managed = true ): int {
		$id = wp_insert_post(
			array(
				'post_type'    => 'product',
				'post_status'  => 'publish',
				'post_title'   => 'Trail Runner 2',
				'post_content' => '<p>Old description.</p>',
				'post_excerpt' => 'Old short description.',
			),
			true
		);
		$this->assertIsInt( $id );
		update_post_meta( $id, '_price', '89.00' );
		update_post_meta( $id, '_regular_price', '99.00' );
		update_post_meta( $id, '_sale_price', '89.00' );
		update_post_meta( $id, '_sku', 'TR-2-BLK' );
		update_post_meta( $id, '_stock_status', 'instock' );
		wp_set_object_terms( $id, array( 'Running shoes' ), 'product_cat' );
		wp_set_object_terms( $id, array( 'trail', 'waterproof' ), 'product_tag' );
		if ( $managed ) {
			update_post_meta( $id, PostSnapshot::META_MANAGED, '1' );
		}
		return $id;
	}

	/**
	 * A publish body for a product.
	 *
	 * @param int                  $content_id Content id.
	 * @param array<string, mixed> $extra      More fields.
	 * @return array<string, mixed>
	 */
	private static function product_body( int $content_id, array $extra = array() ): array {
		return self::publish_body(
			$content_id,
			array_merge(
				array(
					'post_type'    => 'product',
					'title'        => 'Trail Runner 2',
					'content_html' => '<h2>Why runners love it</h2><p>Grip on wet rock.</p><h2>Specifications</h2><ul><li>Drop: 6 mm</li></ul>',
					'excerpt'      => 'A waterproof trail shoe that grips wet rock.',
					'categories'   => array( 'Running shoes' ),
					'tags'         => array( 'trail' ),
				),
				$extra
			)
		);
	}

	private static function names( int $id, string $taxonomy ): array {
		$names = wp_get_post_terms( $id, $taxonomy, array( 'fields' => 'names' ) );
		sort( $names );
		return $names;
	}

	public function test_a_shop_offers_products_by_default_and_on_first_connection(): void {
		$this->assertSame( array( 'post', 'page', 'product' ), Options::default_post_types() );
		// Installed while WooCommerce is active: products are synced from the start.
		delete_option( Options::SYNCED_POST_TYPES );
		$this->assertSame( array( 'post', 'page', 'product' ), ( new Options() )->synced_post_types() );
		( new Options() )->install();
		$this->assertSame( array( 'post', 'page', 'product' ), get_option( Options::SYNCED_POST_TYPES ) );
		( new Options() )->set_synced_post_types( array( 'post', 'page' ) );
		// The first connection offers products to a site that synced only posts and pages.
		( new Options() )->disconnect();
		( new Options() )->pair( self::KEY, self::KEY_ID );
		$this->assertSame( array( 'post', 'page', 'product' ), ( new Options() )->synced_post_types() );

		// A site already paired keeps what its owner chose.
		( new Options() )->set_synced_post_types( array( 'post' ) );
		( new Options() )->pair( 'ig8_test_other_0123456789abcdefghijklmnop', self::KEY_ID + 1 );
		$this->assertSame( array( 'post' ), ( new Options() )->synced_post_types() );
	}

	public function test_site_metadata_lists_the_product_type_and_its_taxonomies(): void {
		$data = $this->dispatch( $this->signed( 'GET', '/igny8/v1/site-metadata' ) )->get_data()['data'];
		$this->assertTrue( $data['woocommerce'] );
		$this->assertContains( 'product', $data['synced_post_types'] );
		$types = array_column( $data['post_types'], null, 'name' );
		$this->assertArrayHasKey( 'product', $types );
		$this->assertEqualsCanonicalizing( array( 'product_cat', 'product_tag' ), $types['product']['taxonomies'] );
		$this->assertContains( 'product_cat', array_column( $data['taxonomies'], 'name' ) );
	}

	public function test_the_export_brings_products_with_their_woocommerce_fields(): void {
		$id    = $this->shop_product( false );
		$plain = wp_insert_post(
			array(
				'post_type'   => 'post',
				'post_status' => 'publish',
				'post_title'  => 'A blog post',
			)
		);
		$response = $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, array( 'post_type' => 'product,post' ) ) );
		$this->assertSame( 200, $response->get_status() );
		$items = array_column( $response->get_data()['data']['items'], null, 'wp_post_id' );

		$product = $items[ $id ];
		$this->assertSame( 'product', $product['post_type'] );
		$this->assertSame( 'Old short description.', $product['excerpt'] );
		$this->assertSame( array( 'Running shoes' ), $product['categories'] );
		$this->assertEqualsCanonicalizing( array( 'trail', 'waterproof' ), $product['tags'] );
		$this->assertSame(
			array(
				'price'         => '89.00',
				'regular_price' => '99.00',
				'sale_price'    => '89.00',
				'sku'           => 'TR-2-BLK',
				'stock_status'  => 'instock',
			),
			$product['product']
		);
		// A plain post has no shop facts.
		$this->assertArrayNotHasKey( 'product', $items[ $plain ] );
	}

	public function test_publishing_a_product_writes_description_short_description_and_product_terms(): void {
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::product_body( 1501 ) ) );
		$this->assertSame( 201, $response->get_status() );
		$post = get_post( (int) $response->get_data()['data']['post_id'] );

		$this->assertSame( 'product', $post->post_type );
		$this->assertStringContainsString( '<h2>Specifications</h2><ul><li>Drop: 6 mm</li></ul>', $post->post_content );
		$this->assertSame( 'A waterproof trail shoe that grips wet rock.', $post->post_excerpt );
		$this->assertSame( array( 'Running shoes' ), self::names( $post->ID, 'product_cat' ) );
		$this->assertSame( array( 'trail' ), self::names( $post->ID, 'product_tag' ) );
		// Never blog categories on a product, and no plain post for it.
		$this->assertSame( array(), get_terms( array( 'taxonomy' => 'category', 'name' => 'Running shoes', 'hide_empty' => false ) ) );
		$this->assertSame( array(), get_posts( array( 'post_type' => 'post', 'post_status' => 'any', 'meta_key' => '_igny8_content_id', 'meta_value' => '1501' ) ) );
	}

	public function test_an_existing_product_is_updated_in_place(): void {
		$id     = $this->shop_product();
		$before = (int) wp_count_posts( 'product' )->publish;

		$response = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $id, self::product_body( 1502, array( 'categories' => array( 'Running shoes' ), 'tags' => array( 'trail', 'waterproof' ) ) ) ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( $id, $response->get_data()['data']['post_id'] );
		clean_post_cache( $id );
		$post = get_post( $id );
		$this->assertSame( 'product', $post->post_type );
		$this->assertStringContainsString( 'Grip on wet rock.', $post->post_content );
		$this->assertSame( 'A waterproof trail shoe that grips wet rock.', $post->post_excerpt );
		// The shop's data is the shop's: prices and SKU are untouched.
		$this->assertSame( '89.00', get_post_meta( $id, '_price', true ) );
		$this->assertSame( 'TR-2-BLK', get_post_meta( $id, '_sku', true ) );
		$this->assertSame( array( 'trail', 'waterproof' ), self::names( $id, 'product_tag' ) );

		// Publishing the content again finds the product by its content id: still one product.
		$again = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::product_body( 1502, array( 'revision' => 2, 'excerpt' => 'Second short description.' ) ) ) );
		$this->assertSame( 200, $again->get_status() );
		$this->assertSame( $id, $again->get_data()['data']['post_id'] );
		clean_post_cache( $id );
		$this->assertSame( 'Second short description.', get_post( $id )->post_excerpt );
		$this->assertSame( $before, (int) wp_count_posts( 'product' )->publish );
	}

	public function test_a_product_the_owner_did_not_hand_over_is_not_rewritten(): void {
		$id       = $this->shop_product( false );
		$response = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $id, self::product_body( 1503 ) ) );
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'igny8_not_managed', $response->get_data()['code'] );
		clean_post_cache( $id );
		$this->assertSame( '<p>Old description.</p>', get_post( $id )->post_content );
		$this->assertSame( 'Old short description.', get_post( $id )->post_excerpt );
	}

	public function test_a_product_is_refused_on_a_site_without_products_and_nothing_is_made(): void {
		igny8_test_unregister_products();
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::product_body( 1504 ) ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'igny8_no_products', $response->get_data()['code'] );
		$this->assertStringContainsString( 'no products', $response->get_data()['message'] );
		$this->assertNull( \IGNY8\Bridge\Publishing\PostPublisher::find_by_content_id( 1504 ) );
		$this->assertFalse( Plugin::instance()->metadata()->collect()['woocommerce'] );
	}
}
