<?php
/**
 * The routes the IGNY8 Linker applies and removes internal links through.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Rest;

use IGNY8\Bridge\Contract\BridgeContract;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\Publishing\PostLinker;
use IGNY8\Bridge\Security\RequestVerifier;
use IGNY8\Bridge\Sync\ExportScope;
use IGNY8\Bridge\Sync\PostSnapshot;
use WP_Error;
use WP_Post;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST igny8/v1/posts/{id}/links` and `POST igny8/v1/posts/{id}/links/remove`
 * (the bridge contract's `posts.links.apply` and `posts.links.remove`).
 * Authenticated like every bridge route by the cloud's signature; the post
 * must be one the export covers (else 404, as for a missing post) and one
 * the bridge may write (else 403 `igny8_not_managed`, as for `PUT posts/{id}`).
 * Both answer the post as the export describes it.
 */
final class LinksController {

	/**
	 * @var RequestVerifier
	 */
	private $verifier;

	/**
	 * @var PostLinker
	 */
	private $linker;

	/**
	 * @var ExportScope
	 */
	private $scope;

	/**
	 * @param Options         $options  Settings.
	 * @param RequestVerifier $verifier Signed-request check.
	 * @param PostLinker      $linker   Link writes.
	 */
	public function __construct( Options $options, RequestVerifier $verifier, PostLinker $linker ) {
		$this->verifier = $verifier;
		$this->linker   = $linker;
		$this->scope    = new ExportScope( $options );
	}

	/**
	 * Registers the routes. Runs on `rest_api_init`.
	 */
	public function register_routes(): void {
		$id = array(
			'id' => array(
				'type'              => 'integer',
				'minimum'           => 1,
				'required'          => true,
				'sanitize_callback' => 'absint',
				'validate_callback' => 'rest_validate_request_arg',
			),
		);
		register_rest_route(
			BridgeController::REST_NAMESPACE,
			'/posts/(?P<id>\d+)/links',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'apply' ),
				'permission_callback' => array( $this->verifier, 'verify' ),
				'args'                => array_merge( $id, BridgeContract::args( 'posts.links.apply' ) ),
			)
		);
		register_rest_route(
			BridgeController::REST_NAMESPACE,
			'/posts/(?P<id>\d+)/links/remove',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'remove' ),
				'permission_callback' => array( $this->verifier, 'verify' ),
				'args'                => array_merge( $id, BridgeContract::args( 'posts.links.remove' ) ),
			)
		);
	}

	/**
	 * `POST posts/{id}/links`.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function apply( WP_REST_Request $request ) {
		$post = $this->target( (int) $request['id'] );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$links = $request->get_param( 'links' );
		return $this->answer( $this->linker->apply( $post, (string) $request->get_param( 'expected_hash' ), is_array( $links ) ? array_values( $links ) : array() ) );
	}

	/**
	 * `POST posts/{id}/links/remove`.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function remove( WP_REST_Request $request ) {
		$post = $this->target( (int) $request['id'] );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$ids = $request->get_param( 'ids' );
		return $this->answer( $this->linker->remove( $post, is_array( $ids ) ? array_map( 'strval', $ids ) : null ) );
	}

	/**
	 * The post a request names, if the bridge may read and write it.
	 *
	 * @param int $post_id The post.
	 * @return WP_Post|WP_Error
	 */
	private function target( int $post_id ) {
		$post = get_post( $post_id );
		if ( ! $post instanceof WP_Post || in_array( $post->post_type, array( 'revision', 'attachment' ), true ) || ! $this->scope->covers( $post ) ) {
			return new WP_Error( 'igny8_not_found', __( 'No such post.', 'igny8-bridge' ), array( 'status' => 404 ) );
		}
		// Internal links are the one change IGNY8 makes to a published post it did not
		// write: marked, checked against the post as the cloud read it, and removable
		// one by one. Anything else of the site's stays the owner's to hand over.
		if ( ! ExportScope::writable( $post ) && 'publish' !== $post->post_status ) {
			return new WP_Error( 'igny8_not_managed', __( 'IGNY8 adds links only to published posts, or to posts it published or that the site owner let it manage ("Let IGNY8 manage this post" on the posts list).', 'igny8-bridge' ), array( 'status' => 403 ) );
		}
		return $post;
	}

	/**
	 * The linker's result as the route's answer; a 409 in the shape of the
	 * publisher's, its `data` the post as it is now.
	 *
	 * @param array{code: int, post: WP_Post}|WP_Error $result The result.
	 * @return WP_REST_Response|WP_Error
	 */
	private function answer( $result ) {
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		if ( 409 === $result['code'] ) {
			return new WP_REST_Response(
				array(
					'success' => false,
					'code'    => 'igny8_conflict',
					'message' => __( 'The post was edited in WordPress since the cloud last read it; nothing was changed.', 'igny8-bridge' ),
					'data'    => PostSnapshot::item( $result['post'] ),
				),
				409
			);
		}
		$response = new WP_REST_Response(
			array(
				'success' => true,
				'data'    => PostSnapshot::item( $result['post'] ),
			),
			200
		);
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}
}
