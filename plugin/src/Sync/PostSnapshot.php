<?php
/**
 * How a post is described to the cloud.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Sync;

use WP_Post;

/**
 * Builds the `post` object of events and the items of the export routes, and
 * the `content_hash` both sides compare to detect WordPress-side edits.
 */
final class PostSnapshot {

	public const META_TASK_ID          = '_igny8_task_id';
	public const META_CONTENT_ID       = '_igny8_content_id';
	public const META_REVISION         = '_igny8_revision';
	public const META_MANAGED          = '_igny8_managed';
	public const META_WP_STATUS        = '_igny8_wordpress_status';
	public const META_LAST_SYNCED      = '_igny8_last_synced';
	public const META_DESCRIPTION      = '_igny8_meta_description';
	public const META_META_TITLE       = '_igny8_meta_title';
	public const META_FOCUS_KEYPHRASE  = '_igny8_focus_keyphrase';
	public const META_SOURCE_URL       = '_igny8_source_url';
	public const META_LAST_PUSHED_HASH = '_igny8_last_pushed_hash';

	/**
	 * Lowercase hex SHA-256 of title "\n" content, as stored.
	 *
	 * @param WP_Post $post The post.
	 */
	public static function content_hash( WP_Post $post ): string {
		return hash( 'sha256', $post->post_title . "\n" . $post->post_content );
	}

	/**
	 * A GMT MySQL datetime as ISO 8601, or null for the zero date.
	 *
	 * @param string $gmt `Y-m-d H:i:s` in UTC.
	 */
	public static function iso( string $gmt ): ?string {
		if ( '' === $gmt || '0000-00-00 00:00:00' === $gmt ) {
			return null;
		}
		return str_replace( ' ', 'T', $gmt ) . 'Z';
	}

	/**
	 * A post's IGNY8 id from meta, or null.
	 *
	 * @param int    $post_id The post.
	 * @param string $key     META_TASK_ID or META_CONTENT_ID.
	 */
	public static function igny8_id( int $post_id, string $key ): ?int {
		$value = get_post_meta( $post_id, $key, true );
		return is_numeric( $value ) && (int) $value > 0 ? (int) $value : null;
	}

	/**
	 * Whether the cloud published this post or the owner handed it to IGNY8.
	 *
	 * @param int $post_id The post.
	 */
	public static function is_managed( int $post_id ): bool {
		return '1' === (string) get_post_meta( $post_id, self::META_MANAGED, true );
	}

	/**
	 * The event `post` object for a post the export does not cover: which
	 * post, its type and status, and the cloud's own ids; no title, address,
	 * content or hash.
	 *
	 * @param WP_Post $post The post.
	 * @return array<string, mixed>
	 */
	public static function identity( WP_Post $post ): array {
		return array(
			'wp_post_id'       => (int) $post->ID,
			'post_type'        => $post->post_type,
			'status'           => $post->post_status,
			'igny8_task_id'    => self::igny8_id( (int) $post->ID, self::META_TASK_ID ),
			'igny8_content_id' => self::igny8_id( (int) $post->ID, self::META_CONTENT_ID ),
		);
	}

	/**
	 * The event `post` object.
	 *
	 * @param WP_Post $post The post.
	 * @return array<string, mixed>
	 */
	public static function summary( WP_Post $post ): array {
		$url = get_permalink( $post );
		return array(
			'wp_post_id'       => (int) $post->ID,
			'post_type'        => $post->post_type,
			'status'           => $post->post_status,
			'title'            => $post->post_title,
			'url'              => is_string( $url ) ? $url : '',
			'modified_gmt'     => self::iso( $post->post_modified_gmt ),
			'content_hash'     => self::content_hash( $post ),
			'igny8_task_id'    => self::igny8_id( (int) $post->ID, self::META_TASK_ID ),
			'igny8_content_id' => self::igny8_id( (int) $post->ID, self::META_CONTENT_ID ),
		);
	}

	/**
	 * The export item: the summary plus content, dates and terms (a
	 * product's `product_cat` and `product_tag` as its categories and tags),
	 * and a product's shop facts.
	 *
	 * @param WP_Post $post The post.
	 * @return array<string, mixed>
	 */
	public static function item( WP_Post $post ): array {
		$author     = get_userdata( (int) $post->post_author );
		$taxonomies = Products::term_taxonomies( $post->post_type );
		$item       = array_merge(
			self::summary( $post ),
			array(
				'content_html' => $post->post_content,
				'excerpt'      => $post->post_excerpt,
				'date_gmt'     => self::iso( $post->post_date_gmt ),
				'author_email' => $author ? $author->user_email : null,
				'categories'   => self::term_names( (int) $post->ID, $taxonomies['categories'] ),
				'tags'         => self::term_names( (int) $post->ID, $taxonomies['tags'] ),
			)
		);
		// A product's short description is its excerpt (above); price, SKU and stock are what a writer must not get wrong.
		if ( Products::POST_TYPE === $post->post_type ) {
			$item['product'] = Products::fields( $post );
		}
		return $item;
	}

	/**
	 * Names of a post's terms in a taxonomy (empty when the type lacks it).
	 *
	 * @param int    $post_id  The post.
	 * @param string $taxonomy The taxonomy.
	 * @return string[]
	 */
	private static function term_names( int $post_id, string $taxonomy ): array {
		if ( ! is_object_in_taxonomy( (string) get_post_type( $post_id ), $taxonomy ) ) {
			return array();
		}
		$terms = wp_get_post_terms( $post_id, $taxonomy, array( 'fields' => 'names' ) );
		return is_array( $terms ) ? array_values( array_map( 'strval', $terms ) ) : array();
	}
}
