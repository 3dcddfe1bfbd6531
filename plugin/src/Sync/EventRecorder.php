<?php
/**
 * Turns WordPress changes into outbox events.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Sync;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\SiteMetadata;
use WP_Post;
use WP_Term;

/**
 * Hooked on post, term and structure changes. Records events for managed
 * posts and for every post of the synced post types, and only while the site
 * has a key: an unconnected site is caught up by the cloud's full sync. A post
 * the export does not cover (ExportScope) is described only by its id, type,
 * status and IGNY8 ids.
 */
final class EventRecorder {

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @var Outbox
	 */
	private $outbox;

	/**
	 * @var SiteMetadata
	 */
	private $metadata;

	/**
	 * What events may say about a post.
	 *
	 * @var ExportScope
	 */
	private $scope;

	/**
	 * While > 0 no post event is recorded (the publisher records one itself).
	 *
	 * @var int
	 */
	private $suspended = 0;

	/**
	 * @param Options      $options  Settings.
	 * @param Outbox       $outbox   Where events go.
	 * @param SiteMetadata $metadata For structure events.
	 */
	public function __construct( Options $options, Outbox $outbox, SiteMetadata $metadata ) {
		$this->options  = $options;
		$this->outbox   = $outbox;
		$this->metadata = $metadata;
		$this->scope    = new ExportScope( $options );
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'save_post', array( $this, 'on_save_post' ), 20, 2 );
		add_action( 'transition_post_status', array( $this, 'on_transition' ), 20, 3 );
		add_action( 'trashed_post', array( $this, 'on_trashed' ), 20, 1 );
		add_action( 'before_delete_post', array( $this, 'on_before_delete' ), 20, 2 );
		add_action( 'created_term', array( $this, 'on_term_created' ), 20, 3 );
		add_action( 'edited_term', array( $this, 'on_term_edited' ), 20, 3 );
		add_action( 'delete_term', array( $this, 'on_term_deleted' ), 20, 4 );
		add_action( 'update_option_permalink_structure', array( $this, 'check_structure' ), 20, 0 );
		add_action( 'igny8_drain_outbox', array( $this, 'check_structure' ), 5, 0 );
	}

	/**
	 * Runs $work without recording events.
	 *
	 * @param callable $work The work.
	 * @return mixed What $work returns.
	 */
	public function without_events( callable $work ) {
		++$this->suspended;
		try {
			return $work();
		} finally {
			--$this->suspended;
		}
	}

	/**
	 * Whether changes to this post are reported.
	 *
	 * @param WP_Post $post The post.
	 */
	public function tracks( WP_Post $post ): bool {
		if ( $this->suspended > 0 || null === $this->options->api_key() ) {
			return false;
		}
		if ( wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) || 'auto-draft' === $post->post_status || 'inherit' === $post->post_status ) {
			return false;
		}
		return in_array( $post->post_type, $this->options->synced_post_types(), true ) || PostSnapshot::is_managed( (int) $post->ID );
	}

	/**
	 * Records `post.saved` now (the meta box's "Resync now", the publisher).
	 *
	 * @param WP_Post $post The post.
	 * @param bool    $force Record even while suspended.
	 */
	public function record_saved( WP_Post $post, bool $force = false ): ?string {
		if ( ! $force && ! $this->tracks( $post ) ) {
			return null;
		}
		return $this->outbox->add( 'post.saved', array( 'post' => $this->scope->event_post( $post ) ), (int) $post->ID );
	}

	/**
	 * `save_post`.
	 *
	 * @param int     $post_id The post.
	 * @param WP_Post $post    The post.
	 */
	public function on_save_post( $post_id, $post ): void {
		if ( ! $post instanceof WP_Post || 'trash' === $post->post_status || ( defined( 'DOING_AUTOSAVE' ) && DOING_AUTOSAVE ) ) {
			return;
		}
		$this->record_saved( $post );
	}

	/**
	 * `transition_post_status`: status changes other than creation and trashing
	 * (save_post and trashed_post report those).
	 *
	 * @param string  $new_status New status.
	 * @param string  $old_status Old status.
	 * @param WP_Post $post       The post.
	 */
	public function on_transition( $new_status, $old_status, $post ): void {
		if ( ! $post instanceof WP_Post || $new_status === $old_status || 'new' === $old_status || 'auto-draft' === $old_status || 'trash' === $new_status ) {
			return;
		}
		if ( ! $this->tracks( $post ) ) {
			return;
		}
		$summary               = $this->scope->event_post( $post );
		$summary['status']     = (string) $new_status;
		$summary['old_status'] = (string) $old_status;
		$this->outbox->add( 'post.status_changed', array( 'post' => $summary ), (int) $post->ID );
	}

	/**
	 * `trashed_post`.
	 *
	 * @param int $post_id The post.
	 */
	public function on_trashed( $post_id ): void {
		$post = get_post( (int) $post_id );
		if ( $post instanceof WP_Post && $this->tracks( $post ) ) {
			$this->outbox->add( 'post.trashed', array( 'post' => $this->scope->event_post( $post ) ), (int) $post->ID );
		}
	}

	/**
	 * `before_delete_post`: the meta still exists here.
	 *
	 * @param int          $post_id The post.
	 * @param WP_Post|null $post    The post.
	 */
	public function on_before_delete( $post_id, $post = null ): void {
		$post = $post instanceof WP_Post ? $post : get_post( (int) $post_id );
		if ( ! $post instanceof WP_Post || ! $this->tracks( $post ) ) {
			return;
		}
		$this->outbox->add(
			'post.deleted',
			array(
				'post' => array(
					'wp_post_id'       => (int) $post->ID,
					'post_type'        => $post->post_type,
					'igny8_task_id'    => PostSnapshot::igny8_id( (int) $post->ID, PostSnapshot::META_TASK_ID ),
					'igny8_content_id' => PostSnapshot::igny8_id( (int) $post->ID, PostSnapshot::META_CONTENT_ID ),
				),
			),
			(int) $post->ID
		);
	}

	/**
	 * `created_term`.
	 *
	 * @param int    $term_id  Term.
	 * @param int    $tt_id    Term taxonomy id.
	 * @param string $taxonomy Taxonomy.
	 */
	public function on_term_created( $term_id, $tt_id, $taxonomy ): void {
		$this->record_term( (int) $term_id, (string) $taxonomy, 'created', null );
	}

	/**
	 * `edited_term`.
	 *
	 * @param int    $term_id  Term.
	 * @param int    $tt_id    Term taxonomy id.
	 * @param string $taxonomy Taxonomy.
	 */
	public function on_term_edited( $term_id, $tt_id, $taxonomy ): void {
		$this->record_term( (int) $term_id, (string) $taxonomy, 'edited', null );
	}

	/**
	 * `delete_term`.
	 *
	 * @param int     $term_id      Term.
	 * @param int     $tt_id        Term taxonomy id.
	 * @param string  $taxonomy     Taxonomy.
	 * @param WP_Term $deleted_term The term as it was.
	 */
	public function on_term_deleted( $term_id, $tt_id, $taxonomy, $deleted_term = null ): void {
		$this->record_term( (int) $term_id, (string) $taxonomy, 'deleted', $deleted_term instanceof WP_Term ? $deleted_term : null );
	}

	/**
	 * Records `structure.changed` when post types, taxonomies, permalinks or
	 * the SEO plugin changed since the last check. Runs before each drain and
	 * on permalink changes: plugins register post types on every request, so
	 * there is no single hook to catch that.
	 */
	public function check_structure(): void {
		if ( null === $this->options->api_key() ) {
			return;
		}
		$hash = $this->metadata->structure_hash();
		if ( get_option( Options::STRUCTURE_HASH ) === $hash ) {
			return;
		}
		update_option( Options::STRUCTURE_HASH, $hash, false );
		$this->outbox->add( 'structure.changed', array( 'metadata' => $this->metadata->collect() ) );
	}

	/**
	 * Records `term.changed` for taxonomies of the synced post types.
	 *
	 * @param int          $term_id  Term.
	 * @param string       $taxonomy Taxonomy.
	 * @param string       $action   created|edited|deleted.
	 * @param WP_Term|null $term     The term when already deleted.
	 */
	private function record_term( int $term_id, string $taxonomy, string $action, ?WP_Term $term ): void {
		// Not silenced while publishing: the publisher reports its post itself,
		// but a category or tag it creates is new site structure like any other.
		if ( null === $this->options->api_key() ) {
			return;
		}
		$object = get_taxonomy( $taxonomy );
		if ( ! $object || ! array_intersect( (array) $object->object_type, $this->options->synced_post_types() ) ) {
			return;
		}
		if ( null === $term ) {
			$found = get_term( $term_id, $taxonomy );
			$term  = $found instanceof WP_Term ? $found : null;
		}
		$this->outbox->add(
			'term.changed',
			array(
				'term' => array(
					'taxonomy' => $taxonomy,
					'term_id'  => $term_id,
					'name'     => $term ? $term->name : '',
					'slug'     => $term ? $term->slug : '',
					'action'   => $action,
				),
			),
			$term_id
		);
	}
}
