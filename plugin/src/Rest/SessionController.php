<?php
/**
 * REST route that hands the wp-admin screens a short-lived cloud token.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Rest;

use IGNY8\Bridge\CloudClient;
use IGNY8\Bridge\Options;
use WP_Error;
use WP_REST_Response;
use WP_REST_Server;
use WP_User;

/**
 * `POST /wp-json/igny8/v1/session`: exchanges the site key (which never
 * leaves the server) for a 15-minute, site-scoped cloud token for the
 * logged-in user. The cloud role comes from WordPress capabilities:
 * `manage_options` → admin, `edit_others_posts` → editor, `edit_posts` →
 * viewer (may read everything, change nothing).
 */
final class SessionController {

	public const ROUTE       = '/session';
	public const CAPABILITY  = 'edit_posts';
	public const CLOUD_PATH  = '/api/v1/auth/site-session/';
	public const CLOUD_ROLES = array( 'admin', 'editor', 'viewer' );

	/**
	 * The plugin's settings.
	 *
	 * @var Options
	 */
	private $options;

	/**
	 * The cloud API client.
	 *
	 * @var CloudClient
	 */
	private $cloud;

	/**
	 * @param Options     $options The plugin's settings.
	 * @param CloudClient $cloud   The cloud API client.
	 */
	public function __construct( Options $options, CloudClient $cloud ) {
		$this->options = $options;
		$this->cloud   = $cloud;
	}

	/**
	 * Registers the route. Runs on `rest_api_init`.
	 */
	public function register_routes(): void {
		register_rest_route(
			ConnectionController::REST_NAMESPACE,
			self::ROUTE,
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array(),
				),
				'schema' => array( $this, 'get_item_schema' ),
			)
		);
	}

	/**
	 * Logged-in users who can edit posts. Cookie authentication only counts
	 * with a valid `wp_rest` nonce (WordPress drops the user otherwise), so
	 * a cross-site form cannot mint a token.
	 *
	 * @return true|WP_Error
	 */
	public function create_item_permissions_check() {
		if ( ! is_user_logged_in() ) {
			return new WP_Error( 'rest_not_logged_in', __( 'You must be logged in to use IGNY8.', 'igny8-bridge' ), array( 'status' => 401 ) );
		}
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return new WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to use IGNY8.', 'igny8-bridge' ), array( 'status' => rest_authorization_required_code() ) );
		}
		return true;
	}

	/**
	 * The cloud role for a WordPress user.
	 *
	 * @param WP_User $user The user.
	 * @return string One of self::CLOUD_ROLES.
	 */
	public static function role_for( WP_User $user ): string {
		if ( user_can( $user, 'manage_options' ) ) {
			return 'admin';
		}
		if ( user_can( $user, 'edit_others_posts' ) ) {
			return 'editor';
		}
		return 'viewer';
	}

	/**
	 * What a token minted now would stand for: this user, their cloud role,
	 * their WordPress login session and the site's connection. The screens
	 * keep a token across page loads only under the scope it was minted for,
	 * so signing out, a changed role or a new key makes them ask again.
	 * An HMAC with the site's auth salt, so printing it reveals nothing.
	 *
	 * @param Options $options The plugin's settings.
	 * @return string Empty when nobody is logged in or the site is not connected.
	 */
	public static function scope( Options $options ): string {
		$user = wp_get_current_user();
		if ( 0 === $user->ID || ! $options->is_configured() ) {
			return '';
		}
		return wp_hash(
			implode(
				"\n",
				array(
					(string) $user->ID,
					self::role_for( $user ),
					wp_get_session_token(),
					(string) $options->cloud_url(),
					(string) $options->api_key(),
				)
			),
			'auth'
		);
	}

	/**
	 * Asks the cloud for a token and relays it with what the screens need.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function create_item() {
		$cloud_url = $this->options->cloud_url();
		if ( ! $this->options->is_configured() || null === $cloud_url ) {
			return new WP_Error(
				'igny8_not_configured',
				__( 'This site is not connected to IGNY8 yet. An administrator can connect it under IGNY8 → Settings.', 'igny8-bridge' ),
				array( 'status' => 409 )
			);
		}

		$user = wp_get_current_user();
		$role = self::role_for( $user );
		$data = $this->cloud->post(
			self::CLOUD_PATH,
			array(
				'wp_user' => array(
					'id'           => (int) $user->ID,
					'login'        => (string) $user->user_login,
					'email'        => (string) $user->user_email,
					'display_name' => (string) $user->display_name,
				),
				'role'    => $role,
			)
		);

		if ( is_wp_error( $data ) ) {
			$status = (int) ( $data->get_error_data()['status'] ?? 0 );
			// 0: the cloud could not be reached; 401/403: the site key was refused.
			return new WP_Error(
				0 === $status ? 'igny8_unreachable' : 'igny8_session_refused',
				$data->get_error_message(),
				array( 'status' => 0 === $status ? 503 : 502 )
			);
		}

		$token      = isset( $data['access'] ) && is_string( $data['access'] ) ? $data['access'] : '';
		$expires_at = isset( $data['expires_at'] ) && is_string( $data['expires_at'] ) ? $data['expires_at'] : '';
		if ( '' === $token || '' === $expires_at ) {
			return new WP_Error(
				'igny8_bad_response',
				__( 'The IGNY8 cloud sent a session this plugin does not understand.', 'igny8-bridge' ),
				array( 'status' => 502 )
			);
		}
		$granted = isset( $data['role'] ) && in_array( $data['role'], self::CLOUD_ROLES, true ) ? $data['role'] : $role;

		$response = new WP_REST_Response(
			array(
				'token'      => $token,
				'expires_at' => $expires_at,
				'cloud_url'  => $cloud_url,
				'site_id'    => isset( $data['site_id'] ) ? (int) $data['site_id'] : null,
				'role'       => $granted,
			),
			200
		);
		// A token must never sit in a shared cache.
		$response->header( 'Cache-Control', 'no-store, private' );
		return $response;
	}

	/**
	 * The response schema.
	 *
	 * @return array<string, mixed>
	 */
	public function get_item_schema(): array {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'igny8-session',
			'type'       => 'object',
			'properties' => array(
				'token'      => array( 'type' => 'string' ),
				'expires_at' => array(
					'type'   => 'string',
					'format' => 'date-time',
				),
				'cloud_url'  => array(
					'type'   => 'string',
					'format' => 'uri',
				),
				'site_id'    => array( 'type' => array( 'integer', 'null' ) ),
				'role'       => array(
					'type' => 'string',
					'enum' => self::CLOUD_ROLES,
				),
			),
		);
	}
}
