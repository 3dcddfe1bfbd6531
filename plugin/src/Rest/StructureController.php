<?php
/**
 * The route the IGNY8 Site Builder applies a site structure through.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Rest;

use IGNY8\Bridge\Contract\BridgeContract;
use IGNY8\Bridge\Lock;
use IGNY8\Bridge\Security\RequestVerifier;
use IGNY8\Bridge\SiteBuilder\StructureApplier;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST igny8/v1/site-structure` (the bridge contract's `structure.apply`):
 * authenticated like every bridge route by the cloud's signature in its
 * `permission_callback`, its body validated by the contract's args. A dry
 * run answers the plan and writes nothing; an apply of a blueprint runs
 * under a lock per blueprint, so two applies of it never interleave.
 */
final class StructureController {

	/** Seconds an apply waits for another apply of the same blueprint. */
	public const LOCK_WAIT = 10;

	/** Seconds the lock outlives a request killed mid-apply. */
	public const LOCK_TTL = 600;

	/**
	 * @var RequestVerifier
	 */
	private $verifier;

	/**
	 * @param RequestVerifier $verifier Signed-request check.
	 */
	public function __construct( RequestVerifier $verifier ) {
		$this->verifier = $verifier;
	}

	/**
	 * Registers the route. Runs on `rest_api_init`.
	 */
	public function register_routes(): void {
		register_rest_route(
			BridgeController::REST_NAMESPACE,
			'/site-structure',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'apply' ),
				'permission_callback' => array( $this->verifier, 'verify' ),
				'args'                => BridgeContract::args( 'structure.apply' ),
			)
		);
	}

	/**
	 * `POST site-structure`.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function apply( WP_REST_Request $request ) {
		$input = array();
		foreach ( BridgeContract::fields( 'structure.apply' ) as $name ) {
			$input[ $name ] = $request->get_param( $name );
		}
		$applier = new StructureApplier();
		if ( ! empty( $input['dry_run'] ) ) {
			return self::answer( $applier->run( $input ) );
		}
		$lock = new Lock( 'structure:' . (int) $input['blueprint_id'], self::LOCK_TTL );
		try {
			$acquired = $lock->acquire_within( self::LOCK_WAIT );
		} catch ( \RuntimeException $e ) {
			return new WP_Error( 'igny8_lock_failed', __( 'The site structure could not be applied: the WordPress database refused to record it. Try again; if it keeps failing, ask the site\'s host to check the database.', 'igny8-bridge' ), array( 'status' => 500 ) );
		}
		if ( ! $acquired ) {
			return new WP_Error( 'igny8_busy', __( 'Another request is applying this site structure right now; try again in a minute.', 'igny8-bridge' ), array( 'status' => 503 ) );
		}
		try {
			return self::answer( $applier->run( $input ) );
		} finally {
			$lock->release();
		}
	}

	/**
	 * The report as `{success: true, data}`, not cached.
	 *
	 * @param array<string, mixed>|WP_Error $report The applier's answer.
	 * @return WP_REST_Response|WP_Error
	 */
	private static function answer( $report ) {
		if ( is_wp_error( $report ) ) {
			return $report;
		}
		$response = new WP_REST_Response(
			array(
				'success' => true,
				'data'    => $report,
			),
			200
		);
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}
}
