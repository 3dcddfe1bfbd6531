<?php
/**
 * Creating and updating posts through POST/PUT igny8/v1/posts, and the export routes.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Publishing\PostPublisher;
use IGNY8\Bridge\Sync\PostSnapshot;

require_once __DIR__ . '/BridgeTestCase.php';

final class BridgePublishTest extends BridgeTestCase {

	private function posts_for( int $content_id ): int {
		global $wpdb;
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->postmeta} m JOIN {$wpdb->posts} p ON p.ID = m.post_id WHERE m.meta_key = '_igny8_content_id' AND m.meta_value = %s AND p.post_type = 'post'", (string) $content_id ) );
	}

	public function test_post_creates_one_post_with_content_terms_and_meta(): void {
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 901 ) ) );
		$this->assertSame( 201, $response->get_status() );
		$data = $response->get_data();
		$this->assertTrue( $data['success'] );
		$post = get_post( $data['data']['post_id'] );

		$this->assertSame( 'Bridge post 901', $post->post_title );
		$this->assertSame( 'publish', $post->post_status );
		$this->assertStringContainsString( '<h2>Intro</h2><p>Hello <strong>world</strong>.</p>', $post->post_content );
		$this->assertStringNotContainsString( '<script>', $post->post_content );
		$this->assertSame( 'Short summary', $post->post_excerpt );
		$this->assertSame( array( 'IGNY8 News 901' ), wp_get_post_terms( $post->ID, 'category', array( 'fields' => 'names' ) ) );
		$tags = wp_get_post_terms( $post->ID, 'post_tag', array( 'fields' => 'names' ) );
		sort( $tags );
		$this->assertSame( array( 'seo-901', 'wordpress' ), $tags );

		$this->assertSame( '901', get_post_meta( $post->ID, '_igny8_content_id', true ) );
		$this->assertSame( '1901', get_post_meta( $post->ID, '_igny8_task_id', true ) );
		$this->assertSame( '1', get_post_meta( $post->ID, '_igny8_revision', true ) );
		$this->assertSame( '1', get_post_meta( $post->ID, '_igny8_managed', true ) );
		$this->assertSame( 'publish', get_post_meta( $post->ID, '_igny8_wordpress_status', true ) );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/', get_post_meta( $post->ID, '_igny8_last_synced', true ) );
		$this->assertSame( 'Meta description 901', get_post_meta( $post->ID, '_igny8_meta_description', true ) );

		$this->assertSame( hash( 'sha256', $post->post_title . "\n" . $post->post_content ), $data['data']['content_hash'] );
		$this->assertSame( get_permalink( $post ), $data['data']['url'] );
		$this->assertSame( 'publish', $data['data']['status'] );
		$this->assertNull( $data['data']['featured_media_id'] );
	}

	public function test_the_seo_title_and_focus_keyphrase_land_in_the_post_meta_as_text(): void {
		$body     = self::publish_body(
			902,
			array(
				'meta_title'      => "Tomato seeds <b>indoors</b>\n guide",
				'focus_keyphrase' => 'tomato seeds<script>x</script>',
			)
		);
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', $body ) );
		$this->assertSame( 201, $response->get_status() );
		$id = (int) $response->get_data()['data']['post_id'];
		$this->assertSame( 'Tomato seeds indoors guide', get_post_meta( $id, PostSnapshot::META_META_TITLE, true ) );
		$this->assertSame( 'tomato seeds', get_post_meta( $id, PostSnapshot::META_FOCUS_KEYPHRASE, true ) );
		$this->assertSame( 'Meta description 902', get_post_meta( $id, PostSnapshot::META_DESCRIPTION, true ) );
		// No SEO plugin on this site: nothing is written under their keys.
		$this->assertSame( '', get_post_meta( $id, '_yoast_wpseo_focuskw', true ) );
		$this->assertSame( '', get_post_meta( $id, 'rank_math_focus_keyword', true ) );
	}

	public function test_publishing_again_updates_the_same_post(): void {
		$first = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 902 ) ) )->get_data()['data'];
		for ( $revision = 2; $revision <= 6; $revision++ ) {
			$again = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 902, array( 'revision' => $revision, 'title' => "Revision {$revision}" ) ) ) );
			$this->assertSame( 200, $again->get_status() );
			$this->assertSame( $first['post_id'], $again->get_data()['data']['post_id'] );
		}
		$this->assertSame( 1, $this->posts_for( 902 ) );
		clean_post_cache( $first['post_id'] );
		$this->assertSame( 'Revision 6', get_post( $first['post_id'] )->post_title );
		$this->assertSame( 1, count( get_terms( array( 'taxonomy' => 'category', 'name' => 'IGNY8 News 902', 'hide_empty' => false ) ) ) );
	}

	public function test_an_older_revision_changes_nothing(): void {
		$first = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 903, array( 'revision' => 5 ) ) ) )->get_data()['data'];
		$old   = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 903, array( 'revision' => 4, 'title' => 'Stale' ) ) ) );
		$this->assertSame( 200, $old->get_status() );
		clean_post_cache( $first['post_id'] );
		$this->assertSame( 'Bridge post 903', get_post( $first['post_id'] )->post_title );
	}

	public function test_a_wordpress_edit_makes_the_next_push_a_409_conflict(): void {
		$first = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 904 ) ) )->get_data()['data'];
		wp_update_post(
			array(
				'ID'           => $first['post_id'],
				'post_content' => '<p>Edited in WordPress</p>',
			)
		);
		$edited_hash = PostSnapshot::content_hash( get_post( $first['post_id'] ) );

		$conflict = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $first['post_id'], self::publish_body( 904, array( 'revision' => 2, 'title' => 'Cloud update', 'expected_hash' => $first['content_hash'] ) ) ) );
		$this->assertSame( 409, $conflict->get_status() );
		$this->assertSame( 'igny8_conflict', $conflict->get_data()['code'] );
		$this->assertSame( $first['post_id'], $conflict->get_data()['data']['post_id'] );
		$this->assertSame( $edited_hash, $conflict->get_data()['data']['content_hash'] );
		clean_post_cache( $first['post_id'] );
		$this->assertSame( '<p>Edited in WordPress</p>', get_post( $first['post_id'] )->post_content );
		$this->assertSame( '1', get_post_meta( $first['post_id'], '_igny8_revision', true ) );

		// With the current hash (or force) the update goes through.
		$ok = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $first['post_id'], self::publish_body( 904, array( 'revision' => 2, 'title' => 'Cloud update', 'expected_hash' => $edited_hash ) ) ) );
		$this->assertSame( 200, $ok->get_status() );
		clean_post_cache( $first['post_id'] );
		$this->assertSame( 'Cloud update', get_post( $first['post_id'] )->post_title );
		$forced = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $first['post_id'], self::publish_body( 904, array( 'revision' => 3, 'expected_hash' => str_repeat( '0', 64 ), 'force' => true ) ) ) );
		$this->assertSame( 200, $forced->get_status() );
	}

	public function test_invalid_bodies_are_refused_with_400_and_write_nothing(): void {
		$cases = array(
			'missing content_id' => array_diff_key( self::publish_body( 905 ), array( 'content_id' => 1 ) ),
			'bad status'         => self::publish_body( 905, array( 'status' => 'private' ) ),
			'future, no date'    => self::publish_body( 905, array( 'status' => 'future' ) ),
			'bad image url'      => self::publish_body( 905, array( 'featured_image' => array( 'url' => 'not a url' ) ) ),
			'bad hash'           => self::publish_body( 905, array( 'expected_hash' => 'xyz' ) ),
		);
		foreach ( $cases as $name => $body ) {
			$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', $body ) );
			$this->assertSame( 400, $response->get_status(), $name );
		}
		$this->assertSame( 0, $this->posts_for( 905 ) );
	}

	public function test_scheduled_posts_keep_their_date(): void {
		$when     = gmdate( 'Y-m-d\TH:i:s\Z', time() + 86400 * 3 );
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 906, array( 'status' => 'future', 'date_gmt' => $when ) ) ) );
		$this->assertSame( 201, $response->get_status() );
		$post = get_post( $response->get_data()['data']['post_id'] );
		$this->assertSame( 'future', $post->post_status );
		$this->assertSame( str_replace( array( 'T', 'Z' ), array( ' ', '' ), $when ), $post->post_date_gmt );
	}

	public function test_author_is_mapped_by_email_then_login_then_the_first_administrator(): void {
		$editor = get_userdata( $this->create_user( 'editor' ) );
		$by_email = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 907, array( 'author' => array( 'email' => $editor->user_email ) ) ) ) )->get_data()['data'];
		$this->assertSame( $editor->ID, (int) get_post( $by_email['post_id'] )->post_author );
		$by_login = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 908, array( 'author' => array( 'email' => 'nobody@example.test', 'login' => $editor->user_login ) ) ) ) )->get_data()['data'];
		$this->assertSame( $editor->ID, (int) get_post( $by_login['post_id'] )->post_author );
		$fallback = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 909, array( 'author' => array( 'email' => 'nobody@example.test' ) ) ) ) )->get_data()['data'];
		$admins   = get_users( array( 'role' => 'administrator', 'orderby' => 'ID', 'order' => 'ASC', 'number' => 1, 'fields' => 'ID' ) );
		$this->assertSame( (int) $admins[0], (int) get_post( $fallback['post_id'] )->post_author );
	}

	public function test_lookup_routes_find_the_managed_post(): void {
		$created = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 910 ) ) )->get_data()['data'];
		$by_content = $this->dispatch( $this->signed( 'GET', '/igny8/v1/post-by-content-id/910' ) );
		$this->assertSame( 200, $by_content->get_status() );
		$this->assertSame( $created['post_id'], $by_content->get_data()['data']['wp_post_id'] );
		$this->assertSame( 1910, $by_content->get_data()['data']['igny8_task_id'] );
		$by_task = $this->dispatch( $this->signed( 'GET', '/igny8/v1/post-by-task-id/1910' ) );
		$this->assertSame( $created['post_id'], $by_task->get_data()['data']['wp_post_id'] );
		$this->assertSame( 404, $this->dispatch( $this->signed( 'GET', '/igny8/v1/post-by-content-id/99999' ) )->get_status() );
	}

	public function test_the_export_pages_through_posts_by_modified_time_and_id(): void {
		global $wpdb;
		$ids = array();
		for ( $i = 0; $i < 5; $i++ ) {
			$ids[] = wp_insert_post( array( 'post_title' => "Export {$i}", 'post_status' => 'publish', 'post_content' => 'x' ) );
		}
		// All in the same second: the cursor must still not lose or repeat any.
		$wpdb->query( $wpdb->prepare( "UPDATE %i SET post_modified_gmt = '2030-01-01 00:00:00' WHERE ID IN (" . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ')', array_merge( array( $wpdb->posts ), $ids ) ) );
		wp_cache_flush();

		$seen  = array();
		$query = array( 'per_page' => '2', 'modified_after' => '2029-12-31T23:59:59Z' );
		for ( $page = 0; $page < 5; $page++ ) {
			$data = $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, $query ) )->get_data()['data'];
			foreach ( $data['items'] as $item ) {
				$seen[] = $item['wp_post_id'];
				$this->assertSame( '2030-01-01T00:00:00Z', $item['modified_gmt'] );
				$this->assertArrayHasKey( 'content_html', $item );
			}
			if ( null === $data['next_cursor'] ) {
				break;
			}
			$query = array(
				'per_page'       => '2',
				'modified_after' => $data['next_cursor']['modified_after'],
				'after_id'       => (string) $data['next_cursor']['after_id'],
			);
		}
		$this->assertSame( $ids, $seen );

		$bad = $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, array( 'per_page' => '501' ) ) );
		$this->assertSame( 400, $bad->get_status() );
	}

	public function test_the_export_without_a_cursor_starts_at_the_oldest_post_and_a_time_alone_excludes_that_second(): void {
		global $wpdb;
		$modified = array(
			'0000-00-00 00:00:00',
			'2031-01-01 00:00:00',
			'2031-01-01 00:00:01',
			'2031-01-01 00:00:01',
		);
		$ids = array();
		foreach ( $modified as $i => $gmt ) {
			$ids[ $i ] = wp_insert_post( array( 'post_title' => "Cursor {$i}", 'post_status' => 'publish', 'post_content' => 'x' ) );
			$wpdb->query( $wpdb->prepare( 'UPDATE %i SET post_modified_gmt = %s WHERE ID = %d', $wpdb->posts, $gmt, $ids[ $i ] ) );
		}
		$draft = wp_insert_post( array( 'post_title' => 'Cursor auto-draft', 'post_status' => 'auto-draft' ) );
		$wpdb->query( $wpdb->prepare( 'UPDATE %i SET post_modified_gmt = %s WHERE ID = %d', $wpdb->posts, '2031-01-01 00:00:01', $draft ) );
		wp_cache_flush();

		$all = array_column( $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, array( 'per_page' => '500' ) ) )->get_data()['data']['items'], 'wp_post_id' );
		// Every post, the one with no modified time first and the newest last; never an auto-draft.
		$this->assertSame( $ids[0], $all[0] );
		$this->assertSame( array( $ids[1], $ids[2], $ids[3] ), array_slice( $all, -3 ) );
		$this->assertNotContains( $draft, $all );

		$after = $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, array( 'modified_after' => '2031-01-01T00:00:00Z' ) ) )->get_data()['data'];
		$this->assertSame( array( $ids[2], $ids[3] ), array_column( $after['items'], 'wp_post_id' ) );
		$this->assertNull( $after['next_cursor'] );
	}
}
