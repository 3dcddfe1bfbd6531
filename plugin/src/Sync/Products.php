<?php
/**
 * WooCommerce products as content the cloud reads and writes.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Sync;

use WP_Post;

/**
 * What the bridge knows about WooCommerce, without depending on it: a
 * product is a post of type `product` whose description is `post_content`
 * and short description `post_excerpt`, filed under `product_cat` and
 * `product_tag`, with its shop data in WooCommerce's documented meta keys.
 * Reading the meta directly (not through `wc_get_product()`) keeps the
 * bridge working with any WooCommerce version and lets it be tested against
 * the post type alone.
 */
final class Products {

	public const POST_TYPE = 'product';

	/** The post type's taxonomies that play the role of categories and tags. */
	public const CATEGORY_TAXONOMY = 'product_cat';
	public const TAG_TAXONOMY      = 'product_tag';

	/**
	 * The shop facts a writer needs, by the name the cloud sees, from
	 * WooCommerce's meta keys (`_price` is the price a customer pays now:
	 * the sale price while a sale runs).
	 */
	private const META = array(
		'price'         => '_price',
		'regular_price' => '_regular_price',
		'sale_price'    => '_sale_price',
		'sku'           => '_sku',
		'stock_status'  => '_stock_status',
	);

	/**
	 * Whether WooCommerce is active and its products exist on this site.
	 */
	public static function active(): bool {
		return class_exists( 'WooCommerce', false ) && post_type_exists( self::POST_TYPE );
	}

	/**
	 * The taxonomies a post type's `categories` and `tags` mean: a product's
	 * categories are `product_cat`, never the blog's `category`.
	 *
	 * @param string $post_type The post type.
	 * @return array{categories: string, tags: string}
	 */
	public static function term_taxonomies( string $post_type ): array {
		if ( self::POST_TYPE === $post_type ) {
			return array(
				'categories' => self::CATEGORY_TAXONOMY,
				'tags'       => self::TAG_TAXONOMY,
			);
		}
		return array(
			'categories' => 'category',
			'tags'       => 'post_tag',
		);
	}

	/**
	 * A product's shop facts; each is null when the product has none.
	 *
	 * @param WP_Post $post The product.
	 * @return array<string, string|null>
	 */
	public static function fields( WP_Post $post ): array {
		$fields = array();
		foreach ( self::META as $name => $key ) {
			$value           = get_post_meta( (int) $post->ID, $key, true );
			$fields[ $name ] = is_scalar( $value ) && '' !== (string) $value ? (string) $value : null;
		}
		return $fields;
	}
}
