<?php
/**
 * PHPUnit bootstrap: loads the real WordPress site prepared by `npm run wp:prepare`
 * (IGNY8 Bridge is active in it), then the shared test case.
 *
 * The site runs on MariaDB, or on SQLite with `IGNY8_WP_DB=sqlite` (prepared by
 * `npm run wp:prepare -- sqlite`); `IGNY8_PHPUNIT_SITE` may name the site file.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

$igny8_db = getenv( 'IGNY8_WP_DB' );
$igny8_db = false === $igny8_db || '' === $igny8_db ? 'mariadb' : $igny8_db;
if ( ! in_array( $igny8_db, array( 'mariadb', 'sqlite' ), true ) ) {
	fwrite( STDERR, "IGNY8_WP_DB must be mariadb or sqlite, not {$igny8_db}.\n" );
	exit( 1 );
}
$igny8_site_file = getenv( 'IGNY8_PHPUNIT_SITE' );
if ( false === $igny8_site_file || '' === $igny8_site_file ) {
	$igny8_site_file = dirname( __DIR__, 3 ) . '/.igny8/' . ( 'mariadb' === $igny8_db ? 'phpunit-site.json' : "phpunit-site-{$igny8_db}.json" );
}
$igny8_prepare = 'mariadb' === $igny8_db ? 'npm run wp:prepare' : "npm run wp:prepare -- {$igny8_db}";
if ( ! is_readable( $igny8_site_file ) ) {
	fwrite( STDERR, "No WordPress prepared for PHPUnit ({$igny8_site_file} is missing).\nRun `{$igny8_prepare}` in the repository root first.\n" );
	exit( 1 );
}
$igny8_site = json_decode( (string) file_get_contents( $igny8_site_file ), true );
if ( ! is_array( $igny8_site ) || ! isset( $igny8_site['wpLoad'], $igny8_site['url'] ) || ! is_readable( $igny8_site['wpLoad'] ) ) {
	fwrite( STDERR, "{$igny8_site_file} does not point at a WordPress site. Run `{$igny8_prepare}` again.\n" );
	exit( 1 );
}

$igny8_host             = (string) parse_url( $igny8_site['url'], PHP_URL_HOST );
$igny8_port             = parse_url( $igny8_site['url'], PHP_URL_PORT );
$_SERVER['HTTP_HOST']   = $igny8_host . ( $igny8_port ? ':' . $igny8_port : '' );
$_SERVER['SERVER_NAME'] = $igny8_host;
$_SERVER['SERVER_PORT'] = (string) ( $igny8_port ? $igny8_port : 80 );
$_SERVER['REQUEST_URI'] = '/';

require $igny8_site['wpLoad'];
require_once ABSPATH . 'wp-admin/includes/plugin.php';

if ( ! is_plugin_active( 'igny8-bridge/igny8-bridge.php' ) || ! class_exists( \IGNY8\Bridge\Plugin::class ) ) {
	fwrite( STDERR, "IGNY8 Bridge is not active in the prepared site. Run `{$igny8_prepare}` again.\n" );
	exit( 1 );
}

// The SQLite run must really run on SQLite (the integration's drop-in replaces $wpdb), and the MariaDB run on MariaDB.
$igny8_on_sqlite = $GLOBALS['wpdb'] instanceof \WP_SQLite_DB;
if ( ( 'sqlite' === $igny8_db ) !== $igny8_on_sqlite ) {
	fwrite( STDERR, "{$igny8_site_file} is not a {$igny8_db} site (\$wpdb is " . get_class( $GLOBALS['wpdb'] ) . "). Run `{$igny8_prepare}` again.\n" );
	exit( 1 );
}

// The tests exercise this checkout's plugin, not some other copy.
if ( realpath( IGNY8_BRIDGE_DIR ) !== realpath( dirname( __DIR__, 2 ) ) ) {
	fwrite( STDERR, 'The prepared site loads IGNY8 Bridge from ' . IGNY8_BRIDGE_DIR . ", not from this checkout. Run `npm run wp:prepare` here.\n" );
	exit( 1 );
}

require_once __DIR__ . '/TestCase.php';
