<?php
/**
 * Activation, options and uninstall.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;

final class LifecycleTest extends TestCase {

	private function autoload_of( string $option ): ?string {
		global $wpdb;
		$value = $wpdb->get_var( $wpdb->prepare( "SELECT autoload FROM {$wpdb->options} WHERE option_name = %s", $option ) );
		return null === $value ? null : (string) $value;
	}

	public function test_activation_creates_the_options_without_autoload(): void {
		delete_option( Options::CLOUD_URL );
		delete_option( Options::API_KEY );

		Plugin::activate();

		foreach ( array( Options::CLOUD_URL, Options::API_KEY, Options::SYNCED_POST_TYPES, Options::REMOVE_META ) as $option ) {
			$this->assertContains( $this->autoload_of( $option ), array( 'no', 'off' ), "{$option} is autoloaded" );
		}
	}

	public function test_activation_keeps_existing_settings(): void {
		update_option( Options::CLOUD_URL, 'https://cloud.example.test' );
		Plugin::activate();
		$this->assertSame( 'https://cloud.example.test', get_option( Options::CLOUD_URL ) );
	}

	public function test_the_api_key_is_stored_without_autoload(): void {
		( new Options() )->set_api_key( 'igny8_key_abcdefgh1234' );
		$this->assertContains( $this->autoload_of( Options::API_KEY ), array( 'no', 'off' ) );
		$this->assertSame( 'igny8_key_abcdefgh1234', ( new Options() )->api_key() );
	}

	public function test_the_key_prefix_shows_only_the_first_12_characters(): void {
		$options = new Options();
		$options->set_api_key( 'ig8_abcdefgh_SECRETPART_0123456789' );
		$this->assertSame( 'ig8_abcdefgh…', $options->api_key_prefix() );
		$options->set_api_key( 'short' );
		$this->assertSame( 'sh…', $options->api_key_prefix() );
	}

	public function test_activation_creates_the_outbox_tables_and_schedules_the_drainer(): void {
		global $wpdb;
		Plugin::activate();
		$this->assertSame( $wpdb->prefix . 'igny8_outbox', $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->prefix . 'igny8_outbox' ) ) );
		$this->assertSame( $wpdb->prefix . 'igny8_request_ids', $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->prefix . 'igny8_request_ids' ) ) );
		$this->assertSame( $wpdb->prefix . 'igny8_locks', $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->prefix . 'igny8_locks' ) ) );
		$this->assertIsInt( wp_next_scheduled( 'igny8_drain_outbox' ) );
		$this->assertSame( \IGNY8\Bridge\Schema::VERSION, get_option( Options::DB_VERSION ) );
	}

	public function test_the_masked_api_key_shows_only_its_end(): void {
		$options = new Options();
		$options->set_api_key( 'igny8_key_abcdefgh1234' );
		$masked = (string) $options->masked_api_key();
		$this->assertStringEndsWith( '1234', $masked );
		$this->assertStringNotContainsString( 'abcdefgh', $masked );
	}

	public function test_cloud_url_accepts_http_and_https_only(): void {
		$options = new Options();
		$this->assertTrue( $options->set_cloud_url( ' http://127.0.0.1:8000/ ' ) );
		$this->assertSame( 'http://127.0.0.1:8000', $options->cloud_url() );
		$this->assertFalse( $options->set_cloud_url( 'javascript:alert(1)' ) );
		$this->assertFalse( $options->set_cloud_url( 'ftp://cloud.example.test' ) );
		$this->assertSame( 'http://127.0.0.1:8000', $options->cloud_url() );
	}

	public function test_configured_needs_both_url_and_key(): void {
		$options = new Options();
		$options->delete_all();
		$this->assertFalse( $options->is_configured() );
		$options->set_cloud_url( 'https://cloud.example.test' );
		$this->assertFalse( $options->is_configured() );
		$options->set_api_key( 'key' );
		$this->assertTrue( $options->is_configured() );
	}

	// Uninstall drops tables (an implicit commit in MySQL): tests/e2e/bridge-lifecycle.test.ts covers it in a throw-away site.
}
