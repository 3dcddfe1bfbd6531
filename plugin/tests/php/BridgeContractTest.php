<?php
/**
 * The routes the cloud calls accept and answer what the shared contract says.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Contract\BridgeContract;
use IGNY8\Bridge\Sync\PostSnapshot;

/**
 * Sends, signed, the examples the cloud's tests run through the zod schemas
 * (fixtures/bridge-examples.json, generated from the same source as the
 * routes' args), and checks every answer against the contract's response
 * schema with WordPress's own validator.
 */
final class BridgeContractTest extends BridgeTestCase {

	/** The codes WordPress answers when a request fails its args. */
	private const REFUSED = array( 'rest_invalid_param', 'rest_missing_callback_param' );

	/**
	 * @return array<string, array{valid: array<int, array{name: string, input: array<string, mixed>}>, invalid: array<int, array{name: string, input: array<string, mixed>}>}>
	 */
	private static function examples(): array {
		$examples = wp_json_file_decode( __DIR__ . '/fixtures/bridge-examples.json', array( 'associative' => true ) );
		self::assertIsArray( $examples );
		return $examples;
	}

	/**
	 * Asserts a value fits a contract schema, naming the first field that does not.
	 *
	 * @param mixed                $value  The value.
	 * @param array<string, mixed> $schema The schema.
	 * @param string               $what   What it is, for the message.
	 */
	private function assertFits( $value, array $schema, string $what ): void {
		$valid = rest_validate_value_from_schema( $value, $schema, $what );
		$this->assertTrue( true === $valid, $what . ': ' . ( is_wp_error( $valid ) ? $valid->get_error_message() : '' ) );
	}

	public function test_every_post_the_contract_refuses_is_refused_with_400_and_writes_nothing(): void {
		$before = wp_count_posts()->publish + wp_count_posts()->draft + wp_count_posts()->future;
		$cases  = self::examples()['posts.create']['invalid'];
		$this->assertGreaterThanOrEqual( 15, count( $cases ) );
		foreach ( $cases as $case ) {
			$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', $case['input'] ) );
			$this->assertSame( 400, $response->get_status(), $case['name'] );
			$this->assertContains( $response->get_data()['code'] ?? '', self::REFUSED, $case['name'] );
		}
		wp_cache_flush();
		$this->assertSame( $before, wp_count_posts()->publish + wp_count_posts()->draft + wp_count_posts()->future );
	}

	public function test_every_post_the_contract_accepts_is_written_and_answered_in_the_contract_shape(): void {
		$cases = self::examples()['posts.create']['valid'];
		$this->assertGreaterThanOrEqual( 5, count( $cases ) );
		foreach ( $cases as $case ) {
			$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', $case['input'] ) );
			$this->assertSame( 201, $response->get_status(), $case['name'] . ': ' . wp_json_encode( $response->get_data() ) );
			$data = $response->get_data()['data'];
			$this->assertFits( $data, BridgeContract::response( 'posts.create' ), $case['name'] );
			$this->assertSame( (string) $case['input']['content_id'], (string) get_post_meta( $data['post_id'], PostSnapshot::META_CONTENT_ID, true ) );
		}
	}

	public function test_every_export_query_the_contract_refuses_is_refused_and_every_one_it_accepts_answers_a_page(): void {
		wp_insert_post(
			array(
				'post_title'   => 'Exported',
				'post_status'  => 'publish',
				'post_content' => 'x',
			)
		);
		$examples = self::examples()['posts.export'];
		foreach ( $examples['invalid'] as $case ) {
			$response = $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, $case['input'] ) );
			$this->assertSame( 400, $response->get_status(), $case['name'] );
			$this->assertContains( $response->get_data()['code'] ?? '', self::REFUSED, $case['name'] );
		}
		foreach ( $examples['valid'] as $case ) {
			$response = $this->dispatch( $this->signed( 'GET', '/igny8/v1/posts', null, $case['input'] ) );
			$this->assertSame( 200, $response->get_status(), $case['name'] . ': ' . wp_json_encode( $response->get_data() ) );
			$this->assertFits( $response->get_data()['data'], BridgeContract::response( 'posts.export' ), $case['name'] );
		}
	}

	public function test_the_lookups_the_export_and_the_site_metadata_answer_in_the_contract_shape(): void {
		$created = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 9301, array( 'status' => 'draft' ) ) ) )->get_data()['data'];
		// A 409 answers the post as it is now, in the same shape as a push.
		wp_update_post(
			array(
				'ID'           => $created['post_id'],
				'post_content' => 'Edited in WordPress',
			)
		);
		$conflict = $this->dispatch( $this->signed( 'PUT', '/igny8/v1/posts/' . $created['post_id'], self::publish_body( 9301, array( 'revision' => 2, 'expected_hash' => $created['content_hash'] ) ) ) );
		$this->assertSame( 409, $conflict->get_status() );
		$this->assertFits( $conflict->get_data()['data'], BridgeContract::response( 'posts.update' ), 'conflict' );

		$by_content = $this->dispatch( $this->signed( 'GET', '/igny8/v1/post-by-content-id/9301' ) );
		$this->assertSame( 200, $by_content->get_status() );
		$this->assertFits( $by_content->get_data()['data'], BridgeContract::response( 'post-by-content-id' ), 'post-by-content-id' );
		$by_task = $this->dispatch( $this->signed( 'GET', '/igny8/v1/post-by-task-id/10301' ) );
		$this->assertSame( 200, $by_task->get_status() );
		$this->assertFits( $by_task->get_data()['data'], BridgeContract::response( 'post-by-task-id' ), 'post-by-task-id' );

		$metadata = $this->dispatch( $this->signed( 'GET', '/igny8/v1/site-metadata' ) );
		$this->assertSame( 200, $metadata->get_status() );
		$this->assertFits( $metadata->get_data()['data'], BridgeContract::response( 'site-metadata' ), 'site-metadata' );
	}

	public function test_the_response_schemas_are_strict_enough_to_catch_a_wrong_shape(): void {
		$item = BridgeContract::response( 'post-by-content-id' );
		$this->assertWPError( rest_validate_value_from_schema( array( 'wp_post_id' => 1 ), $item ) );
		$result = BridgeContract::response( 'posts.create' );
		$this->assertWPError(
			rest_validate_value_from_schema(
				array(
					'post_id'           => 1,
					'url'               => '',
					'status'            => 'publish',
					'content_hash'      => 'not-a-hash',
					'modified_gmt'      => null,
					'featured_media_id' => null,
				),
				$result
			)
		);
	}

	public function test_the_events_the_plugin_sends_fit_the_contract(): void {
		$post_id = wp_insert_post(
			array(
				'post_title'   => 'Event source',
				'post_status'  => 'publish',
				'post_content' => 'x',
			)
		);
		$post    = get_post( $post_id );
		$schema  = BridgeContract::outbound( 'event.post' );
		$this->assertFits( PostSnapshot::summary( $post ), $schema, 'summary' );
		$this->assertFits( PostSnapshot::identity( $post ), $schema, 'identity' );
	}

	public function test_update_accepts_what_create_accepts(): void {
		$this->assertSame( BridgeContract::fields( 'posts.create' ), BridgeContract::fields( 'posts.update' ) );
		$this->assertContains( 'content_id', BridgeContract::fields( 'posts.update' ) );
		$this->assertTrue( BridgeContract::args( 'posts.update' )['content_id']['required'] );
	}

	/**
	 * PHPUnit's WP_Error assertion, without WordPress's test library.
	 *
	 * @param mixed $value The value.
	 */
	private function assertWPError( $value ): void {
		$this->assertTrue( is_wp_error( $value ) );
	}
}
