<?php
/**
 * Adding and removing the Linker's internal links through POST igny8/v1/posts/{id}/links(/remove).
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Contract\BridgeContract;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\Publishing\PostLinker;
use IGNY8\Bridge\Sync\PostSnapshot;

require_once __DIR__ . '/BridgeTestCase.php';

final class BridgeLinksTest extends BridgeTestCase {

	/**
	 * Content kses or WordPress's other save filters would rewrite (an event
	 * handler, an iframe, a bare ampersand, odd spacing, an entity, a
	 * shortcode), non-ASCII text (é is 2 bytes, 🍅 is 4), and a link of the
	 * author's own.
	 */
	private const CONTENT = "<!-- wp:paragraph -->\n<p onclick=\"x()\">Grow tomatoes &amp; basil  in café soil 🍅 today.</p>\n<!-- /wp:paragraph -->\n"
		. "<iframe src=\"https://video.example/embed\"></iframe>\n<p>Fish & chips&nbsp;[gallery ids=\"1,2\"] <a href=\"https://elsewhere.example/\">Their link</a> then compost tea.</p>";

	private const TITLE = 'Linker source';

	/**
	 * A managed post holding exactly CONTENT (written past the save filters, as a site with unfiltered HTML would have it).
	 *
	 * @param array<string, string> $meta Post meta instead of the IGNY8 content id.
	 */
	private function post_with_content( array $meta = array( '_igny8_content_id' => '5501' ) ): int {
		global $wpdb;
		$id = (int) wp_insert_post(
			array(
				'post_title'   => self::TITLE,
				'post_content' => 'placeholder',
				'post_status'  => 'publish',
			)
		);
		$wpdb->update( $wpdb->posts, array( 'post_content' => self::CONTENT ), array( 'ID' => $id ) );
		clean_post_cache( $id );
		foreach ( $meta as $key => $value ) {
			update_post_meta( $id, $key, $value );
		}
		$this->assertSame( self::CONTENT, get_post( $id )->post_content );
		return $id;
	}

	private static function hash_of( string $content ): string {
		return hash( 'sha256', self::TITLE . "\n" . $content );
	}

	/**
	 * A link on the first occurrence of `$anchor` in `$content` (byte offsets).
	 */
	private static function link( string $id, string $anchor, string $href, string $content = self::CONTENT ): array {
		$start = strpos( $content, $anchor );
		self::assertIsInt( $start, $anchor );
		return array(
			'id'     => $id,
			'href'   => $href,
			'anchor' => $anchor,
			'start'  => $start,
			'end'    => $start + strlen( $anchor ),
		);
	}

	/** The content with the three links of apply_three() wrapped in, written out by hand. */
	private const LINKED = "<!-- wp:paragraph -->\n<p onclick=\"x()\">Grow <a href=\"https://site.example/tomatoes/\" data-igny8-link=\"l-tomato\">tomatoes</a> &amp; basil  in <a href=\"https://site.example/?p=7&#038;lang=fr\" data-igny8-link=\"l_cafe\">café soil 🍅</a> today.</p>\n<!-- /wp:paragraph -->\n"
		. "<iframe src=\"https://video.example/embed\"></iframe>\n<p>Fish & chips&nbsp;[gallery ids=\"1,2\"] <a href=\"https://elsewhere.example/\">Their link</a> then <a href=\"https://site.example/compost-tea/\" data-igny8-link=\"L3\">compost tea</a>.</p>";

	private static function three_links(): array {
		return array(
			self::link( 'l-tomato', 'tomatoes', 'https://site.example/tomatoes/' ),
			self::link( 'L3', 'compost tea', 'https://site.example/compost-tea/' ),
			self::link( 'l_cafe', 'café soil 🍅', 'https://site.example/?p=7&lang=fr' ),
		);
	}

	private function apply( int $id, array $body, array $override = array() ): \WP_REST_Response {
		return $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts/' . $id . '/links', $body, array(), $override ) );
	}

	private function remove( int $id, ?array $ids ): \WP_REST_Response {
		return $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts/' . $id . '/links/remove', null === $ids ? array() : array( 'ids' => $ids ) ) );
	}

	private function stored( int $id ): \WP_Post {
		clean_post_cache( $id );
		return get_post( $id );
	}

	private function assertFitsItem( $data, string $route ): void {
		$valid = rest_validate_value_from_schema( $data, BridgeContract::response( $route ), 'data' );
		$this->assertTrue( true === $valid, is_wp_error( $valid ) ? $valid->get_error_message() : '' );
	}

	public function test_apply_wraps_only_the_anchors_and_every_other_byte_stays_as_it_was(): void {
		// The request runs with no user, so kses is on for ordinary saves: the attribute must survive anyway.
		$this->assertNotFalse( has_filter( 'content_save_pre', 'wp_filter_post_kses' ) );
		$id       = $this->post_with_content();
		$response = $this->apply(
			$id,
			array(
				'expected_hash' => self::hash_of( self::CONTENT ),
				'links'         => self::three_links(),
			)
		);
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$this->assertSame( self::LINKED, $this->stored( $id )->post_content );

		$data = $response->get_data()['data'];
		$this->assertFitsItem( $data, 'posts.links.apply' );
		$this->assertSame( $id, $data['wp_post_id'] );
		$this->assertSame( self::LINKED, $data['content_html'] );
		$this->assertSame( self::hash_of( self::LINKED ), $data['content_hash'] );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );

		// Removing every link gives back the very bytes that were there.
		$this->assertSame( self::CONTENT, PostLinker::unwrap( self::LINKED, null ) );
	}

	public function test_the_meta_list_follows_the_links_and_a_revision_keeps_each_state(): void {
		$id = $this->post_with_content();
		// As the cloud last pushed it: the links keep it "Synced", not "Edited in WordPress".
		update_post_meta( $id, PostSnapshot::META_LAST_PUSHED_HASH, self::hash_of( self::CONTENT ) );
		$this->apply(
			$id,
			array(
				'expected_hash' => self::hash_of( self::CONTENT ),
				'links'         => self::three_links(),
			)
		);
		$list = json_decode( (string) get_post_meta( $id, PostLinker::META_LINKS, true ), true );
		$this->assertSame( array( 'l-tomato', 'L3', 'l_cafe' ), array_keys( $list ) );
		$this->assertSame( 'https://site.example/?p=7&lang=fr', $list['l_cafe']['href'] );
		$this->assertSame( 'café soil 🍅', $list['l_cafe']['anchor'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/', $list['L3']['added'] );

		$this->assertSame( self::hash_of( self::LINKED ), get_post_meta( $id, PostSnapshot::META_LAST_PUSHED_HASH, true ) );

		$revisions = array_values( wp_get_post_revisions( $id ) );
		$this->assertSame( self::LINKED, $revisions[0]->post_content, 'the newest revision is the linked content, attribute included' );
		$this->assertContains( self::CONTENT, wp_list_pluck( $revisions, 'post_content' ), 'the state before the links is kept too' );

		$this->remove( $id, array( 'L3' ) );
		$list = json_decode( (string) get_post_meta( $id, PostLinker::META_LINKS, true ), true );
		$this->assertSame( array( 'l-tomato', 'l_cafe' ), array_keys( $list ) );
		$this->remove( $id, null );
		$this->assertSame( '', get_post_meta( $id, PostLinker::META_LINKS, true ) );
		$this->assertSame( self::hash_of( self::CONTENT ), get_post_meta( $id, PostSnapshot::META_LAST_PUSHED_HASH, true ) );
	}

	public function test_applying_twice_is_applying_once(): void {
		$id   = $this->post_with_content();
		$body = array(
			'expected_hash' => self::hash_of( self::CONTENT ),
			'links'         => self::three_links(),
		);
		$this->assertSame( 200, $this->apply( $id, $body )->get_status() );
		$modified = $this->stored( $id )->post_modified_gmt;
		$list     = get_post_meta( $id, PostLinker::META_LINKS, true );

		// The same request again (its answer was lost): the post is the expected one plus these links.
		$again = $this->apply( $id, $body );
		$this->assertSame( 200, $again->get_status(), wp_json_encode( $again->get_data() ) );
		$this->assertSame( self::LINKED, $again->get_data()['data']['content_html'] );
		// And with the hash of the linked post: every id is there already.
		$this->assertSame( 200, $this->apply( $id, array_merge( $body, array( 'expected_hash' => self::hash_of( self::LINKED ) ) ) )->get_status() );

		$this->assertSame( self::LINKED, $this->stored( $id )->post_content );
		$this->assertSame( 3, substr_count( $this->stored( $id )->post_content, 'data-igny8-link=' ) );
		$this->assertSame( $modified, $this->stored( $id )->post_modified_gmt );
		$this->assertSame( $list, get_post_meta( $id, PostLinker::META_LINKS, true ) );

		// A request naming links the post already has and a new one, sent twice: the second changes nothing either.
		$more      = array(
			'expected_hash' => self::hash_of( self::LINKED ),
			'links'         => array_merge( self::three_links(), array( self::link( 'l-basil', 'basil', 'https://site.example/basil/', self::LINKED ) ) ),
		);
		$with_more = str_replace( 'basil', '<a href="https://site.example/basil/" data-igny8-link="l-basil">basil</a>', self::LINKED );
		foreach ( array( 'first', 'retried' ) as $attempt ) {
			$response = $this->apply( $id, $more );
			$this->assertSame( 200, $response->get_status(), $attempt . ': ' . wp_json_encode( $response->get_data() ) );
			$this->assertSame( $with_more, $this->stored( $id )->post_content, $attempt );
		}
		$this->assertSame( array( 'l-tomato', 'L3', 'l_cafe', 'l-basil' ), array_keys( PostLinker::links_of( $id ) ) );
	}

	public function test_a_post_edited_since_the_cloud_read_it_is_a_409_with_the_post_as_it_is_and_nothing_changes(): void {
		$id = $this->post_with_content();
		global $wpdb;
		$edited = self::CONTENT . '<p>An editor added this.</p>';
		$wpdb->update( $wpdb->posts, array( 'post_content' => $edited ), array( 'ID' => $id ) );
		clean_post_cache( $id );
		$modified = $this->stored( $id )->post_modified_gmt;

		$response = $this->apply(
			$id,
			array(
				'expected_hash' => self::hash_of( self::CONTENT ),
				'links'         => self::three_links(),
			)
		);
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'igny8_conflict', $response->get_data()['code'] );
		$this->assertFitsItem( $response->get_data()['data'], 'posts.links.apply' );
		$this->assertSame( $edited, $response->get_data()['data']['content_html'] );
		$this->assertSame( self::hash_of( $edited ), $response->get_data()['data']['content_hash'] );

		$this->assertSame( $edited, $this->stored( $id )->post_content );
		$this->assertSame( $modified, $this->stored( $id )->post_modified_gmt );
		$this->assertSame( '', get_post_meta( $id, PostLinker::META_LINKS, true ) );
		foreach ( wp_get_post_revisions( $id ) as $revision ) {
			$this->assertStringNotContainsString( 'data-igny8-link', $revision->post_content );
		}
	}

	public function test_an_edit_landing_between_the_check_and_the_write_is_kept_and_answered_409(): void {
		global $wpdb;
		$id     = $this->post_with_content();
		$edited = self::CONTENT . '<p>Saved by an editor at that very moment.</p>';
		// The revision of the state before the links is written after the hash check and before the update: edit there, once, as a racing save would.
		$raced = false;
		$this->add_test_filter(
			'_wp_put_post_revision',
			static function () use ( $id, $edited, &$raced ) {
				global $wpdb;
				if ( ! $raced ) {
					$raced = true;
					$wpdb->update( $wpdb->posts, array( 'post_content' => $edited ), array( 'ID' => $id ) );
				}
			}
		);
		$response = $this->apply(
			$id,
			array(
				'expected_hash' => self::hash_of( self::CONTENT ),
				'links'         => self::three_links(),
			)
		);
		$this->assertTrue( $raced );
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( $edited, $response->get_data()['data']['content_html'] );
		$this->assertSame( $edited, $this->stored( $id )->post_content );
		$this->assertSame( '', get_post_meta( $id, PostLinker::META_LINKS, true ) );
		$this->assertSame( 0, (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_content LIKE %s", '%data-igny8-link%' ) ) );
	}

	public function test_an_anchor_not_at_its_place_is_a_422_naming_the_link_and_nothing_changes(): void {
		$id    = $this->post_with_content();
		$links = self::three_links();
		// Valid links first: none of them may be written when a later one fails.
		$links[] = array_merge( self::link( 'shifted', 'basil', 'https://site.example/basil/' ), array( 'anchor' => 'basi' ) );
		$cases   = array(
			'igny8_anchor_mismatch' => array( 'shifted', $links ),
			// Offsets counted in characters, not bytes, land one byte early after "é".
			'igny8_anchor_mismatch ' => array( 'chars', array( array_merge( self::link( 'chars', 'today', 'https://site.example/' ), array( 'start' => strpos( self::CONTENT, 'today' ) - 1, 'end' => strpos( self::CONTENT, 'today' ) + 4 ) ) ) ),
			'igny8_link_unsafe'     => array( 'in-attr', array( self::link( 'in-attr', 'video.example', 'https://site.example/' ) ) ),
			'igny8_link_unsafe '    => array( 'in-link', array( self::link( 'in-link', 'Their', 'https://site.example/' ) ) ),
			'igny8_link_bad_href'   => array( 'js', array( self::link( 'js', 'tomatoes', 'javascript:alert(1)' ) ) ),
			'igny8_link_overlap'    => array( 'b', array( self::link( 'a', 'compost tea', 'https://site.example/a/' ), self::link( 'b', 'compost', 'https://site.example/b/' ) ) ),
			'igny8_link_duplicate'  => array( 'L3', array( self::link( 'L3', 'compost tea', 'https://site.example/a/' ), self::link( 'L3', 'tomatoes', 'https://site.example/b/' ) ) ),
		);
		$beyond  = array( array( 'id' => 'past-end', 'href' => 'https://site.example/', 'anchor' => 'x', 'start' => strlen( self::CONTENT ), 'end' => strlen( self::CONTENT ) + 1 ) );
		$cases['igny8_anchor_mismatch  '] = array( 'past-end', $beyond );
		foreach ( $cases as $code => list( $link_id, $body_links ) ) {
			$response = $this->apply(
				$id,
				array(
					'expected_hash' => self::hash_of( self::CONTENT ),
					'links'         => $body_links,
				)
			);
			$this->assertSame( 422, $response->get_status(), $code );
			$this->assertSame( trim( $code ), $response->get_data()['code'], $code );
			$this->assertSame( $link_id, $response->get_data()['data']['link_id'], $code );
			$this->assertStringContainsString( $link_id, $response->get_data()['message'], $code );
		}
		$this->assertSame( self::CONTENT, $this->stored( $id )->post_content );
		$this->assertSame( '', get_post_meta( $id, PostLinker::META_LINKS, true ) );
	}

	public function test_remove_one_then_all_restores_the_content_and_leaves_other_links_alone(): void {
		$id = $this->post_with_content();
		$this->apply(
			$id,
			array(
				'expected_hash' => self::hash_of( self::CONTENT ),
				'links'         => self::three_links(),
			)
		);
		$one = $this->remove( $id, array( 'l_cafe', 'never-added' ) );
		$this->assertSame( 200, $one->get_status() );
		$this->assertFitsItem( $one->get_data()['data'], 'posts.links.remove' );
		$expected = str_replace( '<a href="https://site.example/?p=7&#038;lang=fr" data-igny8-link="l_cafe">café soil 🍅</a>', 'café soil 🍅', self::LINKED );
		$this->assertNotSame( self::LINKED, $expected );
		$this->assertSame( $expected, $this->stored( $id )->post_content );
		$this->assertSame( $expected, $one->get_data()['data']['content_html'] );

		$all = $this->remove( $id, null );
		$this->assertSame( 200, $all->get_status() );
		$this->assertSame( self::CONTENT, $this->stored( $id )->post_content );
		$this->assertStringContainsString( '<a href="https://elsewhere.example/">Their link</a>', $this->stored( $id )->post_content );
		$this->assertSame( self::hash_of( self::CONTENT ), $all->get_data()['data']['content_hash'] );

		// Nothing left to remove: nothing changes.
		$modified = $this->stored( $id )->post_modified_gmt;
		$this->assertSame( 200, $this->remove( $id, null )->get_status() );
		$this->assertSame( self::CONTENT, $this->stored( $id )->post_content );
		$this->assertSame( $modified, $this->stored( $id )->post_modified_gmt );
	}

	public function test_requests_without_the_clouds_signature_are_refused_and_change_nothing(): void {
		$id   = $this->post_with_content();
		$body = array(
			'expected_hash' => self::hash_of( self::CONTENT ),
			'links'         => self::three_links(),
		);
		foreach ( array( 'administrator', 'editor' ) as $role ) {
			wp_set_current_user( $this->create_user( $role ) );
			$unsigned = new \WP_REST_Request( 'POST', '/igny8/v1/posts/' . $id . '/links' );
			$unsigned->set_header( 'Content-Type', 'application/json' );
			$unsigned->set_body( (string) wp_json_encode( $body ) );
			$this->assertSame( 401, rest_do_request( $unsigned )->get_status(), $role );
			$remove = new \WP_REST_Request( 'POST', '/igny8/v1/posts/' . $id . '/links/remove' );
			$this->assertSame( 401, rest_do_request( $remove )->get_status(), $role );
		}
		wp_set_current_user( 0 );
		$this->assertSame( 401, $this->apply( $id, $body, array( 'signature' => str_repeat( 'a', 64 ) ) )->get_status() );
		// Signed, but the body was changed on the way.
		$tampered = $body;
		$tampered['links'][0]['href'] = 'https://attacker.example/';
		$this->assertSame( 401, $this->apply( $id, $body, array( 'body' => (string) wp_json_encode( $tampered ) ) )->get_status() );
		$this->assertSame( self::CONTENT, $this->stored( $id )->post_content );
	}

	public function test_a_missing_or_unshared_post_is_a_404_and_an_unpublished_one_the_bridge_may_not_write_is_a_403(): void {
		$body = array(
			'expected_hash' => self::hash_of( self::CONTENT ),
			'links'         => array( self::link( 'x', 'tomatoes', 'https://site.example/' ) ),
		);
		$this->assertSame( 404, $this->apply( 999999, $body )->get_status() );
		$this->assertSame( 404, $this->remove( 999999, null )->get_status() );

		// A draft the cloud neither made nor was handed: not even shared with it.
		$draft = $this->post_with_content( array() );
		wp_update_post( array( 'ID' => $draft, 'post_status' => 'draft' ) );
		$this->assertSame( 'igny8_not_found', $this->apply( $draft, $body )->get_data()['code'] );

		// Published by the owner: links are the one change IGNY8 may make to it.
		$theirs = $this->post_with_content( array() );
		$this->assertSame( 200, $this->apply( $theirs, $body )->get_status() );
		$this->assertStringContainsString( 'data-igny8-link="x">tomatoes</a>', $this->stored( $theirs )->post_content );

		// The owner's draft, shared with the cloud but not handed over: not writable.
		( new Options() )->set_export_statuses( array( 'publish', 'draft' ) );
		$draft_of_theirs = $this->post_with_content( array() );
		wp_update_post( array( 'ID' => $draft_of_theirs, 'post_status' => 'draft' ) );
		$before   = $this->stored( $draft_of_theirs )->post_content;
		$response = $this->apply( $draft_of_theirs, array( 'expected_hash' => self::hash_of( $before ) ) + $body );
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'igny8_not_managed', $response->get_data()['code'] );
		$this->assertSame( $before, $this->stored( $draft_of_theirs )->post_content );

		// Handed over by the owner: now it may.
		$handed = $this->post_with_content( array( '_igny8_managed' => '1' ) );
		$this->assertSame( 200, $this->apply( $handed, $body )->get_status() );
		$this->assertStringContainsString( 'data-igny8-link="x">tomatoes</a>', $this->stored( $handed )->post_content );
	}

	public function test_the_shared_examples_are_accepted_and_refused_as_the_clouds_schemas_say(): void {
		$examples = wp_json_file_decode( __DIR__ . '/fixtures/bridge-examples.json', array( 'associative' => true ) );
		$id       = $this->post_with_content();
		foreach ( array( 'posts.links.apply' => '/links', 'posts.links.remove' => '/links/remove' ) as $route => $suffix ) {
			$this->assertGreaterThanOrEqual( 2, count( $examples[ $route ]['valid'] ), $route );
			$this->assertGreaterThanOrEqual( 3, count( $examples[ $route ]['invalid'] ), $route );
			foreach ( $examples[ $route ]['invalid'] as $case ) {
				$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts/' . $id . $suffix, $case['input'] ) );
				$this->assertSame( 400, $response->get_status(), "{$route}: {$case['name']}" );
				$this->assertContains( $response->get_data()['code'], array( 'rest_invalid_param', 'rest_missing_callback_param' ), "{$route}: {$case['name']}" );
			}
			foreach ( $examples[ $route ]['valid'] as $case ) {
				$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts/' . $id . $suffix, $case['input'] ) );
				// The examples' hash is not this post's: a valid apply reaches the check and is a 409.
				$this->assertSame( '/links' === $suffix ? 409 : 200, $response->get_status(), "{$route}: {$case['name']}: " . wp_json_encode( $response->get_data() ) );
				$this->assertFitsItem( $response->get_data()['data'], $route );
			}
		}
		$this->assertSame( self::CONTENT, $this->stored( $id )->post_content );
	}

	public function test_the_contract_refuses_a_malformed_request_before_anything_runs(): void {
		$id = $this->post_with_content();
		foreach (
			array(
				'no links'          => array( 'expected_hash' => self::hash_of( self::CONTENT ) ),
				'an upper-case hash' => array( 'expected_hash' => strtoupper( self::hash_of( self::CONTENT ) ), 'links' => self::three_links() ),
				'a bad link id'     => array( 'expected_hash' => self::hash_of( self::CONTENT ), 'links' => array( array_merge( self::link( 'x', 'tomatoes', 'https://site.example/' ), array( 'id' => 'a b' ) ) ) ),
			) as $name => $body
		) {
			$this->assertSame( 400, $this->apply( $id, $body )->get_status(), $name );
		}
		$this->assertSame( self::CONTENT, $this->stored( $id )->post_content );
	}
}
