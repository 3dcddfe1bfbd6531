<?php
/**
 * The signed-request check on every route the cloud calls.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Publishing\PostPublisher;
use IGNY8\Bridge\Schema;
use IGNY8\Bridge\Security\RequestVerifier;

require_once __DIR__ . '/BridgeTestCase.php';

final class BridgeAuthTest extends BridgeTestCase {

	private const ROUTES = array(
		array( 'GET', '/igny8/v1/site-metadata' ),
		array( 'GET', '/igny8/v1/posts' ),
		array( 'GET', '/igny8/v1/post-by-task-id/5' ),
		array( 'GET', '/igny8/v1/post-by-content-id/5' ),
		array( 'POST', '/igny8/v1/posts' ),
		array( 'PUT', '/igny8/v1/posts/1' ),
	);

	public function test_the_canonical_string_follows_the_protocol(): void {
		$this->assertSame(
			"GET\n/igny8/v1/posts\nafter_id=3&modified_after=2026-01-01T00%3A00%3A00Z&post_type=post%2Cpage\n1700000000\nrid-1234-5678\n" . hash( 'sha256', '' ),
			RequestVerifier::canonical( 'get', '/igny8/v1/posts/', array( 'post_type' => 'post,page', 'rest_route' => '/igny8/v1/posts/', 'modified_after' => '2026-01-01T00:00:00Z', 'after_id' => '3' ), '1700000000', 'rid-1234-5678', '' )
		);
	}

	public function test_a_correctly_signed_request_succeeds(): void {
		$response = $this->dispatch( $this->signed( 'GET', '/igny8/v1/site-metadata' ) );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data()['data'];
		$this->assertSame( IGNY8_BRIDGE_VERSION, $data['plugin_version'] );
		$this->assertSame( '/%postname%/', $data['permalink_structure'] );
		$this->assertContains( 'post', array_column( $data['post_types'], 'name' ) );
		$this->assertContains( 'category', array_column( $data['taxonomies'], 'name' ) );
		$this->assertFalse( $data['woocommerce'] );
	}

	/**
	 * @return array<string, array{0: array<string, mixed>}>
	 */
	public function tampered_requests(): array {
		return array(
			'tampered body'     => array( array( 'body' => '{"content_id":777,"title":"Evil","content_html":"x","status":"publish"}' ) ),
			'wrong key'         => array( array( 'key' => 'ig8_wrong_0123456789abcdefghijklmnopqrstu' ) ),
			'unknown key id'    => array( array( 'key_id' => '42' ) ),
			'malformed key id'  => array( array( 'key_id' => '41abc' ) ),
			'plain key header'  => array( array( 'api_key' => self::KEY ) ),
			'stale timestamp'   => array( array( 'timestamp' => (string) ( time() - 400 ) ) ),
			'future timestamp'  => array( array( 'timestamp' => (string) ( time() + 400 ) ) ),
			'forged signature'  => array( array( 'signature' => str_repeat( 'a', 64 ) ) ),
			'no signature'      => array( array( 'signature' => '' ) ),
			'bad request id'    => array( array( 'request_id' => 'x' ) ),
		);
	}

	/**
	 * @dataProvider tampered_requests
	 *
	 * @param array<string, mixed> $override What is wrong.
	 */
	public function test_a_bad_request_gets_401_and_writes_nothing( array $override ): void {
		$before   = (int) wp_count_posts( 'post' )->publish;
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 777 ), array(), $override ) );
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'igny8_unauthorized', $response->get_data()['code'] );
		wp_cache_flush();
		$this->assertNull( PostPublisher::find_by_content_id( 777 ) );
		$this->assertSame( $before, (int) wp_count_posts( 'post' )->publish );
	}

	public function test_a_replayed_request_id_is_refused(): void {
		$request = $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 778 ) );
		$this->assertSame( 201, $this->dispatch( $request )->get_status() );
		$post = PostPublisher::find_by_content_id( 778 );
		$this->assertNotNull( $post );
		wp_update_post( array( 'ID' => $post->ID, 'post_title' => 'Edited locally' ) );

		$replay = $this->dispatch( $request );
		$this->assertSame( 401, $replay->get_status() );
		$this->assertSame( 'igny8_unauthorized', $replay->get_data()['code'] );
		clean_post_cache( $post->ID );
		$this->assertSame( 'Edited locally', get_post( $post->ID )->post_title );
	}

	public function test_a_request_id_the_database_cannot_record_gets_503_not_a_replay_refusal(): void {
		global $wpdb;
		// Every query on the request-id table goes to a table that does not exist.
		$this->add_test_filter(
			'query',
			static function ( string $query ): string {
				return str_replace( Schema::request_ids_table(), Schema::request_ids_table() . '_missing', $query );
			}
		);
		$suppressed = $wpdb->suppress_errors( true );
		try {
			$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 780 ) ) );
		} finally {
			$wpdb->suppress_errors( $suppressed );
		}
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'igny8_unavailable', $response->get_data()['code'] );
		$this->assertNull( PostPublisher::find_by_content_id( 780 ) );
	}

	public function test_every_route_refuses_users_without_the_key(): void {
		$editor     = $this->create_user( 'editor' );
		$subscriber = $this->create_user( 'subscriber' );
		$admin      = $this->create_user( 'administrator' );
		foreach ( array( 0, $subscriber, $editor, $admin ) as $user ) {
			wp_set_current_user( $user );
			foreach ( self::ROUTES as $route ) {
				$request = new \WP_REST_Request( $route[0], $route[1] );
				if ( 'GET' !== $route[0] ) {
					$request->set_header( 'Content-Type', 'application/json' );
					$request->set_body( (string) wp_json_encode( self::publish_body( 779 ) ) );
				}
				$response = $this->dispatch( $request );
				$this->assertSame( 401, $response->get_status(), "{$route[0]} {$route[1]} as user {$user}" );
			}
		}
		$this->assertNull( PostPublisher::find_by_content_id( 779 ) );
	}

	public function test_a_site_that_has_not_paired_refuses_everything(): void {
		$request = $this->signed( 'GET', '/igny8/v1/site-metadata' );
		delete_option( Options::CREDENTIALS );
		$this->assertSame( 401, $this->dispatch( $request )->get_status() );
	}

	public function test_query_parameters_are_signed(): void {
		$request = $this->signed( 'GET', '/igny8/v1/posts', null, array( 'per_page' => '5' ) );
		$request->set_query_params( array( 'per_page' => '500' ) );
		$this->assertSame( 401, $this->dispatch( $request )->get_status() );
		$this->assertSame( 200, $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, array( 'per_page' => '5' ) ) )->get_status() );
	}
}
