<?php
/**
 * The IGNY8 admin menu and page.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Admin\AdminPage;
use IGNY8\Bridge\Admin\AssetLoader;
use IGNY8\Bridge\Plugin;

final class AdminPageTest extends TestCase {

	/**
	 * Admin-menu globals this test changes, restored afterwards.
	 *
	 * @var array<string, mixed>
	 */
	private $saved_globals = array();

	/**
	 * Folders made by a test, removed afterwards.
	 *
	 * @var string[]
	 */
	private $dirs = array();

	private const MENU_GLOBALS = array( 'menu', 'submenu', 'admin_page_hooks', '_registered_pages', '_parent_pages', 'pagenow', 'plugin_page', '_wp_menu_nopriv', '_wp_submenu_nopriv' );

	protected function setUp(): void {
		parent::setUp();
		foreach ( self::MENU_GLOBALS as $name ) {
			$this->saved_globals[ $name ] = $GLOBALS[ $name ] ?? null;
		}
		$GLOBALS['menu']               = array();
		$GLOBALS['submenu']            = array();
		$GLOBALS['admin_page_hooks']   = array();
		$GLOBALS['_registered_pages']  = array();
		$GLOBALS['_parent_pages']      = array();
		$GLOBALS['_wp_menu_nopriv']    = array();
		$GLOBALS['_wp_submenu_nopriv'] = array();
	}

	protected function tearDown(): void {
		foreach ( $this->saved_globals as $name => $value ) {
			$GLOBALS[ $name ] = $value;
		}
		remove_all_actions( 'toplevel_page_' . AdminPage::SLUG );
		foreach ( $this->dirs as $dir ) {
			array_map( 'unlink', (array) glob( $dir . '/*' ) );
			rmdir( $dir );
		}
		parent::tearDown();
	}

	/**
	 * Registers the menu as a user with a role, as wp-admin would on `admin_menu`.
	 *
	 * @param string $role The user's role.
	 */
	private function register_menu_as( string $role ): AdminPage {
		wp_set_current_user( $this->create_user( $role ) );
		remove_all_actions( 'toplevel_page_' . AdminPage::SLUG );
		$page = Plugin::instance()->admin_page();
		$page->register_menu();
		return $page;
	}

	/**
	 * Whether wp-admin would let the current user open admin.php?page=igny8.
	 */
	private function can_open_page(): bool {
		$GLOBALS['pagenow']     = 'admin.php';
		$GLOBALS['plugin_page'] = AdminPage::SLUG;
		return user_can_access_admin_page();
	}

	public function test_the_plugin_hooks_the_menu_into_admin_menu(): void {
		$this->assertSame( 10, has_action( 'admin_menu', array( Plugin::instance()->admin_page(), 'register_menu' ) ) );
	}

	public function test_menu_is_top_level_requires_edit_posts_and_sits_near_the_top(): void {
		$page = $this->register_menu_as( 'editor' );

		$this->assertSame( 'toplevel_page_igny8', $page->hook_suffix() );
		$this->assertArrayHasKey( AdminPage::POSITION, $GLOBALS['menu'] );
		$item = $GLOBALS['menu'][ AdminPage::POSITION ];
		$this->assertSame( 'IGNY8', $item[0] );
		$this->assertSame( 'edit_posts', $item[1] );
		$this->assertSame( 'igny8', $item[2] );
		$this->assertStringStartsWith( 'dashicons-', $item[6] );
	}

	public function test_editors_can_open_the_page(): void {
		$page = $this->register_menu_as( 'editor' );
		$this->assertNotFalse( has_action( 'toplevel_page_igny8', array( $page, 'render' ) ) );
		$this->assertTrue( $this->can_open_page() );
	}

	public function test_the_linker_the_optimizer_and_automation_sit_between_images_and_activity_for_editors(): void {
		$this->register_menu_as( 'editor' );

		$items = array_column( $GLOBALS['submenu'][ AdminPage::SLUG ], 1, 2 );
		$slugs = array_keys( $items );
		$this->assertSame( 'edit_posts', $items['igny8-linker'] );
		$linker = array_search( 'igny8-linker', $slugs, true );
		$this->assertSame( 'igny8-images', $slugs[ $linker - 1 ] );
		$this->assertSame( 'igny8-optimizer', $slugs[ $linker + 1 ] );
		$this->assertSame( 'igny8-automation', $slugs[ $linker + 2 ] );
		$this->assertSame( 'igny8-site-builder', $slugs[ $linker + 3 ] );
		$this->assertSame( 'igny8-activity', $slugs[ $linker + 4 ] );
		$this->assertSame( 'edit_posts', $items['igny8-optimizer'] );
		$this->assertSame( 'Linker', $GLOBALS['submenu'][ AdminPage::SLUG ][ $linker ][0] );
		$this->assertSame( 'Optimizer', $GLOBALS['submenu'][ AdminPage::SLUG ][ $linker + 1 ][0] );
		$this->assertSame( 'edit_posts', $items['igny8-automation'] );
		$this->assertSame( 'Automation', $GLOBALS['submenu'][ AdminPage::SLUG ][ $linker + 2 ][0] );
	}

	public function test_the_automation_screen_starts_schedules_in_the_site_time_zone(): void {
		update_option( 'timezone_string', 'Europe/Berlin' );
		$page = new AdminPage( $this->loader_for( $this->fake_build() ) );

		$data = $page->screen_data( 'automation' );

		$this->assertSame( 'automation', $data['screen'] );
		$this->assertSame( 'Europe/Berlin', $data['timezone'] );
		$this->assertStringEndsWith( 'admin.php?page=igny8-automation', $data['pages']['automation'] );
		$this->assertArrayNotHasKey( 'timezone', $page->screen_data( 'optimizer' ) );
		update_option( 'timezone_string', '' );
	}

	public function test_subscribers_cannot_open_the_page(): void {
		$page = $this->register_menu_as( 'subscriber' );
		$this->assertFalse( has_action( 'toplevel_page_igny8', array( $page, 'render' ) ) );
		$this->assertFalse( $this->can_open_page() );
	}

	public function test_render_prints_the_root_element(): void {
		$page = new AdminPage( $this->loader_for( $this->fake_build() ) );

		ob_start();
		$page->render();
		$html = (string) ob_get_clean();

		$this->assertStringContainsString( '<div id="igny8-root"></div>', $html );
		$this->assertStringNotContainsString( 'notice-error', $html );
	}

	public function test_render_without_a_build_says_how_to_build(): void {
		$page = new AdminPage( $this->loader_for( $this->empty_dir() ) );

		ob_start();
		$page->render();
		$html = (string) ob_get_clean();

		$this->assertStringContainsString( 'notice-error', $html );
		$this->assertStringContainsString( '<code>npm run build</code>', $html );
		$this->assertStringContainsString( '<div id="igny8-root"></div>', $html );
	}

	public function test_assets_are_enqueued_on_this_page_only(): void {
		$GLOBALS['wp_scripts'] = null;
		$page                  = new AdminPage( $this->loader_for( $this->fake_build() ) );
		wp_set_current_user( $this->create_user( 'editor' ) );
		$page->register_menu();

		$page->enqueue_assets( 'edit.php' );
		$this->assertFalse( wp_script_is( AssetLoader::HANDLE, 'registered' ) );

		$page->enqueue_assets( 'toplevel_page_igny8' );
		$this->assertTrue( wp_script_is( AssetLoader::HANDLE, 'enqueued' ) );
		$GLOBALS['wp_scripts'] = null;
	}

	private function loader_for( string $dir ): AssetLoader {
		return new AssetLoader( $dir, 'http://example.test/build', '0.1.0' );
	}

	private function empty_dir(): string {
		$dir = get_temp_dir() . 'igny8-empty-' . wp_generate_password( 6, false );
		wp_mkdir_p( $dir );
		$this->dirs[] = $dir;
		return $dir;
	}

	private function fake_build(): string {
		$dir = $this->empty_dir();
		file_put_contents( $dir . '/index.js', '/* built */' );
		file_put_contents( $dir . '/index.asset.php', "<?php return array( 'dependencies' => array( 'wp-element' ), 'version' => 'abc' );" );
		return $dir;
	}
}
