<?php
/**
 * Which posts the cloud may read, and which it may write.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Sync;

use IGNY8\Bridge\Options;
use WP_Post;

/**
 * The site owner's choice of what the bridge shares and touches
 * (docs/bridge-protocol.md → "What the bridge may read and write"):
 *
 * - read in full (post-by-*-id lookups, the title and content of events):
 *   posts of the synced post types in the exported statuses, and those the
 *   bridge may write; the export lists the exported statuses only;
 * - written (PUT posts/{id}, and POST posts/ when it finds a post): posts the
 *   cloud created (they carry an IGNY8 content or task id) and posts the owner
 *   marked "Let IGNY8 manage this post".
 */
final class ExportScope {

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @param Options $options Settings.
	 */
	public function __construct( Options $options ) {
		$this->options = $options;
	}

	/**
	 * The synced post types.
	 *
	 * @return string[]
	 */
	public function post_types(): array {
		return $this->options->synced_post_types();
	}

	/**
	 * The exported statuses.
	 *
	 * @return string[]
	 */
	public function statuses(): array {
		return $this->options->export_statuses();
	}

	/**
	 * Whether the cloud may read this post in full: a synced type, and either
	 * an exported status or a post the bridge may write (the cloud made it or
	 * was handed it, so it sees its own drafts change — a WordPress edit of
	 * a draft the cloud pushed still reaches it).
	 *
	 * @param WP_Post $post The post.
	 */
	public function covers( WP_Post $post ): bool {
		return in_array( $post->post_type, $this->post_types(), true )
			&& ( in_array( $post->post_status, $this->statuses(), true ) || self::writable( $post ) );
	}

	/**
	 * Whether the bridge may write this post: the cloud made it, or the owner
	 * handed it over.
	 *
	 * @param WP_Post $post The post.
	 */
	public static function writable( WP_Post $post ): bool {
		$id = (int) $post->ID;
		return PostSnapshot::is_managed( $id )
			|| null !== PostSnapshot::igny8_id( $id, PostSnapshot::META_CONTENT_ID )
			|| null !== PostSnapshot::igny8_id( $id, PostSnapshot::META_TASK_ID );
	}

	/**
	 * The event `post` object: in full when the export covers the post, else
	 * only what identifies it and its state.
	 *
	 * @param WP_Post $post The post.
	 * @return array<string, mixed>
	 */
	public function event_post( WP_Post $post ): array {
		return $this->covers( $post ) ? PostSnapshot::summary( $post ) : PostSnapshot::identity( $post );
	}
}
