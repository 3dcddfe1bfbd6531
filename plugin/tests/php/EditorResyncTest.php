<?php
/**
 * POST /wp-json/igny8/v1/editor/resync/{id}: the block-editor sidebar's resync.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Schema;

require_once __DIR__ . '/BridgeTestCase.php';

final class EditorResyncTest extends BridgeTestCase {

	protected function setUp(): void {
		parent::setUp();
		global $wpdb;
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
		// The cloud knows the current structure: drains add no structure.changed.
		update_option( 'igny8_structure_hash', Plugin::instance()->metadata()->structure_hash() );
	}

	private static function route( int $id ): string {
		return '/igny8/v1/editor/resync/' . $id;
	}

	/**
	 * A draft by `$author`, with the outbox emptied of the events its creation wrote.
	 *
	 * @param int $author The post's author.
	 */
	private function draft_by( int $author ): int {
		global $wpdb;
		$id = wp_insert_post(
			array(
				'post_title'  => 'Managed draft',
				'post_status' => 'draft',
				'post_author' => $author,
			)
		);
		$this->assertIsInt( $id );
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
		return $id;
	}

	/**
	 * Accepts every event and records the batches.
	 *
	 * @return \ArrayObject<int, array{url: string, args: array<string, mixed>}>
	 */
	private function cloud_accepts_events(): \ArrayObject {
		return $this->intercept_http(
			static function ( $url, $args ) {
				$events = json_decode( $args['body'], true )['events'];
				return self::http_response(
					200,
					(string) wp_json_encode(
						array(
							'success' => true,
							'data'    => array(
								'accepted'   => array_column( $events, 'id' ),
								'duplicates' => array(),
								'rejected'   => array(),
							),
						)
					)
				);
			}
		);
	}

	public function test_the_author_resyncs_the_post_and_the_event_is_sent_now(): void {
		$author = $this->create_user( 'author' );
		$post   = $this->draft_by( $author );
		$sent   = $this->cloud_accepts_events();
		wp_set_current_user( $author );

		$response = $this->rest( 'POST', self::route( $post ) );

		$this->assertSame( 200, $response->get_status() );
		$this->assertTrue( $response->get_data()['queued'] );
		$this->assertSame( 1, $response->get_data()['drain']['sent'] );
		$this->assertCount( 1, $sent );
		$this->assertSame( 'http://127.0.0.1:9/api/v1/integration/events/', $sent[0]['url'] );
		$events = json_decode( $sent[0]['args']['body'], true )['events'];
		$this->assertSame( 'post.saved', $events[0]['type'] );
		$this->assertSame( $post, $events[0]['post']['wp_post_id'] );
	}

	public function test_an_author_cannot_resync_someone_elses_post(): void {
		$post = $this->draft_by( $this->create_user( 'editor' ) );
		$sent = $this->cloud_accepts_events();
		wp_set_current_user( $this->create_user( 'author' ) );

		$response = $this->rest( 'POST', self::route( $post ) );

		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
		$this->assertCount( 0, $sent );
		$this->assertSame( 0, Plugin::instance()->outbox()->stats()['pending'] );
	}

	public function test_subscribers_and_visitors_are_refused(): void {
		$post = $this->draft_by( $this->create_user( 'editor' ) );
		$this->assertSame( 401, $this->rest( 'POST', self::route( $post ) )->get_status() );
		wp_set_current_user( $this->create_user( 'subscriber' ) );
		$this->assertSame( 403, $this->rest( 'POST', self::route( $post ) )->get_status() );
	}

	public function test_an_editor_may_resync_any_post(): void {
		$post = $this->draft_by( $this->create_user( 'author' ) );
		$this->cloud_accepts_events();
		wp_set_current_user( $this->create_user( 'editor' ) );
		$this->assertSame( 200, $this->rest( 'POST', self::route( $post ) )->get_status() );
	}

	public function test_a_site_that_is_not_connected_answers_409_and_queues_nothing(): void {
		$editor = $this->create_user( 'editor' );
		$post   = $this->draft_by( $editor );
		delete_option( Options::API_KEY );
		$sent = $this->cloud_accepts_events();
		wp_set_current_user( $editor );

		$response = $this->rest( 'POST', self::route( $post ) );

		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'igny8_not_configured', $response->get_data()['code'] );
		$this->assertCount( 0, $sent );
	}

	public function test_an_unknown_post_is_refused_like_a_forbidden_one(): void {
		// `edit_post` on a missing post maps to do_not_allow, even for administrators.
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$response = $this->rest( 'POST', self::route( 999999 ) );
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
	}
}
