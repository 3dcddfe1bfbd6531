<?php
/**
 * REST route behind the Outbox tab of IGNY8 → Activity.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Rest;

use IGNY8\Bridge\Schema;
use IGNY8\Bridge\Sync\Outbox;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET igny8/v1/outbox`: one page of the events waiting to reach the cloud,
 * newest first, optionally only those in one state. Sending and retrying stay
 * with SettingsController (`outbox/send`, `outbox/retry`).
 *
 * Only `manage_options` may read it: an event can describe a draft another
 * user cannot open, and a cloud error can name the site's setup.
 */
final class OutboxController {

	public const CAPABILITY       = 'manage_options';
	public const DEFAULT_PER_PAGE = 25;
	public const MAX_PER_PAGE     = 100;

	/**
	 * Filter value → SQL condition. `dead` covers rejected events too: neither
	 * is sent again until someone presses Retry.
	 */
	private const STATES = array(
		'pending' => "status = 'pending' AND attempts = 0",
		'failing' => "status = 'pending' AND attempts > 0",
		'dead'    => "status IN ('dead','rejected')",
	);

	/**
	 * Registers the route. Runs on `rest_api_init`.
	 */
	public function register_routes(): void {
		register_rest_route(
			ConnectionController::REST_NAMESPACE,
			'/outbox',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'list_events' ),
				'permission_callback' => array( $this, 'can_read' ),
				'args'                => array(
					'state'    => array(
						'type' => 'string',
						'enum' => array_keys( self::STATES ),
					),
					'page'     => array(
						'type'    => 'integer',
						'minimum' => 1,
						'maximum' => 1000000,
						'default' => 1,
					),
					'per_page' => array(
						'type'    => 'integer',
						'minimum' => 1,
						'maximum' => self::MAX_PER_PAGE,
						'default' => self::DEFAULT_PER_PAGE,
					),
				),
			)
		);
	}

	/**
	 * @return true|WP_Error
	 */
	public function can_read() {
		if ( current_user_can( self::CAPABILITY ) ) {
			return true;
		}
		return new WP_Error( 'rest_forbidden', __( 'Only administrators (users who can manage options) can see the outbox.', 'igny8-bridge' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/**
	 * `GET igny8/v1/outbox`: `{ results, count }`, like the cloud's lists.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public function list_events( WP_REST_Request $request ): WP_REST_Response {
		global $wpdb;
		$state    = (string) $request->get_param( 'state' );
		$per_page = (int) $request->get_param( 'per_page' );
		$page     = (int) $request->get_param( 'page' );
		$where    = self::STATES[ $state ] ?? '1=1';
		$table    = Schema::outbox_table();

		// $where is one of the constant conditions above, never request text.
		// phpcs:disable WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the plugin's outbox table changes with every request and the drainer, so it is never cached.
		$count = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM %i WHERE {$where}", $table ) );
		$rows  = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT id, event_id, event_type, object_id, payload, status, attempts, last_error, next_attempt_at, created_at FROM %i WHERE {$where} ORDER BY id DESC LIMIT %d OFFSET %d",
				$table,
				$per_page,
				( $page - 1 ) * $per_page
			),
			ARRAY_A
		);
		// phpcs:enable

		$results = array();
		foreach ( is_array( $rows ) ? $rows : array() as $row ) {
			$results[] = $this->row( $row );
		}
		$response = new WP_REST_Response(
			array(
				'results' => $results,
				'count'   => $count,
			),
			200
		);
		$response->header( 'X-WP-Total', (string) $count );
		$response->header( 'X-WP-TotalPages', (string) max( 1, (int) ceil( $count / $per_page ) ) );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * One event as the tab shows it.
	 *
	 * @param array<string, mixed> $row The table row.
	 * @return array<string, mixed>
	 */
	private function row( array $row ): array {
		$status   = (string) $row['status'];
		$attempts = (int) $row['attempts'];
		$state    = 'pending' === $status ? ( $attempts > 0 ? 'failing' : 'pending' ) : $status;
		$payload  = json_decode( (string) $row['payload'], true );
		$payload  = is_array( $payload ) ? $payload : array();
		return array(
			'id'           => (int) $row['id'],
			'event_id'     => (string) $row['event_id'],
			'kind'         => (string) $row['event_type'],
			'state'        => $state,
			'attempts'     => $attempts,
			'max_attempts' => Outbox::MAX_ATTEMPTS,
			'next_try_at'  => 'pending' === $status ? self::iso( $row['next_attempt_at'] ) : null,
			'last_error'   => null === $row['last_error'] || '' === $row['last_error'] ? null : (string) $row['last_error'],
			'created_at'   => self::iso( $row['created_at'] ),
			'post'         => self::post( null === $row['object_id'] ? 0 : (int) $row['object_id'], $payload ),
			'term'         => isset( $payload['term']['name'] ) && is_string( $payload['term']['name'] ) ? $payload['term']['name'] : null,
		);
	}

	/**
	 * The post an event is about: its title and, when the user may, its links.
	 * A deleted post keeps only its id.
	 *
	 * @param int                  $post_id The event's object id (0: none).
	 * @param array<string, mixed> $payload The event.
	 * @return array<string, mixed>|null
	 */
	private static function post( int $post_id, array $payload ): ?array {
		if ( $post_id <= 0 || ! isset( $payload['post'] ) ) {
			return null;
		}
		$post = get_post( $post_id );
		if ( ! $post ) {
			return array(
				'id'        => $post_id,
				'title'     => '',
				'edit_link' => null,
				'view_link' => null,
			);
		}
		$can_edit = current_user_can( 'edit_post', $post_id );
		$link     = get_permalink( $post );
		return array(
			'id'        => $post_id,
			'title'     => wp_strip_all_tags( (string) $post->post_title ),
			'edit_link' => $can_edit ? get_edit_post_link( $post_id, 'raw' ) : null,
			'view_link' => 'publish' === $post->post_status && is_string( $link ) ? $link : null,
		);
	}

	/**
	 * A stored UTC time as ISO 8601.
	 *
	 * @param mixed $value `Y-m-d H:i:s` in UTC, or null.
	 */
	private static function iso( $value ): ?string {
		if ( ! is_string( $value ) || '' === $value || '0000-00-00 00:00:00' === $value ) {
			return null;
		}
		return str_replace( ' ', 'T', $value ) . 'Z';
	}
}
