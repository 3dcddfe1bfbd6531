<?php
/**
 * Helpers for tests of the routes the cloud calls.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Security\RequestVerifier;
use WP_REST_Request;
use WP_REST_Response;

/**
 * Signs requests exactly as the cloud does (docs/bridge-protocol.md).
 */
abstract class BridgeTestCase extends TestCase {

	protected const KEY = 'ig8_test_0123456789abcdefghijklmnopqrstuv';

	/** The key's id in the cloud, as the pairing answered it. */
	protected const KEY_ID = 41;

	/** The site is configured and has paired with KEY. */
	protected function setUp(): void {
		parent::setUp();
		( new Options() )->set_cloud_url( 'http://127.0.0.1:9' );
		( new Options() )->set_api_key( self::KEY );
		( new Options() )->pair( self::KEY, self::KEY_ID );
	}

	/**
	 * Builds a signed request.
	 *
	 * @param string               $method  Method.
	 * @param string               $route   Route.
	 * @param array<string, mixed>|null $body JSON body.
	 * @param array<string, string> $query  Query.
	 * @param array<string, mixed> $override Overrides: key (the key whose derived secret signs), key_id, timestamp, request_id, signature, body (raw body sent instead of the signed one), api_key (sent in plain too).
	 */
	protected function signed( string $method, string $route, ?array $body = null, array $query = array(), array $override = array() ): WP_REST_Request {
		$raw        = null === $body ? '' : (string) wp_json_encode( $body );
		$timestamp  = (string) ( $override['timestamp'] ?? time() );
		$request_id = (string) ( $override['request_id'] ?? wp_generate_uuid4() );
		$key        = (string) ( $override['key'] ?? self::KEY );
		$canonical  = RequestVerifier::canonical( $method, $route, $query, $timestamp, $request_id, $raw );
		$request    = new WP_REST_Request( $method, $route );
		$request->set_query_params( $query );
		if ( isset( $override['api_key'] ) ) {
			$request->set_header( 'X-IGNY8-API-Key', (string) $override['api_key'] );
		}
		$request->set_header( 'X-IGNY8-Key-Id', (string) ( $override['key_id'] ?? self::KEY_ID ) );
		$request->set_header( 'X-IGNY8-Timestamp', $timestamp );
		$request->set_header( 'X-IGNY8-Request-Id', $request_id );
		$request->set_header( 'X-IGNY8-Signature', (string) ( $override['signature'] ?? RequestVerifier::sign( RequestVerifier::derive_secret( $key ), (string) $canonical ) ) );
		$sent = isset( $override['body'] ) ? (string) $override['body'] : $raw;
		if ( '' !== $sent ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( $sent );
		}
		return $request;
	}

	/**
	 * Dispatches a request.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	protected function dispatch( WP_REST_Request $request ): WP_REST_Response {
		$response = rest_do_request( $request );
		$this->assertInstanceOf( WP_REST_Response::class, $response );
		return $response;
	}

	/**
	 * A minimal valid publish body.
	 *
	 * @param int                  $content_id Content id.
	 * @param array<string, mixed> $extra      More fields.
	 * @return array<string, mixed>
	 */
	protected static function publish_body( int $content_id, array $extra = array() ): array {
		return array_merge(
			array(
				'content_id'       => $content_id,
				'revision'         => 1,
				'task_id'          => $content_id + 1000,
				'title'            => 'Bridge post ' . $content_id,
				'content_html'     => '<h2>Intro</h2><p>Hello <strong>world</strong>.</p><script>alert(1)</script>',
				'excerpt'          => 'Short summary',
				'status'           => 'publish',
				'categories'       => array( 'IGNY8 News ' . $content_id ),
				'tags'             => array( 'seo-' . $content_id, 'wordpress' ),
				'meta_description' => 'Meta description ' . $content_id,
			),
			$extra
		);
	}
}
