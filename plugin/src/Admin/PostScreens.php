<?php
/**
 * IGNY8 on the posts lists and the post editor.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Admin;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Sync\EventRecorder;
use IGNY8\Bridge\Sync\OutboxDrainer;
use IGNY8\Bridge\Sync\PostSnapshot;
use WP_Post;

/**
 * The "IGNY8" column on the lists of the synced post types, and the meta box
 * on managed posts with "Resync now".
 */
final class PostScreens {

	public const COLUMN = 'igny8';

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @var EventRecorder
	 */
	private $events;

	/**
	 * @var OutboxDrainer
	 */
	private $drainer;

	/**
	 * @param Options       $options Settings.
	 * @param EventRecorder $events  For "Resync now".
	 * @param OutboxDrainer $drainer For "Resync now".
	 */
	public function __construct( Options $options, EventRecorder $events, OutboxDrainer $drainer ) {
		$this->options = $options;
		$this->events  = $events;
		$this->drainer = $drainer;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_filter( 'manage_posts_columns', array( $this, 'add_column' ), 10, 2 );
		add_filter( 'manage_pages_columns', array( $this, 'add_page_column' ) );
		add_action( 'manage_posts_custom_column', array( $this, 'render_column' ), 10, 2 );
		add_action( 'manage_pages_custom_column', array( $this, 'render_column' ), 10, 2 );
		add_action( 'add_meta_boxes', array( $this, 'add_meta_box' ), 10, 2 );
		add_action( 'admin_post_igny8_resync', array( $this, 'handle_resync' ) );
	}

	/**
	 * `manage_posts_columns`.
	 *
	 * @param array<string, string> $columns   Columns.
	 * @param string                $post_type The list's post type.
	 * @return array<string, string>
	 */
	public function add_column( $columns, $post_type = 'post' ): array {
		$columns = is_array( $columns ) ? $columns : array();
		if ( in_array( (string) $post_type, $this->options->synced_post_types(), true ) ) {
			$columns[ self::COLUMN ] = __( 'IGNY8', 'igny8-bridge' );
		}
		return $columns;
	}

	/**
	 * `manage_pages_columns`.
	 *
	 * @param array<string, string> $columns Columns.
	 * @return array<string, string>
	 */
	public function add_page_column( $columns ): array {
		return $this->add_column( $columns, 'page' );
	}

	/**
	 * Prints the column cell.
	 *
	 * @param string $column  Column.
	 * @param int    $post_id Post.
	 */
	public function render_column( $column, $post_id ): void {
		if ( self::COLUMN !== $column ) {
			return;
		}
		$post = get_post( (int) $post_id );
		if ( ! $post instanceof WP_Post || ! PostSnapshot::is_managed( (int) $post->ID ) ) {
			echo '<span class="igny8-unmanaged">—</span>';
			return;
		}
		echo wp_kses_post( $this->ids_html( $post ) ) . '<br><span class="igny8-sync-state">' . esc_html( $this->sync_state( $post ) ) . '</span>';
	}

	/**
	 * `add_meta_boxes`: only on posts the cloud published.
	 *
	 * @param string  $post_type Post type.
	 * @param WP_Post $post      Post.
	 */
	public function add_meta_box( $post_type, $post = null ): void {
		if ( ! $post instanceof WP_Post || ! PostSnapshot::is_managed( (int) $post->ID ) ) {
			return;
		}
		add_meta_box( 'igny8-bridge', __( 'IGNY8', 'igny8-bridge' ), array( $this, 'render_meta_box' ), (string) $post_type, 'side' );
	}

	/**
	 * Prints the meta box.
	 *
	 * @param WP_Post $post The post.
	 */
	public function render_meta_box( $post ): void {
		if ( ! $post instanceof WP_Post ) {
			return;
		}
		$last = (string) get_post_meta( (int) $post->ID, PostSnapshot::META_LAST_SYNCED, true );
		echo '<p class="igny8-ids">' . wp_kses_post( $this->ids_html( $post ) ) . '</p>';
		/* translators: %s: ISO time. */
		echo '<p>' . esc_html( sprintf( __( 'Last sync: %s', 'igny8-bridge' ), '' === $last ? '—' : $last ) ) . '</p>';
		echo '<p class="igny8-sync-state">' . esc_html( $this->sync_state( $post ) ) . '</p>';
		$url = wp_nonce_url( admin_url( 'admin-post.php?action=igny8_resync&post=' . (int) $post->ID ), 'igny8_resync_' . (int) $post->ID );
		echo '<p><a class="button igny8-resync" href="' . esc_url( $url ) . '">' . esc_html__( 'Resync now', 'igny8-bridge' ) . '</a></p>';
	}

	/**
	 * `admin_post_igny8_resync`: queues post.saved for the post and drains.
	 */
	public function handle_resync(): void {
		$post_id = isset( $_GET['post'] ) ? absint( $_GET['post'] ) : 0; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- checked below.
		check_admin_referer( 'igny8_resync_' . $post_id );
		if ( ! current_user_can( 'edit_post', $post_id ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to edit this post.', 'igny8-bridge' ), '', array( 'response' => 403 ) );
		}
		$post = get_post( $post_id );
		if ( $post instanceof WP_Post && null !== $this->options->api_key() ) {
			$this->events->record_saved( $post, true );
			$this->drainer->drain();
		}
		wp_safe_redirect( add_query_arg( 'igny8_resynced', '1', get_edit_post_link( $post_id, 'raw' ) ?? admin_url() ) );
		exit;
	}

	/**
	 * The ids, linked to the cloud console when its URL is known.
	 *
	 * @param WP_Post $post Post.
	 */
	private function ids_html( WP_Post $post ): string {
		$task    = PostSnapshot::igny8_id( (int) $post->ID, PostSnapshot::META_TASK_ID );
		$content = PostSnapshot::igny8_id( (int) $post->ID, PostSnapshot::META_CONTENT_ID );
		$label   = trim(
			( null !== $task ? sprintf( /* translators: %d: id. */ __( 'Task #%d', 'igny8-bridge' ), $task ) . ' · ' : '' ) .
			( null !== $content ? sprintf( /* translators: %d: id. */ __( 'Content #%d', 'igny8-bridge' ), $content ) : '' )
		);
		$console = $this->options->connection()['console_url'];
		if ( '' !== $console && null !== $content ) {
			return '<a href="' . esc_url( trailingslashit( $console ) . 'content/' . $content ) . '" target="_blank" rel="noopener">' . esc_html( $label ) . '</a>';
		}
		return esc_html( $label );
	}

	/**
	 * "Synced", or "Edited in WordPress since the last sync".
	 *
	 * @param WP_Post $post Post.
	 */
	private function sync_state( WP_Post $post ): string {
		$pushed = (string) get_post_meta( (int) $post->ID, PostSnapshot::META_LAST_PUSHED_HASH, true );
		if ( '' !== $pushed && ! hash_equals( $pushed, PostSnapshot::content_hash( $post ) ) ) {
			return __( 'Edited in WordPress since the last sync', 'igny8-bridge' );
		}
		return __( 'Synced', 'igny8-bridge' );
	}
}
