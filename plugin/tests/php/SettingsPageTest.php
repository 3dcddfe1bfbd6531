<?php
/**
 * The settings fields' sanitizers, the old Settings → IGNY8 page (now a
 * redirect), the admin notice, the posts-list column and the meta box.
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
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
	}

	private function page(): SettingsPage {
		return new SettingsPage(
			Plugin::instance()->options(),
			Plugin::instance()->cloud(),
			Plugin::instance()->outbox(),
			Plugin::instance()->metadata()
		);
	}

	private function render( callable $callback ): string {
		ob_start();
		$callback();
		return (string) ob_get_clean();
	}

	public function test_the_old_page_redirects_to_the_connection_tab_and_left_the_menu(): void {
		global $submenu, $_registered_pages, $admin_page_hooks;
		wp_set_current_user( $this->create_user( 'administrator' ) );
		// What wp-admin/menu.php sets up before `admin_menu`: the Settings menu's hook prefix.
		$admin_page_hooks['options-general.php'] = 'settings'; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- as wp-admin does.

		$page = $this->page();
		$page->add_page();
		$this->assertArrayHasKey( 'settings_page_' . SettingsPage::SLUG, $_registered_pages, 'the old URL still resolves' );
		$this->assertNotContains( SettingsPage::SLUG, array_column( $submenu['options-general.php'] ?? array(), 2 ), 'but it is no longer a second Settings entry' );
		$this->assertNotFalse( has_action( 'load-settings_page_' . SettingsPage::SLUG, array( $page, 'redirect_old_page' ) ) );
		remove_action( 'load-settings_page_' . SettingsPage::SLUG, array( $page, 'redirect_old_page' ) );

		$ended = $this->run_admin_action( array( $page, 'redirect_old_page' ) );
		$this->assertSame( 'redirect', $ended['outcome'] );
		$this->assertSame( admin_url( 'admin.php?page=igny8-workspace-settings&tab=connection' ), $ended['location'] );
	}

	public function test_the_plugin_list_links_to_the_settings_for_administrators_only(): void {
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$links = $this->page()->action_links( array( 'deactivate' => '<a href="#">Deactivate</a>' ) );
		$this->assertCount( 2, $links );
		$this->assertStringContainsString( 'admin.php?page=igny8-workspace-settings&#038;tab=connection', $links[0] );
		wp_set_current_user( $this->create_user( 'editor' ) );
		$this->assertCount( 1, $this->page()->action_links( array( 'deactivate' => '<a href="#">Deactivate</a>' ) ) );
	}

	public function test_the_dead_letter_retention_is_kept_within_bounds(): void {
		$page = $this->page();
		update_option( Options::DEAD_LETTER_DAYS, '21' );
		$this->assertSame( '14', $page->sanitize_dead_letter_days( '14' ) );
		$this->assertSame( array(), $page->take_problems() );
		foreach ( array( '99999', '0', 'abc', '' ) as $bad ) {
			$this->assertSame( '21', $page->sanitize_dead_letter_days( $bad ), "{$bad} keeps the stored value" );
			$this->assertArrayHasKey( Options::DEAD_LETTER_DAYS, $page->take_problems(), "{$bad} is reported" );
		}
	}

	public function test_the_notice_prints_nothing_for_an_editor(): void {
		wp_set_current_user( $this->create_user( 'editor' ) );
		$this->assertSame( '', $this->render( array( $this->page(), 'notice' ) ) );
	}

	public function test_an_empty_key_field_keeps_the_stored_key(): void {
		$page = $this->page();
		$this->assertSame( self::KEY, $page->sanitize_api_key( '' ) );
		$this->assertSame( 'ig8_new_key', $page->sanitize_api_key( ' ig8_new_key ' ) );
		$this->assertSame( array(), $page->take_problems() );
		$this->assertSame( 'http://127.0.0.1:9', $page->sanitize_cloud_url( 'javascript:alert(1)' ) );
		$this->assertSame( array( Options::CLOUD_URL ), array_keys( $page->take_problems() ) );
		$this->assertSame( array(), $page->take_problems(), 'taken once' );
		$this->assertSame( array( 'post' ), $page->sanitize_post_types( array( 'post', 'no_such_type', '' ) ) );
	}

	public function test_publishing_defaults_accept_only_what_wordpress_has(): void {
		$page   = $this->page();
		$editor = $this->create_user( 'editor' );
		$this->assertSame( 'pending', $page->sanitize_default_status( 'pending' ) );
		$this->assertSame( 'draft', $page->sanitize_default_status( 'future' ) );
		$this->assertArrayHasKey( Options::DEFAULT_STATUS, $page->take_problems() );
		$this->assertSame( $editor, $page->sanitize_default_author( (string) $editor ) );
		$this->assertSame( 0, $page->sanitize_default_author( 0 ) );
		$this->assertSame( array(), $page->take_problems() );
		$this->assertSame( 0, $page->sanitize_default_author( $this->create_user( 'subscriber' ) ), 'a subscriber cannot publish' );
		$this->assertArrayHasKey( Options::DEFAULT_AUTHOR, $page->take_problems() );
		$category = (int) wp_insert_term( 'Defaults ' . wp_generate_password( 6, false ), 'category' )['term_id'];
		$this->assertSame( array( $category ), $page->sanitize_default_categories( array( (string) $category, $category ) ) );
		$this->assertSame( array(), $page->take_problems() );
		$this->assertSame( array(), $page->sanitize_default_categories( array( $category, 999999 ) ) );
		$this->assertArrayHasKey( Options::DEFAULT_CATEGORIES, $page->take_problems() );
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
	}

	public function test_the_notice_reports_a_failing_outbox_once_connected(): void {
		global $wpdb;
		wp_set_current_user( $this->create_user( 'administrator' ) );
		( new Options() )->set_connection( array( 'connected' => true ) );
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
		$this->assertSame( '', $this->render( array( $this->page(), 'notice' ) ) );
		$id = Plugin::instance()->outbox()->add( 'post.saved', array() );
		Plugin::instance()->outbox()->fail( array( array( 'event_id' => $id, 'attempts' => 9 ) ), 'HTTP 503' );
		$html = $this->render( array( $this->page(), 'notice' ) );
		$this->assertStringContainsString( 'igny8-notice-outbox', $html );
		$this->assertStringContainsString( '0 changes are failing, 1 gave up.', $html );
		$this->assertStringContainsString( 'admin.php?page=igny8-activity&#038;tab=outbox', $html );
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
				$this->assertStringContainsString( 'admin.php?page=igny8-workspace-settings&#038;tab=connection', $html );
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
