<?php
/**
 * Wires the plugin together.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge;

use IGNY8\Bridge\Admin\AdminPage;
use IGNY8\Bridge\Admin\AssetLoader;
use IGNY8\Bridge\Rest\ConnectionController;

/**
 * Builds every service once and hooks them into WordPress. This is the only
 * place that calls `add_action()` for the plugin's own behaviour.
 */
final class Plugin {

	/**
	 * The single instance.
	 *
	 * @var Plugin|null
	 */
	private static $instance = null;

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @var CloudClient
	 */
	private $cloud;

	/**
	 * @var AssetLoader
	 */
	private $assets;

	/**
	 * @var AdminPage
	 */
	private $admin_page;

	/**
	 * @var ConnectionController
	 */
	private $connection_controller;

	/**
	 * Whether `register()` already ran.
	 *
	 * @var bool
	 */
	private $registered = false;

	private function __construct() {
		$this->options               = new Options();
		$this->cloud                 = new CloudClient( $this->options );
		$this->assets                = new AssetLoader(
			IGNY8_BRIDGE_DIR . 'build',
			plugins_url( 'build', IGNY8_BRIDGE_FILE ),
			IGNY8_BRIDGE_VERSION
		);
		$this->admin_page            = new AdminPage( $this->assets );
		$this->connection_controller = new ConnectionController( $this->options, $this->cloud );
	}

	/**
	 * The plugin's services, built on first use.
	 */
	public static function instance(): Plugin {
		if ( null === self::$instance ) {
			self::$instance = new self();
		}
		return self::$instance;
	}

	/**
	 * Hooks everything into WordPress. Safe to call twice.
	 */
	public function register(): void {
		if ( $this->registered ) {
			return;
		}
		$this->registered = true;

		add_action( 'init', array( $this, 'load_textdomain' ) );
		add_action( 'rest_api_init', array( $this->connection_controller, 'register_routes' ) );
		add_action( 'admin_menu', array( $this->admin_page, 'register_menu' ) );
		add_action( 'admin_enqueue_scripts', array( $this->admin_page, 'enqueue_assets' ) );
	}

	/**
	 * Loads translations shipped in `languages/` (translate.wordpress.org ones load on their own).
	 */
	public function load_textdomain(): void {
		load_plugin_textdomain( 'igny8-bridge', false, dirname( plugin_basename( IGNY8_BRIDGE_FILE ) ) . '/languages' );
	}

	/**
	 * Activation: create the options with autoload off.
	 */
	public static function activate(): void {
		( new Options() )->install();
	}

	/**
	 * Deactivation: settings stay (uninstall removes them); nothing is scheduled yet.
	 */
	public static function deactivate(): void {
	}

	public function options(): Options {
		return $this->options;
	}

	public function cloud(): CloudClient {
		return $this->cloud;
	}

	public function assets(): AssetLoader {
		return $this->assets;
	}

	public function admin_page(): AdminPage {
		return $this->admin_page;
	}

	public function connection_controller(): ConnectionController {
		return $this->connection_controller;
	}
}
