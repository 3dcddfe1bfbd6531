<?php
/**
 * Settings → IGNY8, the admin notice, the posts-list column and the meta box.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Admin\PostScreens;
use IGNY8\Bridge\Admin\SettingsPage;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Schema;

require_once __DIR__ . '/BridgeTestCase.php';

final class SettingsPageTest extends BridgeTestCase {

	protected function setUp(): void {
		parent::setUp();
		// What wp-admin loads before rendering a settings page.
		require_once ABSPATH . 'wp-admin/includes/template.php';
	}

	private function page(): SettingsPage {
		return new SettingsPage(
			Plugin::instance()->options(),
			Plugin::instance()->cloud(),
			Plugin::instance()->outbox(),
			Plugin::instance()->drainer(),
			Plugin::instance()->metadata()
		);
	}

	private function render( callable $callback ): string {
		ob_start();
		$callback();
		return (string) ob_get_clean();
	}

	public function test_the_page_never_prints_the_key_and_uses_the_settings_api(): void {
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$html = $this->render( array( $this->page(), 'render' ) );
		$this->assertStringNotContainsString( self::KEY, $html );
		$this->assertStringContainsString( 'ig8_test_012…', $html );
		$this->assertStringContainsString( "name='option_page' value='igny8_settings'", $html );
		$this->assertMatchesRegularExpression( '/name="_wpnonce" value="[0-9a-f]{10}"/', $html );
		$this->assertStringContainsString( 'name="igny8_api_key" value=""', $html );
		$this->assertStringContainsString( 'Remove IGNY8 post meta on uninstall', $html );
		$this->assertStringContainsString( 'value="igny8_test_connection"', $html );
		$this->assertStringContainsString( 'value="igny8_disconnect"', $html );
	}

	public function test_the_dead_letter_retention_is_a_setting_kept_within_bounds(): void {
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$this->page()->register_settings();
		update_option( 'igny8_dead_letter_days', '99999' );
		$this->assertSame( '3650', get_option( 'igny8_dead_letter_days' ) );
		update_option( 'igny8_dead_letter_days', 'abc' );
		$this->assertSame( '30', get_option( 'igny8_dead_letter_days' ) );
		update_option( 'igny8_dead_letter_days', '14' );
		$html = $this->render( array( $this->page(), 'render' ) );
		$this->assertStringContainsString( 'name="igny8_dead_letter_days" value="14"', $html );
		$this->assertStringContainsString( 'Keep dead letters for', $html );
		delete_option( 'igny8_dead_letter_days' );
		// The sanitizers would otherwise stay hooked for the tests that follow.
		foreach ( array_keys( get_registered_settings() ) as $name ) {
			if ( 0 === strpos( $name, 'igny8_' ) ) {
				unregister_setting( 'igny8_settings', $name );
			}
		}
	}

	public function test_the_page_prints_nothing_for_an_editor(): void {
		wp_set_current_user( $this->create_user( 'editor' ) );
		$this->assertSame( '', $this->render( array( $this->page(), 'render' ) ) );
		$this->assertSame( '', $this->render( array( $this->page(), 'notice' ) ) );
	}

	public function test_an_empty_key_field_keeps_the_stored_key(): void {
		$page = $this->page();
		$this->assertSame( self::KEY, $page->sanitize_api_key( '' ) );
		$this->assertSame( 'ig8_new_key', $page->sanitize_api_key( ' ig8_new_key ' ) );
		$this->assertSame( 'http://127.0.0.1:9', $page->sanitize_cloud_url( 'javascript:alert(1)' ) );
		$this->assertSame( array( 'post' ), $page->sanitize_post_types( array( 'post', 'no_such_type', '' ) ) );
	}

	public function test_test_connection_posts_the_site_metadata_and_records_the_result(): void {
		$requests = $this->intercept_http(
			static function () {
				return self::http_response( 200, '{"success":true,"data":{"id":42,"key_id":43,"platform":"wordpress","console_url":"https://app.example.test"}}' );
			}
		);
		delete_option( Options::CREDENTIALS );
		$this->assertTrue( $this->page()->test_connection() );
		$this->assertSame( 'http://127.0.0.1:9/api/v1/integration/integrations/test-connection/', $requests[0]['url'] );
		// Not paired yet: this call pairs the key, the one time it is sent.
		$this->assertSame( self::KEY, $requests[0]['args']['headers']['X-IGNY8-API-Key'] );
		$this->assertSame( 43, ( new Options() )->credentials()['key_id'] );
		$sent = json_decode( $requests[0]['args']['body'], true );
		$this->assertSame( home_url(), $sent['site_url'] );
		$this->assertSame( rest_url(), $sent['rest_url'] );
		$this->assertSame( IGNY8_BRIDGE_VERSION, $sent['metadata']['plugin_version'] );
		$connection = ( new Options() )->connection();
		$this->assertTrue( $connection['connected'] );
		$this->assertSame( 42, $connection['integration_id'] );
		$this->assertSame( 'https://app.example.test', $connection['console_url'] );
	}

	public function test_a_refused_key_is_reported_and_the_notice_shows(): void {
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$this->intercept_http(
			static function () {
				return self::http_response( 401, '{"success":false,"error":"Invalid API key"}' );
			}
		);
		$this->assertFalse( $this->page()->test_connection() );
		$connection = ( new Options() )->connection();
		$this->assertFalse( $connection['connected'] );
		$this->assertStringContainsString( 'Invalid API key', $connection['error'] );
		$this->assertStringContainsString( 'igny8-notice-disconnected', $this->render( array( $this->page(), 'notice' ) ) );
		$this->assertStringContainsString( 'Invalid API key', $this->render( array( $this->page(), 'render' ) ) );
	}

	public function test_the_notice_reports_a_failing_outbox_once_connected(): void {
		global $wpdb;
		wp_set_current_user( $this->create_user( 'administrator' ) );
		( new Options() )->set_connection( array( 'connected' => true ) );
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
		$this->assertSame( '', $this->render( array( $this->page(), 'notice' ) ) );
		$id = Plugin::instance()->outbox()->add( 'post.saved', array() );
		Plugin::instance()->outbox()->fail( array( array( 'event_id' => $id, 'attempts' => 9 ) ), 'HTTP 503' );
		$this->assertStringContainsString( 'igny8-notice-outbox', $this->render( array( $this->page(), 'notice' ) ) );
		$html = $this->render( array( $this->page(), 'render' ) );
		$this->assertStringContainsString( $id, $html );
		$this->assertStringContainsString( 'value="igny8_retry"', $html );
	}

	public function test_a_key_never_tested_gets_a_gentle_hint_on_the_igny8_screens_only(): void {
		global $plugin_page;
		wp_set_current_user( $this->create_user( 'administrator' ) );
		delete_option( Options::CONNECTION );
		$previous = $plugin_page;
		try {
			$plugin_page = null;
			$this->assertSame( '', $this->render( array( $this->page(), 'notice' ) ), 'not on the dashboard or other admin pages' );
			$plugin_page = 'some-other-plugin';
			$this->assertSame( '', $this->render( array( $this->page(), 'notice' ) ) );

			foreach ( array( SettingsPage::SLUG, 'igny8', 'igny8-keywords' ) as $page ) {
				$plugin_page = $page;
				$html        = $this->render( array( $this->page(), 'notice' ) );
				$this->assertStringContainsString( 'igny8-notice-unverified', $html, $page );
				$this->assertStringContainsString( 'notice-info', $html );
				$this->assertStringContainsString( 'options-general.php?page=igny8-settings', $html );
				$this->assertStringNotContainsString( 'igny8-notice-disconnected', $html );
			}

			wp_set_current_user( $this->create_user( 'editor' ) );
			$this->assertSame( '', $this->render( array( $this->page(), 'notice' ) ), 'editors cannot act on it' );

			wp_set_current_user( $this->create_user( 'administrator' ) );
			$this->intercept_http(
				static function () {
					return self::http_response( 200, '{"success":true,"data":{"id":7,"platform":"wordpress"}}' );
				}
			);
			$this->assertTrue( $this->page()->test_connection() );
			$this->assertSame( '', $this->render( array( $this->page(), 'notice' ) ), 'gone once tested' );
		} finally {
			$plugin_page = $previous;
		}
	}

	public function test_without_a_console_url_the_ids_are_plain_text_not_a_dead_link(): void {
		$this->intercept_http(
			static function () {
				// What the cloud answers today: no console_url.
				return self::http_response( 200, '{"success":true,"data":{"id":7,"platform":"wordpress"}}' );
			}
		);
		$this->assertTrue( $this->page()->test_connection() );
		$this->assertSame( '', ( new Options() )->connection()['console_url'] );
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 951 ) ) );
		$post_id  = $response->get_data()['data']['post_id'];
		$screens  = new PostScreens( Plugin::instance()->options(), Plugin::instance()->events(), Plugin::instance()->drainer() );
		$cell     = $this->render(
			static function () use ( $screens, $post_id ) {
				$screens->render_column( 'igny8', $post_id );
			}
		);
		$box      = $this->render(
			static function () use ( $screens, $post_id ) {
				$screens->render_meta_box( get_post( $post_id ) );
			}
		);
		$this->assertStringContainsString( 'Content #951', $cell );
		$this->assertStringNotContainsString( '<a', $cell );
		$this->assertStringContainsString( 'Content #951', $box );
		$this->assertStringNotContainsString( '/content/951', $box );
	}

	public function test_disconnect_clears_the_key_and_the_connection(): void {
		$options = new Options();
		$options->set_connection( array( 'connected' => true ) );
		$options->disconnect();
		$this->assertNull( $options->api_key() );
		$this->assertFalse( $options->connection()['connected'] );
		$this->assertSame( 'http://127.0.0.1:9', $options->cloud_url() );
	}

	public function test_managed_posts_get_the_column_and_the_meta_box(): void {
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 950 ) ) );
		$post_id  = $response->get_data()['data']['post_id'];
		$screens  = new PostScreens( Plugin::instance()->options(), Plugin::instance()->events(), Plugin::instance()->drainer() );
		$this->assertArrayHasKey( 'igny8', $screens->add_column( array( 'title' => 'Title' ), 'post' ) );

		$cell = $this->render(
			static function () use ( $screens, $post_id ) {
				$screens->render_column( 'igny8', $post_id );
			}
		);
		$this->assertStringContainsString( 'Task #1950', $cell );
		$this->assertStringContainsString( 'Content #950', $cell );
		$this->assertStringContainsString( 'Synced', $cell );

		wp_update_post( array( 'ID' => $post_id, 'post_content' => '<p>changed here</p>' ) );
		$cell = $this->render(
			static function () use ( $screens, $post_id ) {
				$screens->render_column( 'igny8', $post_id );
			}
		);
		$this->assertStringContainsString( 'Edited in WordPress since the last sync', $cell );

		( new Options() )->set_connection( array( 'connected' => true, 'console_url' => 'https://app.example.test' ) );
		$box = $this->render(
			static function () use ( $screens, $post_id ) {
				$screens->render_meta_box( get_post( $post_id ) );
			}
		);
		$this->assertStringContainsString( 'href="https://app.example.test/content/950"', $box );
		$this->assertMatchesRegularExpression( '/action=igny8_resync&#038;post=' . $post_id . '&#038;_wpnonce=[0-9a-f]{10}/', $box );

		$plain = wp_insert_post( array( 'post_title' => 'Not managed', 'post_status' => 'publish' ) );
		$cell  = $this->render(
			static function () use ( $screens, $plain ) {
				$screens->render_column( 'igny8', $plain );
			}
		);
		$this->assertStringContainsString( 'igny8-unmanaged', $cell );
	}
}
