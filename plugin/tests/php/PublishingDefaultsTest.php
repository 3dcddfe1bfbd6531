<?php
/**
 * The publishing defaults (IGNY8 → Settings → Publishing) as POST
 * igny8/v1/posts applies them: status, author and categories of a new post
 * when the cloud names none, and never on an update.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Options;

require_once __DIR__ . '/BridgeTestCase.php';

final class PublishingDefaultsTest extends BridgeTestCase {

	/**
	 * Publishes through the signed bridge route, as the cloud does.
	 *
	 * @param array<string, mixed> $body The publish body.
	 * @return \WP_Post The post written.
	 */
	private function publish( array $body ): \WP_Post {
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', $body ) );
		$this->assertContains( $response->get_status(), array( 200, 201 ), (string) wp_json_encode( $response->get_data() ) );
		$post = get_post( (int) $response->get_data()['data']['post_id'] );
		$this->assertInstanceOf( \WP_Post::class, $post );
		return $post;
	}

	/**
	 * A publish body without status and categories (what the cloud leaves out when nobody chose).
	 *
	 * @param int                  $content_id Content id.
	 * @param array<string, mixed> $extra      More fields.
	 * @return array<string, mixed>
	 */
	private static function unspecified( int $content_id, array $extra = array() ): array {
		$body = self::publish_body( $content_id, $extra );
		foreach ( array( 'status', 'categories' ) as $field ) {
			if ( ! array_key_exists( $field, $extra ) ) {
				unset( $body[ $field ] );
			}
		}
		return $body;
	}

	private function category( string $name ): int {
		$term = wp_insert_term( $name . ' ' . wp_generate_password( 6, false ), 'category' );
		$this->assertIsArray( $term );
		return (int) $term['term_id'];
	}

	/**
	 * @param \WP_Post $post The post.
	 * @return int[]
	 */
	private static function categories( \WP_Post $post ): array {
		$ids = wp_get_post_categories( $post->ID );
		sort( $ids );
		return array_map( 'intval', $ids );
	}

	public function test_without_defaults_a_new_post_is_a_draft_by_the_first_administrator(): void {
		$post = $this->publish( self::unspecified( 9601 ) );
		$this->assertSame( 'draft', $post->post_status );
		$this->assertSame( array( (int) get_option( 'default_category' ) ), self::categories( $post ) );
	}

	public function test_a_new_post_gets_the_default_status_author_and_categories(): void {
		$author = $this->create_user( 'editor' );
		$first  = $this->category( 'Guides' );
		$second = $this->category( 'Reviews' );
		update_option( Options::DEFAULT_STATUS, 'pending' );
		update_option( Options::DEFAULT_AUTHOR, $author );
		update_option( Options::DEFAULT_CATEGORIES, array( $second, $first ) );

		$post = $this->publish( self::unspecified( 9602, array( 'author' => array( 'login' => 'admin' ) ) ) );
		$this->assertSame( 'pending', $post->post_status );
		$this->assertSame( $author, (int) $post->post_author, 'the owner\'s choice wins over whoever asked for the post' );
		$expected = array( $first, $second );
		sort( $expected );
		$this->assertSame( $expected, self::categories( $post ) );

		// An empty list is no choice either.
		$empty = $this->publish( self::unspecified( 9603, array( 'categories' => array() ) ) );
		$this->assertSame( $expected, self::categories( $empty ) );
	}

	public function test_what_the_cloud_names_wins_over_the_defaults(): void {
		update_option( Options::DEFAULT_STATUS, 'pending' );
		update_option( Options::DEFAULT_CATEGORIES, array( $this->category( 'Guides' ) ) );
		$post  = $this->publish( self::unspecified( 9604, array( 'status' => 'publish', 'categories' => array( 'Named by IGNY8 9604' ) ) ) );
		$named = get_term_by( 'name', 'Named by IGNY8 9604', 'category' );
		$this->assertSame( 'publish', $post->post_status );
		$this->assertSame( array( (int) $named->term_id ), self::categories( $post ) );
	}

	public function test_an_update_keeps_the_posts_author_status_and_categories(): void {
		$post     = $this->publish( self::unspecified( 9605, array( 'status' => 'publish', 'categories' => array( 'Kept 9605' ) ) ) );
		$author   = (int) $post->post_author;
		$kept     = self::categories( $post );
		$new_auth = $this->create_user( 'editor' );
		update_option( Options::DEFAULT_STATUS, 'pending' );
		update_option( Options::DEFAULT_AUTHOR, $new_auth );
		update_option( Options::DEFAULT_CATEGORIES, array( $this->category( 'Later' ) ) );

		$updated = $this->publish( self::unspecified( 9605, array( 'revision' => 2, 'title' => 'Updated 9605' ) ) );
		$this->assertSame( $post->ID, $updated->ID );
		$this->assertSame( 'publish', $updated->post_status );
		$this->assertSame( $author, (int) $updated->post_author );
		$this->assertSame( $kept, self::categories( $updated ) );
	}

	public function test_a_default_author_who_can_no_longer_publish_is_ignored(): void {
		$author = $this->create_user( 'editor' );
		update_option( Options::DEFAULT_AUTHOR, $author );
		( new \WP_User( $author ) )->set_role( 'subscriber' );
		$this->assertSame( 0, ( new Options() )->default_author() );
		$post = $this->publish( self::unspecified( 9606 ) );
		$this->assertNotSame( $author, (int) $post->post_author );
		$this->assertTrue( user_can( (int) $post->post_author, 'publish_posts' ) );
	}
}
