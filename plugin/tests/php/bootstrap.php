<?php
/**
 * PHPUnit bootstrap: loads the real WordPress site prepared by `npm run wp:prepare`
 * (IGNY8 Bridge is active in it), then the shared test case.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

$igny8_site_file = getenv( 'IGNY8_PHPUNIT_SITE' );
if ( false === $igny8_site_file || '' === $igny8_site_file ) {
	$igny8_site_file = dirname( __DIR__, 3 ) . '/.igny8/phpunit-site.json';
}
if ( ! is_readable( $igny8_site_file ) ) {
	fwrite( STDERR, "No WordPress prepared for PHPUnit ({$igny8_site_file} is missing).\nRun `npm run wp:prepare` in the repository root first.\n" );
	exit( 1 );
}
$igny8_site = json_decode( (string) file_get_contents( $igny8_site_file ), true );
if ( ! is_array( $igny8_site ) || ! isset( $igny8_site['wpLoad'], $igny8_site['url'] ) || ! is_readable( $igny8_site['wpLoad'] ) ) {
	fwrite( STDERR, "{$igny8_site_file} does not point at a WordPress site. Run `npm run wp:prepare` again.\n" );
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
	fwrite( STDERR, "IGNY8 Bridge is not active in the prepared site. Run `npm run wp:prepare` again.\n" );
	exit( 1 );
}

// The tests exercise this checkout's plugin, not some other copy.
if ( realpath( IGNY8_BRIDGE_DIR ) !== realpath( dirname( __DIR__, 2 ) ) ) {
	fwrite( STDERR, 'The prepared site loads IGNY8 Bridge from ' . IGNY8_BRIDGE_DIR . ", not from this checkout. Run `npm run wp:prepare` here.\n" );
	exit( 1 );
}

require_once __DIR__ . '/TestCase.php';
