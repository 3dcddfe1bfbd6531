<?php
/**
 * The first-run guide's WordPress side: POST igny8/v1/setup and the Help tabs.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Admin\AdminPage;
use IGNY8\Bridge\Admin\HelpTabs;
use IGNY8\Bridge\Rest\ConnectionController;
use IGNY8\Bridge\Rest\SetupController;
use WP_REST_Request;
use WP_Screen;

final class SetupRouteTest extends TestCase {

	private const ROUTE = '/' . ConnectionController::REST_NAMESPACE . SetupController::ROUTE;

	private function post( array $body ): \WP_REST_Response {
		$request = new WP_REST_Request( 'POST', self::ROUTE );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( $body ) );
		return rest_do_request( $request );
	}

	public function test_an_author_hides_and_shows_the_guide_for_the_site(): void {
		wp_set_current_user( $this->create_user( 'author' ) );
		$this->assertFalse( SetupController::is_dismissed() );

		$hidden = $this->post( array( 'dismissed' => true ) );
		$this->assertSame( 200, $hidden->get_status() );
		$this->assertSame( array( 'dismissed' => true ), $hidden->get_data() );
		$this->assertTrue( SetupController::is_dismissed() );
		// Not autoloaded: read on the Dashboard only.
		$this->assertContains( $this->autoload( SetupController::OPTION ), array( 'no', 'off' ) );

		$shown = $this->post( array( 'dismissed' => false ) );
		$this->assertSame( array( 'dismissed' => false ), $shown->get_data() );
		$this->assertFalse( SetupController::is_dismissed() );
	}

	public function test_a_request_without_the_choice_is_refused_and_changes_nothing(): void {
		wp_set_current_user( $this->create_user( 'editor' ) );
		$this->assertSame( 400, $this->post( array() )->get_status() );
		$this->assertSame( 400, $this->post( array( 'dismissed' => 'perhaps' ) )->get_status() );
		$this->assertFalse( SetupController::is_dismissed() );
	}

	public function test_the_dashboard_boot_data_says_whether_the_guide_was_hidden(): void {
		$page = new AdminPage( \IGNY8\Bridge\Plugin::instance()->assets() );
		$this->assertFalse( $page->screen_data( 'dashboard' )['setupDismissed'] );
		update_option( SetupController::OPTION, '1', false );
		$this->assertTrue( $page->screen_data( 'dashboard' )['setupDismissed'] );
		$this->assertArrayNotHasKey( 'setupDismissed', $page->screen_data( 'keywords' ) );
	}

	public function test_every_igny8_screen_gets_its_help_tabs_and_a_docs_link(): void {
		require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
		require_once ABSPATH . 'wp-admin/includes/screen.php';
		$tabs = new HelpTabs();
		foreach ( array_keys( AdminPage::screens() ) as $screen ) {
			$current = WP_Screen::get( 'igny8-help-' . $screen );
			$tabs->add_tabs( $current, $screen );
			$this->assertSame(
				array( 'igny8-overview', 'igny8-next-step', 'igny8-workflow' ),
				array_keys( $current->get_help_tabs() ),
				$screen
			);
			$this->assertStringContainsString( 'href="' . HelpTabs::DOCS_URL . $screen . '/"', $current->get_help_sidebar() );
			foreach ( $current->get_help_tabs() as $tab ) {
				$this->assertNotSame( '', trim( wp_strip_all_tags( $tab['content'] ) ), "{$screen} {$tab['id']}" );
			}
		}
	}

	private function autoload( string $option ): string {
		global $wpdb;
		return (string) $wpdb->get_var( $wpdb->prepare( "SELECT autoload FROM {$wpdb->options} WHERE option_name = %s", $option ) );
	}
}
