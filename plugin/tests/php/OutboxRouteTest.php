<?php
/**
 * GET igny8/v1/outbox, behind the Outbox tab of IGNY8 → Activity: who may
 * read it, its pages and state filter, what a row says, and that bad input is
 * refused with 400 and changes nothing.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Schema;
use IGNY8\Bridge\Sync\Outbox;
use WP_REST_Request;
use WP_REST_Response;

require_once __DIR__ . '/BridgeTestCase.php';

final class OutboxRouteTest extends BridgeTestCase {

	private const ROUTE = '/igny8/v1/outbox';

	protected function setUp(): void {
		parent::setUp();
		global $wpdb;
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', Schema::outbox_table() ) );
	}

	/**
	 * @param array<string, mixed> $query Query parameters.
	 */
	private function get( array $query = array() ): WP_REST_Response {
		$request = new WP_REST_Request( 'GET', self::ROUTE );
		$request->set_query_params( $query );
		return $this->dispatch( $request );
	}

	/**
	 * The table as stored, to show a refused request changed nothing.
	 *
	 * @return array<int, array<string, mixed>>
	 */
	private function table(): array {
		global $wpdb;
		return (array) $wpdb->get_results( $wpdb->prepare( 'SELECT * FROM %i ORDER BY id', Schema::outbox_table() ), ARRAY_A );
	}

	/**
	 * Five pending events, two failing, one dead and one rejected; the first
	 * pending one is about a post.
	 *
	 * @return array{post: int, dead: string, rejected: string}
	 */
	private function seed(): array {
		global $wpdb;
		$outbox = new Outbox();
		$table  = Schema::outbox_table();
		$post   = (int) wp_insert_post(
			array(
				'post_title'  => 'Trail shoes <b>guide</b>',
				'post_status' => 'publish',
			)
		);
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i', $table ) );
		$outbox->add( 'post.saved', array( 'post' => array( 'wp_post_id' => $post ) ), $post );
		for ( $i = 0; $i < 4; $i++ ) {
			$outbox->add( 'structure.changed', array( 'metadata' => array() ) );
		}
		foreach ( array( 1, 2 ) as $attempts ) {
			$id = $outbox->add( 'term.changed', array( 'term' => array( 'name' => "Term {$attempts}" ) ) );
			$wpdb->update( $table, array( 'attempts' => $attempts, 'last_error' => 'Connection refused' ), array( 'event_id' => $id ) );
		}
		$dead = $outbox->add( 'post.trashed', array( 'post' => array( 'wp_post_id' => 999999 ) ), 999999 );
		$wpdb->update( $table, array( 'status' => 'dead', 'attempts' => Outbox::MAX_ATTEMPTS, 'last_error' => 'Connection refused' ), array( 'event_id' => $dead ) );
		$rejected = $outbox->add( 'structure.changed', array( 'metadata' => array() ) );
		$outbox->reject( $rejected, 'The cloud refused the event: unknown site.' );
		return array(
			'post'     => $post,
			'dead'     => $dead,
			'rejected' => $rejected,
		);
	}

	public function test_only_administrators_may_read_the_outbox(): void {
		$this->seed();
		$this->assertSame( 401, $this->get()->get_status() );
		foreach ( array( 'subscriber', 'author', 'editor' ) as $role ) {
			wp_set_current_user( $this->create_user( $role ) );
			$response = $this->get();
			$this->assertSame( 403, $response->get_status(), $role );
			$this->assertStringContainsString( 'manage options', $response->get_data()['message'] );
		}
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$this->assertSame( 200, $this->get()->get_status() );
		$routes = rest_get_server()->get_routes( 'igny8/v1' );
		foreach ( $routes[ self::ROUTE ] as $handler ) {
			$this->assertIsCallable( $handler['permission_callback'] );
		}
	}

	public function test_pages_newest_first_with_the_total(): void {
		$this->seed();
		wp_set_current_user( $this->create_user( 'administrator' ) );

		$first = $this->get( array( 'per_page' => 4 ) );
		$this->assertSame( 200, $first->get_status() );
		$this->assertSame( 9, $first->get_data()['count'] );
		$this->assertSame( '9', $first->get_headers()['X-WP-Total'] );
		$this->assertSame( '3', $first->get_headers()['X-WP-TotalPages'] );
		$this->assertSame( 'no-store', $first->get_headers()['Cache-Control'] );
		$this->assertSame( array( 'rejected', 'dead', 'failing', 'failing' ), array_column( $first->get_data()['results'], 'state' ) );

		$last = $this->get(
			array(
				'per_page' => 4,
				'page'     => 3,
			)
		);
		$this->assertCount( 1, $last->get_data()['results'] );
		$this->assertSame( 'post.saved', $last->get_data()['results'][0]['kind'] );

		$ids = array();
		foreach ( array( 1, 2, 3 ) as $page ) {
			$ids = array_merge(
				$ids,
				array_column(
					$this->get(
						array(
							'per_page' => 4,
							'page'     => $page,
						)
					)->get_data()['results'],
					'event_id'
				)
			);
		}
		$this->assertCount( 9, array_unique( $ids ), 'every event once across the pages' );
		$this->assertSame( array(), $this->get( array( 'page' => 5 ) )->get_data()['results'] );
	}

	public function test_filters_by_state_and_says_what_each_row_is(): void {
		$seeded = $this->seed();
		wp_set_current_user( $this->create_user( 'administrator' ) );

		$pending = $this->get( array( 'state' => 'pending' ) )->get_data();
		$this->assertSame( 5, $pending['count'] );
		$post = end( $pending['results'] );
		$this->assertSame( 'post.saved', $post['kind'] );
		$this->assertSame( 0, $post['attempts'] );
		$this->assertNotNull( $post['next_try_at'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/', $post['next_try_at'] );
		$this->assertSame( $seeded['post'], $post['post']['id'] );
		$this->assertSame( 'Trail shoes guide', $post['post']['title'], 'tags stripped: the title is shown as text' );
		$this->assertStringContainsString( 'post=' . $seeded['post'], (string) $post['post']['edit_link'] );
		$this->assertNotNull( $post['post']['view_link'] );

		$failing = $this->get( array( 'state' => 'failing' ) )->get_data();
		$this->assertSame( 2, $failing['count'] );
		$this->assertSame( array( 'Term 2', 'Term 1' ), array_column( $failing['results'], 'term' ) );
		$this->assertSame( array( 'Connection refused', 'Connection refused' ), array_column( $failing['results'], 'last_error' ) );

		$dead = $this->get( array( 'state' => 'dead' ) )->get_data();
		$this->assertSame( array( $seeded['rejected'], $seeded['dead'] ), array_column( $dead['results'], 'event_id' ) );
		$this->assertSame( array( 'rejected', 'dead' ), array_column( $dead['results'], 'state' ) );
		$this->assertNull( $dead['results'][1]['next_try_at'], 'a dead letter is not tried again on its own' );
		$this->assertSame( array( 'id' => 999999, 'title' => '', 'edit_link' => null, 'view_link' => null ), $dead['results'][1]['post'], 'a deleted post keeps its id only' );
	}

	public function test_an_editor_of_the_post_alone_gets_its_edit_link(): void {
		$seeded = $this->seed();
		// An administrator without edit rights on this one post (a filter, as a membership plugin would).
		$admin = $this->create_user( 'administrator' );
		wp_set_current_user( $admin );
		$this->add_test_filter(
			'map_meta_cap',
			static function ( $caps, $cap, $user_id, $args ) use ( $seeded ) {
				return 'edit_post' === $cap && (int) ( $args[0] ?? 0 ) === $seeded['post'] ? array( 'do_not_allow' ) : $caps;
			},
			10,
			4
		);
		$rows = $this->get( array( 'state' => 'pending' ) )->get_data()['results'];
		$this->assertNull( end( $rows )['post']['edit_link'] );
		$this->assertSame( 'Trail shoes guide', end( $rows )['post']['title'] );
	}

	public function test_bad_input_is_refused_with_400_and_changes_nothing(): void {
		$this->seed();
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$before = $this->table();
		foreach (
			array(
				array( 'state' => 'rejected' ),
				array( 'state' => "dead' OR 1=1 -- " ),
				array( 'per_page' => 0 ),
				array( 'per_page' => 101 ),
				array( 'per_page' => 'ten' ),
				array( 'page' => 0 ),
				array( 'page' => -1 ),
			) as $query
		) {
			$response = $this->get( $query );
			$this->assertSame( 400, $response->get_status(), (string) wp_json_encode( $query ) );
			$this->assertSame( 'rest_invalid_param', $response->get_data()['code'] );
		}
		$this->assertSame( $before, $this->table() );
	}
}
