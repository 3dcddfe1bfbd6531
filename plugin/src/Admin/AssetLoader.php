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

	public const HANDLE        = 'igny8-bridge-admin';
	public const EDITOR_HANDLE = 'igny8-bridge-editor';
	public const EDITOR_ENTRY  = 'editor';
	public const EARLY_HANDLE  = 'igny8-bridge-early';
	public const EARLY_ENTRY   = 'early';

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
	public function is_built( string $entry = 'index' ): bool {
		return is_readable( $this->build_dir . $entry . '.js' ) && is_readable( $this->build_dir . $entry . '.asset.php' );
	}

	/**
	 * Registers and enqueues the workspace bundle, its stylesheet (if any),
	 * translations and boot data.
	 *
	 * @param array<string, mixed> $screen_data Added to the boot data (e.g. which screen to render).
	 * @return bool False when the build is missing (nothing is enqueued).
	 */
	public function enqueue( array $screen_data = array() ): bool {
		if ( ! $this->is_built() ) {
			return false;
		}

		$asset = $this->read_asset_file( 'index' );

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
			'window.igny8Bridge = ' . wp_json_encode( array_merge( $this->boot_data(), $screen_data ) ) . ';',
			'before'
		);
		wp_enqueue_script( self::HANDLE );
		$this->enqueue_early( (string) ( $screen_data['sessionScope'] ?? '' ) );

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
	 * Prints the early script in the page's head: with the session the tab
	 * kept for this scope, it starts the page's first cloud requests while
	 * WordPress's own scripts load (plugin-ui/src/api/early.ts). It needs
	 * none of them.
	 *
	 * @param string $session_scope SessionController::scope(); empty: nothing to start with.
	 */
	private function enqueue_early( string $session_scope ): void {
		if ( '' === $session_scope || ! is_readable( $this->build_dir . self::EARLY_ENTRY . '.js' ) ) {
			return;
		}
		$asset = is_readable( $this->build_dir . self::EARLY_ENTRY . '.asset.php' )
			? require $this->build_dir . self::EARLY_ENTRY . '.asset.php'
			: array();
		wp_register_script(
			self::EARLY_HANDLE,
			$this->build_url . self::EARLY_ENTRY . '.js',
			array(),
			is_array( $asset ) && isset( $asset['version'] ) && is_string( $asset['version'] ) ? $asset['version'] : $this->plugin_version,
			array( 'in_footer' => false )
		);
		wp_add_inline_script(
			self::EARLY_HANDLE,
			'window.igny8Early = ' . wp_json_encode( array( 'sessionScope' => $session_scope ) ) . ';',
			'before'
		);
		wp_enqueue_script( self::EARLY_HANDLE );
	}

	/**
	 * Enqueues the block-editor sidebar: its own small bundle, so the post
	 * editor never loads the workspace screens.
	 *
	 * @param array<string, mixed> $extra Added to the boot data.
	 * @return bool False when the build is missing.
	 */
	public function enqueue_editor( array $extra = array() ): bool {
		if ( ! $this->is_built( self::EDITOR_ENTRY ) ) {
			return false;
		}
		$asset = $this->read_asset_file( self::EDITOR_ENTRY );
		wp_register_script(
			self::EDITOR_HANDLE,
			$this->build_url . self::EDITOR_ENTRY . '.js',
			$asset['dependencies'],
			$asset['version'],
			array( 'in_footer' => true )
		);
		wp_set_script_translations( self::EDITOR_HANDLE, 'igny8-bridge', IGNY8_BRIDGE_DIR . 'languages' );
		wp_add_inline_script(
			self::EDITOR_HANDLE,
			'window.igny8Bridge = ' . wp_json_encode( array_merge( $this->boot_data(), $extra ) ) . ';',
			'before'
		);
		wp_enqueue_script( self::EDITOR_HANDLE );
		// The sidebar's image cards; the block editor already loads wp-components.
		if ( is_readable( $this->build_dir . self::EDITOR_ENTRY . '.css' ) ) {
			wp_enqueue_style(
				self::EDITOR_HANDLE,
				$this->build_url . self::EDITOR_ENTRY . '.css',
				array( 'wp-components' ),
				$asset['version']
			);
			wp_style_add_data( self::EDITOR_HANDLE, 'rtl', 'replace' );
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
	 * Reads `<entry>.asset.php`, always requiring `wp-api-fetch` (whose nonce
	 * middleware authenticates the screens' REST calls).
	 *
	 * @param string $entry The bundle's name.
	 * @return array{dependencies: string[], version: string}
	 */
	private function read_asset_file( string $entry ): array {
		$asset = require $this->build_dir . $entry . '.asset.php';

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
