<?php
/**
 * The `_igny8_*` post meta through the core REST API (issue 13, item 10):
 * only in `context=edit`, which WordPress grants only to users who can edit
 * the post. Visitors and subscribers never see it.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use WP_REST_Request;

require_once __DIR__ . '/BridgeTestCase.php';

final class MetaRestExposureTest extends BridgeTestCase {

	/**
	 * A published post of the cloud's, with every kind of IGNY8 meta.
	 */
	private function cloud_post(): int {
		$answer = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 1401 ) ) );
		$this->assertSame( 201, $answer->get_status() );
		$id = (int) $answer->get_data()['data']['post_id'];
		update_post_meta( $id, '_igny8_source_url', 'https://source.example/' );
		return $id;
	}

	/**
	 * `GET /wp/v2/{posts|pages}/{id}` (and the list) as the current user.
	 *
	 * @param string               $route Route.
	 * @param array<string, string> $query Query.
	 * @return array{0: int, 1: string} Status and the JSON the user would receive.
	 */
	private function get( string $route, array $query = array() ): array {
		$request = new WP_REST_Request( 'GET', $route );
		$request->set_query_params( $query );
		$response = rest_do_request( $request );
		$data     = rest_get_server()->response_to_data( $response, false );
		return array( $response->get_status(), (string) wp_json_encode( $data ) );
	}

	public function test_visitors_and_subscribers_never_see_the_meta(): void {
		$id         = $this->cloud_post();
		$subscriber = $this->create_user( 'subscriber' );
		foreach ( array( 0, $subscriber ) as $user ) {
			wp_set_current_user( $user );
			foreach ( array( '/wp/v2/posts/' . $id, '/wp/v2/posts' ) as $route ) {
				list( $status, $json ) = $this->get( $route );
				$this->assertSame( 200, $status, $route );
				$this->assertStringContainsString( 'Bridge post 1401', $json, 'the post itself is public' );
				$this->assertStringNotContainsString( '_igny8_', $json, "{$route} as user {$user}" );
			}
			list( $status, $json ) = $this->get( '/wp/v2/posts/' . $id, array( 'context' => 'edit' ) );
			$this->assertContains( $status, array( 401, 403 ), "context=edit as user {$user}" );
			$this->assertStringNotContainsString( '_igny8_', $json );
			list( , $json ) = $this->get( '/wp/v2/posts/' . $id, array( '_fields' => 'meta._igny8_content_id,meta' ) );
			$this->assertStringNotContainsString( '_igny8_', $json );
		}
	}

	public function test_users_who_can_edit_the_post_read_it_in_the_edit_context(): void {
		$id = $this->cloud_post();
		wp_set_current_user( $this->create_user( 'editor' ) );
		list( , $view ) = $this->get( '/wp/v2/posts/' . $id );
		$this->assertStringNotContainsString( '_igny8_', $view, 'not even an editor in the view context' );
		list( $status, $json ) = $this->get( '/wp/v2/posts/' . $id, array( 'context' => 'edit' ) );
		$this->assertSame( 200, $status );
		$meta = json_decode( $json, true )['meta'];
		$this->assertSame( 1401, $meta['_igny8_content_id'] );
		$this->assertSame( '1', $meta['_igny8_managed'] );
		$this->assertSame( 'https://source.example/', $meta['_igny8_source_url'] );
	}

	public function test_nobody_writes_it_through_the_core_api(): void {
		$id = $this->cloud_post();
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$request = new WP_REST_Request( 'POST', '/wp/v2/posts/' . $id );
		$request->set_body_params( array( 'meta' => array( '_igny8_content_id' => 999 ) ) );
		$response = rest_do_request( $request );
		$this->assertContains( $response->get_status(), array( 401, 403 ) );
		$this->assertSame( '1401', get_post_meta( $id, '_igny8_content_id', true ) );
	}
}
