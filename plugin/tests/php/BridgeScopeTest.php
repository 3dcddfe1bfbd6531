<?php
/**
 * What the bridge may read and write (issue 13, item 6): only posts the cloud
 * created or the owner handed over are written, a post's type never changes,
 * and the export, the lookups and the events cover only the owner's choice.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Admin\PostScreens;
use IGNY8\Bridge\Schema;

require_once __DIR__ . '/BridgeTestCase.php';

final class BridgeScopeTest extends BridgeTestCase {

	private function screens(): PostScreens {
		return new PostScreens( Plugin::instance()->options(), Plugin::instance()->events(), Plugin::instance()->drainer() );
	}

	/**
	 * @param array<string, mixed> $fields Post fields.
	 */
	private function plain_post( array $fields = array() ): int {
		$id = wp_insert_post(
			array_merge(
				array(
					'post_title'   => 'Written by hand',
					'post_content' => '<p>Mine</p>',
					'post_status'  => 'publish',
				),
				$fields
			)
		);
		$this->assertIsInt( $id );
		return $id;
	}

	/**
	 * Export item ids for a query.
	 *
	 * @param array<string, string> $query Query.
	 * @return int[]
	 */
	private function exported( array $query = array() ): array {
		$response = $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, array_merge( array( 'per_page' => '500' ), $query ) ) );
		$this->assertSame( 200, $response->get_status() );
		return array_column( $response->get_data()['data']['items'], 'wp_post_id' );
	}

	public function test_put_refuses_a_post_the_cloud_did_not_create_and_changes_nothing(): void {
		foreach ( array( 'post', 'page' ) as $type ) {
			$id       = $this->plain_post( array( 'post_type' => $type ) );
			$response = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $id, self::publish_body( 1301 ) ) );
			$this->assertSame( 403, $response->get_status(), $type );
			$this->assertSame( 'igny8_not_managed', $response->get_data()['code'] );
			clean_post_cache( $id );
			$post = get_post( $id );
			$this->assertSame( 'Written by hand', $post->post_title );
			$this->assertSame( $type, $post->post_type );
			$this->assertSame( '', get_post_meta( $id, '_igny8_content_id', true ) );
		}
	}

	public function test_a_post_type_change_is_refused_on_put_and_post_and_changes_nothing(): void {
		$first = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 1302 ) ) )->get_data()['data'];
		$id    = $first['post_id'];

		$put = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $id, self::publish_body( 1302, array( 'revision' => 2, 'title' => 'As a page', 'post_type' => 'page' ) ) ) );
		$this->assertSame( 409, $put->get_status() );
		$this->assertSame( 'igny8_post_type_change', $put->get_data()['code'] );
		$this->assertStringContainsString( 'never changes', $put->get_data()['message'] );

		$post = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 1302, array( 'revision' => 3, 'title' => 'As a page', 'post_type' => 'page' ) ) ) );
		$this->assertSame( 409, $post->get_status() );
		$this->assertSame( 'igny8_post_type_change', $post->get_data()['code'] );

		clean_post_cache( $id );
		$this->assertSame( 'post', get_post( $id )->post_type );
		$this->assertSame( 'Bridge post 1302', get_post( $id )->post_title );
		$this->assertSame( '1', get_post_meta( $id, '_igny8_revision', true ) );

		// The same type, named or not, is an ordinary update.
		$same = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $id, self::publish_body( 1302, array( 'revision' => 4, 'post_type' => 'post' ) ) ) );
		$this->assertSame( 200, $same->get_status() );
	}

	public function test_new_posts_are_only_of_synced_post_types(): void {
		update_option( Options::SYNCED_POST_TYPES, array( 'post' ) );
		$page = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 1303, array( 'post_type' => 'page' ) ) ) );
		$this->assertSame( 400, $page->get_status() );
		$block = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 1303, array( 'post_type' => 'wp_block' ) ) ) );
		$this->assertSame( 400, $block->get_status() );
		$this->assertNull( \IGNY8\Bridge\Publishing\PostPublisher::find_by_content_id( 1303 ) );
	}

	public function test_the_owner_hands_a_post_over_and_takes_it_back(): void {
		$id     = $this->plain_post();
		$editor = $this->create_user( 'editor' );
		wp_set_current_user( $editor );
		$actions = $this->screens()->row_actions( array(), get_post( $id ) );
		$this->assertArrayHasKey( 'igny8_manage', $actions );
		$this->assertStringContainsString( 'Let IGNY8 manage this post', $actions['igny8_manage'] );
		$this->assertStringContainsString( '_wpnonce=', $actions['igny8_manage'] );

		$ended = $this->run_admin_action(
			array( $this->screens(), 'handle_manage' ),
			array(
				'post'     => (string) $id,
				'manage'   => '1',
				'_wpnonce' => wp_create_nonce( PostScreens::MANAGE_ACTION . '_' . $id ),
			)
		);
		$this->assertSame( 'redirect', $ended['outcome'] );
		$this->assertSame( '1', get_post_meta( $id, '_igny8_managed', true ) );
		$this->assertArrayHasKey( 'igny8_unmanage', $this->screens()->row_actions( array(), get_post( $id ) ) );

		wp_set_current_user( 0 );
		$put = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $id, self::publish_body( 1304, array( 'title' => 'Now managed' ) ) ) );
		$this->assertSame( 200, $put->get_status() );
		clean_post_cache( $id );
		$this->assertSame( 'Now managed', get_post( $id )->post_title );
		// Now the cloud's post (it carries the content id): the undo is no longer offered, and changes nothing.
		wp_set_current_user( $editor );
		$this->assertArrayNotHasKey( 'igny8_unmanage', $this->screens()->row_actions( array(), get_post( $id ) ) );

		$other = $this->plain_post( array( 'post_title' => 'Handed over, then taken back' ) );
		foreach ( array( '1', '0' ) as $manage ) {
			$this->run_admin_action(
				array( $this->screens(), 'handle_manage' ),
				array(
					'post'     => (string) $other,
					'manage'   => $manage,
					'_wpnonce' => wp_create_nonce( PostScreens::MANAGE_ACTION . '_' . $other ),
				)
			);
		}
		$this->assertSame( '', get_post_meta( $other, '_igny8_managed', true ) );
		wp_set_current_user( 0 );
		$refused = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $other, self::publish_body( 1305 ) ) );
		$this->assertSame( 403, $refused->get_status() );
	}

	public function test_handing_over_needs_the_nonce_and_edit_post(): void {
		$admin  = $this->create_user( 'administrator' );
		$author = $this->create_user( 'author' );
		wp_set_current_user( $admin );
		$id = $this->plain_post();

		// An author may not edit an administrator's post: no row action, and the action is refused.
		wp_set_current_user( $author );
		$this->assertSame( array(), $this->screens()->row_actions( array(), get_post( $id ) ) );
		$ended = $this->run_admin_action(
			array( $this->screens(), 'handle_manage' ),
			array(
				'post'     => (string) $id,
				'manage'   => '1',
				'_wpnonce' => wp_create_nonce( PostScreens::MANAGE_ACTION . '_' . $id ),
			)
		);
		$this->assertSame( array( 'died', 403 ), array( $ended['outcome'], $ended['status'] ) );

		// Without a valid nonce even an administrator is refused.
		wp_set_current_user( $admin );
		$ended = $this->run_admin_action(
			array( $this->screens(), 'handle_manage' ),
			array(
				'post'     => (string) $id,
				'manage'   => '1',
				'_wpnonce' => 'forged',
			)
		);
		$this->assertSame( 'died', $ended['outcome'] );
		$this->assertSame( '', get_post_meta( $id, '_igny8_managed', true ) );
	}

	public function test_the_export_covers_only_the_chosen_statuses_and_synced_types(): void {
		$published = $this->plain_post();
		$future    = $this->plain_post( array( 'post_status' => 'future', 'post_date' => gmdate( 'Y-m-d H:i:s', time() + 86400 * 30 ) ) );
		$draft     = $this->plain_post( array( 'post_status' => 'draft' ) );
		$private   = $this->plain_post( array( 'post_status' => 'private', 'post_title' => 'Private draft' ) );
		$pending   = $this->plain_post( array( 'post_status' => 'pending' ) );
		$trashed   = $this->plain_post();
		wp_trash_post( $trashed );
		$block = $this->plain_post( array( 'post_type' => 'wp_block' ) );

		$ids = $this->exported();
		$this->assertContains( $published, $ids );
		$this->assertContains( $future, $ids );
		foreach ( array( $draft, $private, $pending, $trashed, $block ) as $hidden ) {
			$this->assertNotContains( $hidden, $ids );
		}
		// Asking for a type the site does not sync widens nothing.
		$this->assertNotContains( $block, $this->exported( array( 'post_type' => 'post,wp_block' ) ) );
		$unsynced = $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, array( 'post_type' => 'wp_block' ) ) );
		$this->assertSame( 400, $unsynced->get_status() );

		$page = $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, array( 'per_page' => '1' ) ) )->get_data()['data'];
		$this->assertSame( array( 'publish', 'future' ), $page['scope']['statuses'] );

		( new Options() )->set_export_statuses( array( 'publish', 'draft', 'bogus' ) );
		$this->assertSame( array( 'publish', 'draft' ), ( new Options() )->export_statuses() );
		$ids = $this->exported();
		$this->assertContains( $draft, $ids );
		$this->assertNotContains( $future, $ids );
		$this->assertNotContains( $private, $ids );
	}

	public function test_the_lookups_answer_the_clouds_own_posts_in_any_status_and_nothing_outside_the_synced_types(): void {
		// The cloud's own draft: not exported (drafts are not chosen), but the cloud made it and may read it.
		$draft = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 1306, array( 'status' => 'draft' ) ) ) )->get_data()['data'];
		$found = $this->dispatch( $this->signed( 'GET', '/igny8/v1/post-by-content-id/1306' ) );
		$this->assertSame( 200, $found->get_status() );
		$this->assertSame( $draft['post_id'], $found->get_data()['data']['wp_post_id'] );
		$this->assertSame( 200, $this->dispatch( $this->signed( 'GET', '/igny8/v1/post-by-task-id/2306' ) )->get_status() );

		// Once its type is no longer synced, not even the cloud's own post is answered.
		update_option( 'igny8_synced_post_types', array( 'page' ) );
		$this->assertSame( 404, $this->dispatch( $this->signed( 'GET', '/igny8/v1/post-by-content-id/1306' ) )->get_status() );
		$this->assertSame( 404, $this->dispatch( $this->signed( 'GET', '/igny8/v1/post-by-task-id/2306' ) )->get_status() );
	}

	public function test_events_about_the_clouds_own_draft_carry_its_title_and_hash(): void {
		global $wpdb;
		$draft = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 1307, array( 'status' => 'draft' ) ) ) )->get_data()['data'];
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
		wp_update_post( array( 'ID' => $draft['post_id'], 'post_title' => 'Edited in WordPress' ) );
		$payloads = array_map(
			static function ( $row ) {
				return json_decode( $row, true )['post'];
			},
			(array) $wpdb->get_col( $wpdb->prepare( 'SELECT payload FROM %i WHERE object_id = %d', Schema::outbox_table(), $draft['post_id'] ) )
		);
		$this->assertNotEmpty( $payloads );
		$this->assertSame( 'Edited in WordPress', $payloads[0]['title'] );
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{64}$/', $payloads[0]['content_hash'] );
	}

	public function test_events_about_posts_outside_the_export_carry_no_title_or_content(): void {
		global $wpdb;
		update_option( 'igny8_structure_hash', Plugin::instance()->metadata()->structure_hash() );
		$private = $this->plain_post( array( 'post_status' => 'private', 'post_title' => 'Secret plans' ) );
		$public  = $this->plain_post( array( 'post_title' => 'Public news' ) );
		$rows    = (array) $wpdb->get_results( $wpdb->prepare( 'SELECT object_id, payload FROM %i ORDER BY id', Schema::outbox_table() ), ARRAY_A );
		$by_post = array();
		foreach ( $rows as $row ) {
			$by_post[ (int) $row['object_id'] ] = json_decode( $row['payload'], true )['post'];
		}
		$this->assertSame(
			array(
				'wp_post_id'       => $private,
				'post_type'        => 'post',
				'status'           => 'private',
				'igny8_task_id'    => null,
				'igny8_content_id' => null,
			),
			$by_post[ $private ]
		);
		$this->assertStringNotContainsString( 'Secret plans', (string) wp_json_encode( $rows ) );
		$this->assertSame( 'Public news', $by_post[ $public ]['title'] );
	}
}
