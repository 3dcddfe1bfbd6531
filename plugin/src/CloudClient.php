<?php
/**
 * HTTP client for the IGNY8 cloud API.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge;

use IGNY8\Bridge\Security\RequestVerifier;
use WP_Error;

/**
 * Talks to the cloud through the WordPress HTTP API and unwraps its response
 * envelope `{success, data, message, request_id}`. Calls are signed with the
 * paired key's id and derived secret; the key itself travels once, on the
 * test-connection that pairs it (docs/bridge-protocol.md → Secrets).
 */
final class CloudClient {

	public const HEALTH_PATH     = '/api/v1/health/';
	public const TEST_PATH       = '/api/v1/integration/integrations/test-connection/';
	public const EVENTS_PATH     = '/api/v1/integration/events/';
	public const DEFAULT_TIMEOUT = 5;
	public const API_KEY_HEADER  = 'X-IGNY8-API-Key';

	/**
	 * Where the cloud URL and key come from.
	 *
	 * @var Options
	 */
	private $options;

	/**
	 * @param Options $options The plugin's settings.
	 */
	public function __construct( Options $options ) {
		$this->options = $options;
	}

	/**
	 * Asks the cloud for its health.
	 *
	 * @return array{status: string, version: string, db: array<string, mixed>|null, queue: array<string, mixed>|null}|WP_Error
	 *         The health data, or an error with a message fit to show an editor.
	 */
	public function health() {
		$data = $this->get( self::HEALTH_PATH );
		if ( is_wp_error( $data ) ) {
			return $data;
		}
		if ( ! isset( $data['status'] ) || ! is_string( $data['status'] ) ) {
			return new WP_Error(
				'igny8_bad_response',
				__( 'The IGNY8 cloud answered, but not with a health report. Check the cloud URL.', 'igny8-bridge' )
			);
		}
		return array(
			'status'  => $data['status'],
			'version' => isset( $data['version'] ) && is_string( $data['version'] ) ? $data['version'] : '',
			'db'      => isset( $data['db'] ) && is_array( $data['db'] ) ? $data['db'] : null,
			'queue'   => isset( $data['queue'] ) && is_array( $data['queue'] ) ? $data['queue'] : null,
		);
	}

	/**
	 * Sends a GET request to the cloud and returns the envelope's `data`.
	 *
	 * @param string $path Path under the cloud URL, starting with a slash.
	 * @return array<string, mixed>|WP_Error
	 */
	public function get( string $path ) {
		$base = $this->options->cloud_url();
		if ( null === $base ) {
			return new WP_Error( 'igny8_not_configured', __( 'The IGNY8 cloud URL is not set.', 'igny8-bridge' ) );
		}

		$response = wp_remote_get(
			$base . $path,
			array(
				'timeout'     => self::DEFAULT_TIMEOUT,
				'redirection' => 0,
				'headers'     => array( 'Accept' => 'application/json' ),
			)
		);

		return $this->parse_response( $response );
	}

	/**
	 * Sends a JSON POST to the cloud, signed, and returns the envelope's `data`.
	 * The test-connection with a key that has not paired yet sends that key
	 * instead (pairing) and, once the cloud accepts it, stores the key's id and
	 * derived secret to sign with from then on.
	 *
	 * @param string               $path    Path under the cloud URL, starting with `/api/v1/`.
	 * @param array<string, mixed> $body    The JSON body.
	 * @param int                  $timeout Seconds.
	 * @return array<string, mixed>|WP_Error Errors carry `status` (HTTP code, 0 when unreachable).
	 */
	public function post( string $path, array $body, int $timeout = 15 ) {
		$base = $this->options->cloud_url();
		if ( null === $base || null === $this->options->api_key() ) {
			return new WP_Error( 'igny8_not_configured', __( 'The IGNY8 cloud URL or the site API key is not set.', 'igny8-bridge' ), array( 'status' => 0 ) );
		}
		$raw     = (string) wp_json_encode( $body );
		$to_pair = self::TEST_PATH === $path ? $this->options->key_to_pair() : null;
		$auth    = null === $to_pair
			? RequestVerifier::sign_outgoing( $this->options, 'POST', $path, $raw )
			: array( self::API_KEY_HEADER => $to_pair );
		if ( null === $auth ) {
			return new WP_Error( 'igny8_not_paired', __( 'This site has not paired with IGNY8 yet: run "Test connection" under IGNY8 → Settings.', 'igny8-bridge' ), array( 'status' => 0 ) );
		}
		$response = wp_remote_post(
			$base . $path,
			array(
				'timeout'     => $timeout,
				'redirection' => 0,
				'headers'     => array_merge(
					array(
						'Accept'       => 'application/json',
						'Content-Type' => 'application/json',
					),
					$auth
				),
				'body'        => $raw,
			)
		);
		$data = $this->parse_response( $response );
		if ( null !== $to_pair && ! is_wp_error( $data ) ) {
			if ( ! isset( $data['key_id'] ) || ! is_int( $data['key_id'] ) || $data['key_id'] < 1 ) {
				return new WP_Error( 'igny8_bad_response', __( 'The IGNY8 cloud accepted the key but did not say its id; update the cloud, then test the connection again.', 'igny8-bridge' ), array( 'status' => 0 ) );
			}
			$this->options->pair( $to_pair, $data['key_id'] );
		}
		return $data;
	}

	/**
	 * Turns a WordPress HTTP API response into the envelope's `data` or an error.
	 *
	 * @param array<string, mixed>|WP_Error $response What `wp_remote_request()` returned.
	 * @return array<string, mixed>|WP_Error
	 */
	private function parse_response( $response ) {
		if ( is_wp_error( $response ) ) {
			return new WP_Error(
				'igny8_unreachable',
				sprintf(
					/* translators: %s: the transport error, e.g. "cURL error 7: Failed to connect". */
					__( 'Could not reach the IGNY8 cloud: %s', 'igny8-bridge' ),
					$response->get_error_message()
				),
				array( 'status' => 0 )
			);
		}

		$code = (int) wp_remote_retrieve_response_code( $response );
		$body = json_decode( (string) wp_remote_retrieve_body( $response ), true );

		if ( $code < 200 || $code >= 300 ) {
			$detail = is_array( $body ) && isset( $body['error'] ) && is_string( $body['error'] ) ? $body['error'] : '';
			return new WP_Error(
				'igny8_http_error',
				'' === $detail
					? sprintf(
						/* translators: %d: HTTP status code, e.g. 502. */
						__( 'The IGNY8 cloud answered with HTTP %d.', 'igny8-bridge' ),
						$code
					)
					: sprintf(
						/* translators: 1: HTTP status code, e.g. 502. 2: the cloud's error message. */
						__( 'The IGNY8 cloud answered with HTTP %1$d: %2$s', 'igny8-bridge' ),
						$code,
						$detail
					),
				array( 'status' => $code )
			);
		}

		if ( ! is_array( $body ) || true !== ( $body['success'] ?? null ) || ! isset( $body['data'] ) || ! is_array( $body['data'] ) ) {
			return new WP_Error(
				'igny8_bad_response',
				__( 'The IGNY8 cloud sent a response this plugin does not understand. Check the cloud URL.', 'igny8-bridge' ),
				array( 'status' => $code )
			);
		}

		return $body['data'];
	}
}
