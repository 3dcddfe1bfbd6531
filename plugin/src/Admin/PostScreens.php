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
use IGNY8\Bridge\Sync\ExportScope;
use IGNY8\Bridge\Sync\OutboxDrainer;
use IGNY8\Bridge\Sync\PostSnapshot;
use WP_Post;

/**
 * The "IGNY8" column on the lists of the synced post types, the meta box
 * on managed posts with "Resync now", and the "Let IGNY8 manage this post"
 * row action (and its undo) that lets the bridge update an existing post.
 */
final class PostScreens {

	public const COLUMN        = 'igny8';
	public const MANAGE_ACTION = 'igny8_manage';

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
		add_filter( 'post_row_actions', array( $this, 'row_actions' ), 10, 2 );
		add_filter( 'page_row_actions', array( $this, 'row_actions' ), 10, 2 );
		add_action( 'admin_post_' . self::MANAGE_ACTION, array( $this, 'handle_manage' ) );
		add_action( 'admin_notices', array( $this, 'manage_notice' ) );
	}

	/**
	 * `post_row_actions` / `page_row_actions`: "Let IGNY8 manage this post",
	 * or its undo on a post the owner handed over (one the cloud created
	 * stays the cloud's: it carries IGNY8 ids).
	 *
	 * @param array<string, string> $actions The row's actions.
	 * @param WP_Post               $post    The row's post.
	 * @return array<string, string>
	 */
	public function row_actions( $actions, $post ): array {
		$actions = is_array( $actions ) ? $actions : array();
		if ( ! $post instanceof WP_Post || 'trash' === $post->post_status || ! current_user_can( 'edit_post', (int) $post->ID ) ) {
			return $actions;
		}
		$id = (int) $post->ID;
		if ( ! ExportScope::writable( $post ) ) {
			$actions['igny8_manage'] = '<a href="' . esc_url( self::manage_url( $id, true ) ) . '">' . esc_html__( 'Let IGNY8 manage this post', 'igny8-bridge' ) . '</a>';
		} elseif ( self::owner_managed( $id ) ) {
			$actions['igny8_unmanage'] = '<a href="' . esc_url( self::manage_url( $id, false ) ) . '">' . esc_html__( 'Stop IGNY8 managing this post', 'igny8-bridge' ) . '</a>';
		}
		return $actions;
	}

	/**
	 * The nonce'd admin-post address that hands a post to IGNY8 or takes it back.
	 *
	 * @param int  $post_id The post.
	 * @param bool $manage  Hand over (true) or take back (false).
	 */
	public static function manage_url( int $post_id, bool $manage ): string {
		return wp_nonce_url(
			add_query_arg(
				array(
					'action' => self::MANAGE_ACTION,
					'post'   => $post_id,
					'manage' => $manage ? '1' : '0',
				),
				admin_url( 'admin-post.php' )
			),
			self::MANAGE_ACTION . '_' . $post_id
		);
	}

	/**
	 * Whether the owner handed this post over (managed, but no IGNY8 ids).
	 *
	 * @param int $post_id The post.
	 */
	private static function owner_managed( int $post_id ): bool {
		return PostSnapshot::is_managed( $post_id )
			&& null === PostSnapshot::igny8_id( $post_id, PostSnapshot::META_CONTENT_ID )
			&& null === PostSnapshot::igny8_id( $post_id, PostSnapshot::META_TASK_ID );
	}

	/**
	 * `admin_post_igny8_manage`: marks the post managed (`manage=1`) or
	 * unmarks it (`manage=0`); needs the nonce and `edit_post` on that post.
	 */
	public function handle_manage(): void {
		$post_id = isset( $_GET['post'] ) ? absint( $_GET['post'] ) : 0; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- checked on the next line.
		check_admin_referer( self::MANAGE_ACTION . '_' . $post_id );
		$post = get_post( $post_id );
		if ( ! $post instanceof WP_Post || ! current_user_can( 'edit_post', $post_id ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to edit this post.', 'igny8-bridge' ), '', array( 'response' => 403 ) );
		}
		$manage = isset( $_GET['manage'] ) && '1' === sanitize_key( wp_unslash( (string) $_GET['manage'] ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- checked above.
		if ( $manage ) {
			update_post_meta( $post_id, PostSnapshot::META_MANAGED, '1' );
		} elseif ( self::owner_managed( $post_id ) ) {
			delete_post_meta( $post_id, PostSnapshot::META_MANAGED );
		}
		$back = add_query_arg( 'post_type', $post->post_type, admin_url( 'edit.php' ) );
		wp_safe_redirect( add_query_arg( 'igny8_managed', $manage ? '1' : '0', $back ) );
		exit;
	}

	/**
	 * `admin_notices`: what the last manage/unmanage did (display only).
	 */
	public function manage_notice(): void {
		if ( ! isset( $_GET['igny8_managed'] ) || ! current_user_can( 'edit_posts' ) ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- display only, changes nothing.
			return;
		}
		$managed = '1' === sanitize_key( wp_unslash( (string) $_GET['igny8_managed'] ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- display only, changes nothing.
		$message = $managed ? __( 'IGNY8 may now update this post.', 'igny8-bridge' ) : __( 'IGNY8 no longer manages this post.', 'igny8-bridge' );
		echo '<div class="notice notice-success is-dismissible"><p>' . esc_html( $message ) . '</p></div>';
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
