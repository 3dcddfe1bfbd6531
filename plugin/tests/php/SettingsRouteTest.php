<?php
/**
 * GET/POST igny8/v1/settings and the connection and outbox actions behind
 * IGNY8 → Settings: who may read and change them, the REST nonce, how every
 * field is sanitised, and that a refused save changes nothing.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Schema;
use WP_REST_Request;
use WP_REST_Response;

require_once __DIR__ . '/BridgeTestCase.php';

final class SettingsRouteTest extends BridgeTestCase {

	private const ROUTE = '/igny8/v1/settings';

	/**
	 * Sends a JSON body as the current user.
	 *
	 * @param string               $method Method.
	 * @param string               $route  Route.
	 * @param array<string, mixed> $body   JSON body.
	 */
	private function send( string $method, string $route, array $body = array() ): WP_REST_Response {
		$request = new WP_REST_Request( $method, $route );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( $body ) );
		return $this->dispatch( $request );
	}

	/**
	 * The options a save may change, as stored.
	 *
	 * @return array<string, mixed>
	 */
	private static function stored(): array {
		$values = array();
		foreach ( array( Options::CLOUD_URL, Options::API_KEY, Options::SYNCED_POST_TYPES, Options::EXPORT_STATUSES, Options::IMAGE_HOSTS, Options::DEAD_LETTER_DAYS, Options::REMOVE_META, Options::DEFAULT_STATUS, Options::DEFAULT_AUTHOR, Options::DEFAULT_CATEGORIES ) as $name ) {
			$values[ $name ] = get_option( $name, null );
		}
		return $values;
	}

	private function category( string $name ): int {
		$term = wp_insert_term( $name . ' ' . wp_generate_password( 6, false ), 'category' );
		$this->assertIsArray( $term );
		return (int) $term['term_id'];
	}

	public function test_every_route_has_a_permission_callback(): void {
		$routes = rest_get_server()->get_routes( 'igny8/v1' );
		foreach ( array( self::ROUTE, '/igny8/v1/settings/test-connection', '/igny8/v1/settings/disconnect', '/igny8/v1/outbox/send', '/igny8/v1/outbox/retry' ) as $route ) {
			$this->assertArrayHasKey( $route, $routes );
			foreach ( $routes[ $route ] as $handler ) {
				$this->assertIsCallable( $handler['permission_callback'], $route );
			}
		}
	}

	public function test_reading_needs_an_igny8_user_and_never_returns_the_key(): void {
		$this->assertSame( 401, $this->rest( 'GET', self::ROUTE )->get_status() );
		wp_set_current_user( $this->create_user( 'subscriber' ) );
		$this->assertSame( 403, $this->rest( 'GET', self::ROUTE )->get_status() );

		wp_set_current_user( $this->create_user( 'editor' ) );
		$editor = $this->rest( 'GET', self::ROUTE );
		$this->assertSame( 200, $editor->get_status() );
		$this->assertFalse( $editor->get_data()['can_manage'] );
		$this->assertTrue( $editor->get_data()['connection']['key_set'] );
		$this->assertNull( $editor->get_data()['connection']['key_last4'], 'editors do not even see the last characters' );
		$this->assertStringNotContainsString( self::KEY, (string) wp_json_encode( $editor->get_data() ) );

		wp_set_current_user( $this->create_user( 'administrator' ) );
		$admin = $this->rest( 'GET', self::ROUTE );
		$this->assertSame( 200, $admin->get_status() );
		$this->assertTrue( $admin->get_data()['can_manage'] );
		$this->assertSame( 'stuv', $admin->get_data()['connection']['key_last4'] );
		$this->assertSame( 'http://127.0.0.1:9', $admin->get_data()['connection']['cloud_url'] );
		$this->assertSame( 'no-store', $admin->get_headers()['Cache-Control'] );
		$json = (string) wp_json_encode( $admin->get_data() );
		$this->assertStringNotContainsString( self::KEY, $json );
		$this->assertStringNotContainsString( substr( self::KEY, 0, 12 ), $json );
		$this->assertContains( 'post', array_column( $admin->get_data()['choices']['post_types'], 'value' ) );
		$this->assertNotContains( 'attachment', array_column( $admin->get_data()['choices']['post_types'], 'value' ) );
	}

	public function test_only_administrators_may_change_anything(): void {
		$before = self::stored();
		foreach ( array( 'editor', 'author', 'subscriber' ) as $role ) {
			wp_set_current_user( $this->create_user( $role ) );
			foreach ( array( self::ROUTE, '/igny8/v1/settings/disconnect', '/igny8/v1/settings/test-connection', '/igny8/v1/outbox/send', '/igny8/v1/outbox/retry' ) as $route ) {
				$response = $this->send( 'POST', $route, self::ROUTE === $route ? array( 'default_status' => 'publish' ) : array() );
				$this->assertSame( 403, $response->get_status(), "{$route} as {$role}" );
				$this->assertStringContainsString( 'manage options', $response->get_data()['message'] );
			}
		}
		wp_set_current_user( 0 );
		$this->assertSame( 401, $this->send( 'POST', self::ROUTE, array( 'default_status' => 'publish' ) )->get_status() );
		$this->assertSame( $before, self::stored() );
		$this->assertSame( self::KEY, ( new Options() )->api_key() );
	}

	public function test_a_cookie_session_needs_the_rest_nonce(): void {
		$admin = $this->create_user( 'administrator' );
		$saved = array( $GLOBALS['wp_rest_auth_cookie'] ?? null, $_SERVER['HTTP_X_WP_NONCE'] ?? null, $_REQUEST );
		try {
			// What WordPress does for a request authenticated by the login cookie.
			$GLOBALS['wp_rest_auth_cookie'] = true;
			$_REQUEST                       = array();

			wp_set_current_user( $admin );
			unset( $_SERVER['HTTP_X_WP_NONCE'] );
			$this->assertTrue( rest_cookie_check_errors( null ) );
			$this->assertSame( 0, get_current_user_id(), 'without a nonce the cookie is ignored' );
			$this->assertSame( 401, $this->send( 'POST', self::ROUTE, array( 'default_status' => 'publish' ) )->get_status() );

			wp_set_current_user( $admin );
			$_SERVER['HTTP_X_WP_NONCE'] = 'forged0000';
			$refused                    = rest_cookie_check_errors( null );
			$this->assertInstanceOf( \WP_Error::class, $refused );
			$this->assertSame( 'rest_cookie_invalid_nonce', $refused->get_error_code() );
			$this->assertSame( 403, $refused->get_error_data()['status'] );

			// With the nonce WordPress keeps the user (its check also sends a header, which a test cannot).
			$this->assertSame( 1, wp_verify_nonce( wp_create_nonce( 'wp_rest' ), 'wp_rest' ) );
			$this->assertSame( $admin, get_current_user_id() );
			$this->assertSame( 200, $this->send( 'POST', self::ROUTE, array( 'default_status' => 'publish' ) )->get_status() );
			$this->assertSame( 'publish', get_option( Options::DEFAULT_STATUS ) );
		} finally {
			list( $cookie, $nonce, $_REQUEST ) = $saved;
			if ( null === $cookie ) {
				unset( $GLOBALS['wp_rest_auth_cookie'] );
			} else {
				$GLOBALS['wp_rest_auth_cookie'] = $cookie;
			}
			if ( null === $nonce ) {
				unset( $_SERVER['HTTP_X_WP_NONCE'] );
			} else {
				$_SERVER['HTTP_X_WP_NONCE'] = $nonce;
			}
		}
	}

	public function test_a_save_is_sanitised_as_the_settings_page_does(): void {
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$author   = $this->create_user( 'editor' );
		$category = $this->category( 'Guides' );
		update_option( Options::CONNECTION, array( 'connected' => true ) );
		$response = $this->send(
			'POST',
			self::ROUTE,
			array(
				'cloud_url'          => ' https://cloud.example.test/ ',
				'api_key'            => ' ig8_new_key_0000000000wxyz ',
				'post_types'         => array( 'page', 'no_such_type', 'POST' ),
				'export_statuses'    => array( 'publish', 'draft', 'draft', 'bogus' ),
				'image_hosts'        => array( 'https://CDN.Example.test/path/img.png', '*.media.example.test' ),
				'dead_letter_days'   => 45,
				'uninstall_delete'   => true,
				'default_status'     => 'pending',
				'default_author'     => $author,
				'default_categories' => array( $category ),
			)
		);
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$options = new Options();
		$this->assertSame( 'https://cloud.example.test', $options->cloud_url() );
		$this->assertSame( 'ig8_new_key_0000000000wxyz', $options->api_key() );
		$this->assertSame( array( 'page', 'post' ), $options->synced_post_types() );
		$this->assertSame( array( 'publish', 'draft' ), $options->export_statuses() );
		$this->assertSame( array( 'cdn.example.test', '*.media.example.test' ), $options->image_hosts() );
		$this->assertSame( 45, $options->dead_letter_days() );
		$this->assertTrue( $options->remove_meta_on_uninstall() );
		$this->assertSame( 'pending', $options->default_post_status() );
		$this->assertSame( $author, $options->default_author() );
		$this->assertSame( array( $category ), $options->default_categories() );
		$this->assertFalse( $options->connection()['connected'], 'a new key means the last test no longer holds' );

		$data = $response->get_data();
		$this->assertSame( 'wxyz', $data['connection']['key_last4'] );
		$this->assertStringNotContainsString( 'ig8_new_key', (string) wp_json_encode( $data ) );
		$this->assertSame( 'pending', $data['publishing']['default_status'] );

		// An empty key keeps the stored one; fields not sent are left alone.
		$this->assertSame( 200, $this->send( 'POST', self::ROUTE, array( 'api_key' => '' ) )->get_status() );
		$this->assertSame( 'ig8_new_key_0000000000wxyz', $options->api_key() );
		$this->assertSame( 'pending', $options->default_post_status() );
	}

	/**
	 * Each refused value, with the field the error must name.
	 *
	 * @return array<string, array{0: array<string, mixed>, 1: string}>
	 */
	public function refused(): array {
		return array(
			'a cloud URL that is not http(s)' => array( array( 'cloud_url' => 'javascript:alert(1)' ), 'cloud_url' ),
			'an image host that is not one'   => array( array( 'image_hosts' => array( 'cdn.example.test', 'not a host!' ) ), 'image_hosts' ),
			'retention out of range'          => array( array( 'dead_letter_days' => 0 ), 'dead_letter_days' ),
			'an unknown default status'       => array( array( 'default_status' => 'future' ), 'default_status' ),
			'an author who cannot publish'    => array( array( 'default_author' => -1 ), 'default_author' ),
			'a category that does not exist'  => array( array( 'default_categories' => array( 999999 ) ), 'default_categories' ),
		);
	}

	/**
	 * @dataProvider refused
	 *
	 * @param array<string, mixed> $bad   The refused field.
	 * @param string               $field Its name.
	 */
	public function test_one_refused_field_saves_nothing( array $bad, string $field ): void {
		wp_set_current_user( $this->create_user( 'administrator' ) );
		update_option( Options::DEFAULT_STATUS, 'draft' );
		update_option( Options::IMAGE_HOSTS, array( 'old.example.test' ) );
		$before   = self::stored();
		$response = $this->send( 'POST', self::ROUTE, array_merge( array( 'default_status' => 'publish', 'dead_letter_days' => 60, 'image_hosts' => array( 'new.example.test' ) ), $bad ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'igny8_invalid_settings', $response->get_data()['code'] );
		$this->assertSame( array( $field ), array_keys( $response->get_data()['data']['fields'] ) );
		$this->assertNotSame( '', $response->get_data()['message'] );
		$this->assertSame( $before, self::stored(), 'nothing changed' );
	}

	public function test_a_refused_image_host_is_named_in_the_error(): void {
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$response = $this->send( 'POST', self::ROUTE, array( 'image_hosts' => array( 'not a host!' ) ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertStringContainsString( 'not a host!', $response->get_data()['message'] );
		$this->assertStringContainsString( 'one host per line', $response->get_data()['message'] );
	}

	public function test_wrong_types_and_unknown_fields_are_refused_before_anything_is_saved(): void {
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$before = self::stored();
		$typed  = $this->send( 'POST', self::ROUTE, array( 'dead_letter_days' => 'many', 'default_status' => 'publish' ) );
		$this->assertSame( 400, $typed->get_status() );
		$this->assertSame( 'rest_invalid_param', $typed->get_data()['code'] );
		$unknown = $this->send( 'POST', self::ROUTE, array( 'igny8_api_key' => 'x', 'default_status' => 'publish' ) );
		$this->assertSame( 400, $unknown->get_status() );
		$this->assertSame( 'igny8_unknown_setting', $unknown->get_data()['code'] );
		$this->assertStringContainsString( 'igny8_api_key', $unknown->get_data()['message'] );
		$this->assertSame( $before, self::stored() );
	}

	public function test_test_connection_and_disconnect(): void {
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$this->intercept_http(
			static function () {
				return self::http_response( 200, '{"success":true,"data":{"id":42,"platform":"wordpress"}}' );
			}
		);
		$tested = $this->send( 'POST', '/igny8/v1/settings/test-connection' );
		$this->assertSame( 200, $tested->get_status() );
		$this->assertTrue( $tested->get_data()['connection']['connected'] );
		$this->assertNotNull( $tested->get_data()['connection']['checked_at'] );

		$gone = $this->send( 'POST', '/igny8/v1/settings/disconnect' );
		$this->assertSame( 200, $gone->get_status() );
		$this->assertFalse( $gone->get_data()['connection']['key_set'] );
		$this->assertFalse( $gone->get_data()['connection']['connected'] );
		$this->assertNull( ( new Options() )->api_key() );
		$this->assertSame( 'http://127.0.0.1:9', ( new Options() )->cloud_url(), 'the URL stays for reconnecting' );

		$again = $this->send( 'POST', '/igny8/v1/settings/test-connection' );
		$this->assertSame( 400, $again->get_status() );
		$this->assertSame( 'igny8_not_configured', $again->get_data()['code'] );
	}

	public function test_a_failed_test_reports_what_the_cloud_said(): void {
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$this->intercept_http(
			static function () {
				return self::http_response( 401, '{"success":false,"error":"Invalid API key"}' );
			}
		);
		$tested = $this->send( 'POST', '/igny8/v1/settings/test-connection' );
		$this->assertSame( 200, $tested->get_status() );
		$this->assertFalse( $tested->get_data()['connection']['connected'] );
		$this->assertStringContainsString( 'Invalid API key', $tested->get_data()['connection']['error'] );
	}

	public function test_send_now_and_retry_dead_letters(): void {
		global $wpdb;
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
		$outbox = Plugin::instance()->outbox();
		$id     = $outbox->add( 'post.saved', array() );
		$outbox->fail( array( array( 'event_id' => $id, 'attempts' => 99 ) ), 'HTTP 503' );
		$requests = $this->intercept_http(
			static function () {
				return self::http_response( 503, '{"success":false,"error":"down"}' );
			}
		);

		$state = $this->rest( 'GET', self::ROUTE )->get_data();
		$this->assertSame( 1, $state['outbox']['dead'] + $state['outbox']['rejected'] );

		$retried = $this->send( 'POST', '/igny8/v1/outbox/retry' );
		$this->assertSame( 200, $retried->get_status() );
		$this->assertSame( 1, $retried->get_data()['queued'] );
		$this->assertSame( 0, $retried->get_data()['outbox']['dead'] );
		$this->assertGreaterThan( 0, count( $requests ), 'a retry sends at once' );

		$sent = $this->send( 'POST', '/igny8/v1/outbox/send' );
		$this->assertSame( 200, $sent->get_status() );
		$this->assertContains( $sent->get_data()['result'], array( 'sent', 'failed' ) );
	}
}
