<?php
/**
 * The table of events waiting to be sent to the cloud.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Sync;

use IGNY8\Bridge\Schema;

/**
 * Events are written in the same request as the change they describe and sent
 * later by the drainer, so a cloud outage loses nothing.
 *
 * Statuses: `pending` (to send, maybe after a backoff), `dead` (gave up after
 * MAX_ATTEMPTS), `rejected` (the cloud refused it and said why). Dead and
 * rejected events are only sent again when someone presses "Retry".
 */
final class Outbox {

	public const MAX_ATTEMPTS = 10;
	public const BATCH_SIZE   = 100;

	/**
	 * Adds an event.
	 *
	 * @param string               $type      One of the protocol's event types.
	 * @param array<string, mixed> $body      The event's `post` / `term` / `metadata` member(s).
	 * @param int|null             $object_id The post or term id, for the admin screens.
	 * @return string The event id.
	 */
	public function add( string $type, array $body, ?int $object_id = null ): string {
		global $wpdb;
		$id    = wp_generate_uuid4();
		$event = array_merge(
			array(
				'id'          => $id,
				'type'        => $type,
				'occurred_at' => gmdate( 'Y-m-d\TH:i:s\Z' ),
			),
			$body
		);
		$now   = current_time( 'mysql', true );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery -- the plugin's own outbox table; no WordPress API writes it.
		$wpdb->insert(
			Schema::outbox_table(),
			array(
				'event_id'        => $id,
				'event_type'      => $type,
				'object_id'       => $object_id,
				'payload'         => (string) wp_json_encode( $event ),
				'status'          => 'pending',
				'attempts'        => 0,
				'next_attempt_at' => $now,
				'created_at'      => $now,
			),
			array( '%s', '%s', '%d', '%s', '%s', '%d', '%s', '%s' )
		);
		return $id;
	}

	/**
	 * Pending events due now, oldest first.
	 *
	 * @param int $limit At most this many.
	 * @return array<int, array{event_id: string, attempts: int, payload: array<string, mixed>}>
	 */
	public function due( int $limit = self::BATCH_SIZE ): array {
		global $wpdb;
		$table = Schema::outbox_table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's outbox table: requests and the cron drainer change it concurrently, so it is never cached.
		$rows  = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT event_id, attempts, payload FROM %i WHERE status = 'pending' AND next_attempt_at <= %s ORDER BY id ASC LIMIT %d",
				$table,
				current_time( 'mysql', true ),
				$limit
			),
			ARRAY_A
		);
		$events = array();
		foreach ( (array) $rows as $row ) {
			$payload  = json_decode( (string) $row['payload'], true );
			$events[] = array(
				'event_id' => (string) $row['event_id'],
				'attempts' => (int) $row['attempts'],
				'payload'  => is_array( $payload ) ? $payload : array(),
			);
		}
		return $events;
	}

	/**
	 * Removes events the cloud has (accepted or already had).
	 *
	 * @param string[] $event_ids Ids.
	 */
	public function delete( array $event_ids ): void {
		global $wpdb;
		if ( empty( $event_ids ) ) {
			return;
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's outbox table: requests and the cron drainer change it concurrently, so it is never cached.
		$wpdb->query(
			$wpdb->prepare(
				'DELETE FROM %i WHERE event_id IN (' . implode( ',', array_fill( 0, count( $event_ids ), '%s' ) ) . ')',
				array_merge( array( Schema::outbox_table() ), $event_ids )
			)
		);
	}

	/**
	 * Deletes dead and rejected events recorded more than `$days` days ago, so
	 * the dead-letter list cannot grow forever; pending events are never touched.
	 *
	 * @param int $days The retention period.
	 * @return int How many were deleted.
	 */
	public function purge_dead_letters( int $days ): int {
		global $wpdb;
		$cutoff = gmdate( 'Y-m-d H:i:s', time() - $days * DAY_IN_SECONDS );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's outbox table: requests and the cron drainer change it concurrently, so it is never cached.
		$deleted = $wpdb->query( $wpdb->prepare( "DELETE FROM %i WHERE status IN ('dead','rejected') AND created_at < %s", Schema::outbox_table(), $cutoff ) );
		return is_int( $deleted ) ? $deleted : 0;
	}

	/**
	 * Marks an event the cloud refused; it is not retried on its own.
	 *
	 * @param string $event_id The id.
	 * @param string $error    The cloud's reason.
	 */
	public function reject( string $event_id, string $error ): void {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's outbox table: requests and the cron drainer change it concurrently, so it is never cached.
		$wpdb->update(
			Schema::outbox_table(),
			array(
				'status'     => 'rejected',
				'last_error' => $error,
			),
			array( 'event_id' => $event_id )
		);
	}

	/**
	 * Records a failed attempt: backs off exponentially, dead-letters after MAX_ATTEMPTS.
	 *
	 * @param array<int, array{event_id: string, attempts: int}> $events The batch.
	 * @param string                                             $error  What went wrong.
	 */
	public function fail( array $events, string $error ): void {
		global $wpdb;
		$table = Schema::outbox_table();
		foreach ( $events as $event ) {
			$attempts = $event['attempts'] + 1;
			$status   = $attempts >= self::MAX_ATTEMPTS ? 'dead' : 'pending';
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's outbox table: requests and the cron drainer change it concurrently, so it is never cached.
			$wpdb->query(
				$wpdb->prepare(
					"UPDATE %i SET attempts = %d, status = %s, last_error = %s, next_attempt_at = %s WHERE event_id = %s AND status = 'pending'",
					$table,
					$attempts,
					$status,
					$error,
					gmdate( 'Y-m-d H:i:s', time() + self::backoff( $attempts ) ),
					$event['event_id']
				)
			);
		}
	}

	/**
	 * Seconds to wait after the nth failed attempt: 30 s, 1 min, 2 min, … capped at 1 h.
	 *
	 * @param int $attempts Failed attempts so far (≥ 1).
	 */
	public static function backoff( int $attempts ): int {
		return (int) min( 3600, 30 * ( 2 ** max( 0, $attempts - 1 ) ) );
	}

	/**
	 * Puts dead or rejected events back in the queue, due now.
	 *
	 * @param string[]|null $event_ids Those ids, or every dead/rejected event when null.
	 * @return int How many.
	 */
	public function retry( ?array $event_ids = null ): int {
		global $wpdb;
		$table = Schema::outbox_table();
		$now   = current_time( 'mysql', true );
		if ( null === $event_ids ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's outbox table: requests and the cron drainer change it concurrently, so it is never cached.
			return (int) $wpdb->query( $wpdb->prepare( "UPDATE %i SET status = 'pending', attempts = 0, next_attempt_at = %s WHERE status IN ('dead','rejected')", $table, $now ) );
		}
		if ( empty( $event_ids ) ) {
			return 0;
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's outbox table: requests and the cron drainer change it concurrently, so it is never cached.
		return (int) $wpdb->query(
			$wpdb->prepare(
				"UPDATE %i SET status = 'pending', attempts = 0, next_attempt_at = %s WHERE status IN ('dead','rejected') AND event_id IN (" . implode( ',', array_fill( 0, count( $event_ids ), '%s' ) ) . ')',
				array_merge( array( $table, $now ), $event_ids )
			)
		);
	}

	/**
	 * Counts for the settings page and the admin notice.
	 *
	 * @return array{pending: int, failing: int, dead: int, rejected: int}
	 */
	public function stats(): array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's outbox table: requests and the cron drainer change it concurrently, so it is never cached.
		$row = $wpdb->get_row(
			$wpdb->prepare( "SELECT SUM(status = 'pending') AS pending, SUM(status = 'pending' AND attempts > 0) AS failing, SUM(status = 'dead') AS dead, SUM(status = 'rejected') AS rejected FROM %i", Schema::outbox_table() ),
			ARRAY_A
		);
		$row = is_array( $row ) ? $row : array();
		return array(
			'pending'  => (int) ( $row['pending'] ?? 0 ),
			'failing'  => (int) ( $row['failing'] ?? 0 ),
			'dead'     => (int) ( $row['dead'] ?? 0 ),
			'rejected' => (int) ( $row['rejected'] ?? 0 ),
		);
	}

	/**
	 * Dead-lettered and rejected events, newest first.
	 *
	 * @param int $limit At most this many.
	 * @return array<int, array<string, mixed>>
	 */
	public function dead_letters( int $limit = 50 ): array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's outbox table: requests and the cron drainer change it concurrently, so it is never cached.
		$rows = $wpdb->get_results(
			$wpdb->prepare( "SELECT event_id, event_type, object_id, status, attempts, last_error, created_at FROM %i WHERE status IN ('dead','rejected') ORDER BY id DESC LIMIT %d", Schema::outbox_table(), $limit ),
			ARRAY_A
		);
		return is_array( $rows ) ? $rows : array();
	}

	/**
	 * One event's row, for tests and the meta box.
	 *
	 * @param string $event_id The id.
	 * @return array<string, mixed>|null
	 */
	public function find( string $event_id ): ?array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's outbox table: requests and the cron drainer change it concurrently, so it is never cached.
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT * FROM %i WHERE event_id = %s', Schema::outbox_table(), $event_id ), ARRAY_A );
		return is_array( $row ) ? $row : null;
	}
}
