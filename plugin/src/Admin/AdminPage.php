<?php
/**
 * The IGNY8 wp-admin menu: one page per workspace screen.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Admin;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Rest\SessionController;
use IGNY8\Bridge\Rest\SetupController;

use IGNY8\Bridge\Sync\Outbox;

/**
 * Adds the "IGNY8" menu and its submenus (Dashboard, Keywords, Clusters,
 * Ideas, Tasks, Content, Images, Linker, Optimizer, Automation, Site Builder,
 * Activity, Settings) for users who
 * can edit posts, and prints the element the React screens mount into.
 *
 * Each screen is its own wp-admin page (not client routing): wp-admin's
 * menu highlighting, the browser's back button and bookmarks work without
 * JavaScript, and every page loads the same cached workspace bundle, which
 * renders only the screen the page names. What a user may change is decided
 * by the cloud role their session carries (see SessionController).
 */
final class AdminPage {

	public const SLUG       = 'igny8';
	public const CAPABILITY = 'edit_posts';
	public const ROOT_ID    = 'igny8-root';
	public const POSITION   = 3;

	/**
	 * Loads the built screens.
	 *
	 * @var AssetLoader
	 */
	private $assets;

	/**
	 * The sync outbox, whose health the Settings screen shows.
	 *
	 * @var Outbox
	 */
	private $outbox;

	/**
	 * Whether the site has a cloud URL and key (the screens skip the session call when not).
	 *
	 * @var Options
	 */
	private $options;

	/**
	 * Hook suffix → screen id, known once the menu is registered.
	 *
	 * @var array<string, string>
	 */
	private $screens_by_hook = array();

	/**
	 * @param AssetLoader $assets Loads the built screens.
	 * @param Outbox|null  $outbox  The sync outbox (a stateless table wrapper).
	 * @param Options|null $options The plugin's options.
	 */
	public function __construct( AssetLoader $assets, ?Outbox $outbox = null, ?Options $options = null ) {
		$this->assets  = $assets;
		$this->outbox  = $outbox ?? new Outbox();
		$this->options = $options ?? new Options();
	}

	/**
	 * Screen id → [page slug, menu title]. The dashboard lives on the top-level slug.
	 *
	 * @return array<string, array{0: string, 1: string}>
	 */
	public static function screens(): array {
		return array(
			'dashboard'    => array( self::SLUG, __( 'Dashboard', 'igny8-bridge' ) ),
			'keywords'     => array( self::SLUG . '-keywords', __( 'Keywords', 'igny8-bridge' ) ),
			'clusters'     => array( self::SLUG . '-clusters', __( 'Clusters', 'igny8-bridge' ) ),
			'ideas'        => array( self::SLUG . '-ideas', __( 'Ideas', 'igny8-bridge' ) ),
			'tasks'        => array( self::SLUG . '-tasks', __( 'Tasks', 'igny8-bridge' ) ),
			'content'      => array( self::SLUG . '-content', __( 'Content', 'igny8-bridge' ) ),
			'images'       => array( self::SLUG . '-images', __( 'Images', 'igny8-bridge' ) ),
			'linker'       => array( self::SLUG . '-linker', __( 'Linker', 'igny8-bridge' ) ),
			'optimizer'    => array( self::SLUG . '-optimizer', __( 'Optimizer', 'igny8-bridge' ) ),
			'automation'   => array( self::SLUG . '-automation', __( 'Automation', 'igny8-bridge' ) ),
			'site-builder' => array( self::SLUG . '-site-builder', __( 'Site Builder', 'igny8-bridge' ) ),
			'activity'     => array( self::SLUG . '-activity', __( 'Activity', 'igny8-bridge' ) ),
			// Not "igny8-settings": that slug is the old Settings → IGNY8 page, now a redirect here.
			'settings'     => array( self::SLUG . '-workspace-settings', __( 'Settings', 'igny8-bridge' ) ),
		);
	}

	/**
	 * Adds the menu. Runs on `admin_menu`.
	 *
	 * WordPress itself refuses the pages (HTTP 403) to users without the
	 * capability, so the render callback needs no second check.
	 */
	public function register_menu(): void {
		$this->screens_by_hook = array();
		$hook                  = add_menu_page(
			__( 'IGNY8', 'igny8-bridge' ),
			__( 'IGNY8', 'igny8-bridge' ),
			self::CAPABILITY,
			self::SLUG,
			array( $this, 'render' ),
			'dashicons-chart-area',
			self::POSITION
		);
		if ( ! is_string( $hook ) || '' === $hook ) {
			return;
		}
		$this->screens_by_hook[ $hook ] = 'dashboard';

		foreach ( self::screens() as $screen => list( $slug, $title ) ) {
			$sub = add_submenu_page( self::SLUG, $title . ' ‹ ' . __( 'IGNY8', 'igny8-bridge' ), $title, self::CAPABILITY, $slug, array( $this, 'render' ) );
			if ( is_string( $sub ) && '' !== $sub ) {
				$this->screens_by_hook[ $sub ] = $screen;
			}
		}
	}

	/**
	 * Enqueues the screens on the IGNY8 pages only. Runs on `admin_enqueue_scripts`.
	 *
	 * @param string $hook_suffix The current admin page.
	 */
	public function enqueue_assets( string $hook_suffix ): void {
		$screen = $this->screens_by_hook[ $hook_suffix ] ?? null;
		if ( null === $screen ) {
			return;
		}
		$this->assets->enqueue( $this->screen_data( $screen ) );
	}

	/**
	 * What a screen needs besides the common boot data. Nothing secret.
	 *
	 * @param string $screen Screen id.
	 * @return array<string, mixed>
	 */
	public function screen_data( string $screen ): array {
		$pages = array();
		foreach ( self::screens() as $id => list( $slug ) ) {
			$pages[ $id ] = admin_url( 'admin.php?page=' . $slug );
		}
		$data = array(
			'screen'        => $screen,
			'pages'         => $pages,
			'settingsUrl'   => current_user_can( 'manage_options' ) ? SettingsPage::url( 'connection' ) : '',
			'siteUrl'       => home_url( '/' ),
			// Not connected: the screens say so at once instead of calling a route that must refuse.
			'connected'     => $this->options->is_configured(),
			'sessionScope'  => SessionController::scope( $this->options ),
			// The status "Publish to this site" starts on (IGNY8 → Settings → Publishing).
			'publishStatus' => $this->options->default_post_status(),
		);
		if ( 'dashboard' === $screen ) {
			$data['setupDismissed'] = SetupController::is_dismissed();
		}
		if ( 'automation' === $screen ) {
			// A new schedule starts in the site's time zone (an IANA name, or an offset such as "+02:00").
			$data['timezone'] = wp_timezone_string();
		}
		if ( 'settings' === $screen || 'dashboard' === $screen ) {
			$data['outbox'] = $this->outbox->stats();
		}
		return $data;
	}

	/**
	 * Prints the page.
	 */
	public function render(): void {
		echo '<div class="wrap">';
		if ( ! $this->assets->is_built() ) {
			printf(
				'<div class="notice notice-error"><p>%s</p></div>',
				sprintf(
					/* translators: %s: a shell command, e.g. "npm run build". */
					esc_html__( 'The IGNY8 screens have not been built. Run %s in the plugin\'s source repository, then reload this page.', 'igny8-bridge' ),
					'<code>npm run build</code>'
				)
			);
		}
		printf( '<div id="%s"></div>', esc_attr( self::ROOT_ID ) );
		echo '</div>';
	}

	/**
	 * The top-level page's hook suffix, or null before the menu is registered.
	 */
	public function hook_suffix(): ?string {
		$hook = array_search( 'dashboard', $this->screens_by_hook, true );
		return is_string( $hook ) ? $hook : null;
	}
}
