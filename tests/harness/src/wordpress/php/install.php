<?php
/**
 * Installs WordPress into an empty database (run by the test harness with the
 * PHP CLI): `php install.php <abspath> <json settings>`.
 *
 * Prints one JSON line: {"ok":true} or {"ok":false,"error":"..."}.
 */

declare( strict_types=1 );

$igny8_abspath  = rtrim( $argv[1] ?? '', '/' ) . '/';
$igny8_settings = json_decode( $argv[2] ?? '', true );
if ( ! is_array( $igny8_settings ) || ! is_file( $igny8_abspath . 'wp-load.php' ) ) {
	fwrite( STDERR, "usage: php install.php <abspath> <json settings>\n" );
	exit( 2 );
}

$igny8_url                = (string) parse_url( (string) $igny8_settings['url'], PHP_URL_HOST );
$igny8_port               = parse_url( (string) $igny8_settings['url'], PHP_URL_PORT );
$_SERVER['HTTP_HOST']     = $igny8_url . ( $igny8_port ? ':' . $igny8_port : '' );
$_SERVER['SERVER_NAME']   = $igny8_url;
$_SERVER['SERVER_PORT']   = (string) ( $igny8_port ? $igny8_port : 80 );
$_SERVER['REQUEST_URI']   = '/wp-admin/install.php';
$_SERVER['SCRIPT_NAME']   = '/wp-admin/install.php';
$_SERVER['PHP_SELF']      = '/wp-admin/install.php';

define( 'WP_INSTALLING', true );

/** No mail leaves a test site: the "your new site" e-mail is skipped. */
function wp_new_blog_notification() {
}

require $igny8_abspath . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if ( is_blog_installed() ) {
	echo json_encode( array( 'ok' => false, 'error' => 'WordPress is already installed in this database.' ) ), "\n";
	exit( 1 );
}

$igny8_result = wp_install(
	(string) $igny8_settings['title'],
	(string) $igny8_settings['adminUser'],
	(string) $igny8_settings['adminEmail'],
	false,
	'',
	wp_slash( (string) $igny8_settings['adminPassword'] )
);

// Pretty permalinks: `php -S` falls back to index.php, so /wp-json/ reaches WordPress.
global $wp_rewrite;
$wp_rewrite->set_permalink_structure( (string) $igny8_settings['permalinks'] );
// Emptied rules are rebuilt on the first request, with every init-time rule (REST included).
update_option( 'rewrite_rules', '' );

// Test sites have no internet: no Gravatar images (the browser would log failed loads).
update_option( 'show_avatars', 0 );

echo json_encode( array( 'ok' => true, 'user_id' => $igny8_result['user_id'] ) ), "\n";
