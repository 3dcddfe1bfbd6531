<?php
/**
 * Loads the built wp-admin screens (plugin-ui → plugin/build).
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Admin;

use IGNY8\Bridge\Rest\ConnectionController;

/**
 * Enqueues `build/index.js` with the dependencies and version that
 * `@wordpress/scripts` wrote into `build/index.asset.php`, so WordPress
 * supplies React and the `@wordpress/*` packages.
 */
final class AssetLoader {

	public const HANDLE = 'igny8-bridge-admin';

	/**
	 * Absolute path of the build folder, with a trailing slash.
	 *
	 * @var string
	 */
	private $build_dir;

	/**
	 * Public URL of the build folder, with a trailing slash.
	 *
	 * @var string
	 */
	private $build_url;

	/**
	 * The plugin's version, passed to the screens.
	 *
	 * @var string
	 */
	private $plugin_version;

	/**
	 * @param string $build_dir      Absolute path of the build folder.
	 * @param string $build_url      Public URL of the build folder.
	 * @param string $plugin_version The plugin's version.
	 */
	public function __construct( string $build_dir, string $build_url, string $plugin_version ) {
		$this->build_dir      = trailingslashit( $build_dir );
		$this->build_url      = trailingslashit( $build_url );
		$this->plugin_version = $plugin_version;
	}

	/**
	 * Whether the bundle and its asset file exist.
	 */
	public function is_built(): bool {
		return is_readable( $this->build_dir . 'index.js' ) && is_readable( $this->build_dir . 'index.asset.php' );
	}

	/**
	 * Registers and enqueues the bundle, its stylesheet (if any), translations
	 * and boot data.
	 *
	 * @return bool False when the build is missing (nothing is enqueued).
	 */
	public function enqueue(): bool {
		if ( ! $this->is_built() ) {
			return false;
		}

		$asset = $this->read_asset_file();

		wp_register_script(
			self::HANDLE,
			$this->build_url . 'index.js',
			$asset['dependencies'],
			$asset['version'],
			array( 'in_footer' => true )
		);
		wp_set_script_translations( self::HANDLE, 'igny8-bridge', IGNY8_BRIDGE_DIR . 'languages' );
		wp_add_inline_script(
			self::HANDLE,
			'window.igny8Bridge = ' . wp_json_encode( $this->boot_data() ) . ';',
			'before'
		);
		wp_enqueue_script( self::HANDLE );

		if ( is_readable( $this->build_dir . 'index.css' ) ) {
			wp_enqueue_style(
				self::HANDLE,
				$this->build_url . 'index.css',
				array( 'wp-components' ),
				$asset['version']
			);
			wp_style_add_data( self::HANDLE, 'rtl', 'replace' );
		} else {
			wp_enqueue_style( 'wp-components' );
		}

		return true;
	}

	/**
	 * What the screens need to start. Nothing secret: this is printed into the page.
	 *
	 * @return array<string, mixed>
	 */
	public function boot_data(): array {
		return array(
			'restNamespace' => ConnectionController::REST_NAMESPACE,
			'pluginVersion' => $this->plugin_version,
			'adminUrl'      => admin_url(),
		);
	}

	/**
	 * Reads `index.asset.php`, always requiring `wp-api-fetch` (whose nonce
	 * middleware authenticates the screens' REST calls).
	 *
	 * @return array{dependencies: string[], version: string}
	 */
	private function read_asset_file(): array {
		$asset = require $this->build_dir . 'index.asset.php';

		$dependencies = is_array( $asset ) && isset( $asset['dependencies'] ) && is_array( $asset['dependencies'] )
			? array_values( array_filter( $asset['dependencies'], 'is_string' ) )
			: array();
		if ( ! in_array( 'wp-api-fetch', $dependencies, true ) ) {
			$dependencies[] = 'wp-api-fetch';
		}

		$version = is_array( $asset ) && isset( $asset['version'] ) && is_string( $asset['version'] )
			? $asset['version']
			: $this->plugin_version;

		return array(
			'dependencies' => $dependencies,
			'version'      => $version,
		);
	}
}
