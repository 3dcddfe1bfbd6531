<?php
/**
 * Outbox events and the drainer.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Schema;
use IGNY8\Bridge\Sync\Outbox;
use IGNY8\Bridge\Sync\OutboxDrainer;

require_once __DIR__ . '/BridgeTestCase.php';

final class OutboxTest extends BridgeTestCase {

	protected function setUp(): void {
		parent::setUp();
		global $wpdb;
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
		// The cloud knows the current structure: drains add no structure.changed.
		update_option( 'igny8_structure_hash', Plugin::instance()->metadata()->structure_hash() );
	}

	/**
	 * @return array<int, array<string, mixed>>
	 */
	private function rows(): array {
		global $wpdb;
		return (array) $wpdb->get_results( $wpdb->prepare( 'SELECT * FROM %i ORDER BY id', Schema::outbox_table() ), ARRAY_A );
	}

	private function make_all_due(): void {
		global $wpdb;
		$wpdb->query( $wpdb->prepare( "UPDATE %i SET next_attempt_at = '2000-01-01 00:00:00'", Schema::outbox_table() ) );
	}

	public function test_saving_a_post_writes_one_event_with_the_protocol_fields(): void {
		$id   = wp_insert_post( array( 'post_title' => 'Outbox one', 'post_status' => 'draft', 'post_content' => '<p>a</p>' ) );
		$rows = $this->rows();
		$this->assertCount( 1, $rows );
		$this->assertSame( 'post.saved', $rows[0]['event_type'] );
		$event = json_decode( $rows[0]['payload'], true );
		$this->assertMatchesRegularExpression( '/^[0-9a-f-]{36}$/', $event['id'] );
		$this->assertSame( $rows[0]['event_id'], $event['id'] );
		$this->assertMatchesRegularExpression( '/Z$/', $event['occurred_at'] );
		$this->assertSame( $id, $event['post']['wp_post_id'] );
		$this->assertSame( 'draft', $event['post']['status'] );
		$this->assertSame( 'post', $event['post']['post_type'] );
		$this->assertNull( $event['post']['igny8_content_id'] );
		// A draft is outside the default export (publish, future): its event says only which post and its state.
		$this->assertSame( array( 'wp_post_id', 'post_type', 'status', 'igny8_task_id', 'igny8_content_id' ), array_keys( $event['post'] ) );

		wp_publish_post( $id );
		wp_trash_post( $id );
		wp_delete_post( $id, true );
		$types = array_column( $this->rows(), 'event_type' );
		$this->assertSame( array( 'post.saved', 'post.status_changed', 'post.saved', 'post.trashed', 'post.deleted' ), $types );
		$status = json_decode( $this->rows()[1]['payload'], true );
		$this->assertSame( 'publish', $status['post']['status'] );
		$this->assertSame( 'Outbox one', $status['post']['title'] );
		$this->assertSame( hash( 'sha256', "Outbox one\n<p>a</p>" ), $status['post']['content_hash'] );
		// Trashed is outside the export too.
		$trashed = json_decode( $this->rows()[3]['payload'], true );
		$this->assertSame( 'trash', $trashed['post']['status'] );
		$this->assertArrayNotHasKey( 'title', $trashed['post'] );
	}

	public function test_revisions_autosaves_unsynced_types_and_unconnected_sites_write_nothing(): void {
		update_option( 'igny8_synced_post_types', array( 'post' ) );
		wp_insert_post( array( 'post_type' => 'page', 'post_title' => 'Not synced', 'post_status' => 'publish' ) );
		$this->assertCount( 0, $this->rows() );

		$id = wp_insert_post( array( 'post_title' => 'Synced', 'post_status' => 'draft' ) );
		$this->assertCount( 1, $this->rows() );
		_wp_put_post_revision( $id );
		$autosave = _wp_put_post_revision( array_merge( get_post( $id, ARRAY_A ), array( 'post_title' => 'auto' ) ), true );
		$this->assertIsInt( $autosave );
		$this->assertCount( 1, $this->rows() );

		update_option( 'igny8_api_key', '' );
		wp_update_post( array( 'ID' => $id, 'post_title' => 'Edited while not connected' ) );
		$this->assertCount( 1, $this->rows() );
	}

	public function test_term_changes_write_term_events(): void {
		$term = wp_insert_term( 'Outbox Term', 'category' );
		wp_update_term( $term['term_id'], 'category', array( 'name' => 'Outbox Term 2' ) );
		wp_delete_term( $term['term_id'], 'category' );
		$events = array_map(
			static function ( array $row ): array {
				return json_decode( $row['payload'], true )['term'];
			},
			$this->rows()
		);
		$this->assertSame( array( 'created', 'edited', 'deleted' ), array_column( $events, 'action' ) );
		$this->assertSame( 'Outbox Term 2', $events[1]['name'] );
		$this->assertSame( 'category', $events[2]['taxonomy'] );
	}

	public function test_terms_the_publisher_creates_are_reported_but_its_post_only_once(): void {
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 960, array( 'tags' => array( 'igny8-tag-960' ) ) ) ) );
		$this->assertSame( 201, $response->get_status() );
		$events = array_map(
			static function ( array $row ): array {
				return json_decode( $row['payload'], true );
			},
			$this->rows()
		);
		$terms = array_values(
			array_filter(
				$events,
				static function ( array $event ): bool {
					return 'term.changed' === $event['type'];
				}
			)
		);
		$this->assertSame(
			array( array( 'category', 'IGNY8 News 960', 'created' ), array( 'post_tag', 'igny8-tag-960', 'created' ) ),
			array_map(
				static function ( array $event ): array {
					return array( $event['term']['taxonomy'], $event['term']['name'], $event['term']['action'] );
				},
				$terms
			)
		);
		$this->assertSame( 1, count( array_filter( array_column( $events, 'type' ), static function ( string $type ): bool { return 0 === strpos( $type, 'post.' ); } ) ) );

		// Existing terms are not reported again on the next push.
		global $wpdb;
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
		$this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 960, array( 'revision' => 2, 'tags' => array( 'igny8-tag-960' ) ) ) ) );
		$this->assertSame( array( 'post.saved' ), array_column( $this->rows(), 'event_type' ) );
	}

	public function test_a_permalink_change_writes_a_structure_event(): void {
		Plugin::instance()->events()->check_structure();
		global $wpdb;
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
		update_option( 'permalink_structure', '/%year%/%postname%/' );
		$rows = $this->rows();
		$this->assertCount( 1, $rows );
		$this->assertSame( 'structure.changed', $rows[0]['event_type'] );
		$this->assertSame( '/%year%/%postname%/', json_decode( $rows[0]['payload'], true )['metadata']['permalink_structure'] );
		Plugin::instance()->events()->check_structure();
		$this->assertCount( 1, $this->rows() );
	}

	public function test_an_unreachable_cloud_backs_off_then_dead_letters_after_10_attempts(): void {
		// Nothing listens on 127.0.0.1:9: a real connection failure.
		wp_insert_post( array( 'post_title' => 'Will fail', 'post_status' => 'draft' ) );
		$outbox = Plugin::instance()->outbox();
		$delays = array();
		for ( $attempt = 1; $attempt <= 10; $attempt++ ) {
			$result = do_action( 'igny8_drain_outbox' );
			unset( $result );
			$row = $this->rows()[0];
			$this->assertSame( (string) $attempt, $row['attempts'] );
			$this->assertStringStartsWith( 'Could not reach the IGNY8 cloud', $row['last_error'] );
			$delays[] = strtotime( $row['next_attempt_at'] . ' UTC' ) - time();
			if ( $attempt < 10 ) {
				$this->assertSame( 'pending', $row['status'] );
				// Not due yet: another drain right away sends nothing.
				$again = Plugin::instance()->drainer()->drain();
				$this->assertSame( 0, $again['failed'] );
				$this->make_all_due();
			}
		}
		$this->assertSame( 'dead', $this->rows()[0]['status'] );
		for ( $i = 1; $i < 6; $i++ ) {
			$this->assertGreaterThan( $delays[ $i - 1 ], $delays[ $i ], 'backoff grows' );
		}
		$this->assertSame( array( 'pending' => 0, 'failing' => 0, 'dead' => 1, 'rejected' => 0 ), $outbox->stats() );
		$this->assertCount( 1, $outbox->dead_letters() );

		// A dead letter is not sent again on its own…
		$this->make_all_due();
		$this->assertSame( 0, Plugin::instance()->drainer()->drain()['failed'] );
		// …only after "Retry".
		$this->assertSame( 1, $outbox->retry() );
		$this->assertSame( 'pending', $this->rows()[0]['status'] );
		$this->assertSame( '0', $this->rows()[0]['attempts'] );
	}

	public function test_accepted_and_duplicate_events_are_deleted_rejected_ones_kept(): void {
		for ( $i = 0; $i < 3; $i++ ) {
			wp_insert_post( array( 'post_title' => "Batch {$i}", 'post_status' => 'draft' ) );
		}
		$ids      = array_column( $this->rows(), 'event_id' );
		$requests = $this->intercept_http(
			function ( $url, $args ) use ( $ids ) {
				return self::http_response(
					200,
					(string) wp_json_encode(
						array(
							'success' => true,
							'data'    => array(
								'accepted'   => array( $ids[0] ),
								'duplicates' => array( $ids[1] ),
								'rejected'   => array( array( 'id' => $ids[2], 'error' => 'unknown post type' ) ),
							),
						)
					)
				);
			}
		);
		$result = Plugin::instance()->drainer()->drain();
		$this->assertSame( 2, $result['sent'] );
		$this->assertSame( 1, $result['rejected'] );
		$this->assertCount( 1, $requests );
		$this->assertSame( 'http://127.0.0.1:9/api/v1/integration/events/', $requests[0]['url'] );
		$this->assertSame( (string) self::KEY_ID, $requests[0]['args']['headers']['X-IGNY8-Key-Id'] );
		$this->assertArrayNotHasKey( 'X-IGNY8-API-Key', $requests[0]['args']['headers'] );
		$sent = json_decode( $requests[0]['args']['body'], true );
		$this->assertSame( $ids, array_column( $sent['events'], 'id' ) );

		$rows = $this->rows();
		$this->assertCount( 1, $rows );
		$this->assertSame( $ids[2], $rows[0]['event_id'] );
		$this->assertSame( 'rejected', $rows[0]['status'] );
		$this->assertSame( 'unknown post type', $rows[0]['last_error'] );
	}

	public function test_dead_and_rejected_events_older_than_the_retention_setting_are_deleted_by_the_drainer(): void {
		global $wpdb;
		for ( $i = 0; $i < 4; $i++ ) {
			wp_insert_post( array( 'post_title' => "Retention {$i}", 'post_status' => 'draft' ) );
		}
		$ids   = array_column( $this->rows(), 'event_id' );
		$table = Schema::outbox_table();
		$old   = gmdate( 'Y-m-d H:i:s', time() - 8 * DAY_IN_SECONDS );
		// 0: dead and old, 1: rejected and old, 2: dead but recent, 3: pending and old (never purged).
		$wpdb->query( $wpdb->prepare( "UPDATE %i SET status = 'dead', created_at = %s WHERE event_id = %s", $table, $old, $ids[0] ) );
		$wpdb->query( $wpdb->prepare( "UPDATE %i SET status = 'rejected', created_at = %s WHERE event_id = %s", $table, $old, $ids[1] ) );
		$wpdb->query( $wpdb->prepare( "UPDATE %i SET status = 'dead' WHERE event_id = %s", $table, $ids[2] ) );
		$wpdb->query( $wpdb->prepare( "UPDATE %i SET created_at = %s, next_attempt_at = %s WHERE event_id = %s", $table, $old, '2999-01-01 00:00:00', $ids[3] ) );

		$options = Plugin::instance()->options();
		$this->assertSame( 30, $options->dead_letter_days() );
		Plugin::instance()->drainer()->drain();
		$this->assertSame( $ids, array_column( $this->rows(), 'event_id' ), 'Within 30 days nothing is deleted.' );

		$options->set_dead_letter_days( 7 );
		$this->assertSame( 7, $options->dead_letter_days() );
		Plugin::instance()->drainer()->drain();
		$this->assertSame( array( $ids[2], $ids[3] ), array_column( $this->rows(), 'event_id' ) );
		$this->assertSame( array( 'dead', 'pending' ), array_column( $this->rows(), 'status' ) );

		update_option( 'igny8_dead_letter_days', 'nonsense' );
		$this->assertSame( 30, $options->dead_letter_days() );
	}

	public function test_batches_hold_at_most_100_events_and_a_5xx_is_retried(): void {
		global $wpdb;
		$outbox = Plugin::instance()->outbox();
		for ( $i = 0; $i < 150; $i++ ) {
			$outbox->add( 'post.saved', array( 'post' => array( 'wp_post_id' => $i ) ) );
		}
		$sizes = array();
		$this->intercept_http(
			function ( $url, $args ) use ( &$sizes ) {
				$events  = json_decode( $args['body'], true )['events'];
				$sizes[] = count( $events );
				if ( count( $sizes ) === 1 ) {
					return self::http_response( 503, '{"success":false,"error":"down"}' );
				}
				return self::http_response( 200, (string) wp_json_encode( array( 'success' => true, 'data' => array( 'accepted' => array_column( $events, 'id' ), 'duplicates' => array(), 'rejected' => array() ) ) ) );
			}
		);
		$first = Plugin::instance()->drainer()->drain();
		$this->assertSame( array( 100 ), $sizes );
		$this->assertSame( 100, $first['failed'] );
		$this->assertSame( 100, $outbox->stats()['failing'] );
		$this->make_all_due();
		Plugin::instance()->drainer()->drain();
		$this->assertSame( array( 100, 100, 50 ), $sizes );
		$this->assertSame( '0', $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i', Schema::outbox_table() ) ) );
	}

	public function test_a_second_drainer_gives_way_while_one_holds_the_lock_and_says_so(): void {
		wp_insert_post( array( 'post_title' => 'Locked', 'post_status' => 'draft' ) );
		// Another request is draining right now.
		$other = OutboxDrainer::lock();
		$this->assertTrue( $other->acquire() );
		$requests = $this->intercept_http(
			static function () {
				return self::http_response( 500, '' );
			}
		);
		try {
			$result = Plugin::instance()->drainer()->drain();
			$this->assertTrue( $result['locked'] );
			$this->assertSame( 0, $result['sent'] + $result['failed'] );
			$this->assertSame( 'The outbox is being sent by another request right now. Wait a minute, then look again.', $result['error'] );
			$this->assertCount( 0, $requests );
			$this->assertSame( '0', $this->rows()[0]['attempts'] );
		} finally {
			$other->release();
		}
		$result = Plugin::instance()->drainer()->drain();
		$this->assertFalse( $result['locked'] );
		$this->assertCount( 1, $requests );
		$this->assertSame( '1', $this->rows()[0]['attempts'] );
	}

	public function test_a_drain_lock_left_by_a_killed_drainer_is_taken_over_once_expired(): void {
		global $wpdb;
		wp_insert_post( array( 'post_title' => 'After a crash', 'post_status' => 'draft' ) );
		$ids = array_column( $this->rows(), 'event_id' );
		// A drainer killed mid-run (no shutdown function ran) left its lock: still valid for a moment…
		$wpdb->insert( Schema::locks_table(), array( 'name' => OutboxDrainer::LOCK_NAME, 'owner' => str_repeat( 'k', 32 ), 'expires_at' => time() + 60 ), array( '%s', '%s', '%d' ) );
		$requests = $this->intercept_http(
			static function ( $url, $args ) {
				$events = json_decode( $args['body'], true )['events'];
				return self::http_response( 200, (string) wp_json_encode( array( 'success' => true, 'data' => array( 'accepted' => array_column( $events, 'id' ), 'duplicates' => array(), 'rejected' => array() ) ) ) );
			}
		);
		$this->assertTrue( Plugin::instance()->drainer()->drain()['locked'] );
		$this->assertCount( 0, $requests );

		// …then expired: the next drain takes it over and sends.
		$wpdb->query( $wpdb->prepare( 'UPDATE %i SET expires_at = %d WHERE name = %s', Schema::locks_table(), time() - 1, OutboxDrainer::LOCK_NAME ) );
		$result = Plugin::instance()->drainer()->drain();
		$this->assertFalse( $result['locked'] );
		$this->assertNull( $result['error'] );
		$this->assertSame( 1, $result['sent'] );
		$this->assertCount( 1, $requests );
		$this->assertSame( $ids, array_column( json_decode( $requests[0]['args']['body'], true )['events'], 'id' ) );
		$this->assertCount( 0, $this->rows() );
		// And released it when done.
		$this->assertSame( '0', (string) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i WHERE name = %s', Schema::locks_table(), OutboxDrainer::LOCK_NAME ) ) );
	}

	public function test_backoff_grows_exponentially_and_is_capped(): void {
		$this->assertSame( array( 30, 60, 120, 240, 480, 960, 1920, 3600, 3600 ), array_map( array( Outbox::class, 'backoff' ), range( 1, 9 ) ) );
	}
}
