<?php
/**
 * The block editor's IGNY8 sidebar: its bundle, the post meta it reads and its resync route.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Admin;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Rest\ConnectionController;
use IGNY8\Bridge\Rest\SessionController;
use IGNY8\Bridge\Sync\EventRecorder;
use IGNY8\Bridge\Sync\OutboxDrainer;
use IGNY8\Bridge\Sync\PostSnapshot;
use WP_Error;
use WP_Post;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * Exposes the `_igny8_*` post meta read-only in the REST API (the sidebar
 * reads it through the editor's own post record), loads the sidebar bundle
 * in the block editor, and offers `POST igny8/v1/editor/resync/{id}`.
 */
final class EditorSidebar {

	/** Meta the sidebar shows, with its REST type. */
	public const META = array(
		PostSnapshot::META_TASK_ID         => 'integer',
		PostSnapshot::META_CONTENT_ID      => 'integer',
		PostSnapshot::META_REVISION        => 'integer',
		PostSnapshot::META_MANAGED         => 'string',
		PostSnapshot::META_WP_STATUS       => 'string',
		PostSnapshot::META_LAST_SYNCED     => 'string',
		PostSnapshot::META_DESCRIPTION     => 'string',
		PostSnapshot::META_META_TITLE      => 'string',
		PostSnapshot::META_FOCUS_KEYPHRASE => 'string',
		PostSnapshot::META_SOURCE_URL      => 'string',
	);

	/**
	 * @var AssetLoader
	 */
	private $assets;

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
	 * @param AssetLoader   $assets  Loads the built bundles.
	 * @param Options       $options The plugin's settings.
	 * @param EventRecorder $events  Records post events.
	 * @param OutboxDrainer $drainer Sends them.
	 */
	public function __construct( AssetLoader $assets, Options $options, EventRecorder $events, OutboxDrainer $drainer ) {
		$this->assets  = $assets;
		$this->options = $options;
		$this->events  = $events;
		$this->drainer = $drainer;
	}

	/**
	 * Hooks into WordPress.
	 */
	public function register(): void {
		add_action( 'init', array( $this, 'register_meta' ) );
		add_action( 'enqueue_block_editor_assets', array( $this, 'enqueue' ) );
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers the meta for every synced post type, read-only over REST
	 * (only the cloud, through the bridge, writes it) and only in
	 * `context=edit`, which the core REST API grants only to users who can
	 * edit the post: the block editor reads it, visitors and subscribers never.
	 */
	public function register_meta(): void {
		$types = array_unique( array_merge( $this->options->synced_post_types(), array( 'post', 'page' ) ) );
		foreach ( $types as $type ) {
			foreach ( self::META as $key => $meta_type ) {
				register_post_meta(
					$type,
					$key,
					array(
						'type'          => $meta_type,
						'single'        => true,
						'show_in_rest'  => array(
							'schema' => array(
								'type'    => $meta_type,
								'context' => array( 'edit' ),
							),
						),
						'auth_callback' => '__return_false',
					)
				);
			}
		}
	}

	/**
	 * Runs on `enqueue_block_editor_assets`; only users who can edit posts get the sidebar.
	 */
	public function enqueue(): void {
		if ( current_user_can( AdminPage::CAPABILITY ) ) {
			$this->assets->enqueue_editor( array( 'sessionScope' => SessionController::scope( $this->options ) ) );
		}
	}

	/**
	 * Registers the resync route.
	 */
	public function register_routes(): void {
		register_rest_route(
			ConnectionController::REST_NAMESPACE,
			'/editor/resync/(?P<id>\d+)',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'resync' ),
				'permission_callback' => array( $this, 'resync_permissions_check' ),
				'args'                => array(
					'id' => array(
						'type'              => 'integer',
						'minimum'           => 1,
						'required'          => true,
						'validate_callback' => 'rest_validate_request_arg',
					),
				),
			)
		);
	}

	/**
	 * The user must be able to edit this very post.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return true|WP_Error
	 */
	public function resync_permissions_check( WP_REST_Request $request ) {
		if ( current_user_can( 'edit_post', (int) $request['id'] ) ) {
			return true;
		}
		return new WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to edit this post.', 'igny8-bridge' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/**
	 * Queues the post's current state for the cloud and sends the outbox now.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function resync( WP_REST_Request $request ) {
		$post = get_post( (int) $request['id'] );
		if ( ! $post instanceof WP_Post ) {
			return new WP_Error( 'rest_post_invalid_id', __( 'Invalid post ID.', 'igny8-bridge' ), array( 'status' => 404 ) );
		}
		if ( null === $this->options->api_key() ) {
			return new WP_Error( 'igny8_not_configured', __( 'This site is not connected to IGNY8 yet.', 'igny8-bridge' ), array( 'status' => 409 ) );
		}
		$event_id = $this->events->record_saved( $post, true );
		$result   = $this->drainer->drain();
		return new WP_REST_Response(
			array(
				'queued' => null !== $event_id,
				'drain'  => $result,
			),
			200
		);
	}
}
