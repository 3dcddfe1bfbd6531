<?php
/**
 * Publishing takes a lock per content id: who waits, who gets 503, and what a killed request leaves.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Publishing\MediaImporter;
use IGNY8\Bridge\Publishing\PostPublisher;
use IGNY8\Bridge\Schema;

require_once __DIR__ . '/BridgeTestCase.php';

final class PublishLockTest extends BridgeTestCase {

	/**
	 * Posts made for a content id.
	 *
	 * @param int $content_id Content id.
	 */
	private function posts_for( int $content_id ): int {
		global $wpdb;
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->postmeta} m JOIN {$wpdb->posts} p ON p.ID = m.post_id WHERE m.meta_key = '_igny8_content_id' AND m.meta_value = %s AND p.post_type = 'post'", (string) $content_id ) );
	}

	/**
	 * The content's lock row, or null.
	 *
	 * @param int $content_id Content id.
	 * @return array{owner: string, expires_at: string}|null
	 */
	private function lock_row( int $content_id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT owner, expires_at FROM %i WHERE name = %s', Schema::locks_table(), PostPublisher::lock_for( $content_id )->name() ), ARRAY_A );
		return is_array( $row ) ? $row : null;
	}

	/**
	 * What a publishing request killed mid-way leaves behind.
	 *
	 * @param int $content_id Content id.
	 * @param int $expires_at Unix time.
	 */
	private function plant_lock( int $content_id, int $expires_at ): void {
		global $wpdb;
		$wpdb->insert( Schema::locks_table(), array( 'name' => PostPublisher::lock_for( $content_id )->name(), 'owner' => str_repeat( 'k', 32 ), 'expires_at' => $expires_at ), array( '%s', '%s', '%d' ) );
	}

	/**
	 * A publisher as the plugin wires it, waiting at most `$wait` seconds for the lock.
	 *
	 * @param float $wait Seconds.
	 */
	private static function publisher( float $wait ): PostPublisher {
		return new PostPublisher( new MediaImporter( new Options() ), Plugin::instance()->events(), $wait );
	}

	public function test_publishing_holds_the_content_lock_only_while_it_runs(): void {
		$this->assertSame( 201, $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 970 ) ) )->get_status() );
		$this->assertNull( $this->lock_row( 970 ) );
		$this->assertSame( 200, $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 970, array( 'revision' => 2 ) ) ) )->get_status() );
		$this->assertSame( 1, $this->posts_for( 970 ) );
	}

	public function test_while_another_live_request_publishes_the_content_the_answer_is_503_and_nothing_is_written(): void {
		$other = PostPublisher::lock_for( 971 );
		$this->assertTrue( $other->acquire() );
		try {
			$result = self::publisher( 0.3 )->publish( self::publish_body( 971 ) );
			$this->assertInstanceOf( \WP_Error::class, $result );
			$this->assertSame( 'igny8_busy', $result->get_error_code() );
			$this->assertSame( 503, $result->get_error_data()['status'] );
			$this->assertSame( 'Another request is publishing this content right now; try again in a minute.', $result->get_error_message() );
			$this->assertSame( 0, $this->posts_for( 971 ) );

			// Other content is not held up.
			$this->assertSame( 201, self::publisher( 0.3 )->publish( self::publish_body( 972 ) )['code'] );
		} finally {
			$other->release();
		}
		$this->assertSame( 201, self::publisher( 0.3 )->publish( self::publish_body( 971 ) )['code'] );
		$this->assertSame( 1, $this->posts_for( 971 ) );
	}

	public function test_a_lock_left_by_a_killed_request_is_taken_over_once_expired_and_publishing_succeeds(): void {
		$this->plant_lock( 973, time() - 1 );
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 973 ) ) );
		$this->assertSame( 201, $response->get_status() );
		$this->assertSame( 1, $this->posts_for( 973 ) );
		$this->assertNull( $this->lock_row( 973 ), 'released after publishing' );
	}

	public function test_a_publish_waits_for_a_lock_that_expires_while_it_waits(): void {
		$this->plant_lock( 974, time() + 1 );
		$result = self::publisher( 5 )->publish( self::publish_body( 974 ) );
		$this->assertIsArray( $result );
		$this->assertSame( 201, $result['code'] );
		$this->assertSame( 1, $this->posts_for( 974 ) );
	}

	public function test_a_request_that_lost_its_lock_while_downloading_an_image_writes_no_post(): void {
		global $wpdb;
		$png = (string) base64_decode( 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- a 1×1 PNG fixture, spelled out in the test.
		$this->intercept_http(
			static function ( $url, $args ) use ( $wpdb, $png ) {
				// The download outlives the lock's expiry and another request takes the lock over meanwhile.
				$wpdb->query( $wpdb->prepare( 'UPDATE %i SET owner = %s, expires_at = %d WHERE name = %s', Schema::locks_table(), str_repeat( 'n', 32 ), time() + 60, PostPublisher::lock_for( 975 )->name() ) );
				file_put_contents( $args['filename'], $png ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents -- stands in for the download, writing the temporary file WordPress asked for.
				return array(
					'headers'  => array( 'content-type' => 'image/png' ),
					'body'     => '',
					'response' => array(
						'code'    => 200,
						'message' => 'OK',
					),
					'cookies'  => array(),
					'filename' => $args['filename'],
				);
			}
		);
		$result = self::publisher( 0.3 )->publish( self::publish_body( 975, array( 'featured_image' => array( 'url' => 'http://127.0.0.1:9/media/cover-975.png', 'alt' => 'Cover' ) ) ) );
		$this->assertInstanceOf( \WP_Error::class, $result );
		$this->assertSame( 'igny8_busy', $result->get_error_code() );
		$this->assertSame( 0, $this->posts_for( 975 ) );
		$this->assertSame( str_repeat( 'n', 32 ), $this->lock_row( 975 )['owner'], 'the new holder keeps its lock' );
	}

	public function test_a_database_that_refuses_the_lock_answers_500_not_busy(): void {
		global $wpdb;
		$this->add_test_filter(
			'query',
			static function ( string $query ): string {
				return str_replace( Schema::locks_table(), Schema::locks_table() . '_missing', $query );
			}
		);
		$suppressed = $wpdb->suppress_errors( true );
		try {
			$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 976 ) ) );
		} finally {
			$wpdb->suppress_errors( $suppressed );
		}
		$this->assertSame( 500, $response->get_status() );
		$this->assertSame( 'igny8_lock_failed', $response->get_data()['code'] );
		$this->assertSame( 0, $this->posts_for( 976 ) );
	}
}
