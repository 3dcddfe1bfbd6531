<?php
/**
 * Bridge trust: the key is sent once, to pair; every call after is signed
 * with the key's id and derived secret, in both directions, and a key a new
 * one replaced retires once the cloud has used the new one.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\CloudClient;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Security\RequestVerifier;

require_once __DIR__ . '/BridgeTestCase.php';

final class BridgeSigningTest extends BridgeTestCase {

	private const NEW_KEY    = 'ig8_next_abcdefghijklmnopqrstuvwxyz012345';
	private const NEW_KEY_ID = 52;

	/** Every igny8/v1 route the cloud calls, with a body where it takes one. */
	private const ROUTES = array(
		array( 'GET', '/igny8/v1/site-metadata' ),
		array( 'GET', '/igny8/v1/posts' ),
		array( 'GET', '/igny8/v1/post-by-task-id/5' ),
		array( 'GET', '/igny8/v1/post-by-content-id/5' ),
		array( 'POST', '/igny8/v1/posts' ),
		array( 'PUT', '/igny8/v1/posts/1' ),
	);

	/**
	 * Signs a call to one of ROUTES.
	 *
	 * @param array{0: string, 1: string} $route    Method and route.
	 * @param array<string, mixed>        $override See BridgeTestCase::signed().
	 */
	private function call( array $route, array $override = array() ): \WP_REST_Response {
		$body = 'GET' === $route[0] ? null : self::publish_body( 901 );
		return $this->dispatch( $this->signed( $route[0], $route[1], $body, array(), $override ) );
	}

	/**
	 * Asserts the answer is the verifier's refusal.
	 *
	 * @param \WP_REST_Response $response The answer.
	 * @param string            $what     Which case.
	 */
	private function assertRefused( \WP_REST_Response $response, string $what ): void {
		$this->assertSame( 401, $response->get_status(), $what );
		$this->assertSame( 'igny8_unauthorized', $response->get_data()['code'], $what );
	}

	/** The site pairs NEW_KEY; the cloud then signs with it, so KEY retires after the window. */
	private function rotate_and_confirm(): void {
		( new Options() )->pair( self::NEW_KEY, self::NEW_KEY_ID );
		$confirmed = $this->dispatch( $this->signed( 'GET', '/igny8/v1/site-metadata', null, array(), array( 'key' => self::NEW_KEY, 'key_id' => self::NEW_KEY_ID ) ) );
		$this->assertSame( 200, $confirmed->get_status() );
	}

	/** Moves the replaced key's retirement into the past, as if the window had gone by. */
	private static function let_the_window_pass(): void {
		$stored                           = get_option( Options::CREDENTIALS );
		$stored['previous']['retires_at'] = time() - 1;
		update_option( Options::CREDENTIALS, $stored, false );
	}

	public function test_the_secret_is_derived_as_the_protocol_says(): void {
		$this->assertSame( hash_hmac( 'sha256', 'igny8-bridge-signing-v1', self::KEY ), RequestVerifier::derive_secret( self::KEY ) );
		$credentials = ( new Options() )->credentials();
		$this->assertSame( self::KEY_ID, $credentials['key_id'] );
		$this->assertSame( RequestVerifier::derive_secret( self::KEY ), $credentials['secret'] );
		$this->assertStringNotContainsString( self::KEY, (string) wp_json_encode( get_option( Options::CREDENTIALS ) ) );
	}

	public function test_every_route_accepts_the_correct_signature(): void {
		foreach ( self::ROUTES as $route ) {
			$this->assertNotSame( 401, $this->call( $route )->get_status(), "{$route[0]} {$route[1]}" );
		}
	}

	public function test_every_route_refuses_a_wrong_signature(): void {
		foreach ( self::ROUTES as $route ) {
			$this->assertRefused( $this->call( $route, array( 'signature' => str_repeat( 'b', 64 ) ) ), "{$route[0]} {$route[1]}: forged" );
			$this->assertRefused( $this->call( $route, array( 'key' => 'ig8_other_0123456789abcdefghijklmnopqrst' ) ), "{$route[0]} {$route[1]}: another key's secret" );
			$canonical = RequestVerifier::canonical( $route[0], $route[1], array(), (string) time(), 'rid-plain-' . wp_rand(), '' );
			$this->assertRefused( $this->call( $route, array( 'signature' => RequestVerifier::sign( self::KEY, (string) $canonical ) ) ), "{$route[0]} {$route[1]}: signed with the plain key" );
		}
		$this->assertNull( \IGNY8\Bridge\Publishing\PostPublisher::find_by_content_id( 901 ) );
	}

	public function test_every_route_refuses_the_plain_key_header(): void {
		foreach ( self::ROUTES as $route ) {
			$this->assertRefused( $this->call( $route, array( 'api_key' => self::KEY ) ), "{$route[0]} {$route[1]}" );
		}
		$this->assertNull( \IGNY8\Bridge\Publishing\PostPublisher::find_by_content_id( 901 ) );
	}

	public function test_every_route_refuses_a_replayed_request_id(): void {
		foreach ( self::ROUTES as $index => $route ) {
			$body    = 'GET' === $route[0] ? null : self::publish_body( 910 + $index );
			$request = $this->signed( $route[0], $route[1], $body );
			$this->assertNotSame( 401, $this->dispatch( $request )->get_status(), "{$route[0]} {$route[1]}: first" );
			$this->assertRefused( $this->dispatch( $request ), "{$route[0]} {$route[1]}: replayed" );
		}
	}

	public function test_a_replaced_key_is_accepted_until_the_cloud_uses_the_new_one_plus_the_window(): void {
		( new Options() )->pair( self::NEW_KEY, self::NEW_KEY_ID );
		// The cloud has not signed with the new key yet: calls signed before still count.
		$this->assertSame( 200, $this->dispatch( $this->signed( 'GET', '/igny8/v1/site-metadata' ) )->get_status() );
		$this->assertNull( ( new Options() )->credentials()['previous']['retires_at'] );

		// The cloud signs with the new key: the old one has the window left.
		$this->assertSame( 200, $this->dispatch( $this->signed( 'GET', '/igny8/v1/site-metadata', null, array(), array( 'key' => self::NEW_KEY, 'key_id' => self::NEW_KEY_ID ) ) )->get_status() );
		$retires = ( new Options() )->credentials()['previous']['retires_at'];
		$this->assertGreaterThan( time() + RequestVerifier::TOLERANCE - 5, $retires );
		// Within the window the old secret still passes.
		$this->assertSame( 200, $this->dispatch( $this->signed( 'GET', '/igny8/v1/site-metadata' ) )->get_status() );

		self::let_the_window_pass();
		$this->assertRefused( $this->dispatch( $this->signed( 'GET', '/igny8/v1/site-metadata' ) ), 'after the window' );
		$this->assertSame( 200, $this->dispatch( $this->signed( 'GET', '/igny8/v1/site-metadata', null, array(), array( 'key' => self::NEW_KEY, 'key_id' => self::NEW_KEY_ID ) ) )->get_status() );
	}

	public function test_every_route_refuses_a_rotated_out_secret(): void {
		$this->rotate_and_confirm();
		self::let_the_window_pass();
		foreach ( self::ROUTES as $route ) {
			$this->assertRefused( $this->call( $route ), "{$route[0]} {$route[1]}: old key id" );
			$this->assertRefused( $this->call( $route, array( 'key_id' => self::NEW_KEY_ID ) ), "{$route[0]} {$route[1]}: old secret, new key id" );
		}
		$this->assertNull( \IGNY8\Bridge\Publishing\PostPublisher::find_by_content_id( 901 ) );
	}

	public function test_calls_to_the_cloud_are_signed_and_never_carry_the_key(): void {
		$requests = $this->intercept_http(
			static function () {
				return self::http_response( 200, '{"success":true,"data":{"accepted":[],"duplicates":[],"rejected":[]}}' );
			}
		);
		$answer = Plugin::instance()->cloud()->post( CloudClient::EVENTS_PATH, array( 'events' => array() ) );
		$this->assertIsArray( $answer );
		$headers = $requests[0]['args']['headers'];
		$this->assertArrayNotHasKey( 'X-IGNY8-API-Key', $headers );
		$this->assertSame( (string) self::KEY_ID, $headers['X-IGNY8-Key-Id'] );
		$canonical = RequestVerifier::canonical( 'POST', CloudClient::EVENTS_PATH, array(), $headers['X-IGNY8-Timestamp'], $headers['X-IGNY8-Request-Id'], $requests[0]['args']['body'] );
		$this->assertSame( RequestVerifier::sign( RequestVerifier::derive_secret( self::KEY ), (string) $canonical ), $headers['X-IGNY8-Signature'] );
		$this->assertStringNotContainsString( self::KEY, (string) wp_json_encode( $requests[0]['args'] ) );
		// The health check is public: no credential at all.
		Plugin::instance()->cloud()->get( CloudClient::HEALTH_PATH );
		$this->assertArrayNotHasKey( 'X-IGNY8-API-Key', $requests[1]['args']['headers'] );
	}

	public function test_a_new_key_is_sent_once_to_pair_then_the_site_signs_with_it(): void {
		$requests = $this->intercept_http(
			static function () {
				return self::http_response( 200, '{"success":true,"data":{"id":3,"key_id":52}}' );
			}
		);
		( new Options() )->set_api_key( self::NEW_KEY );
		$body = array(
			'site_url' => home_url(),
			'rest_url' => rest_url(),
			'metadata' => array(),
		);
		$cloud = Plugin::instance()->cloud();
		$this->assertIsArray( $cloud->post( CloudClient::TEST_PATH, $body ) );
		$this->assertSame( self::NEW_KEY, $requests[0]['args']['headers']['X-IGNY8-API-Key'] );
		$this->assertArrayNotHasKey( 'X-IGNY8-Signature', $requests[0]['args']['headers'] );
		$credentials = ( new Options() )->credentials();
		$this->assertSame( self::NEW_KEY_ID, $credentials['key_id'] );
		$this->assertSame( self::KEY_ID, $credentials['previous']['key_id'] );
		$this->assertNull( ( new Options() )->key_to_pair() );

		// The next test-connection is signed: the key does not travel again.
		$this->assertIsArray( $cloud->post( CloudClient::TEST_PATH, $body ) );
		$this->assertArrayNotHasKey( 'X-IGNY8-API-Key', $requests[1]['args']['headers'] );
		$this->assertSame( (string) self::NEW_KEY_ID, $requests[1]['args']['headers']['X-IGNY8-Key-Id'] );
	}

	public function test_a_pairing_answer_without_a_key_id_stores_nothing(): void {
		$this->intercept_http(
			static function () {
				return self::http_response( 200, '{"success":true,"data":{"id":3}}' );
			}
		);
		( new Options() )->set_api_key( self::NEW_KEY );
		$answer = Plugin::instance()->cloud()->post( CloudClient::TEST_PATH, array( 'metadata' => array() ) );
		$this->assertInstanceOf( \WP_Error::class, $answer );
		$this->assertSame( self::KEY_ID, ( new Options() )->credentials()['key_id'] );
		$this->assertSame( self::NEW_KEY, ( new Options() )->key_to_pair() );
	}
}
