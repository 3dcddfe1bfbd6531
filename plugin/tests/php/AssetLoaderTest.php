<?php
/**
 * Loading the built screens.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Admin\AssetLoader;
use IGNY8\Bridge\Plugin;

final class AssetLoaderTest extends TestCase {

	private const URL = 'http://example.test/wp-content/plugins/igny8-bridge/build';

	/**
	 * Folders made by a test, removed afterwards.
	 *
	 * @var string[]
	 */
	private $dirs = array();

	protected function setUp(): void {
		parent::setUp();
		// Fresh script and style registries (WordPress rebuilds them on first use).
		$GLOBALS['wp_scripts'] = null;
		$GLOBALS['wp_styles']  = null;
	}

	protected function tearDown(): void {
		$GLOBALS['wp_scripts'] = null;
		$GLOBALS['wp_styles']  = null;
		foreach ( $this->dirs as $dir ) {
			array_map( 'unlink', (array) glob( $dir . '/*' ) );
			rmdir( $dir );
		}
		parent::tearDown();
	}

	/**
	 * A build folder with the given files.
	 *
	 * @param array<string, string> $files File name => contents.
	 */
	private function build_dir( array $files ): string {
		$dir = get_temp_dir() . 'igny8-build-' . wp_generate_password( 8, false );
		wp_mkdir_p( $dir );
		foreach ( $files as $name => $contents ) {
			file_put_contents( $dir . '/' . $name, $contents );
		}
		$this->dirs[] = $dir;
		return $dir;
	}

	private function built(): string {
		return $this->build_dir(
			array(
				'index.js'        => '/* built */',
				'index.asset.php' => "<?php return array( 'dependencies' => array( 'react-jsx-runtime', 'wp-components', 'wp-element', 'wp-i18n' ), 'version' => 'abc123' );",
			)
		);
	}

	public function test_enqueues_the_bundle_with_the_asset_files_dependencies_and_version(): void {
		$loader = new AssetLoader( $this->built(), self::URL, '0.1.0' );

		$this->assertTrue( $loader->is_built() );
		$this->assertTrue( $loader->enqueue() );

		$this->assertTrue( wp_script_is( AssetLoader::HANDLE, 'enqueued' ) );
		$script = wp_scripts()->registered[ AssetLoader::HANDLE ];
		$this->assertSame( self::URL . '/index.js', $script->src );
		$this->assertSame( 'abc123', $script->ver );
		$this->assertSame( array( 'react-jsx-runtime', 'wp-components', 'wp-element', 'wp-i18n', 'wp-api-fetch' ), $script->deps );
		$this->assertSame( 1, $script->extra['group'] ?? null, 'printed in the footer, after the root element' );
	}

	public function test_prints_the_early_script_in_the_head_with_the_session_scope_and_no_dependencies(): void {
		$dir = $this->build_dir(
			array(
				'index.js'        => '/* built */',
				'index.asset.php' => "<?php return array( 'dependencies' => array( 'wp-element' ), 'version' => 'abc123' );",
				'early.js'        => '/* early */',
				'early.asset.php' => "<?php return array( 'dependencies' => array(), 'version' => 'e4' );",
			)
		);
		( new AssetLoader( $dir, self::URL, '0.1.0' ) )->enqueue( array( 'sessionScope' => 'f00d' ) );

		$this->assertTrue( wp_script_is( AssetLoader::EARLY_HANDLE, 'enqueued' ) );
		$early = wp_scripts()->registered[ AssetLoader::EARLY_HANDLE ];
		$this->assertSame( self::URL . '/early.js', $early->src );
		$this->assertSame( 'e4', $early->ver );
		$this->assertSame( array(), $early->deps, 'it runs before WordPress\'s scripts load' );
		$this->assertArrayNotHasKey( 'group', $early->extra, 'printed in the head' );
		$this->assertSame(
			'window.igny8Early = {"sessionScope":"f00d"};',
			trim( implode( "\n", (array) wp_scripts()->get_data( AssetLoader::EARLY_HANDLE, 'before' ) ) )
		);
	}

	public function test_prints_no_early_script_without_a_session_scope(): void {
		$dir = $this->build_dir(
			array(
				'index.js'        => '/* built */',
				'index.asset.php' => "<?php return array( 'dependencies' => array(), 'version' => 'abc123' );",
				'early.js'        => '/* early */',
			)
		);
		( new AssetLoader( $dir, self::URL, '0.1.0' ) )->enqueue( array( 'sessionScope' => '' ) );
		$this->assertFalse( wp_script_is( AssetLoader::EARLY_HANDLE, 'registered' ) );
	}

	public function test_wordpress_supplies_every_dependency(): void {
		( new AssetLoader( $this->built(), self::URL, '0.1.0' ) )->enqueue();
		foreach ( wp_scripts()->registered[ AssetLoader::HANDLE ]->deps as $dependency ) {
			$this->assertTrue( wp_script_is( $dependency, 'registered' ), "{$dependency} is not a WordPress script" );
		}
	}

	public function test_passes_boot_data_and_sets_translations(): void {
		( new AssetLoader( $this->built(), self::URL, '9.9.9' ) )->enqueue();

		$before = implode( "\n", (array) wp_scripts()->get_data( AssetLoader::HANDLE, 'before' ) );
		$this->assertMatchesRegularExpression( '/^window\.igny8Bridge = \{.*\};$/m', $before );
		$json = preg_replace( '/^window\.igny8Bridge = (.*);$/s', '$1', trim( $before ) );
		$boot = json_decode( (string) $json, true );
		$this->assertSame( 'igny8/v1', $boot['restNamespace'] );
		$this->assertSame( '9.9.9', $boot['pluginVersion'] );
		$this->assertSame( admin_url(), $boot['adminUrl'] );

		$this->assertSame( 'igny8-bridge', wp_scripts()->registered[ AssetLoader::HANDLE ]->textdomain );
	}

	public function test_boot_data_holds_no_secret(): void {
		update_option( 'igny8_api_key', 'igny8_secret_key_value', false );
		$boot = wp_json_encode( ( new AssetLoader( $this->built(), self::URL, '0.1.0' ) )->boot_data() );
		$this->assertStringNotContainsString( 'igny8_secret_key_value', (string) $boot );
	}

	public function test_enqueues_wp_components_styles_without_a_stylesheet(): void {
		( new AssetLoader( $this->built(), self::URL, '0.1.0' ) )->enqueue();
		$this->assertTrue( wp_style_is( 'wp-components', 'enqueued' ) );
		$this->assertFalse( wp_style_is( AssetLoader::HANDLE, 'registered' ) );
	}

	public function test_enqueues_the_built_stylesheet_with_its_rtl_twin(): void {
		$dir = $this->build_dir(
			array(
				'index.js'        => '/* built */',
				'index.css'       => '.igny8{}',
				'index-rtl.css'   => '.igny8{}',
				'index.asset.php' => "<?php return array( 'dependencies' => array(), 'version' => 'v2' );",
			)
		);
		( new AssetLoader( $dir, self::URL, '0.1.0' ) )->enqueue();

		$this->assertTrue( wp_style_is( AssetLoader::HANDLE, 'enqueued' ) );
		$style = wp_styles()->registered[ AssetLoader::HANDLE ];
		$this->assertSame( self::URL . '/index.css', $style->src );
		$this->assertSame( array( 'wp-components' ), $style->deps );
		$this->assertSame( 'replace', $style->extra['rtl'] );
	}

	public function test_without_a_build_nothing_is_enqueued(): void {
		$loader = new AssetLoader( $this->build_dir( array() ), self::URL, '0.1.0' );

		$this->assertFalse( $loader->is_built() );
		$this->assertFalse( $loader->enqueue() );
		$this->assertFalse( wp_script_is( AssetLoader::HANDLE, 'registered' ) );
	}

	public function test_a_bundle_without_its_asset_file_counts_as_missing(): void {
		$loader = new AssetLoader( $this->build_dir( array( 'index.js' => '/* built */' ) ), self::URL, '0.1.0' );
		$this->assertFalse( $loader->is_built() );
		$this->assertFalse( $loader->enqueue() );
	}

	public function test_the_plugin_loads_plugin_build_through_the_plugins_url(): void {
		// The real build is part of the tests' setup (npm run build); without it this must fail, not pass quietly.
		$this->assertFileIsReadable( IGNY8_BRIDGE_DIR . 'build/index.js', 'plugin/build is missing: run `npm run build -w plugin-ui`.' );
		$plugin = Plugin::instance();
		$this->assertTrue( $plugin->assets()->enqueue() );
		$this->assertTrue( wp_script_is( AssetLoader::HANDLE, 'registered' ) );
		$this->assertSame(
			content_url( 'plugins/igny8-bridge/build/index.js' ),
			wp_scripts()->registered[ AssetLoader::HANDLE ]->src
		);
	}
}
