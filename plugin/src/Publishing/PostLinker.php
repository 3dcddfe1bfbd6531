<?php
/**
 * Adds and removes the internal links the IGNY8 Linker chose.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Publishing;

use IGNY8\Bridge\Lock;
use IGNY8\Bridge\Sync\EventRecorder;
use IGNY8\Bridge\Sync\PostSnapshot;
use WP_Error;
use WP_Post;

/**
 * `POST igny8/v1/posts/{id}/links` and `…/links/remove`.
 *
 * A link is text of `post_content` wrapped in
 * `<a href="…" data-igny8-link="ID">…</a>`; nothing else of the content
 * changes, byte for byte, so removing the link gives back exactly what was
 * there. The cloud names the text by UTF-8 byte offsets into the content it
 * last saw (whose `content_hash` it sends): a post edited since is answered
 * 409 and left alone, for the cloud to re-check.
 *
 * The write goes to `wp_posts` directly rather than through
 * `wp_update_post()`: that runs `content_save_pre` (kses for a request with no
 * `unfiltered_html` user, `convert_invalid_entities`, `balanceTags` when the
 * site turned it on, and whatever other plugins hook there), any of which may
 * rewrite bytes the links never touched, and the promise here is that
 * nothing but the inserted tags changes. The update is conditional on the
 * content still being what was checked, so even a WordPress edit (which does
 * not take the plugin's lock) landing between the check and the write makes
 * it a 409, not a lost edit. The post cache is cleaned (which page caches
 * listen to), a revision is kept when the type has them, and `post.saved` is
 * recorded for the cloud like any other edit.
 */
final class PostLinker {

	/** The post meta listing the links IGNY8 added: JSON `{ id: { href, anchor, base_hash, added } }` (`base_hash`: the content hash the link was applied to). */
	public const META_LINKS = '_igny8_links';

	/** Seconds to wait for a push or another link change of the same post. */
	public const LOCK_WAIT = 10;

	/** Seconds the lock outlives a request killed mid-write. */
	public const LOCK_TTL = 60;

	/**
	 * @var EventRecorder
	 */
	private $events;

	/**
	 * @var float
	 */
	private $lock_wait;

	/**
	 * @param EventRecorder $events    Records the resulting post.saved.
	 * @param float         $lock_wait Seconds to wait for the post's lock.
	 */
	public function __construct( EventRecorder $events, float $lock_wait = self::LOCK_WAIT ) {
		$this->events    = $events;
		$this->lock_wait = max( 0.0, $lock_wait );
	}

	/**
	 * Wraps the given places of the post in links.
	 *
	 * @param WP_Post                          $post          The post (already checked to be writable).
	 * @param string                           $expected_hash The `content_hash` the offsets refer to.
	 * @param array<int, array<string, mixed>> $links         `{ id, href, anchor, start, end }` each, validated by the contract.
	 * @return array{code: int, post: WP_Post}|WP_Error `code` 200, or 409 with the post as it is now.
	 */
	public function apply( WP_Post $post, string $expected_hash, array $links ) {
		return $this->locked(
			$post,
			function ( WP_Post $current ) use ( $expected_hash, $links ) {
				$expected_hash = strtolower( $expected_hash );
				$base          = $current->post_content;
				if ( ! hash_equals( PostSnapshot::content_hash( $current ), $expected_hash ) ) {
					// A retry of a request whose answer was lost: the post is the expected
					// one plus the links this very request added (each listed with the
					// hash it was applied to). Anything else is an edit.
					$listed = self::links_of( (int) $current->ID );
					$ours   = array();
					foreach ( $links as $link ) {
						if ( ( $listed[ (string) $link['id'] ]['base_hash'] ?? '' ) === $expected_hash ) {
							$ours[] = (string) $link['id'];
						}
					}
					$base = self::unwrap( $base, $ours );
					if ( empty( $ours ) || ! hash_equals( hash( 'sha256', $current->post_title . "\n" . $base ), $expected_hash ) ) {
						return array(
							'code' => 409,
							'post' => $current,
						);
					}
				}
				$linked = self::wrap( $base, $links );
				if ( is_wp_error( $linked ) ) {
					return $linked;
				}
				$added = array();
				foreach ( $links as $link ) {
					$added[ (string) $link['id'] ] = array(
						'href'      => (string) $link['href'],
						'anchor'    => (string) $link['anchor'],
						'base_hash' => $expected_hash,
					);
				}
				return $this->write( $current, $linked, $added );
			}
		);
	}

	/**
	 * Unwraps the links IGNY8 added: those ids, or all of them when null.
	 *
	 * @param WP_Post       $post The post (already checked to be writable).
	 * @param string[]|null $ids  Link ids.
	 * @return array{code: int, post: WP_Post}|WP_Error
	 */
	public function remove( WP_Post $post, ?array $ids ) {
		return $this->locked(
			$post,
			function ( WP_Post $current ) use ( $ids ) {
				return $this->write( $current, self::unwrap( $current->post_content, $ids ), array() );
			}
		);
	}

	/**
	 * Runs `$work` on a fresh copy of the post under the post's lock: the
	 * publisher's lock for its content id when it has one (so a push and a
	 * link change of the same post never interleave), else one of its own.
	 *
	 * @param WP_Post  $post The post.
	 * @param callable $work Receives the post as stored now.
	 * @return array{code: int, post: WP_Post}|WP_Error
	 */
	private function locked( WP_Post $post, callable $work ) {
		$content_id = PostSnapshot::igny8_id( (int) $post->ID, PostSnapshot::META_CONTENT_ID );
		$lock       = null !== $content_id ? PostPublisher::lock_for( $content_id ) : new Lock( 'links:' . (int) $post->ID, self::LOCK_TTL );
		try {
			$acquired = $lock->acquire_within( $this->lock_wait );
		} catch ( \RuntimeException $e ) {
			return new WP_Error( 'igny8_lock_failed', __( 'The links could not be changed: the WordPress database refused to record the change. Try again; if it keeps failing, ask the site\'s host to check the database.', 'igny8-bridge' ), array( 'status' => 500 ) );
		}
		if ( ! $acquired ) {
			return new WP_Error( 'igny8_busy', __( 'Another request is changing this post right now; try again in a minute.', 'igny8-bridge' ), array( 'status' => 503 ) );
		}
		try {
			// The copy checked must be the stored one, not one cached before another request wrote it.
			clean_post_cache( (int) $post->ID );
			$current = get_post( (int) $post->ID );
			if ( ! $current instanceof WP_Post ) {
				return new WP_Error( 'igny8_not_found', __( 'No such post.', 'igny8-bridge' ), array( 'status' => 404 ) );
			}
			return $work( $current );
		} finally {
			$lock->release();
		}
	}

	/**
	 * Stores new content when it differs, keeps the meta list in step and
	 * answers the post as it is then.
	 *
	 * @param WP_Post                              $post    The post as checked.
	 * @param string                               $content The new content.
	 * @param array<string, array<string, string>> $added   Links just added: id → href, anchor.
	 * @return array{code: int, post: WP_Post}|WP_Error
	 */
	private function write( WP_Post $post, string $content, array $added ) {
		global $wpdb;
		$id = (int) $post->ID;
		if ( $content !== $post->post_content ) {
			// The state before the links, when no revision holds it yet (a post
			// written before revisions were on), so it can be restored from there.
			self::save_revision( $id );
			$now = time();
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see the class comment: the content must be stored exactly, and only if it is still what was checked; the post cache is cleaned right after.
			$updated = $wpdb->update(
				$wpdb->posts,
				array(
					'post_content'      => $content,
					'post_modified'     => wp_date( 'Y-m-d H:i:s', $now ),
					'post_modified_gmt' => gmdate( 'Y-m-d H:i:s', $now ),
				),
				array(
					'ID'           => $id,
					'post_content' => $post->post_content,
				),
				array( '%s', '%s', '%s' ),
				array( '%d', '%s' )
			);
			clean_post_cache( $id );
			if ( false === $updated ) {
				return new WP_Error( 'igny8_write_failed', __( 'The post could not be saved.', 'igny8-bridge' ), array( 'status' => 500 ) );
			}
			$stored = get_post( $id );
			if ( ! $stored instanceof WP_Post ) {
				return new WP_Error( 'igny8_write_failed', __( 'The post could not be read back.', 'igny8-bridge' ), array( 'status' => 500 ) );
			}
			if ( 1 !== $updated ) {
				// Edited in WordPress between the check and the write.
				return array(
					'code' => 409,
					'post' => $stored,
				);
			}
			self::save_revision( $id );
			// The cloud made this change: a post in step with its last push stays so ("Synced" on the posts list).
			$pushed = (string) get_post_meta( $id, PostSnapshot::META_LAST_PUSHED_HASH, true );
			if ( '' !== $pushed && hash_equals( $pushed, PostSnapshot::content_hash( $post ) ) ) {
				update_post_meta( $id, PostSnapshot::META_LAST_PUSHED_HASH, PostSnapshot::content_hash( $stored ) );
			}
			$this->events->record_saved( $stored );
			$post = $stored;
		}
		self::write_meta( $id, $post->post_content, $added );
		return array(
			'code' => 200,
			'post' => $post,
		);
	}

	/**
	 * Keeps a revision of the post as stored now when its type has them.
	 * kses is lifted for it the way it is for the post itself: the revision
	 * is a copy of what is stored, not a filtered one.
	 *
	 * @param int $post_id The post.
	 */
	private static function save_revision( int $post_id ): void {
		$type = get_post_type( $post_id );
		if ( false === $type || ! post_type_supports( $type, 'revisions' ) || ! wp_revisions_enabled( get_post( $post_id ) ) ) {
			return;
		}
		$filtered = false !== has_filter( 'content_save_pre', 'wp_filter_post_kses' );
		if ( $filtered ) {
			kses_remove_filters();
		}
		try {
			wp_save_post_revision( $post_id );
		} finally {
			if ( $filtered ) {
				kses_init_filters();
			}
		}
	}

	/**
	 * The `_igny8_links` list: what was there and what was just added, of the
	 * links the content still has (one an editor deleted by hand goes).
	 *
	 * @param int                                  $post_id The post.
	 * @param string                               $content Its content.
	 * @param array<string, array<string, string>> $added   id → href, anchor.
	 */
	private static function write_meta( int $post_id, string $content, array $added ): void {
		$present = array_flip( self::ids_in( $content ) );
		$list    = array();
		// A link already listed keeps its entry (and the time it was first added).
		foreach ( self::links_of( $post_id ) + $added as $link_id => $link ) {
			$link_id = (string) $link_id;
			if ( ! isset( $present[ $link_id ] ) ) {
				continue;
			}
			$list[ $link_id ] = isset( $link['added'] ) ? $link : array_merge( $link, array( 'added' => gmdate( DATE_ATOM ) ) );
		}
		if ( empty( $list ) ) {
			delete_post_meta( $post_id, self::META_LINKS );
			return;
		}
		// Slashed: update_post_meta() unslashes, which would eat the JSON's escapes.
		update_post_meta( $post_id, self::META_LINKS, wp_slash( (string) wp_json_encode( (object) $list ) ) );
	}

	/**
	 * The links IGNY8 added to a post, from its meta.
	 *
	 * @param int $post_id The post.
	 * @return array<string, array<string, string>> id → href, anchor, base_hash, added (RFC 3339).
	 */
	public static function links_of( int $post_id ): array {
		$decoded = json_decode( (string) get_post_meta( $post_id, self::META_LINKS, true ), true );
		return is_array( $decoded ) ? $decoded : array();
	}

	/**
	 * The ids of the IGNY8 links in some HTML.
	 *
	 * @param string $html The HTML.
	 * @return string[]
	 */
	public static function ids_in( string $html ): array {
		preg_match_all( '/<a\b[^>]*\sdata-igny8-link="([A-Za-z0-9_-]{1,64})"/i', $html, $matches );
		return array_values( array_unique( $matches[1] ) );
	}

	/**
	 * The content with the links wrapped in, or why it cannot be.
	 *
	 * Every link is checked before any is applied. A link whose id the
	 * content already has is left as it is (applying twice is applying once).
	 *
	 * @param string                           $content The content the offsets refer to.
	 * @param array<int, array<string, mixed>> $links   The links.
	 * @return string|WP_Error
	 */
	public static function wrap( string $content, array $links ) {
		$present = array_flip( self::ids_in( $content ) );
		$todo    = array();
		$seen    = array();
		foreach ( $links as $link ) {
			$link_id = (string) $link['id'];
			if ( isset( $seen[ $link_id ] ) ) {
				/* translators: %s: a link id. */
				return self::refusal( 'igny8_link_duplicate', sprintf( __( 'Link %s is in the request twice.', 'igny8-bridge' ), $link_id ), $link_id );
			}
			$seen[ $link_id ] = true;
			if ( ! isset( $present[ $link_id ] ) ) {
				$todo[] = $link;
			}
		}
		usort(
			$todo,
			static function ( array $a, array $b ): int {
				return (int) $b['start'] <=> (int) $a['start'];
			}
		);
		$length = strlen( $content );
		$floor  = $length;
		foreach ( $todo as $link ) {
			$link_id = (string) $link['id'];
			$start   = (int) $link['start'];
			$end     = (int) $link['end'];
			$anchor  = (string) $link['anchor'];
			if ( $end <= $start || $end > $length || substr( $content, $start, $end - $start ) !== $anchor ) {
				/* translators: %s: a link id. */
				return self::refusal( 'igny8_anchor_mismatch', sprintf( __( 'The text of link %s is not at the place it names in the post.', 'igny8-bridge' ), $link_id ), $link_id );
			}
			if ( $end > $floor ) {
				/* translators: %s: a link id. */
				return self::refusal( 'igny8_link_overlap', sprintf( __( 'Link %s overlaps another link of the request.', 'igny8-bridge' ), $link_id ), $link_id );
			}
			if ( '' === esc_url( (string) $link['href'] ) ) {
				/* translators: %s: a link id. */
				return self::refusal( 'igny8_link_bad_href', sprintf( __( 'The address of link %s is not one a post may link to.', 'igny8-bridge' ), $link_id ), $link_id );
			}
			if ( ! self::is_plain_text_at( $content, $start, $anchor ) ) {
				/* translators: %s: a link id. */
				return self::refusal( 'igny8_link_unsafe', sprintf( __( 'Link %s would not wrap plain text: its place is inside a tag or a link, or its text holds markup.', 'igny8-bridge' ), $link_id ), $link_id );
			}
			$floor = $start;
		}
		foreach ( $todo as $link ) {
			$start   = (int) $link['start'];
			$end     = (int) $link['end'];
			$open    = '<a href="' . esc_url( (string) $link['href'] ) . '" data-igny8-link="' . esc_attr( (string) $link['id'] ) . '">';
			$content = substr( $content, 0, $start ) . $open . substr( $content, $start, $end - $start ) . '</a>' . substr( $content, $end );
		}
		return $content;
	}

	/**
	 * The content with the IGNY8 links of those ids (all when null) replaced
	 * by their text. Other links are never touched.
	 *
	 * @param string        $content The content.
	 * @param string[]|null $ids     Link ids.
	 */
	public static function unwrap( string $content, ?array $ids ): string {
		$wanted = null === $ids ? null : array_flip( array_map( 'strval', $ids ) );
		return (string) preg_replace_callback(
			'#<a\b[^>]*\sdata-igny8-link="([A-Za-z0-9_-]{1,64})"[^>]*>(.*?)</a>#is',
			static function ( array $match ) use ( $wanted ): string {
				return null === $wanted || isset( $wanted[ $match[1] ] ) ? $match[2] : $match[0];
			},
			$content
		);
	}

	/**
	 * Whether text at a place is outside every tag and every link, and is
	 * itself free of markup: wrapping it then cannot break the HTML.
	 *
	 * @param string $content The content.
	 * @param int    $start   Byte offset.
	 * @param string $anchor  The text there.
	 */
	private static function is_plain_text_at( string $content, int $start, string $anchor ): bool {
		if ( strpbrk( $anchor, '<>' ) !== false ) {
			return false;
		}
		$before = substr( $content, 0, $start );
		$open   = strrpos( $before, '<' );
		$close  = strrpos( $before, '>' );
		if ( false !== $open && ( false === $close || $close < $open ) ) {
			return false;
		}
		// Inside a link: the last `<a …>` before the text is not closed yet.
		$opened = preg_match_all( '#<a\b#i', $before );
		$closed = preg_match_all( '#</a\s*>#i', $before );
		return $opened <= $closed;
	}

	/**
	 * A 422 naming the link.
	 *
	 * @param string $code    Error code.
	 * @param string $message Message.
	 * @param string $link_id The link.
	 */
	private static function refusal( string $code, string $message, string $link_id ): WP_Error {
		return new WP_Error(
			$code,
			$message,
			array(
				'status'  => 422,
				'link_id' => $link_id,
			)
		);
	}
}
