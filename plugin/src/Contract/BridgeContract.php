<?php
/**
 * The bridge contract, as the cloud's schemas define it.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Contract;

/**
 * Reads `bridge-contract.json`, which `npm run contract` generates from the
 * zod schemas in shared-types/src/bridge.ts, so the routes the cloud calls
 * accept exactly what the cloud's client is typed and checked to send. Never
 * edited by hand: `npm run lint` fails when it differs from the source.
 */
final class BridgeContract {

	/**
	 * The decoded file, once per request.
	 *
	 * @var array<string, mixed>|null
	 */
	private static $contract = null;

	/**
	 * The request fields of a route as `register_rest_route()` args, each
	 * validated and sanitized by WordPress from its schema.
	 *
	 * @param string $route A route name, e.g. `posts.create`.
	 * @return array<string, array<string, mixed>>
	 */
	public static function args( string $route ): array {
		$args = array();
		foreach ( self::route( $route )['args'] as $name => $schema ) {
			$args[ $name ] = array_merge(
				$schema,
				array(
					'validate_callback' => 'rest_validate_request_arg',
					'sanitize_callback' => 'rest_sanitize_request_arg',
				)
			);
		}
		return $args;
	}

	/**
	 * The names of a route's request fields.
	 *
	 * @param string $route A route name.
	 * @return string[]
	 */
	public static function fields( string $route ): array {
		return array_keys( self::route( $route )['args'] );
	}

	/**
	 * The JSON Schema of the `data` a route answers with.
	 *
	 * @param string $route A route name.
	 * @return array<string, mixed>
	 */
	public static function response( string $route ): array {
		return self::route( $route )['response'];
	}

	/**
	 * The JSON Schema of something the plugin sends the cloud, e.g. `event.post`.
	 *
	 * @param string $name Its name in the contract.
	 * @return array<string, mixed>
	 */
	public static function outbound( string $name ): array {
		$outbound = self::contract()['outbound'] ?? array();
		if ( ! isset( $outbound[ $name ] ) || ! is_array( $outbound[ $name ] ) ) {
			throw new \LogicException( esc_html( "The bridge contract has no outbound schema {$name}." ) );
		}
		return $outbound[ $name ];
	}

	/**
	 * @param string $route A route name.
	 * @return array{args: array<string, array<string, mixed>>, response: array<string, mixed>}
	 */
	private static function route( string $route ): array {
		$routes = self::contract()['routes'] ?? array();
		if ( ! isset( $routes[ $route ] ) || ! is_array( $routes[ $route ] ) ) {
			throw new \LogicException( esc_html( "The bridge contract has no route {$route}." ) );
		}
		return $routes[ $route ];
	}

	/**
	 * @return array<string, mixed>
	 */
	private static function contract(): array {
		if ( null === self::$contract ) {
			$decoded = wp_json_file_decode( __DIR__ . '/bridge-contract.json', array( 'associative' => true ) );
			if ( ! is_array( $decoded ) ) {
				// A broken install (the file is shipped with the plugin): fail loudly, not open.
				throw new \LogicException( 'The bridge contract file is missing or unreadable.' );
			}
			self::$contract = $decoded;
		}
		return self::$contract;
	}
}
