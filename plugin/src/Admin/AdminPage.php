<?php
/**
 * The IGNY8 top-level wp-admin page.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Admin;

/**
 * Adds the "IGNY8" menu for users who can edit posts and prints the element
 * the React screens mount into.
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
	 * The page's hook suffix, known once the menu is registered.
	 *
	 * @var string|null
	 */
	private $hook_suffix = null;

	/**
	 * @param AssetLoader $assets Loads the built screens.
	 */
	public function __construct( AssetLoader $assets ) {
		$this->assets = $assets;
	}

	/**
	 * Adds the menu. Runs on `admin_menu`.
	 *
	 * WordPress itself refuses the page (HTTP 403) to users without the
	 * capability, so the render callback needs no second check.
	 */
	public function register_menu(): void {
		$hook = add_menu_page(
			__( 'IGNY8', 'igny8-bridge' ),
			__( 'IGNY8', 'igny8-bridge' ),
			self::CAPABILITY,
			self::SLUG,
			array( $this, 'render' ),
			'dashicons-chart-area',
			self::POSITION
		);
		$this->hook_suffix = is_string( $hook ) && '' !== $hook ? $hook : null;
	}

	/**
	 * Enqueues the screens on this page only. Runs on `admin_enqueue_scripts`.
	 *
	 * @param string $hook_suffix The current admin page.
	 */
	public function enqueue_assets( string $hook_suffix ): void {
		if ( null === $this->hook_suffix || $hook_suffix !== $this->hook_suffix ) {
			return;
		}
		$this->assets->enqueue();
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
	 * The page's hook suffix, or null before the menu is registered.
	 */
	public function hook_suffix(): ?string {
		return $this->hook_suffix;
	}
}
