<?php
/**
 * The routes the IGNY8 cloud calls.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Rest;

use IGNY8\Bridge\Contract\BridgeContract;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\Publishing\PostPublisher;
use IGNY8\Bridge\Security\RequestVerifier;
use IGNY8\Bridge\SiteMetadata;
use IGNY8\Bridge\Sync\ExportScope;
use IGNY8\Bridge\Sync\PostSnapshot;
use WP_Error;
use WP_Post;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `igny8/v1` routes for the cloud (docs/bridge-protocol.md → "Cloud → WordPress").
 * Every one is authenticated by RequestVerifier in its `permission_callback`;
 * WordPress users, whatever their role, get nothing here without the key.
 * What each route accepts is the bridge contract (BridgeContract), generated
 * from the schemas the cloud's client sends with.
 */
final class BridgeController {

	public const REST_NAMESPACE = 'igny8/v1';

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @var RequestVerifier
	 */
	private $verifier;

	/**
	 * @var SiteMetadata
	 */
	private $metadata;

	/**
	 * @var PostPublisher
	 */
	private $publisher;

	/**
	 * What the cloud may read.
	 *
	 * @var ExportScope
	 */
	private $scope;

	/**
	 * @param Options         $options   Settings.
	 * @param RequestVerifier $verifier  Signed-request check.
	 * @param SiteMetadata    $metadata  Site structure.
	 * @param PostPublisher   $publisher Post writes.
	 */
	public function __construct( Options $options, RequestVerifier $verifier, SiteMetadata $metadata, PostPublisher $publisher ) {
		$this->options   = $options;
		$this->verifier  = $verifier;
		$this->metadata  = $metadata;
		$this->publisher = $publisher;
		$this->scope     = new ExportScope( $options );
	}

	/**
	 * Registers the routes. Runs on `rest_api_init`.
	 */
	public function register_routes(): void {
		$auth = array( $this->verifier, 'verify' );
		$id   = array(
			'type'              => 'integer',
			'minimum'           => 1,
			'required'          => true,
			'sanitize_callback' => 'absint',
			'validate_callback' => 'rest_validate_request_arg',
		);

		register_rest_route(
			self::REST_NAMESPACE,
			'/site-metadata',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'site_metadata' ),
				'permission_callback' => $auth,
				'args'                => array(),
			)
		);
		register_rest_route(
			self::REST_NAMESPACE,
			'/posts',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'export' ),
					'permission_callback' => $auth,
					'args'                => BridgeContract::args( 'posts.export' ),
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create' ),
					'permission_callback' => $auth,
					'args'                => BridgeContract::args( 'posts.create' ),
				),
			)
		);
		register_rest_route(
			self::REST_NAMESPACE,
			'/posts/(?P<id>\d+)',
			array(
				'methods'             => 'PUT',
				'callback'            => array( $this, 'update' ),
				'permission_callback' => $auth,
				'args'                => array_merge( array( 'id' => $id ), BridgeContract::args( 'posts.update' ) ),
			)
		);
		register_rest_route(
			self::REST_NAMESPACE,
			'/post-by-task-id/(?P<task_id>\d+)',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'by_task' ),
				'permission_callback' => $auth,
				'args'                => array( 'task_id' => $id ),
			)
		);
		register_rest_route(
			self::REST_NAMESPACE,
			'/post-by-content-id/(?P<content_id>\d+)',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'by_content' ),
				'permission_callback' => $auth,
				'args'                => array( 'content_id' => $id ),
			)
		);
	}

	/**
	 * `GET site-metadata`.
	 */
	public function site_metadata(): WP_REST_Response {
		return self::ok( $this->metadata->collect() );
	}

	/**
	 * `GET posts`: the paged export.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function export( WP_REST_Request $request ) {
		global $wpdb;
		// Only what the owner shares: the synced post types (a request may narrow them), the exported statuses.
		$synced = $this->scope->post_types();
		$types  = $request->get_param( 'post_type' );
		$types  = is_string( $types ) && '' !== $types ? array_intersect( array_map( 'sanitize_key', explode( ',', $types ) ), $synced ) : $synced;
		$types  = array_values( array_unique( array_filter( $types, 'post_type_exists' ) ) );
		if ( empty( $types ) ) {
			return new WP_Error( 'igny8_bad_post_type', __( 'None of the requested post types is synced by this site (IGNY8 → Settings → Data).', 'igny8-bridge' ), array( 'status' => 400 ) );
		}
		$statuses = $this->scope->statuses();
		$scope    = array(
			'post_types' => $types,
			'statuses'   => $statuses,
		);
		if ( empty( $statuses ) ) {
			return self::ok(
				array(
					'items'       => array(),
					'next_cursor' => null,
					'scope'       => $scope,
				)
			);
		}
		$per_page = (int) $request->get_param( 'per_page' );
		$after    = $request->get_param( 'modified_after' );
		$after_id = (int) $request->get_param( 'after_id' );

		// A page starts after the cursor (modified time, ID). Without one it starts
		// before every post (the zero date, ID 0); a time without an id starts
		// after every post modified in that second. One statement for all three.
		if ( is_string( $after ) && '' !== $after ) {
			$gmt      = gmdate( 'Y-m-d H:i:s', (int) strtotime( $after ) );
			$after_id = $after_id > 0 ? $after_id : PHP_INT_MAX;
		} else {
			$gmt      = '0000-00-00 00:00:00';
			$after_id = 0;
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- keyset paging by (post_modified_gmt, ID), which WP_Query cannot express; the ids found are then read through get_post() and its cache.
		$ids = $wpdb->get_col(
			$wpdb->prepare(
				'SELECT ID FROM %i WHERE post_type IN (' . implode( ',', array_fill( 0, count( $types ), '%s' ) ) . ')'
					. ' AND post_status IN (' . implode( ',', array_fill( 0, count( $statuses ), '%s' ) ) . ')'
					. ' AND ( post_modified_gmt > %s OR ( post_modified_gmt = %s AND ID > %d ) )'
					. ' ORDER BY post_modified_gmt ASC, ID ASC LIMIT %d',
				array_merge( array( $wpdb->posts ), $types, $statuses, array( $gmt, $gmt, $after_id, $per_page ) )
			)
		);
		$ids = array_map( 'intval', (array) $ids );
		if ( ! empty( $ids ) ) {
			_prime_post_caches( $ids, true, true );
		}
		$items = array();
		$last  = null;
		foreach ( $ids as $post_id ) {
			$post = get_post( $post_id );
			if ( $post instanceof WP_Post ) {
				$items[] = PostSnapshot::item( $post );
				$last    = $post;
			}
		}
		$next = null;
		if ( null !== $last && count( $ids ) === $per_page ) {
			$next = array(
				'modified_after' => PostSnapshot::iso( $last->post_modified_gmt ),
				'after_id'       => (int) $last->ID,
			);
		}
		return self::ok(
			array(
				'items'       => $items,
				'next_cursor' => $next,
				'scope'       => $scope,
			)
		);
	}

	/**
	 * `GET post-by-task-id/{task_id}`.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function by_task( WP_REST_Request $request ) {
		return $this->item_or_404( PostPublisher::find_by_task_id( (int) $request['task_id'] ) );
	}

	/**
	 * `GET post-by-content-id/{content_id}`.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function by_content( WP_REST_Request $request ) {
		return $this->item_or_404( PostPublisher::find_by_content_id( (int) $request['content_id'] ) );
	}

	/**
	 * `POST posts`.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function create( WP_REST_Request $request ) {
		return $this->write( $request, null );
	}

	/**
	 * `PUT posts/{id}`.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function update( WP_REST_Request $request ) {
		return $this->write( $request, (int) $request['id'] );
	}

	/**
	 * @param WP_REST_Request $request The request.
	 * @param int|null        $post_id For PUT.
	 * @return WP_REST_Response|WP_Error
	 */
	private function write( WP_REST_Request $request, ?int $post_id ) {
		$input = array();
		foreach ( BridgeContract::fields( 'posts.create' ) as $name ) {
			if ( $request->has_param( $name ) ) {
				$input[ $name ] = $request->get_param( $name );
			}
		}
		if ( 'future' === ( $input['status'] ?? '' ) && empty( $input['date_gmt'] ) ) {
			return new WP_Error( 'rest_invalid_param', __( 'A scheduled (future) post needs date_gmt.', 'igny8-bridge' ), array( 'status' => 400, 'params' => array( 'date_gmt' => __( 'Required when status is future.', 'igny8-bridge' ) ) ) );
		}
		$result = $this->publisher->publish( $input, $post_id );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		if ( 409 === $result['code'] ) {
			return new WP_REST_Response(
				array(
					'success' => false,
					'code'    => 'igny8_conflict',
					'message' => __( 'The post was edited in WordPress since the cloud last pushed it.', 'igny8-bridge' ),
					'data'    => $result['data'],
				),
				409
			);
		}
		return self::ok( $result['data'], $result['code'] );
	}

	/**
	 * The export item for a post, or 404 when there is none or the export
	 * does not cover it (the same answer: the cloud learns nothing from it).
	 *
	 * @param WP_Post|null $post The post.
	 * @return WP_REST_Response|WP_Error
	 */
	private function item_or_404( ?WP_Post $post ) {
		if ( null === $post || ! $this->scope->covers( $post ) ) {
			return new WP_Error( 'igny8_not_found', __( 'No post is linked to that IGNY8 id.', 'igny8-bridge' ), array( 'status' => 404 ) );
		}
		return self::ok( PostSnapshot::item( $post ) );
	}

	/**
	 * `{success: true, data}` with no caching.
	 *
	 * @param array<string, mixed> $data Data.
	 * @param int                  $code HTTP status.
	 */
	private static function ok( array $data, int $code = 200 ): WP_REST_Response {
		$response = new WP_REST_Response(
			array(
				'success' => true,
				'data'    => $data,
			),
			$code
		);
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}
}
