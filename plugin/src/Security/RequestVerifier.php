<?php
/**
 * Authenticates the cloud's calls to the bridge routes.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Security;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Schema;
use WP_Error;
use WP_REST_Request;

/**
 * The `permission_callback` of every `igny8/v1` route the cloud calls: the
 * paired key's id, timestamp within 300 s, HMAC-SHA256 signature (with the
 * secret derived from the key at pairing, compared with `hash_equals`) over
 * the canonical request, and a request id never seen before. The key itself
 * is never sent: a call that carries it is refused. See
 * docs/bridge-protocol.md → "Authentication of every call".
 */
final class RequestVerifier {

	public const TOLERANCE = 300;

	/** What the signing secret is derived with (docs/bridge-protocol.md → Secrets). */
	public const SIGNING_LABEL = 'igny8-bridge-signing-v1';

	// What remember() found.
	private const RECORDED   = 'recorded';
	private const SEEN       = 'seen';
	private const UNRECORDED = 'unrecorded';

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @param Options $options Holds the pairing.
	 */
	public function __construct( Options $options ) {
		$this->options = $options;
	}

	/**
	 * The canonical string both sides sign.
	 *
	 * @param string               $method     HTTP method.
	 * @param string               $route      REST route, e.g. `/igny8/v1/posts/12`.
	 * @param array<string, mixed> $query      Query parameters.
	 * @param string               $timestamp  The X-IGNY8-Timestamp value.
	 * @param string               $request_id The X-IGNY8-Request-Id value.
	 * @param string               $body       The raw body.
	 * @return string|null Null when a query value is not a scalar (never signed by the cloud).
	 */
	public static function canonical( string $method, string $route, array $query, string $timestamp, string $request_id, string $body ): ?string {
		unset( $query['rest_route'] );
		ksort( $query, SORT_STRING );
		$pairs = array();
		foreach ( $query as $name => $value ) {
			if ( ! is_scalar( $value ) ) {
				return null;
			}
			$pairs[] = rawurlencode( (string) $name ) . '=' . rawurlencode( (string) $value );
		}
		return implode(
			"\n",
			array(
				strtoupper( $method ),
				untrailingslashit( $route ),
				implode( '&', $pairs ),
				$timestamp,
				$request_id,
				hash( 'sha256', $body ),
			)
		);
	}

	/**
	 * The secret a site key signs with once paired: HMAC-SHA256(key, label), hex.
	 *
	 * @param string $key The site key.
	 */
	public static function derive_secret( string $key ): string {
		return hash_hmac( 'sha256', self::SIGNING_LABEL, $key );
	}

	/**
	 * Signs a canonical string with the signing secret.
	 *
	 * @param string $secret    The derived secret (see derive_secret()).
	 * @param string $canonical See canonical().
	 */
	public static function sign( string $secret, string $canonical ): string {
		return hash_hmac( 'sha256', $canonical, $secret );
	}

	/**
	 * The headers of a signed call to the cloud (the same scheme, the other
	 * way), or null before the site has paired.
	 *
	 * @param Options $options The plugin's settings.
	 * @param string  $method  HTTP method.
	 * @param string  $path    The path from `/api/v1/` on, e.g. `/api/v1/integration/events/`.
	 * @param string  $body    The raw body.
	 * @return array<string, string>|null
	 */
	public static function sign_outgoing( Options $options, string $method, string $path, string $body ): ?array {
		$current = $options->credentials();
		if ( null === $current ) {
			return null;
		}
		$timestamp  = (string) time();
		$request_id = wp_generate_uuid4();
		return array(
			'X-IGNY8-Key-Id'     => (string) $current['key_id'],
			'X-IGNY8-Timestamp'  => $timestamp,
			'X-IGNY8-Request-Id' => $request_id,
			'X-IGNY8-Signature'  => self::sign( $current['secret'], (string) self::canonical( $method, $path, array(), $timestamp, $request_id, $body ) ),
		);
	}

	/**
	 * Checks a request. Records its id only once everything else has passed, so
	 * a forged request cannot burn the id of a genuine one.
	 *
	 * @param WP_REST_Request $request The incoming request.
	 * @return true|WP_Error
	 */
	public function verify( WP_REST_Request $request ) {
		$secrets = $this->options->signing_secrets();
		if ( array() === $secrets ) {
			return self::refuse( __( 'This site is not connected to IGNY8.', 'igny8-bridge' ) );
		}

		$key_id     = trim( (string) $request->get_header( 'x_igny8_key_id' ) );
		$timestamp  = trim( (string) $request->get_header( 'x_igny8_timestamp' ) );
		$request_id = trim( (string) $request->get_header( 'x_igny8_request_id' ) );
		$signature  = strtolower( trim( (string) $request->get_header( 'x_igny8_signature' ) ) );

		// The key was sent once, to pair; a call that carries it did not come from the cloud.
		if ( null !== $request->get_header( 'x_igny8_api_key' ) ) {
			return self::refuse( __( 'The site key is never sent after pairing; this request is refused.', 'igny8-bridge' ) );
		}
		if ( ! preg_match( '/^[1-9]\d{0,15}$/', $key_id ) || ! isset( $secrets[ (int) $key_id ] ) ) {
			return self::refuse( __( 'Unknown or retired IGNY8 key id.', 'igny8-bridge' ) );
		}
		if ( ! preg_match( '/^\d{1,12}$/', $timestamp ) || abs( time() - (int) $timestamp ) > self::TOLERANCE ) {
			return self::refuse( __( 'The request timestamp is missing or outside the allowed window.', 'igny8-bridge' ) );
		}
		if ( ! preg_match( '/^[A-Za-z0-9-]{8,64}$/', $request_id ) ) {
			return self::refuse( __( 'The request id is missing or malformed.', 'igny8-bridge' ) );
		}

		$canonical = self::canonical(
			$request->get_method(),
			$request->get_route(),
			(array) $request->get_query_params(),
			$timestamp,
			$request_id,
			(string) $request->get_body()
		);
		if ( null === $canonical || ! preg_match( '/^[0-9a-f]{64}$/', $signature ) || ! hash_equals( self::sign( $secrets[ (int) $key_id ], $canonical ), $signature ) ) {
			return self::refuse( __( 'Invalid request signature.', 'igny8-bridge' ) );
		}

		$remembered = $this->remember( $request_id );
		if ( self::SEEN === $remembered ) {
			return self::refuse( __( 'This request was already received.', 'igny8-bridge' ) );
		}
		if ( self::UNRECORDED === $remembered ) {
			return new WP_Error( 'igny8_unavailable', __( 'The site could not record the request in its database; send it again in a moment.', 'igny8-bridge' ), array( 'status' => 503 ) );
		}
		$current = $this->options->credentials();
		if ( null !== $current && $current['key_id'] === (int) $key_id ) {
			// The cloud signs with the new key: the one it replaced retires after the window.
			$this->options->confirm_current( self::TOLERANCE );
		}
		return true;
	}

	/**
	 * Stores a request id. A plain INSERT into the primary key (portable, unlike
	 * MySQL's INSERT IGNORE) makes this atomic on every database: of two racing
	 * copies exactly one succeeds, and the other's duplicate-key error is the
	 * answer "seen", not a fault to log. An id already stored is found first:
	 * the SQLite integration rolls back the caller's whole transaction on any
	 * failed statement, so that error is kept to the rare true race.
	 *
	 * @param string $request_id The id.
	 * @return string RECORDED, SEEN (already there) or UNRECORDED (the database failed).
	 */
	private function remember( string $request_id ): string {
		global $wpdb;
		$table = Schema::request_ids_table();
		$now   = time();
		// Ids older than twice the window can never pass the timestamp check again.
		if ( 0 === wp_rand( 0, 49 ) ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's replay-guard table: a cached answer could let a replayed request through.
			$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE seen_at < %d', $table, $now - 2 * self::TOLERANCE ) );
		}
		if ( self::stored( $request_id ) ) {
			return self::SEEN;
		}
		$suppressed = $wpdb->suppress_errors( true );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's replay-guard table: a cached answer could let a replayed request through.
		$inserted   = $wpdb->query( $wpdb->prepare( 'INSERT INTO %i (request_id, seen_at) VALUES (%s, %d)', $table, $request_id, $now ) );
		$wpdb->suppress_errors( $suppressed );
		if ( 1 === $inserted ) {
			return self::RECORDED;
		}
		return self::stored( $request_id ) ? self::SEEN : self::UNRECORDED;
	}

	/**
	 * Whether a request id is stored already.
	 *
	 * @param string $request_id The id.
	 */
	private static function stored( string $request_id ): bool {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's replay-guard table: a cached answer could let a replayed request through.
		return '1' === (string) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i WHERE request_id = %s', Schema::request_ids_table(), $request_id ) );
	}

	/**
	 * The one answer every failure gets.
	 *
	 * @param string $message Why (safe to show: it reveals no secret).
	 */
	private static function refuse( string $message ): WP_Error {
		return new WP_Error( 'igny8_unauthorized', $message, array( 'status' => 401 ) );
	}
}
