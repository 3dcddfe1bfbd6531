<?php
/**
 * The editor's Optimizer panel writes the active SEO plugin's focus
 * keyphrase and meta description through the core REST API (issue 17):
 * registered only when Yoast SEO or Rank Math is active, read and written
 * only by users who can edit the post.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Admin\SeoPluginMeta;
use IGNY8\Bridge\Options;
use WP_REST_Request;

final class SeoPluginMetaTest extends TestCase {

	/** @var array<int, string> Keys this test registered, unregistered after it. */
	private $registered = array();

	protected function tearDown(): void {
		$types = array_unique( array_merge( ( new Options() )->synced_post_types(), array( 'post', 'page' ) ) );
		foreach ( $this->registered as $key ) {
			foreach ( $types as $type ) {
				unregister_post_meta( $type, $key );
			}
		}
		$this->registered = array();
		// The next test's REST API describes the meta without these keys.
		self::reset_rest_api();
		parent::tearDown();
	}

	/**
	 * Drops the REST server and the post types' controllers, which keep the
	 * item schema (and so the meta's contexts) they built first.
	 */
	private static function reset_rest_api(): void {
		$GLOBALS['wp_rest_server'] = null;
		foreach ( get_post_types( array( 'show_in_rest' => true ), 'objects' ) as $type ) {
			$type->rest_controller = null;
		}
	}

	/**
	 * Registers the meta as if `$plugin` were the active SEO plugin.
	 *
	 * @param string|null $plugin `yoast`, `rank_math` or null.
	 */
	private function register_for( ?string $plugin ): SeoPluginMeta {
		$meta = new SeoPluginMeta(
			new Options(),
			static function () use ( $plugin ): ?string {
				return $plugin;
			}
		);
		$meta->register_meta();
		// As in a real request, where `init` runs before the REST API builds
		// its controllers: they describe the meta (and hide what is edit-only)
		// from what is registered when they are made.
		self::reset_rest_api();
		if ( null !== $meta->keys() ) {
			$this->registered = array_merge( $this->registered, $meta->keys() );
		}
		return $meta;
	}

	/**
	 * Updates a post's meta through `POST /wp/v2/posts/{id}` as the current user.
	 *
	 * @param int                  $id   The post.
	 * @param array<string, mixed> $meta The meta to write.
	 * @return int The HTTP status.
	 */
	private function write( int $id, array $meta ): int {
		$request = new WP_REST_Request( 'POST', '/wp/v2/posts/' . $id );
		$request->set_body_params( array( 'meta' => $meta ) );
		return rest_do_request( $request )->get_status();
	}

	/**
	 * The post's meta in the edit context, as the current user.
	 *
	 * @param int $id The post.
	 * @return array{0: int, 1: array<string, mixed>} Status and meta.
	 */
	private function read( int $id ): array {
		$request = new WP_REST_Request( 'GET', '/wp/v2/posts/' . $id );
		$request->set_query_params( array( 'context' => 'edit' ) );
		$response = rest_do_request( $request );
		$data     = rest_get_server()->response_to_data( $response, false );
		return array( $response->get_status(), (array) ( $data['meta'] ?? array() ) );
	}

	private function draft( int $author ): int {
		return (int) wp_insert_post(
			array(
				'post_title'   => 'Growing tomatoes',
				'post_content' => '<p>Tomatoes want sun.</p>',
				'post_status'  => 'draft',
				'post_author'  => $author,
			)
		);
	}

	public function test_nothing_is_registered_without_an_seo_plugin(): void {
		$meta = $this->register_for( null );
		$this->assertNull( $meta->keys() );
		foreach ( SeoPluginMeta::KEYS as $keys ) {
			foreach ( $keys as $key ) {
				$this->assertFalse( registered_meta_key_exists( 'post', $key, 'post' ), $key );
			}
		}
	}

	/**
	 * @return array<string, array{0: string, 1: string, 2: string}>
	 */
	public static function plugins(): array {
		return array(
			'Yoast SEO' => array( 'yoast', '_yoast_wpseo_focuskw', '_yoast_wpseo_metadesc' ),
			'Rank Math' => array( 'rank_math', 'rank_math_focus_keyword', 'rank_math_description' ),
		);
	}

	/**
	 * @dataProvider plugins
	 */
	public function test_an_editor_writes_the_active_plugins_fields_through_rest( string $plugin, string $keyphrase, string $description ): void {
		$this->register_for( $plugin );
		$editor = $this->create_user( 'editor' );
		$id     = $this->draft( $editor );
		wp_set_current_user( $editor );

		$status = $this->write(
			$id,
			array(
				$keyphrase   => ' grow tomatoes <b>indoors</b> ',
				$description => "Sun, water\nand patience.",
			)
		);

		$this->assertSame( 200, $status );
		$this->assertSame( 'grow tomatoes indoors', get_post_meta( $id, $keyphrase, true ), 'sanitized as text' );
		$this->assertSame( "Sun, water\nand patience.", get_post_meta( $id, $description, true ) );
		list( $read_status, $meta ) = $this->read( $id );
		$this->assertSame( 200, $read_status );
		$this->assertSame( 'grow tomatoes indoors', $meta[ $keyphrase ] );
	}

	/**
	 * @dataProvider plugins
	 */
	public function test_a_contributor_cannot_write_someone_elses_post( string $plugin, string $keyphrase ): void {
		$this->register_for( $plugin );
		$id = $this->draft( $this->create_user( 'editor' ) );
		update_post_meta( $id, $keyphrase, 'kept' );
		wp_set_current_user( $this->create_user( 'contributor' ) );

		$status = $this->write( $id, array( $keyphrase => 'changed' ) );

		$this->assertContains( $status, array( 401, 403 ) );
		$this->assertSame( 'kept', get_post_meta( $id, $keyphrase, true ) );
	}

	public function test_visitors_never_see_the_fields(): void {
		$this->register_for( 'yoast' );
		$id = $this->draft( $this->create_user( 'editor' ) );
		wp_update_post( array( 'ID' => $id, 'post_status' => 'publish' ) );
		update_post_meta( $id, '_yoast_wpseo_focuskw', 'secret plan' );
		wp_set_current_user( 0 );

		$request  = new WP_REST_Request( 'GET', '/wp/v2/posts/' . $id );
		$response = rest_do_request( $request );
		$json     = (string) wp_json_encode( rest_get_server()->response_to_data( $response, false ) );

		$this->assertSame( 200, $response->get_status() );
		$this->assertStringNotContainsString( 'secret plan', $json );
		list( $status ) = $this->read( $id );
		$this->assertContains( $status, array( 401, 403 ) );
	}

	public function test_only_the_active_plugins_keys_are_registered(): void {
		$this->register_for( 'rank_math' );
		$this->assertTrue( registered_meta_key_exists( 'post', 'rank_math_focus_keyword', 'post' ) );
		$this->assertTrue( registered_meta_key_exists( 'post', 'rank_math_description', 'page' ) );
		$this->assertFalse( registered_meta_key_exists( 'post', '_yoast_wpseo_focuskw', 'post' ) );
	}
}
