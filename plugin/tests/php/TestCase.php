<?php
/**
 * Base class for tests that run inside WordPress.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use PHPUnit\Framework\TestCase as PHPUnitTestCase;
use WP_REST_Request;
use WP_REST_Response;

/**
 * Runs every test in a database transaction that is rolled back afterwards
 * (InnoDB on MariaDB; SQLite through the integration), and undoes the hooks a
 * test added. On SQLite a failing statement rolls the whole transaction back
 * at once, so a test that makes a query fail on purpose writes nothing after it.
 */
abstract class TestCase extends PHPUnitTestCase {

	/**
	 * Filters added through add_test_filter(), removed after each test.
	 *
	 * @var array<int, array{0: string, 1: callable, 2: int}>
	 */
	private $test_filters = array();

	protected function setUp(): void {
		parent::setUp();
		global $wpdb;
		$wpdb->query( 'SET autocommit = 0' );
		$wpdb->query( 'START TRANSACTION' );
		wp_cache_flush();
		wp_set_current_user( 0 );
	}

	protected function tearDown(): void {
		global $wpdb;
		foreach ( $this->test_filters as $filter ) {
			remove_filter( $filter[0], $filter[1], $filter[2] );
		}
		$this->test_filters = array();
		$wpdb->query( 'ROLLBACK' );
		$wpdb->query( 'SET autocommit = 1' );
		wp_cache_flush();
		wp_set_current_user( 0 );
		parent::tearDown();
	}

	/**
	 * Adds a filter for the current test only.
	 *
	 * @param string   $hook     The filter.
	 * @param callable $callback The callback.
	 * @param int      $priority The priority.
	 * @param int      $args     How many arguments the callback takes.
	 */
	protected function add_test_filter( string $hook, callable $callback, int $priority = 10, int $args = 1 ): void {
		add_filter( $hook, $callback, $priority, $args );
		$this->test_filters[] = array( $hook, $callback, $priority );
	}

	/**
	 * Creates a user with a role and returns its id.
	 *
	 * @param string $role A WordPress role.
	 */
	protected function create_user( string $role ): int {
		$login = $role . '_' . wp_generate_password( 8, false );
		$id    = wp_insert_user(
			array(
				'user_login' => $login,
				'user_pass'  => wp_generate_password(),
				'user_email' => $login . '@example.test',
				'role'       => $role,
			)
		);
		$this->assertIsInt( $id, 'wp_insert_user failed' );
		return $id;
	}

	/**
	 * Runs an admin-post handler as the current user with these GET/POST
	 * fields, as admin-post.php would, and reports how it ended: a redirect
	 * (the action ran) or wp_die() (refused, with its HTTP status). Neither
	 * exits: both are turned into exceptions here.
	 *
	 * @param callable             $handler The `admin_post_*` callback.
	 * @param array<string, mixed> $get     Query fields.
	 * @param array<string, mixed> $post    Form fields.
	 * @return array{outcome: string, status: int, location: string}
	 */
	protected function run_admin_action( callable $handler, array $get = array(), array $post = array() ): array {
		$redirect = static function ( $location ) {
			throw new AdminActionEnded( 'redirect', 302, (string) $location );
		};
		$die      = static function () {
			return static function ( $message, $title = '', $args = array() ) {
				$status = is_int( $args ) ? $args : (int) ( is_array( $args ) && isset( $args['response'] ) ? $args['response'] : 500 );
				throw new AdminActionEnded( 'died', $status, '' );
			};
		};
		$this->add_test_filter( 'wp_redirect', $redirect, 1 );
		$this->add_test_filter( 'wp_die_handler', $die, 1 );
		$saved = array( $_GET, $_POST, $_REQUEST );
		$_GET     = $get;
		$_POST    = $post;
		$_REQUEST = array_merge( $get, $post );
		try {
			$handler();
			$this->fail( 'The admin action neither redirected nor died.' );
		} catch ( AdminActionEnded $ended ) {
			return array(
				'outcome'  => $ended->outcome,
				'status'   => $ended->status,
				'location' => $ended->location,
			);
		} finally {
			list( $_GET, $_POST, $_REQUEST ) = $saved;
			remove_filter( 'wp_redirect', $redirect, 1 );
			remove_filter( 'wp_die_handler', $die, 1 );
		}
	}

	/**
	 * Dispatches a REST request as the current user.
	 *
	 * @param string $method HTTP method.
	 * @param string $route  Route, e.g. `/igny8/v1/connection`.
	 */
	protected function rest( string $method, string $route ): WP_REST_Response {
		$response = rest_do_request( new WP_REST_Request( $method, $route ) );
		$this->assertInstanceOf( WP_REST_Response::class, $response );
		return $response;
	}

	/**
	 * Answers every outbound HTTP request with `$respond( $url, $args )` and
	 * records the requests. The one fake these tests allow.
	 *
	 * @param callable $respond Returns a response array or a WP_Error.
	 * @return \ArrayObject<int, array{url: string, args: array<string, mixed>}> The recorded requests.
	 */
	protected function intercept_http( callable $respond ): \ArrayObject {
		$requests = new \ArrayObject();
		$this->add_test_filter(
			'pre_http_request',
			static function ( $preempt, $args, $url ) use ( $respond, $requests ) {
				$requests[] = array(
					'url'  => $url,
					'args' => $args,
				);
				return $respond( $url, $args );
			},
			10,
			3
		);
		return $requests;
	}

	/**
	 * A response array as the WordPress HTTP API returns it.
	 *
	 * @param int    $code HTTP status.
	 * @param string $body Body.
	 * @return array<string, mixed>
	 */
	protected static function http_response( int $code, string $body ): array {
		return array(
			'headers'  => array( 'content-type' => 'application/json' ),
			'body'     => $body,
			'response' => array(
				'code'    => $code,
				'message' => get_status_header_desc( $code ),
			),
			'cookies'  => array(),
			'filename' => null,
		);
	}
}

/**
 * How an admin-post handler ended in a test (see TestCase::run_admin_action()).
 */
final class AdminActionEnded extends \RuntimeException {

	/**
	 * `redirect` or `died`.
	 *
	 * @var string
	 */
	public $outcome;

	/**
	 * HTTP status.
	 *
	 * @var int
	 */
	public $status;

	/**
	 * Where a redirect went.
	 *
	 * @var string
	 */
	public $location;

	/**
	 * @param string $outcome  `redirect` or `died`.
	 * @param int    $status   HTTP status.
	 * @param string $location Where a redirect went.
	 */
	public function __construct( string $outcome, int $status, string $location ) {
		parent::__construct( $outcome );
		$this->outcome  = $outcome;
		$this->status   = $status;
		$this->location = $location;
	}
}
