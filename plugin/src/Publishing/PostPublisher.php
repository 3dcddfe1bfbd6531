<?php
/**
 * Creates and updates the posts the cloud publishes.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Publishing;

use IGNY8\Bridge\Lock;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\SiteMetadata;
use IGNY8\Bridge\Sync\EventRecorder;
use IGNY8\Bridge\Sync\ExportScope;
use IGNY8\Bridge\Sync\PostSnapshot;
use IGNY8\Bridge\Sync\Products;
use WP_Error;
use WP_Post;

/**
 * `POST igny8/v1/posts` and `PUT igny8/v1/posts/{id}`.
 *
 * One post per content id, also under concurrency: the lookup and the write
 * happen under a lock per content id (Lock: a row in the plugin's locks
 * table, so it works on SQLite too), so a second request racing the first
 * waits, then finds the post the first one made.
 */
final class PostPublisher {

	/**
	 * Seconds a request waits for another one publishing the same content
	 * (a site may set another with the IGNY8_PUBLISH_LOCK_WAIT constant).
	 */
	public const LOCK_TIMEOUT = 30;

	/**
	 * Seconds a publishing lock outlives its last refresh: a request killed
	 * mid-publish blocks that content this long. Refreshed before every image
	 * download (30 s at most each) and before the post is written.
	 */
	public const LOCK_TTL = 120;

	/**
	 * @var MediaImporter
	 */
	private $media;

	/**
	 * @var EventRecorder
	 */
	private $events;

	/**
	 * Settings (the synced post types new posts may have).
	 *
	 * @var Options
	 */
	private $options;

	/**
	 * Seconds to wait for the content's lock.
	 *
	 * @var float
	 */
	private $lock_wait;

	/**
	 * @param MediaImporter $media     Image sideloading.
	 * @param EventRecorder $events    Records the resulting post.saved.
	 * @param float         $lock_wait Seconds to wait for another request publishing the same content.
	 * @param Options|null  $options   Settings.
	 */
	public function __construct( MediaImporter $media, EventRecorder $events, float $lock_wait = self::LOCK_TIMEOUT, ?Options $options = null ) {
		$this->media     = $media;
		$this->events    = $events;
		$this->lock_wait = max( 0.0, $lock_wait );
		$this->options   = $options ?? new Options();
	}

	/**
	 * Creates or updates the post for `content_id` (or the given post).
	 *
	 * @param array<string, mixed> $input   The validated request body.
	 * @param int|null             $post_id For PUT: the post to update.
	 * @return array{code: int, data: array<string, mixed>}|WP_Error `code` 201 created, 200 updated or unchanged, 409 conflict.
	 */
	public function publish( array $input, ?int $post_id = null ) {
		$content_id = (int) $input['content_id'];
		$lock       = self::lock_for( $content_id );
		try {
			$acquired = $lock->acquire_within( $this->lock_wait );
		} catch ( \RuntimeException $e ) {
			return new WP_Error( 'igny8_lock_failed', __( 'Publishing could not start: the WordPress database refused to record it. Try again; if it keeps failing, ask the site\'s host to check the database.', 'igny8-bridge' ), array( 'status' => 500 ) );
		}
		if ( ! $acquired ) {
			return self::busy();
		}
		try {
			return $this->events->without_events(
				function () use ( $input, $post_id, $content_id, $lock ) {
					$this->media->take_created();
					$result  = $this->publish_locked( $input, $post_id, $content_id, $lock );
					$created = $this->media->take_created();
					if ( is_wp_error( $result ) ) {
						// A publish that fails adds nothing to the media library: images it sideloaded before failing go too.
						foreach ( $created as $attachment_id ) {
							wp_delete_attachment( $attachment_id, true );
						}
					}
					return $result;
				}
			);
		} finally {
			$lock->release();
		}
	}

	/**
	 * The lock publishing a content id holds.
	 *
	 * @param int $content_id The cloud's content id.
	 */
	public static function lock_for( int $content_id ): Lock {
		return new Lock( 'publish:' . $content_id, self::LOCK_TTL );
	}

	/**
	 * The answer while another live request publishes the same content.
	 */
	private static function busy(): WP_Error {
		return new WP_Error( 'igny8_busy', __( 'Another request is publishing this content right now; try again in a minute.', 'igny8-bridge' ), array( 'status' => 503 ) );
	}

	/**
	 * The post published for a content id, if any (trashed ones included: the
	 * cloud publishing again restores it rather than making a second post).
	 *
	 * @param int $content_id The cloud's content id.
	 */
	public static function find_by_content_id( int $content_id ): ?WP_Post {
		return self::find_by_meta( PostSnapshot::META_CONTENT_ID, $content_id );
	}

	/**
	 * The post published for a task id, if any.
	 *
	 * @param int $task_id The cloud's task id.
	 */
	public static function find_by_task_id( int $task_id ): ?WP_Post {
		return self::find_by_meta( PostSnapshot::META_TASK_ID, $task_id );
	}

	/**
	 * Looks up by meta with a fresh query: the object cache could predate the
	 * racing request that just created the post.
	 *
	 * @param string $key   Meta key.
	 * @param int    $value Id.
	 */
	private static function find_by_meta( string $key, int $value ): ?WP_Post {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- deliberately uncached (see above): a cached answer could miss the post a racing request just created and publish it twice.
		$id = $wpdb->get_var(
			$wpdb->prepare(
				"SELECT p.ID FROM %i p INNER JOIN %i m ON m.post_id = p.ID WHERE m.meta_key = %s AND m.meta_value = %s AND p.post_type NOT IN ('revision','attachment') AND p.post_status <> 'auto-draft' ORDER BY p.ID ASC LIMIT 1",
				$wpdb->posts,
				$wpdb->postmeta,
				$key,
				(string) $value
			)
		);
		if ( null === $id ) {
			return null;
		}
		clean_post_cache( (int) $id );
		$post = get_post( (int) $id );
		return $post instanceof WP_Post ? $post : null;
	}

	/**
	 * @param array<string, mixed> $input      Request body.
	 * @param int|null             $post_id    For PUT.
	 * @param int                  $content_id Content id.
	 * @param Lock                 $lock       Held; refreshed while images download.
	 * @return array{code: int, data: array<string, mixed>}|WP_Error
	 */
	private function publish_locked( array $input, ?int $post_id, int $content_id, Lock $lock ) {
		$existing = $this->find_by_content_id( $content_id );
		if ( null !== $post_id ) {
			$target = get_post( $post_id );
			if ( ! $target instanceof WP_Post || in_array( $target->post_type, array( 'revision', 'attachment' ), true ) ) {
				return new WP_Error( 'igny8_not_found', __( 'No such post.', 'igny8-bridge' ), array( 'status' => 404 ) );
			}
			if ( ! ExportScope::writable( $target ) ) {
				return new WP_Error( 'igny8_not_managed', __( 'IGNY8 may only update posts it published or that the site owner let it manage ("Let IGNY8 manage this post" on the posts list).', 'igny8-bridge' ), array( 'status' => 403 ) );
			}
			if ( null !== $existing && (int) $existing->ID !== $post_id ) {
				return new WP_Error( 'igny8_content_elsewhere', __( 'This content is already published as another post.', 'igny8-bridge' ), array( 'status' => 409, 'post_id' => (int) $existing->ID ) );
			}
			$existing = $target;
		}

		if ( null !== $existing && isset( $input['post_type'] ) && is_string( $input['post_type'] ) && '' !== $input['post_type'] && $input['post_type'] !== $existing->post_type ) {
			return new WP_Error(
				'igny8_post_type_change',
				/* translators: 1: the post's type, 2: the type the request asked for. */
				sprintf( __( 'IGNY8 never changes a post\'s type: this post is a "%1$s", the request asked for "%2$s". Nothing was changed.', 'igny8-bridge' ), $existing->post_type, $input['post_type'] ),
				array(
					'status'    => 409,
					'post_id'   => (int) $existing->ID,
					'post_type' => $existing->post_type,
				)
			);
		}

		if ( null !== $existing ) {
			$stored_revision = (int) get_post_meta( (int) $existing->ID, PostSnapshot::META_REVISION, true );
			if ( isset( $input['revision'] ) && (int) $input['revision'] < $stored_revision ) {
				return array(
					'code' => 200,
					'data' => $this->answer( $existing ),
				);
			}
			$expected = isset( $input['expected_hash'] ) && is_string( $input['expected_hash'] ) ? strtolower( $input['expected_hash'] ) : '';
			$current  = PostSnapshot::content_hash( $existing );
			if ( '' !== $expected && ! hash_equals( $current, $expected ) && empty( $input['force'] ) ) {
				return array(
					'code' => 409,
					'data' => $this->answer( $existing ),
				);
			}
		}

		// An existing post keeps its type (checked above); a new one is of a synced type.
		$post_type = $existing ? $existing->post_type : ( isset( $input['post_type'] ) && is_string( $input['post_type'] ) && '' !== $input['post_type'] ? $input['post_type'] : 'post' );
		if ( ! $existing && Products::POST_TYPE === $post_type && ! post_type_exists( $post_type ) ) {
			return new WP_Error( 'igny8_no_products', __( 'This site has no products (WooCommerce is not active), so a product description cannot be published here. Nothing was changed.', 'igny8-bridge' ), array( 'status' => 400 ) );
		}
		if ( ! $existing && ( ! post_type_exists( $post_type ) || ! in_array( $post_type, $this->options->synced_post_types(), true ) ) ) {
			return new WP_Error( 'igny8_bad_post_type', __( 'IGNY8 may only create posts of the post types this site syncs (IGNY8 → Settings → Data).', 'igny8-bridge' ), array( 'status' => 400 ) );
		}

		// Images first: if one cannot be fetched nothing is written.
		$html         = wp_kses_post( (string) ( $input['content_html'] ?? '' ) );
		$featured_id  = null;
		$parent_for   = $existing ? (int) $existing->ID : 0;
		$images       = isset( $input['images'] ) && is_array( $input['images'] ) ? $input['images'] : array();
		$inline_ids   = array();
		foreach ( $images as $image ) {
			if ( ! $lock->refresh() ) {
				return self::busy();
			}
			$attachment = $this->media->import( (string) $image['url'], (string) ( $image['alt'] ?? '' ), $parent_for );
			if ( is_wp_error( $attachment ) ) {
				return $attachment;
			}
			$inline_ids[] = $attachment;
			$local        = wp_get_attachment_url( $attachment );
			if ( is_string( $local ) ) {
				$html = str_replace( esc_url( (string) $image['url'] ), esc_url( $local ), $html );
				$html = str_replace( (string) $image['url'], $local, $html );
			}
		}
		if ( isset( $input['featured_image'] ) && is_array( $input['featured_image'] ) && ! empty( $input['featured_image']['url'] ) ) {
			if ( ! $lock->refresh() ) {
				return self::busy();
			}
			$attachment = $this->media->import( (string) $input['featured_image']['url'], (string) ( $input['featured_image']['alt'] ?? '' ), $parent_for );
			if ( is_wp_error( $attachment ) ) {
				return $attachment;
			}
			$featured_id = $attachment;
		}

		$status = isset( $input['status'] ) ? (string) $input['status'] : ( $existing && 'trash' !== $existing->post_status ? $existing->post_status : $this->options->default_post_status() );
		$data   = array(
			'post_type'    => $post_type,
			'post_title'   => sanitize_text_field( (string) ( $input['title'] ?? '' ) ),
			'post_content' => $html,
			'post_excerpt' => sanitize_textarea_field( (string) ( $input['excerpt'] ?? '' ) ),
			'post_status'  => $status,
			'post_author'  => $this->author_id( isset( $input['author'] ) && is_array( $input['author'] ) ? $input['author'] : array(), $existing ),
		);
		if ( ! empty( $input['date_gmt'] ) ) {
			$gmt                   = gmdate( 'Y-m-d H:i:s', (int) strtotime( (string) $input['date_gmt'] ) );
			$data['post_date_gmt'] = $gmt;
			$data['post_date']     = get_date_from_gmt( $gmt );
			$data['edit_date']     = true;
		}
		if ( $existing ) {
			$data['ID'] = (int) $existing->ID;
		}

		// Terms before the post: a failure here must not leave a post without its IGNY8 meta (a retry would make a second one).
		$term_ids = array();
		// A product's categories and tags are product_cat and product_tag: never blog categories on a product.
		foreach ( Products::term_taxonomies( $post_type ) as $field => $taxonomy ) {
			if ( is_object_in_taxonomy( $post_type, $taxonomy ) && isset( $input[ $field ] ) ) {
				$ids = $this->term_ids( (array) $input[ $field ], $taxonomy );
				if ( is_wp_error( $ids ) ) {
					return $ids;
				}
				$term_ids[ $taxonomy ] = $ids;
			}
		}
		// No category named: a new post is filed under the site's defaults, and
		// an update keeps the categories it has (defaults or an editor's choice).
		$defaults = $this->options->default_categories();
		if ( ! empty( $defaults ) && is_object_in_taxonomy( $post_type, 'category' ) && empty( $term_ids['category'] ) ) {
			if ( $existing ) {
				unset( $term_ids['category'] );
			} else {
				$term_ids['category'] = $defaults;
			}
		}

		// Downloads can be slow: write only while this request still holds the content's lock.
		if ( ! $lock->refresh() ) {
			return self::busy();
		}
		$result = $existing ? wp_update_post( wp_slash( $data ), true ) : wp_insert_post( wp_slash( $data ), true );
		if ( is_wp_error( $result ) ) {
			$result->add_data( array( 'status' => 500 ) );
			return $result;
		}
		$id = (int) $result;

		foreach ( $term_ids as $taxonomy => $ids ) {
			wp_set_post_terms( $id, $ids, $taxonomy );
		}
		if ( null !== $featured_id ) {
			set_post_thumbnail( $id, $featured_id );
		}
		foreach ( array_merge( $inline_ids, null !== $featured_id ? array( $featured_id ) : array() ) as $attachment_id ) {
			// Attach images sideloaded before the post existed.
			if ( 0 === (int) wp_get_post_parent_id( $attachment_id ) ) {
				wp_update_post(
					array(
						'ID'          => $attachment_id,
						'post_parent' => $id,
					)
				);
			}
		}

		$this->write_meta( $id, $input );
		clean_post_cache( $id );
		$post = get_post( $id );
		if ( ! $post instanceof WP_Post ) {
			return new WP_Error( 'igny8_write_failed', __( 'The post could not be read back.', 'igny8-bridge' ), array( 'status' => 500 ) );
		}
		update_post_meta( $id, PostSnapshot::META_LAST_PUSHED_HASH, PostSnapshot::content_hash( $post ) );
		$this->events->record_saved( $post, true );
		return array(
			'code' => $existing ? 200 : 201,
			'data' => $this->answer( $post ),
		);
	}

	/**
	 * Writes the `_igny8_*` meta and the SEO plugins' description fields.
	 *
	 * @param int                  $id    The post.
	 * @param array<string, mixed> $input Request body.
	 */
	private function write_meta( int $id, array $input ): void {
		update_post_meta( $id, PostSnapshot::META_CONTENT_ID, (int) $input['content_id'] );
		if ( isset( $input['task_id'] ) && null !== $input['task_id'] ) {
			update_post_meta( $id, PostSnapshot::META_TASK_ID, (int) $input['task_id'] );
		}
		if ( isset( $input['revision'] ) ) {
			update_post_meta( $id, PostSnapshot::META_REVISION, (int) $input['revision'] );
		}
		update_post_meta( $id, PostSnapshot::META_MANAGED, '1' );
		update_post_meta( $id, PostSnapshot::META_WP_STATUS, (string) get_post_status( $id ) );
		// RFC 3339 with "+00:00": the SQLite integration rewrites any literal shaped like `…T…Z` to `Y-m-d H:i:s`.
		update_post_meta( $id, PostSnapshot::META_LAST_SYNCED, gmdate( DATE_ATOM ) );
		$seo = SiteMetadata::seo_plugin();
		if ( isset( $input['meta_title'] ) ) {
			$title = sanitize_text_field( (string) $input['meta_title'] );
			update_post_meta( $id, PostSnapshot::META_META_TITLE, $title );
			if ( 'yoast' === $seo ) {
				update_post_meta( $id, '_yoast_wpseo_title', $title );
			} elseif ( 'rank_math' === $seo ) {
				update_post_meta( $id, 'rank_math_title', $title );
			}
		}
		if ( isset( $input['focus_keyphrase'] ) ) {
			$keyphrase = sanitize_text_field( (string) $input['focus_keyphrase'] );
			update_post_meta( $id, PostSnapshot::META_FOCUS_KEYPHRASE, $keyphrase );
			if ( 'yoast' === $seo ) {
				update_post_meta( $id, '_yoast_wpseo_focuskw', $keyphrase );
			} elseif ( 'rank_math' === $seo ) {
				update_post_meta( $id, 'rank_math_focus_keyword', $keyphrase );
			}
		}
		if ( isset( $input['meta_description'] ) ) {
			$description = sanitize_textarea_field( (string) $input['meta_description'] );
			update_post_meta( $id, PostSnapshot::META_DESCRIPTION, $description );
			if ( 'yoast' === $seo ) {
				update_post_meta( $id, '_yoast_wpseo_metadesc', $description );
			} elseif ( 'rank_math' === $seo ) {
				update_post_meta( $id, 'rank_math_description', $description );
			}
		}
	}

	/**
	 * Term ids for names, creating missing terms.
	 *
	 * @param array<int, mixed> $names    Term names.
	 * @param string            $taxonomy Taxonomy.
	 * @return int[]|WP_Error
	 */
	private function term_ids( array $names, string $taxonomy ) {
		$ids = array();
		foreach ( $names as $name ) {
			$name = sanitize_text_field( (string) $name );
			if ( '' === $name ) {
				continue;
			}
			$found = term_exists( $name, $taxonomy );
			if ( ! $found ) {
				$found = wp_insert_term( $name, $taxonomy );
				if ( is_wp_error( $found ) ) {
					// A racing request created it between the check and the insert.
					$term_id = $found->get_error_data( 'term_exists' );
					if ( ! is_numeric( $term_id ) ) {
						return new WP_Error( 'igny8_term_failed', $found->get_error_message(), array( 'status' => 500 ) );
					}
					$found = array( 'term_id' => (int) $term_id );
				}
			}
			$ids[] = (int) ( is_array( $found ) ? $found['term_id'] : $found );
		}
		return array_values( array_unique( $ids ) );
	}

	/**
	 * The author: on a new post, the site's default author when the owner
	 * chose one (the cloud names whoever asked for the post, not someone
	 * chosen to be credited, so the owner's choice wins); otherwise a user
	 * with the given email, else with the given login, else the post's
	 * current author, else the site's first administrator. The cloud's
	 * writers are usually not WordPress users, so a miss is normal and never
	 * creates an account.
	 *
	 * @param array<string, mixed> $author   `{email, login}`.
	 * @param WP_Post|null         $existing The post being updated.
	 */
	private function author_id( array $author, ?WP_Post $existing ): int {
		$default = $existing ? 0 : $this->options->default_author();
		if ( $default > 0 ) {
			return $default;
		}
		if ( ! empty( $author['email'] ) && is_string( $author['email'] ) ) {
			$user = get_user_by( 'email', sanitize_email( $author['email'] ) );
			if ( $user ) {
				return (int) $user->ID;
			}
		}
		if ( ! empty( $author['login'] ) && is_string( $author['login'] ) ) {
			$user = get_user_by( 'login', sanitize_user( $author['login'] ) );
			if ( $user ) {
				return (int) $user->ID;
			}
		}
		if ( $existing && (int) $existing->post_author > 0 ) {
			return (int) $existing->post_author;
		}
		$admins = get_users(
			array(
				'role'    => 'administrator',
				'orderby' => 'ID',
				'order'   => 'ASC',
				'number'  => 1,
				'fields'  => 'ID',
			)
		);
		return empty( $admins ) ? 0 : (int) $admins[0];
	}

	/**
	 * The route's answer for a post.
	 *
	 * @param WP_Post $post The post.
	 * @return array<string, mixed>
	 */
	public function answer( WP_Post $post ): array {
		$url      = get_permalink( $post );
		$featured = (int) get_post_thumbnail_id( $post );
		return array(
			'post_id'           => (int) $post->ID,
			'url'               => is_string( $url ) ? $url : '',
			'status'            => $post->post_status,
			'content_hash'      => PostSnapshot::content_hash( $post ),
			'modified_gmt'      => PostSnapshot::iso( $post->post_modified_gmt ),
			'featured_media_id' => $featured > 0 ? $featured : null,
		);
	}
}
