<?php
/**
 * REST route for the first-run guide's one piece of WordPress-side state.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Rest;

use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST /wp-json/igny8/v1/setup` `{dismissed: bool}`: hides (or brings back)
 * the first-run guide on the IGNY8 Dashboard, for the whole site.
 *
 * The guide's progress itself is not stored here: each step's state is read
 * from the cloud (connected, a sector, keywords, a cluster), so leaving and
 * coming back resumes at the first step not yet done, on any browser.
 */
final class SetupController {

	public const ROUTE      = '/setup';
	public const OPTION     = 'igny8_setup_dismissed';
	public const CAPABILITY = 'edit_posts';

	/**
	 * Whether the guide was dismissed on this site.
	 */
	public static function is_dismissed(): bool {
		return '1' === (string) get_option( self::OPTION, '0' );
	}

	/**
	 * Registers the route. Runs on `rest_api_init`.
	 */
	public function register_routes(): void {
		register_rest_route(
			ConnectionController::REST_NAMESPACE,
			self::ROUTE,
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'update_item' ),
					'permission_callback' => array( $this, 'update_item_permissions_check' ),
					'args'                => array(
						// Checked in the callback, not here: WordPress validates
						// required arguments before the permission check, and a
						// stranger must get 401, not a hint about the body.
						'dismissed' => array(
							'type'              => 'boolean',
							'validate_callback' => 'rest_validate_request_arg',
							'sanitize_callback' => 'rest_sanitize_boolean',
						),
					),
				),
				'schema' => array( $this, 'get_item_schema' ),
			)
		);
	}

	/**
	 * Whoever may use the IGNY8 screens may hide their guide. Cookie
	 * authentication counts only with a valid `wp_rest` nonce.
	 *
	 * @return true|WP_Error
	 */
	public function update_item_permissions_check() {
		if ( ! is_user_logged_in() ) {
			return new WP_Error( 'rest_not_logged_in', __( 'You must be logged in to use IGNY8.', 'igny8-bridge' ), array( 'status' => 401 ) );
		}
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return new WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to use IGNY8.', 'igny8-bridge' ), array( 'status' => rest_authorization_required_code() ) );
		}
		return true;
	}

	/**
	 * Stores the choice.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function update_item( WP_REST_Request $request ) {
		if ( null === $request->get_param( 'dismissed' ) ) {
			return new WP_Error(
				'rest_missing_callback_param',
				/* translators: %s: a request parameter name. */
				sprintf( __( 'Missing parameter: %s', 'igny8-bridge' ), 'dismissed' ),
				array( 'status' => 400 )
			);
		}
		$dismissed = (bool) $request->get_param( 'dismissed' );
		update_option( self::OPTION, $dismissed ? '1' : '0', false );
		return new WP_REST_Response( array( 'dismissed' => self::is_dismissed() ), 200 );
	}

	/**
	 * @return array<string, mixed>
	 */
	public function get_item_schema(): array {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'igny8-setup',
			'type'       => 'object',
			'properties' => array(
				'dismissed' => array(
					'description' => __( 'Whether the first-run guide is hidden on this site.', 'igny8-bridge' ),
					'type'        => 'boolean',
				),
			),
		);
	}
}
