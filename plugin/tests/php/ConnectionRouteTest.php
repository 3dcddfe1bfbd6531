<?php
/**
 * GET /wp-json/igny8/v1/connection.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\CloudClient;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\Rest\ConnectionController;
use WP_Error;

final class ConnectionRouteTest extends TestCase {

	private const ROUTE     = '/' . ConnectionController::REST_NAMESPACE . ConnectionController::ROUTE;
	private const CLOUD_URL = 'http://cloud.igny8.test:8000';
	private const API_KEY   = 'igny8_live_0123456789abcdef';

	private const HEALTHY = '{"success":true,"data":{"status":"ok","db":{"state":"up","mode":"embedded"},"queue":{"state":"up","driver":"inline"},"version":"0.1.0"},"request_id":"req_1"}';

	private function configure(): void {
		update_option( Options::CLOUD_URL, self::CLOUD_URL . '/' );
		update_option( Options::API_KEY, self::API_KEY, false );
	}

	public function test_route_is_registered_under_the_plugin_namespace(): void {
		$routes = rest_get_server()->get_routes( ConnectionController::REST_NAMESPACE );
		$this->assertArrayHasKey( '/igny8/v1/connection', $routes );
		$this->assertSame( array( 'GET' => true ), $routes['/igny8/v1/connection'][0]['methods'] );
	}

	public function test_logged_out_visitors_get_401(): void {
		$response = $this->rest( 'GET', self::ROUTE );
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
	}

	public function test_subscribers_get_403(): void {
		wp_set_current_user( $this->create_user( 'subscriber' ) );
		$response = $this->rest( 'GET', self::ROUTE );
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
	}

	public function test_editors_get_200(): void {
		wp_set_current_user( $this->create_user( 'editor' ) );
		$this->assertSame( 200, $this->rest( 'GET', self::ROUTE )->get_status() );
	}

	public function test_authors_can_edit_posts_and_get_200(): void {
		wp_set_current_user( $this->create_user( 'author' ) );
		$this->assertSame( 200, $this->rest( 'GET', self::ROUTE )->get_status() );
	}

	public function test_only_get_is_routed(): void {
		wp_set_current_user( $this->create_user( 'editor' ) );
		$this->assertSame( 404, $this->rest( 'POST', self::ROUTE )->get_status() );
	}

	public function test_not_configured_answer_and_no_outbound_call(): void {
		delete_option( Options::CLOUD_URL );
		delete_option( Options::API_KEY );
		$requests = $this->intercept_http(
			static function () {
				return new WP_Error( 'unexpected', 'no request expected' );
			}
		);
		wp_set_current_user( $this->create_user( 'editor' ) );

		$response = $this->rest( 'GET', self::ROUTE );

		$this->assertSame( 200, $response->get_status() );
		$this->assertSame(
			array(
				'configured'  => false,
				'cloud_url'   => null,
				'api_key_set' => false,
				'reachable'   => null,
				'cloud'       => null,
				'error'       => null,
			),
			$response->get_data()
		);
		$this->assertCount( 0, $requests );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );
	}

	public function test_a_url_without_a_key_is_not_configured(): void {
		update_option( Options::CLOUD_URL, self::CLOUD_URL );
		delete_option( Options::API_KEY );
		wp_set_current_user( $this->create_user( 'editor' ) );

		$data = $this->rest( 'GET', self::ROUTE )->get_data();

		$this->assertFalse( $data['configured'] );
		$this->assertSame( self::CLOUD_URL, $data['cloud_url'] );
		$this->assertFalse( $data['api_key_set'] );
		$this->assertNull( $data['reachable'] );
	}

	public function test_reachable_cloud_reports_version_db_mode_and_queue_driver(): void {
		$this->configure();
		$requests = $this->intercept_http(
			function () {
				return self::http_response( 200, self::HEALTHY );
			}
		);
		wp_set_current_user( $this->create_user( 'editor' ) );

		$response = $this->rest( 'GET', self::ROUTE );

		$this->assertSame( 200, $response->get_status() );
		$this->assertSame(
			array(
				'configured'  => true,
				'cloud_url'   => self::CLOUD_URL,
				'api_key_set' => true,
				'reachable'   => true,
				'cloud'       => array(
					'status'       => 'ok',
					'version'      => '0.1.0',
					'db_mode'      => 'embedded',
					'queue_driver' => 'inline',
				),
				'error'       => null,
			),
			$response->get_data()
		);

		$this->assertCount( 1, $requests );
		$this->assertSame( self::CLOUD_URL . '/api/v1/health/', $requests[0]['url'] );
		$this->assertSame( 'GET', $requests[0]['args']['method'] );
		$this->assertSame( CloudClient::DEFAULT_TIMEOUT, $requests[0]['args']['timeout'] );
		$this->assertSame( 5, $requests[0]['args']['timeout'] );
		// The health check is public: the site key is never sent with it.
		$this->assertArrayNotHasKey( CloudClient::API_KEY_HEADER, $requests[0]['args']['headers'] );
	}

	public function test_the_api_key_never_appears_in_the_answer(): void {
		$this->configure();
		$this->intercept_http(
			function () {
				return self::http_response( 200, self::HEALTHY );
			}
		);
		wp_set_current_user( $this->create_user( 'editor' ) );

		$json = wp_json_encode( $this->rest( 'GET', self::ROUTE )->get_data() );

		$this->assertIsString( $json );
		$this->assertStringNotContainsString( self::API_KEY, $json );
		$this->assertStringNotContainsString( substr( self::API_KEY, 0, 12 ), $json );
	}

	public function test_transport_error_means_unreachable_with_the_reason(): void {
		$this->configure();
		$this->intercept_http(
			static function () {
				return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect to cloud.igny8.test port 8000' );
			}
		);
		wp_set_current_user( $this->create_user( 'editor' ) );

		$data = $this->rest( 'GET', self::ROUTE )->get_data();

		$this->assertTrue( $data['configured'] );
		$this->assertFalse( $data['reachable'] );
		$this->assertNull( $data['cloud'] );
		$this->assertSame( 'Could not reach the IGNY8 cloud: cURL error 7: Failed to connect to cloud.igny8.test port 8000', $data['error'] );
	}

	public function test_http_error_status_means_unreachable(): void {
		$this->configure();
		$this->intercept_http(
			function () {
				return self::http_response( 503, '{"success":false,"error":"Database unavailable","request_id":"req_2"}' );
			}
		);
		wp_set_current_user( $this->create_user( 'editor' ) );

		$data = $this->rest( 'GET', self::ROUTE )->get_data();

		$this->assertFalse( $data['reachable'] );
		$this->assertSame( 'The IGNY8 cloud answered with HTTP 503: Database unavailable', $data['error'] );
	}

	public function test_http_error_without_envelope_reports_the_status(): void {
		$this->configure();
		$this->intercept_http(
			function () {
				return self::http_response( 502, '<html>Bad gateway</html>' );
			}
		);
		wp_set_current_user( $this->create_user( 'editor' ) );

		$data = $this->rest( 'GET', self::ROUTE )->get_data();

		$this->assertFalse( $data['reachable'] );
		$this->assertSame( 'The IGNY8 cloud answered with HTTP 502.', $data['error'] );
	}

	/**
	 * @dataProvider bad_bodies
	 *
	 * @param string $body A 200 body that is not a health envelope.
	 */
	public function test_a_body_that_is_not_a_health_envelope_means_unreachable( string $body ): void {
		$this->configure();
		$this->intercept_http(
			function () use ( $body ) {
				return self::http_response( 200, $body );
			}
		);
		wp_set_current_user( $this->create_user( 'editor' ) );

		$data = $this->rest( 'GET', self::ROUTE )->get_data();

		$this->assertFalse( $data['reachable'] );
		$this->assertNull( $data['cloud'] );
		$this->assertIsString( $data['error'] );
		$this->assertStringContainsString( 'Check the cloud URL', $data['error'] );
	}

	/**
	 * @return array<string, array{0: string}>
	 */
	public function bad_bodies(): array {
		return array(
			'html page'        => array( '<!doctype html><title>Welcome to nginx</title>' ),
			'empty'            => array( '' ),
			'failure envelope' => array( '{"success":false,"error":"nope"}' ),
			'no data'          => array( '{"success":true,"request_id":"r"}' ),
			'no status'        => array( '{"success":true,"data":{"version":"0.1.0"}}' ),
		);
	}
}
