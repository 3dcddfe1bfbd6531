<?php
/**
 * POST /wp-json/igny8/v1/session: the site key exchanged for a user's cloud token.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\CloudClient;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\Rest\ConnectionController;
use IGNY8\Bridge\Rest\SessionController;
use WP_Error;
use WP_REST_Request;

final class SessionRouteTest extends TestCase {

	private const ROUTE     = '/' . ConnectionController::REST_NAMESPACE . SessionController::ROUTE;
	private const CLOUD_URL = 'http://cloud.igny8.test:8000';
	private const API_KEY   = 'igny8_live_0123456789abcdef';

	protected function setUp(): void {
		parent::setUp();
		update_option( Options::CLOUD_URL, self::CLOUD_URL );
		update_option( Options::API_KEY, self::API_KEY, false );
		( new Options() )->pair( self::API_KEY, 7 );
	}

	protected function tearDown(): void {
		unset( $GLOBALS['wp_rest_auth_cookie'], $_SERVER['HTTP_X_WP_NONCE'] );
		parent::tearDown();
	}

	/**
	 * Answers the cloud's site-session endpoint by echoing the requested role, and records the calls.
	 *
	 * @return \ArrayObject<int, array{url: string, args: array<string, mixed>}>
	 */
	private function cloud_grants_sessions(): \ArrayObject {
		return $this->intercept_http(
			static function ( $url, $args ) {
				$body = json_decode( $args['body'], true );
				return self::http_response(
					201,
					(string) wp_json_encode(
						array(
							'success'    => true,
							'data'       => array(
								'access'     => 'tok_' . $body['wp_user']['id'],
								'expires_at' => '2030-01-01T00:15:00.000Z',
								'site_id'    => 7,
								'role'       => $body['role'],
							),
							'request_id' => 'req_1',
						)
					)
				);
			}
		);
	}

	public function test_route_is_post_only(): void {
		$routes = rest_get_server()->get_routes( ConnectionController::REST_NAMESPACE );
		$this->assertArrayHasKey( self::ROUTE, $routes );
		$this->assertSame( array( 'POST' => true ), $routes[ self::ROUTE ][0]['methods'] );
	}

	/**
	 * @return array<string, array{0: string, 1: string}>
	 */
	public function roles(): array {
		return array(
			'administrator (manage_options)'  => array( 'administrator', 'admin' ),
			'editor (edit_others_posts)'      => array( 'editor', 'editor' ),
			'author (edit_posts, own only)'   => array( 'author', 'viewer' ),
			'contributor (edit_posts, no publishing)' => array( 'contributor', 'viewer' ),
		);
	}

	/**
	 * @dataProvider roles
	 *
	 * @param string $wp_role    WordPress role.
	 * @param string $cloud_role The cloud role it maps to.
	 */
	public function test_capabilities_map_to_the_cloud_role( string $wp_role, string $cloud_role ): void {
		$requests = $this->cloud_grants_sessions();
		$user_id  = $this->create_user( $wp_role );
		wp_set_current_user( $user_id );

		$response = $this->rest( 'POST', self::ROUTE );

		$this->assertSame( 200, $response->get_status() );
		$this->assertCount( 1, $requests );
		$this->assertSame( self::CLOUD_URL . SessionController::CLOUD_PATH, $requests[0]['url'] );
		$this->assertSame( 'POST', $requests[0]['args']['method'] );
		// Signed with the paired key's id; the key itself is not sent.
		$this->assertArrayNotHasKey( CloudClient::API_KEY_HEADER, $requests[0]['args']['headers'] );
		$this->assertSame( '7', $requests[0]['args']['headers']['X-IGNY8-Key-Id'] );
		$sent = json_decode( $requests[0]['args']['body'], true );
		$this->assertSame( $cloud_role, $sent['role'] );
		$this->assertSame( $user_id, $sent['wp_user']['id'] );
		$this->assertSame( get_userdata( $user_id )->user_login, $sent['wp_user']['login'] );

		$this->assertSame(
			array(
				'token'      => 'tok_' . $user_id,
				'expires_at' => '2030-01-01T00:15:00.000Z',
				'cloud_url'  => self::CLOUD_URL,
				'site_id'    => 7,
				'role'       => $cloud_role,
			),
			$response->get_data()
		);
		$this->assertSame( 'no-store, private', $response->get_headers()['Cache-Control'] );
		$this->assertStringNotContainsString( self::API_KEY, (string) wp_json_encode( $response->get_data() ) );
	}

	/**
	 * The screens keep a session across page loads only under this scope, so
	 * it must change with everything the token stands for, and reveal none of it.
	 */
	public function test_the_session_scope_changes_with_user_login_role_and_key(): void {
		$options = new Options();
		$this->assertSame( '', SessionController::scope( $options ), 'nobody is signed in' );

		$user_id = $this->create_user( 'editor' );
		wp_set_current_user( $user_id );
		$sign_in = static function ( int $user_id ): void {
			$token                       = \WP_Session_Tokens::get_instance( $user_id )->create( time() + HOUR_IN_SECONDS );
			$_COOKIE[ LOGGED_IN_COOKIE ] = wp_generate_auth_cookie( $user_id, time() + HOUR_IN_SECONDS, 'logged_in', $token );
		};
		$sign_in( $user_id );
		$scope = SessionController::scope( $options );
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{32}$/', $scope );
		$this->assertSame( $scope, SessionController::scope( $options ), 'the same page load, the same scope' );
		$this->assertStringNotContainsString( self::API_KEY, $scope );

		$sign_in( $user_id );
		$after_login = SessionController::scope( $options );
		$this->assertNotSame( $scope, $after_login, 'signed in again' );

		get_userdata( $user_id )->set_role( 'administrator' );
		// The next page load reads the user afresh.
		wp_set_current_user( 0 );
		wp_set_current_user( $user_id );
		$promoted = SessionController::scope( $options );
		$this->assertNotSame( $after_login, $promoted, 'another cloud role' );

		update_option( Options::API_KEY, self::API_KEY . 'x', false );
		$this->assertNotSame( $promoted, SessionController::scope( $options ), 'another site key' );

		$other = $this->create_user( 'administrator' );
		wp_set_current_user( $other );
		$sign_in( $other );
		$this->assertNotSame( $promoted, SessionController::scope( $options ), 'another user' );

		delete_option( Options::API_KEY );
		$this->assertSame( '', SessionController::scope( $options ), 'not connected' );
		unset( $_COOKIE[ LOGGED_IN_COOKIE ] );
	}

	public function test_the_role_the_cloud_granted_wins_over_the_requested_one(): void {
		$this->intercept_http(
			static function () {
				return self::http_response( 201, '{"success":true,"data":{"access":"tok","expires_at":"2030-01-01T00:15:00.000Z","site_id":7,"role":"viewer"}}' );
			}
		);
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$this->assertSame( 'viewer', $this->rest( 'POST', self::ROUTE )->get_data()['role'] );
	}

	public function test_subscribers_are_refused_without_calling_the_cloud(): void {
		$requests = $this->cloud_grants_sessions();
		wp_set_current_user( $this->create_user( 'subscriber' ) );

		$response = $this->rest( 'POST', self::ROUTE );

		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
		$this->assertCount( 0, $requests );
	}

	public function test_logged_out_visitors_get_401_without_calling_the_cloud(): void {
		$requests = $this->cloud_grants_sessions();

		$response = $this->rest( 'POST', self::ROUTE );

		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'rest_not_logged_in', $response->get_data()['code'] );
		$this->assertCount( 0, $requests );
	}

	/**
	 * Cookie-authenticated requests go through WordPress's nonce check
	 * (`rest_authentication_errors`) before the route: without the `wp_rest`
	 * nonce the user is dropped, with a wrong one the request is refused, so
	 * another site cannot mint a token with the editor's cookie.
	 */
	public function test_cookie_requests_need_the_rest_nonce(): void {
		$requests = $this->cloud_grants_sessions();
		$editor   = $this->create_user( 'editor' );

		wp_set_current_user( $editor );
		$GLOBALS['wp_rest_auth_cookie'] = true;
		$missing                        = $this->rest_with_auth_check();
		$this->assertSame( 401, $missing->get_status() );
		$this->assertSame( 'rest_not_logged_in', $missing->get_data()['code'] );

		wp_set_current_user( $editor );
		$_SERVER['HTTP_X_WP_NONCE'] = 'not-a-nonce';
		$wrong                      = $this->rest_with_auth_check();
		$this->assertSame( 403, $wrong->get_status() );
		$this->assertSame( 'rest_cookie_invalid_nonce', $wrong->get_data()['code'] );
		$this->assertCount( 0, $requests );

		wp_set_current_user( $editor );
		$_SERVER['HTTP_X_WP_NONCE'] = wp_create_nonce( 'wp_rest' );
		// A valid nonce makes WordPress send a fresh one as a header, which PHPUnit's output forbids.
		$saved                     = $GLOBALS['wp_rest_server'];
		$GLOBALS['wp_rest_server'] = new class() extends \WP_REST_Server {
			/**
			 * @param string $key   Header name.
			 * @param string $value Header value.
			 */
			public function send_header( $key, $value ) {}
		};
		do_action( 'rest_api_init', $GLOBALS['wp_rest_server'] );
		try {
			$this->assertSame( 200, $this->rest_with_auth_check()->get_status() );
		} finally {
			$GLOBALS['wp_rest_server'] = $saved;
		}
		$this->assertCount( 1, $requests );
	}

	/**
	 * Dispatches like `WP_REST_Server::serve_request()`: authentication errors first.
	 */
	private function rest_with_auth_check(): \WP_REST_Response {
		$server = rest_get_server();
		$error  = $server->check_authentication();
		if ( is_wp_error( $error ) ) {
			return rest_convert_error_to_response( $error );
		}
		return rest_ensure_response( $server->dispatch( new WP_REST_Request( 'POST', self::ROUTE ) ) );
	}

	public function test_a_site_that_is_not_connected_answers_409_without_calling_the_cloud(): void {
		delete_option( Options::API_KEY );
		$requests = $this->cloud_grants_sessions();
		wp_set_current_user( $this->create_user( 'editor' ) );

		$response = $this->rest( 'POST', self::ROUTE );

		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'igny8_not_configured', $response->get_data()['code'] );
		$this->assertCount( 0, $requests );
	}

	public function test_an_unreachable_cloud_answers_503(): void {
		$this->intercept_http(
			static function () {
				return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' );
			}
		);
		wp_set_current_user( $this->create_user( 'editor' ) );

		$response = $this->rest( 'POST', self::ROUTE );

		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'igny8_unreachable', $response->get_data()['code'] );
		$this->assertStringContainsString( 'Failed to connect', $response->get_data()['message'] );
	}

	public function test_a_refused_site_key_answers_502_with_the_clouds_reason(): void {
		$this->intercept_http(
			static function () {
				return self::http_response( 401, '{"success":false,"error":"Invalid API key.","request_id":"req_2"}' );
			}
		);
		wp_set_current_user( $this->create_user( 'editor' ) );

		$response = $this->rest( 'POST', self::ROUTE );

		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( 'igny8_session_refused', $response->get_data()['code'] );
		$this->assertStringContainsString( 'Invalid API key.', $response->get_data()['message'] );
	}

	public function test_a_session_without_a_token_is_a_bad_response(): void {
		$this->intercept_http(
			static function () {
				return self::http_response( 201, '{"success":true,"data":{"expires_at":"2030-01-01T00:15:00.000Z"}}' );
			}
		);
		wp_set_current_user( $this->create_user( 'editor' ) );

		$response = $this->rest( 'POST', self::ROUTE );

		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( 'igny8_bad_response', $response->get_data()['code'] );
	}
}
