<?php
/**
 * Every `igny8/v1` REST route and every IGNY8 admin action, as logged out,
 * subscriber, author, editor and administrator: refused where it must be.
 *
 * The routes come from the REST server and the actions from the registered
 * hooks, so a new route or action fails here until it is given its rule.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Admin\PostScreens;
use IGNY8\Bridge\Admin\SettingsPage;
use IGNY8\Bridge\Security\RequestVerifier;
use WP_REST_Request;

require_once __DIR__ . '/BridgeTestCase.php';

final class RoleRouteMatrixTest extends BridgeTestCase {

	private const ROLES = array( 'logged out', 'subscriber', 'author', 'editor', 'administrator' );

	/**
	 * Who may use each route that is not the cloud's: `METHOD route` → the
	 * roles allowed. `edit_post` routes are tried on a post by an
	 * administrator, which an author may not edit.
	 */
	private const SESSION_ROUTES = array(
		'GET /igny8/v1/connection'                => array( 'author', 'editor', 'administrator' ),
		'POST /igny8/v1/session'                  => array( 'author', 'editor', 'administrator' ),
		'POST /igny8/v1/setup'                    => array( 'author', 'editor', 'administrator' ),
		'POST /igny8/v1/editor/resync/(?P<id>\d+)' => array( 'editor', 'administrator' ),
		'GET /igny8/v1/settings'                  => array( 'author', 'editor', 'administrator' ),
		'POST /igny8/v1/settings'                 => array( 'administrator' ),
		'PUT /igny8/v1/settings'                  => array( 'administrator' ),
		'PATCH /igny8/v1/settings'                => array( 'administrator' ),
		'POST /igny8/v1/settings/test-connection' => array( 'administrator' ),
		'POST /igny8/v1/settings/disconnect'      => array( 'administrator' ),
		'POST /igny8/v1/outbox/send'              => array( 'administrator' ),
		'POST /igny8/v1/outbox/retry'             => array( 'administrator' ),
		'GET /igny8/v1/outbox'                    => array( 'administrator' ),
	);

	/**
	 * Who may run each admin-post action (with a valid nonce).
	 */
	private const ADMIN_ACTIONS = array(
		'igny8_resync'          => array( 'editor', 'administrator' ),
		'igny8_manage'          => array( 'editor', 'administrator' ),
	);

	/**
	 * User id per role (0 when logged out).
	 *
	 * @var array<string, int>
	 */
	private $users = array();

	/**
	 * A post by an administrator, managed by IGNY8.
	 *
	 * @var int
	 */
	private $post_id = 0;

	protected function setUp(): void {
		parent::setUp();
		$this->users = array( 'logged out' => 0 );
		foreach ( array_slice( self::ROLES, 1 ) as $role ) {
			$this->users[ $role ] = $this->create_user( $role );
		}
		$this->post_id = (int) wp_insert_post(
			array(
				'post_title'   => 'Matrix post',
				'post_content' => '<p>x</p>',
				'post_status'  => 'publish',
				'post_author'  => $this->users['administrator'],
			)
		);
		update_post_meta( $this->post_id, '_igny8_content_id', 77 );
		update_post_meta( $this->post_id, '_igny8_managed', '1' );
		update_option( 'igny8_structure_hash', Plugin::instance()->metadata()->structure_hash() );
		// Whatever a handler asks the cloud gets a refusal: the matrix is about who gets in, not what follows.
		$this->intercept_http(
			static function () {
				return self::http_response( 503, '{"success":false}' );
			}
		);
	}

	/**
	 * `METHOD route` → handler, for every registered igny8/v1 endpoint.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	private static function endpoints(): array {
		$found = array();
		foreach ( rest_get_server()->get_routes( 'igny8/v1' ) as $route => $handlers ) {
			foreach ( $handlers as $handler ) {
				foreach ( array_keys( $handler['methods'] ) as $method ) {
					$found[ $method . ' ' . $route ] = $handler;
				}
			}
		}
		return $found;
	}

	/**
	 * Whether a handler is authenticated by the cloud's signature.
	 *
	 * @param array<string, mixed> $handler Handler.
	 */
	private static function is_bridge( array $handler ): bool {
		$callback = $handler['permission_callback'] ?? null;
		return is_array( $callback ) && $callback[0] instanceof RequestVerifier && 'verify' === $callback[1];
	}

	/**
	 * A request for a route pattern, with valid arguments (so only the
	 * permission check can refuse it).
	 *
	 * @param string $method Method.
	 * @param string $route  Route pattern.
	 * @return array{0: string, 1: array<string, mixed>|null} Path and JSON body.
	 */
	private function concrete( string $method, string $route ): array {
		$path = (string) preg_replace_callback(
			'#\(\?P<(\w+)>[^)]*\)#',
			function ( array $match ): string {
				return 'id' === $match[1] ? (string) $this->post_id : '77';
			},
			$route
		);
		$body = in_array( $method, array( 'POST', 'PUT' ), true ) && 0 === strpos( $route, '/igny8/v1/posts' ) ? self::publish_body( 77, array( 'revision' => 9 ) ) : null;
		if ( 'POST' === $method && '/links' === substr( $route, -6 ) ) {
			// WordPress checks a body against the route's args before the permission callback: send a valid one.
			$body = array(
				'expected_hash' => str_repeat( '0', 64 ),
				'links'         => array(
					array(
						'id'     => 'matrix',
						'href'   => 'https://example.test/',
						'anchor' => 'x',
						'start'  => 3,
						'end'    => 4,
					),
				),
			);
		}
		if ( 'POST /igny8/v1/site-structure' === $method . ' ' . $route ) {
			// A valid dry run: signed, it plans and writes nothing.
			$body = array(
				'blueprint_id' => 77,
				'version'      => 1,
				'dry_run'      => true,
				'pages'        => array(),
				'categories'   => array(),
				'menus'        => array(),
			);
		}
		return array( $path, $body );
	}

	/**
	 * Dispatches an unsigned request (or one with a bad signature) as the current user.
	 *
	 * @param string                    $method Method.
	 * @param string                    $path   Path.
	 * @param array<string, mixed>|null $body   JSON body.
	 * @param bool                      $forged Send wrong signature headers.
	 */
	private function unsigned( string $method, string $path, ?array $body, bool $forged ): int {
		$request = $forged ? $this->signed( $method, $path, $body, array(), array( 'signature' => str_repeat( 'a', 64 ) ) ) : new WP_REST_Request( $method, $path );
		if ( ! $forged && null !== $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $body ) );
		}
		return rest_do_request( $request )->get_status();
	}

	public function test_every_route_has_a_real_permission_callback_and_a_rule(): void {
		$endpoints = self::endpoints();
		$this->assertNotEmpty( $endpoints );
		foreach ( $endpoints as $key => $handler ) {
			if ( 'GET /igny8/v1' === $key ) {
				// WordPress's own index of the namespace (route names and arguments, public for every namespace); not a route of ours.
				continue;
			}
			$callback = $handler['permission_callback'] ?? null;
			$this->assertNotEmpty( $callback, "{$key} has no permission_callback" );
			$this->assertNotSame( '__return_true', $callback, "{$key} is open to everyone" );
			$this->assertTrue( self::is_bridge( $handler ) || isset( self::SESSION_ROUTES[ $key ] ), "{$key} is neither a bridge route nor in the matrix: give it its rule here" );
		}
		foreach ( array_keys( self::SESSION_ROUTES ) as $key ) {
			$this->assertArrayHasKey( $key, $endpoints, "{$key} is in the matrix but not registered" );
		}
	}

	public function test_bridge_routes_refuse_every_role_without_a_valid_signature(): void {
		foreach ( self::endpoints() as $key => $handler ) {
			if ( ! self::is_bridge( $handler ) ) {
				continue;
			}
			list( $method, $route ) = explode( ' ', $key, 2 );
			list( $path, $body )    = $this->concrete( $method, $route );
			foreach ( $this->users as $role => $user ) {
				wp_set_current_user( $user );
				foreach ( array( false, true ) as $forged ) {
					$this->assertSame( 401, $this->unsigned( $method, $path, $body, $forged ), "{$key} as {$role}" . ( $forged ? ' with a bad signature' : ' unsigned' ) );
				}
			}
			// The cloud's signature is what lets a request in, whoever is logged in.
			wp_set_current_user( 0 );
			$signed = $this->dispatch( $this->signed( $method, $path, $body ) )->get_status();
			$this->assertNotContains( $signed, array( 401, 403 ), "{$key} signed" );
		}
		$this->assertSame( '1', get_post_meta( $this->post_id, '_igny8_managed', true ) );
	}

	public function test_session_routes_follow_the_users_capabilities(): void {
		$endpoints = self::endpoints();
		foreach ( self::SESSION_ROUTES as $key => $allowed ) {
			list( $method, $route ) = explode( ' ', $key, 2 );
			list( $path, $body )    = $this->concrete( $method, $route );
			$this->assertFalse( self::is_bridge( $endpoints[ $key ] ) );
			foreach ( $this->users as $role => $user ) {
				wp_set_current_user( $user );
				$status = $this->unsigned( $method, $path, $body, false );
				if ( in_array( $role, $allowed, true ) ) {
					$this->assertNotContains( $status, array( 401, 403 ), "{$key} as {$role} must be allowed" );
				} else {
					$this->assertContains( $status, array( 401, 403 ), "{$key} as {$role} must be refused" );
				}
			}
		}
	}

	/**
	 * Every IGNY8 admin-post and AJAX hook.
	 *
	 * @return array<string, callable> Hook name → callback.
	 */
	private static function admin_hooks(): array {
		global $wp_filter;
		$hooks = array();
		foreach ( $wp_filter as $name => $hook ) {
			if ( ! preg_match( '/^(admin_post|admin_post_nopriv|wp_ajax|wp_ajax_nopriv)_igny8/', (string) $name ) ) {
				continue;
			}
			foreach ( $hook->callbacks as $callbacks ) {
				foreach ( $callbacks as $callback ) {
					$hooks[ (string) $name ] = $callback['function'];
				}
			}
		}
		return $hooks;
	}

	/**
	 * The fields an action's form or link sends, nonce included.
	 *
	 * @param string $action The action.
	 * @param bool   $nonce  Include a valid nonce for the current user.
	 * @return array{0: array<string, string>, 1: array<string, string>} GET and POST fields.
	 */
	private function fields( string $action, bool $nonce ): array {
		if ( in_array( $action, array( 'igny8_resync', PostScreens::MANAGE_ACTION ), true ) ) {
			$get = array(
				'post'     => (string) $this->post_id,
				'manage'   => '1',
				'_wpnonce' => $nonce ? wp_create_nonce( $action . '_' . $this->post_id ) : 'forged',
			);
			return array( $get, array() );
		}
		return array( array(), array( '_wpnonce' => $nonce ? wp_create_nonce( $action ) : 'forged' ) );
	}

	public function test_every_admin_action_is_refused_where_it_must_be(): void {
		$hooks = self::admin_hooks();
		foreach ( array_keys( $hooks ) as $name ) {
			$this->assertStringStartsWith( 'admin_post_igny8', $name, "{$name}: IGNY8 has no AJAX or logged-out actions; add it to the matrix" );
			$this->assertArrayHasKey( substr( $name, strlen( 'admin_post_' ) ), self::ADMIN_ACTIONS, "{$name} is not in the matrix: give it its rule here" );
		}
		foreach ( self::ADMIN_ACTIONS as $action => $allowed ) {
			$this->assertArrayHasKey( 'admin_post_' . $action, $hooks, "{$action} is in the matrix but not registered" );
			// Logged out, admin-post.php fires only the nopriv hook, which IGNY8 never adds.
			$this->assertFalse( has_action( 'admin_post_nopriv_' . $action ) );
			foreach ( $this->users as $role => $user ) {
				wp_set_current_user( $user );
				foreach ( array( true, false ) as $nonce ) {
					( new Options() )->set_api_key( self::KEY );
					list( $get, $post ) = $this->fields( $action, $nonce );
					$ended              = $this->run_admin_action( $hooks[ 'admin_post_' . $action ], $get, $post );
					$label              = "{$action} as {$role}" . ( $nonce ? '' : ' without a nonce' );
					if ( $nonce && in_array( $role, $allowed, true ) ) {
						$this->assertSame( 'redirect', $ended['outcome'], "{$label} must be allowed" );
					} else {
						$this->assertSame( 'died', $ended['outcome'], "{$label} must be refused" );
						$this->assertContains( $ended['status'], array( 403 ), $label );
					}
				}
			}
		}
		$this->assertSame( SettingsPage::CAPABILITY, 'manage_options' );
	}
}
