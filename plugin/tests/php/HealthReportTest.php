<?php
/**
 * The site's health as the plugin reports it: with every outbox batch, as an
 * hourly heartbeat, and in the site metadata.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Contract\BridgeContract;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Schema;
use IGNY8\Bridge\SiteMetadata;
use IGNY8\Bridge\Sync\OutboxDrainer;

require_once __DIR__ . '/BridgeTestCase.php';

final class HealthReportTest extends BridgeTestCase {

	protected function setUp(): void {
		parent::setUp();
		global $wpdb;
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
		delete_option( Options::OUTBOX_STATE );
		// The cloud knows the current structure: drains add no structure.changed.
		update_option( 'igny8_structure_hash', Plugin::instance()->metadata()->structure_hash() );
	}

	/**
	 * Adds events straight to the outbox, in the given statuses, due now.
	 *
	 * @param array<int, string> $statuses One status per event.
	 * @return string[] Their ids.
	 */
	private function events( array $statuses ): array {
		global $wpdb;
		$ids = array();
		foreach ( $statuses as $i => $status ) {
			$id = Plugin::instance()->outbox()->add( 'post.saved', array( 'post' => array( 'wp_post_id' => 9000 + $i ) ) );
			$wpdb->query( $wpdb->prepare( "UPDATE %i SET status = %s, next_attempt_at = '2000-01-01 00:00:00' WHERE event_id = %s", Schema::outbox_table(), $status, $id ) );
			$ids[] = $id;
		}
		return $ids;
	}

	/**
	 * A cloud that accepts every event it is sent.
	 */
	private function accepting_cloud(): \ArrayObject {
		return $this->intercept_http(
			static function ( $url, $args ) {
				$events = json_decode( $args['body'], true )['events'];
				return self::http_response( 200, (string) wp_json_encode( array( 'success' => true, 'data' => array( 'accepted' => array_column( $events, 'id' ), 'duplicates' => array(), 'rejected' => array() ) ) ) );
			}
		);
	}

	/**
	 * The JSON body of an intercepted request.
	 *
	 * @param \ArrayObject $requests What the cloud was sent.
	 * @param int          $n        Which one.
	 * @return array<string, mixed>
	 */
	private static function body( \ArrayObject $requests, int $n ): array {
		return json_decode( $requests[ $n ]['args']['body'], true );
	}

	/**
	 * Moves a moment the drainer remembers into the past.
	 *
	 * @param string $key     `health_reported_at` or `heartbeat_tried_at`.
	 * @param int    $seconds How long ago.
	 */
	private static function ago( string $key, int $seconds ): void {
		$state         = (array) get_option( Options::OUTBOX_STATE, array() );
		$state[ $key ] = time() - $seconds;
		update_option( Options::OUTBOX_STATE, $state, false );
	}

	public function test_every_batch_carries_the_health_in_the_contract_shape_its_own_events_left_out_of_the_backlog(): void {
		global $wpdb;
		$ids = $this->events( array( 'dead', 'rejected', 'pending', 'pending' ) );
		// The last one failed twice already: it counts as failing until it is delivered.
		$wpdb->query( $wpdb->prepare( 'UPDATE %i SET attempts = 2 WHERE event_id = %s', Schema::outbox_table(), $ids[3] ) );
		$this->assertSame( array( 'pending' => 2, 'failing' => 1, 'dead' => 1, 'rejected' => 1 ), Plugin::instance()->outbox()->stats() );
		$requests = $this->accepting_cloud();

		$result = Plugin::instance()->drainer()->drain();
		$this->assertSame( 2, $result['sent'] );
		// Reported with the batch: no heartbeat besides.
		$this->assertFalse( $result['heartbeat'] );
		$this->assertCount( 1, $requests );
		$body = self::body( $requests, 0 );
		$this->assertSame( array( $ids[2], $ids[3] ), array_column( $body['events'], 'id' ) );
		global $wp_version;
		$this->assertSame(
			array(
				'outbox'            => array( 'pending' => 0, 'failing' => 0, 'dead' => 1, 'rejected' => 1 ),
				'wordpress_version' => $wp_version,
				'plugin_version'    => IGNY8_BRIDGE_VERSION,
				'php_version'       => (string) preg_replace( '/[^0-9A-Za-z._+~-]/', '', PHP_VERSION ),
			),
			$body['health']
		);
		$valid = rest_validate_value_from_schema( $body['health'], BridgeContract::outbound( 'health' ), 'health' );
		$this->assertTrue( true === $valid, is_wp_error( $valid ) ? $valid->get_error_message() : '' );
	}

	public function test_a_long_backlog_reports_what_waits_behind_each_batch(): void {
		$this->events( array_fill( 0, 130, 'pending' ) );
		$requests = $this->accepting_cloud();
		Plugin::instance()->drainer()->drain();
		$this->assertCount( 2, $requests );
		$this->assertSame( array( 100, 30 ), array( count( self::body( $requests, 0 )['events'] ), count( self::body( $requests, 1 )['events'] ) ) );
		$this->assertSame( array( 30, 0 ), array( self::body( $requests, 0 )['health']['outbox']['pending'], self::body( $requests, 1 )['health']['outbox']['pending'] ) );
	}

	public function test_a_heartbeat_reports_dead_letters_while_nothing_is_pending_then_waits_an_hour(): void {
		$this->events( array( 'dead', 'dead', 'rejected' ) );
		$requests = $this->accepting_cloud();

		$result = Plugin::instance()->drainer()->drain();
		$this->assertTrue( $result['heartbeat'] );
		$this->assertNull( $result['error'] );
		$this->assertCount( 1, $requests );
		$this->assertSame( 'http://127.0.0.1:9/api/v1/integration/events/', $requests[0]['url'] );
		// Signed like every call the plugin makes once paired.
		$this->assertSame( (string) self::KEY_ID, $requests[0]['args']['headers']['X-IGNY8-Key-Id'] );
		$body = self::body( $requests, 0 );
		$this->assertSame( array(), $body['events'] );
		$this->assertSame( '[]', substr( (string) $requests[0]['args']['body'], strlen( '{"events":' ), 2 ) );
		$this->assertSame( array( 'pending' => 0, 'failing' => 0, 'dead' => 2, 'rejected' => 1 ), $body['health']['outbox'] );
		$this->assertSame( IGNY8_BRIDGE_VERSION, $body['health']['plugin_version'] );

		// Reported a moment ago: the cron's next minutes send nothing.
		$this->assertFalse( Plugin::instance()->drainer()->drain()['heartbeat'] );
		$this->assertCount( 1, $requests );
		self::ago( 'health_reported_at', OutboxDrainer::HEARTBEAT_AFTER - 60 );
		Plugin::instance()->drainer()->drain();
		$this->assertCount( 1, $requests );

		// An hour without a report: the next run sends one.
		self::ago( 'health_reported_at', OutboxDrainer::HEARTBEAT_AFTER );
		$this->assertTrue( Plugin::instance()->drainer()->drain()['heartbeat'] );
		$this->assertCount( 2, $requests );
	}

	public function test_the_cron_hook_sends_the_heartbeat(): void {
		$requests = $this->accepting_cloud();
		do_action( OutboxDrainer::HOOK );
		$this->assertCount( 1, $requests );
		$this->assertSame( array( 'pending' => 0, 'failing' => 0, 'dead' => 0, 'rejected' => 0 ), self::body( $requests, 0 )['health']['outbox'] );
	}

	public function test_a_refused_heartbeat_is_tried_again_only_after_five_minutes_and_does_not_fail_the_outbox(): void {
		$requests = $this->intercept_http(
			static function () {
				return self::http_response( 503, '{"success":false,"error":"The cloud is down for maintenance."}' );
			}
		);
		$result = Plugin::instance()->drainer()->drain();
		$this->assertFalse( $result['heartbeat'] );
		$this->assertCount( 1, $requests );
		// Nothing of the outbox was sent or failed: "Send now" answers as before, no error shown.
		$this->assertNull( $result['error'] );
		$state = get_option( Options::OUTBOX_STATE );
		$this->assertArrayNotHasKey( 'last_error', $state );
		$this->assertArrayNotHasKey( 'health_reported_at', $state );

		Plugin::instance()->drainer()->drain();
		$this->assertCount( 1, $requests );
		self::ago( 'heartbeat_tried_at', OutboxDrainer::HEARTBEAT_RETRY );
		Plugin::instance()->drainer()->drain();
		$this->assertCount( 2, $requests );
	}

	public function test_no_heartbeat_after_a_failed_batch_nor_while_the_site_is_not_connected(): void {
		$this->events( array( 'pending' ) );
		$requests = $this->intercept_http(
			static function () {
				return self::http_response( 500, '' );
			}
		);
		$result = Plugin::instance()->drainer()->drain();
		$this->assertSame( 1, $result['failed'] );
		$this->assertFalse( $result['heartbeat'] );
		$this->assertCount( 1, $requests );
		$this->assertCount( 1, self::body( $requests, 0 )['events'] );

		update_option( 'igny8_api_key', '' );
		Plugin::instance()->drainer()->drain();
		$this->assertCount( 1, $requests );
	}

	public function test_the_site_metadata_carries_the_outbox_counts(): void {
		$this->events( array( 'pending', 'dead', 'rejected', 'rejected' ) );
		$response = $this->dispatch( $this->signed( 'GET', '/igny8/v1/site-metadata' ) );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data()['data'];
		$this->assertSame( array( 'pending' => 1, 'failing' => 0, 'dead' => 1, 'rejected' => 2 ), $data['outbox'] );
		$valid = rest_validate_value_from_schema( $data, BridgeContract::response( 'site-metadata' ), 'site-metadata' );
		$this->assertTrue( true === $valid, is_wp_error( $valid ) ? $valid->get_error_message() : '' );
		// What the health carries, so the cloud can keep it from a test-connection too.
		$this->assertSame( IGNY8_BRIDGE_VERSION, $data['plugin_version'] );
	}

	public function test_versions_keep_only_what_a_version_is_made_of(): void {
		global $wp_version;
		$real = $wp_version;
		try {
			self::set_wp_version( '6.7-RC1 (custom <b>build</b>)' );
			$this->assertSame( '6.7-RC1custombbuildb', SiteMetadata::versions()['wordpress_version'] );
			self::set_wp_version( str_repeat( '9', 80 ) );
			$this->assertSame( 64, strlen( SiteMetadata::versions()['wordpress_version'] ) );
			self::set_wp_version( '<>' );
			$this->assertSame( 'unknown', SiteMetadata::versions()['wordpress_version'] );
		} finally {
			self::set_wp_version( $real );
		}
	}

	/**
	 * Sets WordPress's version as a host that decorates it would.
	 *
	 * @param string $version The version.
	 */
	private static function set_wp_version( string $version ): void {
		global $wp_version;
		// phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- a decorated version for one test, restored after it.
		$wp_version = $version;
	}
}
