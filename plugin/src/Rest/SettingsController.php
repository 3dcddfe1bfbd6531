<?php
/**
 * REST routes behind the WordPress-side tabs of IGNY8 → Settings.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Rest;

use IGNY8\Bridge\Admin\SettingsPage;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\Sync\Outbox;
use IGNY8\Bridge\Sync\OutboxDrainer;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET|POST igny8/v1/settings` (connection, publishing defaults, what the
 * site shares), `POST igny8/v1/settings/test-connection`, `…/disconnect`,
 * `POST igny8/v1/outbox/send` and `…/outbox/retry`.
 *
 * Anyone who may open the IGNY8 screens (`edit_posts`) may read the settings,
 * so the tabs can show them read-only; only `manage_options` may change
 * anything. The key is write-only: no answer contains it. A save checks every
 * field first (SettingsPage's sanitize_* methods) and changes nothing when
 * one is refused.
 */
final class SettingsController {

	public const READ_CAPABILITY  = 'edit_posts';
	public const WRITE_CAPABILITY = 'manage_options';

	/**
	 * Field in the REST body → [option, SettingsPage sanitize method].
	 */
	private const FIELDS = array(
		'cloud_url'          => array( Options::CLOUD_URL, 'sanitize_cloud_url' ),
		'api_key'            => array( Options::API_KEY, 'sanitize_api_key' ),
		'post_types'         => array( Options::SYNCED_POST_TYPES, 'sanitize_post_types' ),
		'export_statuses'    => array( Options::EXPORT_STATUSES, 'sanitize_export_statuses' ),
		'image_hosts'        => array( Options::IMAGE_HOSTS, 'sanitize_image_hosts' ),
		'dead_letter_days'   => array( Options::DEAD_LETTER_DAYS, 'sanitize_dead_letter_days' ),
		'uninstall_delete'   => array( Options::REMOVE_META, 'sanitize_remove_meta' ),
		'default_status'     => array( Options::DEFAULT_STATUS, 'sanitize_default_status' ),
		'default_author'     => array( Options::DEFAULT_AUTHOR, 'sanitize_default_author' ),
		'default_categories' => array( Options::DEFAULT_CATEGORIES, 'sanitize_default_categories' ),
	);

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @var SettingsPage
	 */
	private $page;

	/**
	 * @var Outbox
	 */
	private $outbox;

	/**
	 * @var OutboxDrainer
	 */
	private $drainer;

	/**
	 * @param Options       $options Settings.
	 * @param SettingsPage  $page    The fields' sanitizers and the connection test.
	 * @param Outbox        $outbox  Queue.
	 * @param OutboxDrainer $drainer Sender.
	 */
	public function __construct( Options $options, SettingsPage $page, Outbox $outbox, OutboxDrainer $drainer ) {
		$this->options = $options;
		$this->page    = $page;
		$this->outbox  = $outbox;
		$this->drainer = $drainer;
	}

	/**
	 * Registers the routes. Runs on `rest_api_init`.
	 */
	public function register_routes(): void {
		$ns = ConnectionController::REST_NAMESPACE;
		register_rest_route(
			$ns,
			'/settings',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_settings' ),
					'permission_callback' => array( $this, 'can_read' ),
				),
				array(
					'methods'             => WP_REST_Server::EDITABLE,
					'callback'            => array( $this, 'update_settings' ),
					'permission_callback' => array( $this, 'can_write' ),
					'args'                => self::write_args(),
				),
			)
		);
		$actions = array(
			'/settings/test-connection' => 'test_connection',
			'/settings/disconnect'      => 'disconnect',
			'/outbox/send'              => 'send_outbox',
		);
		foreach ( $actions as $route => $callback ) {
			register_rest_route(
				$ns,
				$route,
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, $callback ),
					'permission_callback' => array( $this, 'can_write' ),
				)
			);
		}
		register_rest_route(
			$ns,
			'/outbox/retry',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'retry_outbox' ),
				'permission_callback' => array( $this, 'can_write' ),
				'args'                => array(
					'event_id' => array(
						'type'              => 'string',
						'maxLength'         => 64,
						'sanitize_callback' => 'sanitize_text_field',
					),
				),
			)
		);
	}

	/**
	 * The types WordPress checks before a save reaches the sanitizers.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	private static function write_args(): array {
		$strings = array(
			'type'  => 'array',
			'items' => array( 'type' => 'string' ),
		);
		return array(
			'cloud_url'          => array( 'type' => 'string' ),
			'api_key'            => array( 'type' => 'string' ),
			'post_types'         => $strings,
			'export_statuses'    => $strings,
			'image_hosts'        => $strings,
			'dead_letter_days'   => array( 'type' => 'integer' ),
			'uninstall_delete'   => array( 'type' => 'boolean' ),
			'default_status'     => array( 'type' => 'string' ),
			'default_author'     => array( 'type' => 'integer' ),
			'default_categories' => array(
				'type'  => 'array',
				'items' => array( 'type' => 'integer' ),
			),
		);
	}

	/**
	 * @return true|WP_Error
	 */
	public function can_read() {
		if ( current_user_can( self::READ_CAPABILITY ) ) {
			return true;
		}
		return new WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to view the IGNY8 settings.', 'igny8-bridge' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/**
	 * @return true|WP_Error
	 */
	public function can_write() {
		if ( current_user_can( self::WRITE_CAPABILITY ) ) {
			return true;
		}
		return new WP_Error( 'rest_forbidden', __( 'Only administrators (users who can manage options) can change the IGNY8 settings.', 'igny8-bridge' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/**
	 * `GET igny8/v1/settings`.
	 */
	public function get_settings(): WP_REST_Response {
		return self::no_store( new WP_REST_Response( $this->state(), 200 ) );
	}

	/**
	 * `POST igny8/v1/settings`: the fields sent, all checked before any is stored.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function update_settings( WP_REST_Request $request ) {
		$body    = $request->get_json_params();
		$body    = is_array( $body ) ? $body : $request->get_body_params();
		$unknown = array_diff( array_keys( is_array( $body ) ? $body : array() ), array_keys( self::FIELDS ) );
		if ( ! empty( $unknown ) ) {
			return new WP_Error(
				'igny8_unknown_setting',
				/* translators: %s: field names, comma-separated. */
				sprintf( __( 'Unknown settings: %s.', 'igny8-bridge' ), implode( ', ', array_map( 'sanitize_key', $unknown ) ) ),
				array( 'status' => 400 )
			);
		}
		$this->page->take_problems();
		$clean  = array();
		$errors = array();
		foreach ( self::FIELDS as $field => list( $option, $sanitize ) ) {
			if ( ! $request->has_param( $field ) ) {
				continue;
			}
			$value     = $request->get_param( $field );
			$sanitized = $this->page->$sanitize( $value );
			$problems  = $this->page->take_problems();
			if ( isset( $problems[ $option ] ) ) {
				$errors[ $field ] = $problems[ $option ];
				continue;
			}
			$clean[ $option ] = $sanitized;
		}
		if ( ! empty( $errors ) ) {
			return new WP_Error(
				'igny8_invalid_settings',
				implode( ' ', $errors ),
				array(
					'status' => 400,
					'fields' => $errors,
				)
			);
		}
		foreach ( $clean as $option => $value ) {
			update_option( $option, $value, false );
		}
		return self::no_store( new WP_REST_Response( $this->state(), 200 ) );
	}

	/**
	 * `POST igny8/v1/settings/test-connection`.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function test_connection() {
		if ( ! $this->options->is_configured() ) {
			return new WP_Error( 'igny8_not_configured', __( 'Save the cloud URL and the site key first, then test the connection.', 'igny8-bridge' ), array( 'status' => 400 ) );
		}
		$this->page->test_connection();
		return self::no_store( new WP_REST_Response( $this->state(), 200 ) );
	}

	/**
	 * `POST igny8/v1/settings/disconnect`.
	 */
	public function disconnect(): WP_REST_Response {
		$this->options->disconnect();
		return self::no_store( new WP_REST_Response( $this->state(), 200 ) );
	}

	/**
	 * `POST igny8/v1/outbox/send`: drains now; `result` is `sent`, `failed` or `busy`.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function send_outbox() {
		if ( ! $this->options->is_configured() ) {
			return new WP_Error( 'igny8_not_configured', __( 'Connect the site first: the outbox sends to the IGNY8 cloud.', 'igny8-bridge' ), array( 'status' => 400 ) );
		}
		$result = $this->drainer->drain();
		$state  = $this->state();
		$state['result'] = $result['locked'] ? 'busy' : ( null === $result['error'] ? 'sent' : 'failed' );
		$state['sent']   = (int) $result['sent'];
		return self::no_store( new WP_REST_Response( $state, 200 ) );
	}

	/**
	 * `POST igny8/v1/outbox/retry`: one dead letter (`event_id`) or all of them, then a send.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public function retry_outbox( WP_REST_Request $request ): WP_REST_Response {
		$event_id = (string) $request->get_param( 'event_id' );
		$queued   = $this->outbox->retry( '' === $event_id ? null : array( $event_id ) );
		if ( $this->options->is_configured() ) {
			$this->drainer->drain();
		}
		$state           = $this->state();
		$state['queued'] = $queued;
		return self::no_store( new WP_REST_Response( $state, 200 ) );
	}

	/**
	 * Everything the tabs show. Never the key: only whether one is stored and its last characters.
	 *
	 * @return array<string, mixed>
	 */
	public function state(): array {
		$connection = $this->options->connection();
		$manage     = current_user_can( self::WRITE_CAPABILITY );
		$outbox     = get_option( Options::OUTBOX_STATE, array() );
		$outbox     = is_array( $outbox ) ? $outbox : array();
		return array(
			'can_manage' => $manage,
			'connection' => array(
				'cloud_url'    => $this->options->cloud_url(),
				'key_set'      => null !== $this->options->api_key(),
				'key_last4'    => $manage ? $this->options->api_key_last4() : null,
				'connected'    => $connection['connected'],
				'checked_at'   => '' === $connection['checked_at'] ? null : $connection['checked_at'],
				'error'        => '' === $connection['error'] ? null : $connection['error'],
			),
			'outbox'     => array_merge(
				$this->outbox->stats(),
				array(
					'last_error'      => isset( $outbox['last_error'] ) && '' !== (string) $outbox['last_error'] ? (string) $outbox['last_error'] : null,
					'last_success_at' => isset( $outbox['last_success_at'] ) && '' !== (string) $outbox['last_success_at'] ? (string) $outbox['last_success_at'] : null,
				)
			),
			'publishing' => array(
				'default_status'     => $this->options->default_post_status(),
				'default_author'     => $this->options->default_author(),
				'default_categories' => $this->options->default_categories(),
			),
			'data'       => array(
				'post_types'       => $this->options->synced_post_types(),
				'export_statuses'  => $this->options->export_statuses(),
				'image_hosts'      => $this->options->image_hosts(),
				'dead_letter_days' => $this->options->dead_letter_days(),
				'uninstall_delete' => $this->options->remove_meta_on_uninstall(),
			),
			'choices'    => $this->choices(),
		);
	}

	/**
	 * What the tabs offer to choose from, with WordPress's own labels.
	 *
	 * @return array<string, array<int, array{value: string|int, label: string}>>
	 */
	private function choices(): array {
		$types = array();
		foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) {
			if ( 'attachment' !== $type->name ) {
				$types[] = array(
					'value' => $type->name,
					'label' => (string) $type->label,
				);
			}
		}
		$statuses = array();
		foreach ( Options::EXPORTABLE_STATUSES as $status ) {
			$object     = get_post_status_object( $status );
			$statuses[] = array(
				'value' => $status,
				'label' => $object ? (string) $object->label : $status,
			);
		}
		$authors = array();
		foreach (
			get_users(
				array(
					'capability' => 'publish_posts',
					'orderby'    => 'display_name',
					'number'     => 200,
					'fields'     => array( 'ID', 'display_name' ),
				)
			) as $user
		) {
			$authors[] = array(
				'value' => (int) $user->ID,
				'label' => (string) $user->display_name,
			);
		}
		$categories = array();
		$terms      = get_terms(
			array(
				'taxonomy'   => 'category',
				'hide_empty' => false,
				'number'     => 500,
			)
		);
		foreach ( is_array( $terms ) ? $terms : array() as $term ) {
			$categories[] = array(
				'value' => (int) $term->term_id,
				'label' => (string) $term->name,
			);
		}
		return array(
			'post_types'      => $types,
			'export_statuses' => $statuses,
			'authors'         => $authors,
			'categories'      => $categories,
		);
	}

	/**
	 * Settings depend on the user and change at any time: never cached.
	 *
	 * @param WP_REST_Response $response The answer.
	 */
	private static function no_store( WP_REST_Response $response ): WP_REST_Response {
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}
}
