<?php
/**
 * REST route reporting the site's connection to the IGNY8 cloud.
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

/**
 * `GET /wp-json/igny8/v1/connection`: whether the plugin is configured and
 * whether the cloud answers its health check. For editors (`edit_posts`).
 */
final class ConnectionController {

	public const REST_NAMESPACE = 'igny8/v1';
	public const ROUTE          = '/connection';
	public const CAPABILITY     = 'edit_posts';

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
			self::REST_NAMESPACE,
			self::ROUTE,
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => array(),
				),
				'schema' => array( $this, 'get_item_schema' ),
			)
		);
	}

	/**
	 * Only users who can edit posts may see the connection state.
	 *
	 * @return true|WP_Error
	 */
	public function get_item_permissions_check() {
		if ( current_user_can( self::CAPABILITY ) ) {
			return true;
		}
		return new WP_Error(
			'rest_forbidden',
			__( 'Sorry, you are not allowed to view the IGNY8 connection.', 'igny8-bridge' ),
			array( 'status' => rest_authorization_required_code() )
		);
	}

	/**
	 * Reports the configuration and, when configured, the cloud's health.
	 */
	public function get_item(): WP_REST_Response {
		$configured = $this->options->is_configured();
		$answer     = array(
			'configured'  => $configured,
			'cloud_url'   => $this->options->cloud_url(),
			'api_key_set' => null !== $this->options->api_key(),
			'reachable'   => null,
			'cloud'       => null,
			'error'       => null,
		);

		if ( $configured ) {
			$health = $this->cloud->health();
			if ( is_wp_error( $health ) ) {
				$answer['reachable'] = false;
				$answer['error']     = $health->get_error_message();
			} else {
				$answer['reachable'] = true;
				$answer['cloud']     = array(
					'status'       => $health['status'],
					'version'      => $health['version'],
					'db_mode'      => self::string_at( $health['db'], 'mode' ),
					'queue_driver' => self::string_at( $health['queue'], 'driver' ),
				);
			}
		}

		$response = new WP_REST_Response( $answer, 200 );
		// The answer depends on live state and the user's session: never cache it.
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * The response's JSON schema.
	 *
	 * @return array<string, mixed>
	 */
	public function get_item_schema(): array {
		$nullable_string = array( 'type' => array( 'string', 'null' ) );
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'igny8-connection',
			'type'       => 'object',
			'properties' => array(
				'configured'  => array(
					'description' => __( 'Whether the cloud URL and the API key are both set.', 'igny8-bridge' ),
					'type'        => 'boolean',
				),
				'cloud_url'   => array_merge( $nullable_string, array( 'format' => 'uri' ) ),
				'api_key_set' => array( 'type' => 'boolean' ),
				'reachable'   => array(
					'description' => __( 'Whether the cloud answered its health check; null when not configured.', 'igny8-bridge' ),
					'type'        => array( 'boolean', 'null' ),
				),
				'cloud'       => array(
					'type'       => array( 'object', 'null' ),
					'properties' => array(
						'status'       => array( 'type' => 'string' ),
						'version'      => array( 'type' => 'string' ),
						'db_mode'      => $nullable_string,
						'queue_driver' => $nullable_string,
					),
				),
				'error'       => $nullable_string,
			),
		);
	}

	/**
	 * Reads a string member of an optional array.
	 *
	 * @param array<string, mixed>|null $data The array, if any.
	 * @param string                    $key  The member's name.
	 */
	private static function string_at( ?array $data, string $key ): ?string {
		if ( null === $data || ! isset( $data[ $key ] ) || ! is_string( $data[ $key ] ) ) {
			return null;
		}
		return $data[ $key ];
	}
}
