<?php
/**
 * Wires the plugin together.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge;

use IGNY8\Bridge\Admin\AdminPage;
use IGNY8\Bridge\Admin\HelpTabs;
use IGNY8\Bridge\Admin\AssetLoader;
use IGNY8\Bridge\Admin\EditorSidebar;
use IGNY8\Bridge\Admin\ColorScheme;
use IGNY8\Bridge\Admin\PostScreens;
use IGNY8\Bridge\Admin\SettingsPage;
use IGNY8\Bridge\Publishing\MediaImporter;
use IGNY8\Bridge\Publishing\PostLinker;
use IGNY8\Bridge\Publishing\PostPublisher;
use IGNY8\Bridge\Rest\BridgeController;
use IGNY8\Bridge\Rest\ConnectionController;
use IGNY8\Bridge\Rest\LinksController;
use IGNY8\Bridge\Rest\SessionController;
use IGNY8\Bridge\Rest\SetupController;
use IGNY8\Bridge\Rest\StructureController;
use IGNY8\Bridge\Rest\OutboxController;
use IGNY8\Bridge\Rest\SettingsController;
use IGNY8\Bridge\Security\RequestVerifier;
use IGNY8\Bridge\Sync\EventRecorder;
use IGNY8\Bridge\Sync\Outbox;
use IGNY8\Bridge\Sync\OutboxDrainer;

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
	 * @var Outbox
	 */
	private $outbox;

	/**
	 * @var EventRecorder
	 */
	private $events;

	/**
	 * @var OutboxDrainer
	 */
	private $drainer;

	/**
	 * @var SiteMetadata
	 */
	private $metadata;

	/**
	 * @var PostPublisher
	 */
	private $publisher;

	/**
	 * @var BridgeController
	 */
	private $bridge_controller;

	/**
	 * @var SettingsPage
	 */
	private $settings_page;

	/**
	 * @var PostScreens
	 */
	private $post_screens;

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
		$this->admin_page            = new AdminPage( $this->assets, null, $this->options );
		$this->connection_controller = new ConnectionController( $this->options, $this->cloud );
		$this->outbox                = new Outbox();
		$this->metadata              = new SiteMetadata( $this->options, $this->outbox );
		$this->events                = new EventRecorder( $this->options, $this->outbox, $this->metadata );
		$this->drainer               = new OutboxDrainer( $this->options, $this->outbox, $this->cloud );
		$this->publisher             = new PostPublisher(
			new MediaImporter( $this->options ),
			$this->events,
			defined( 'IGNY8_PUBLISH_LOCK_WAIT' ) ? (float) IGNY8_PUBLISH_LOCK_WAIT : PostPublisher::LOCK_TIMEOUT,
			$this->options
		);
		$this->bridge_controller     = new BridgeController( $this->options, new RequestVerifier( $this->options ), $this->metadata, $this->publisher );
		$this->settings_page         = new SettingsPage( $this->options, $this->cloud, $this->outbox, $this->metadata );
		$this->post_screens          = new PostScreens( $this->options, $this->events, $this->drainer );
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

		Schema::maybe_upgrade();
		add_action( 'init', array( $this, 'load_textdomain' ) );
		add_action( 'rest_api_init', array( $this->connection_controller, 'register_routes' ) );
		add_action( 'rest_api_init', array( $this->bridge_controller, 'register_routes' ) );
		// The Linker's signed routes: add and remove the internal links it chose.
		add_action( 'rest_api_init', array( new LinksController( $this->options, new RequestVerifier( $this->options ), new PostLinker( $this->events ) ), 'register_routes' ) );
		// The Site Builder's signed route: make the site hold a blueprint's pages, categories and menus.
		add_action( 'rest_api_init', array( new StructureController( new RequestVerifier( $this->options ) ), 'register_routes' ) );
		add_action( 'admin_menu', array( $this->admin_page, 'register_menu' ) );
		add_action( 'admin_enqueue_scripts', array( $this->admin_page, 'enqueue_assets' ) );
		add_action( 'admin_init', array( OutboxDrainer::class, 'schedule' ) );
		$this->events->register();
		$this->drainer->register();
		$this->settings_page->register();
		add_action( 'rest_api_init', array( new SettingsController( $this->options, $this->settings_page, $this->outbox, $this->drainer ), 'register_routes' ) );
		add_action( 'rest_api_init', array( new OutboxController(), 'register_routes' ) );
		$this->post_screens->register();
		// The editor's workspace: cloud session for the screens, block-editor sidebar.
		add_action( 'rest_api_init', array( new SessionController( $this->options, $this->cloud ), 'register_routes' ) );
		// First run: the Dashboard's setup guide and the Help tab on every IGNY8 screen.
		add_action( 'rest_api_init', array( new SetupController(), 'register_routes' ) );
		( new HelpTabs() )->register();
		( new EditorSidebar( $this->assets, $this->options, $this->events, $this->drainer ) )->register();
		( new Admin\SeoPluginMeta( $this->options ) )->register();
		( new ColorScheme() )->register();
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
		$options = new Options();
		$options->install();
		Schema::install();
		OutboxDrainer::schedule();
		// Reactivating a configured site re-registers it with the cloud (the protocol's "on activation").
		if ( $options->is_configured() ) {
			self::instance()->settings_page->test_connection();
		}
	}

	/**
	 * Deactivation: settings and queued events stay (uninstall removes them); the cron event goes.
	 */
	public static function deactivate(): void {
		OutboxDrainer::unschedule();
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

	public function outbox(): Outbox {
		return $this->outbox;
	}

	public function events(): EventRecorder {
		return $this->events;
	}

	public function drainer(): OutboxDrainer {
		return $this->drainer;
	}

	public function publisher(): PostPublisher {
		return $this->publisher;
	}

	public function metadata(): SiteMetadata {
		return $this->metadata;
	}

	/**
	 * Registers the site with the configured cloud now ("Test connection"):
	 * the cloud learns the site's REST address, which it needs to publish.
	 *
	 * @return bool Whether the cloud accepted the key.
	 */
	public function connect(): bool {
		return $this->settings_page->test_connection();
	}
}
