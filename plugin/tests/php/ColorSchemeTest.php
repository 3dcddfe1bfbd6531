<?php
/**
 * The admin color scheme on IGNY8's screens.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Admin\AssetLoader;
use IGNY8\Bridge\Admin\ColorScheme;

final class ColorSchemeTest extends TestCase {

	protected function setUp(): void {
		parent::setUp();
		$GLOBALS['wp_styles'] = null;
	}

	protected function tearDown(): void {
		$GLOBALS['wp_styles'] = null;
		parent::tearDown();
	}

	public function test_each_core_scheme_gets_its_accent_and_the_block_editors_shades(): void {
		// The block editor's own values for these schemes (base-styles' admin-scheme mixin).
		$this->assertStringContainsString( '--wp-admin-theme-color:#3858e9;', ColorScheme::css( 'modern' ) );
		$this->assertStringContainsString( '--wp-admin-theme-color-darker-10:#2145e6;', ColorScheme::css( 'modern' ) );
		$this->assertStringContainsString( '--wp-admin-theme-color-darker-20:#183ad6;', ColorScheme::css( 'modern' ) );
		$this->assertStringContainsString( '--wp-admin-theme-color:#46403c;', ColorScheme::css( 'coffee' ) );
		$this->assertStringContainsString( '--wp-admin-theme-color-darker-10:#383330;', ColorScheme::css( 'coffee' ) );
		$this->assertStringContainsString( '--wp-admin-theme-color--rgb:225,77,67;', ColorScheme::css( 'midnight' ) );
		$this->assertStringContainsString( '--wp-components-color-accent:#e14d43;', ColorScheme::css( 'midnight' ) );
	}

	public function test_the_default_and_unknown_schemes_use_wp_admins_primary_blue(): void {
		$this->assertStringContainsString( '--wp-admin-theme-color:#2271b1;', ColorScheme::css( 'fresh' ) );
		$this->assertSame( ColorScheme::css( 'fresh' ), ColorScheme::css( 'a-plugins-scheme' ) );
		$this->assertSame( ColorScheme::css( 'fresh' ), ColorScheme::css( '' ) );
	}

	public function test_the_variables_follow_the_users_scheme_on_the_workspace_stylesheet(): void {
		$user = $this->create_user( 'editor' );
		update_user_option( $user, 'admin_color', 'ocean' );
		wp_set_current_user( $user );
		wp_enqueue_style( AssetLoader::HANDLE, 'http://example.test/index.css', array(), '1' );

		( new ColorScheme() )->add_variables();

		$inline = implode( '', (array) wp_styles()->get_data( AssetLoader::HANDLE, 'after' ) );
		$this->assertStringContainsString( '--wp-admin-theme-color:#627c83;', $inline );
	}

	public function test_nothing_is_added_where_the_workspace_is_not_loaded(): void {
		( new ColorScheme() )->add_variables();
		$this->assertFalse( wp_style_is( AssetLoader::HANDLE, 'registered' ) );
	}
}
