<?php
/**
 * Plugin Name: IGNY8 test site
 * Description: Installed by the IGNY8 test harness into throw-away sites only. Keeps mail and update checks from leaving the machine.
 */

declare( strict_types=1 );

defined( 'ABSPATH' ) || exit;

// Test sites have no mail server: report every message as sent without sending it.
add_filter( 'pre_wp_mail', '__return_true' );

/*
 * Test sites have no internet and block external HTTP: WordPress's core, plugin and theme
 * update checks would fail and, with WP_DEBUG on, log a warning on admin pages. Unhook them
 * (wp-includes/update.php is loaded before must-use plugins).
 */
foreach ( array( 'admin_init', 'wp_version_check', 'wp_update_plugins', 'wp_update_themes', 'load-plugins.php', 'load-themes.php', 'load-update.php', 'load-update-core.php' ) as $igny8_test_site_hook ) {
	remove_action( $igny8_test_site_hook, '_maybe_update_core' );
	remove_action( $igny8_test_site_hook, '_maybe_update_plugins' );
	remove_action( $igny8_test_site_hook, '_maybe_update_themes' );
	remove_action( $igny8_test_site_hook, 'wp_version_check' );
	remove_action( $igny8_test_site_hook, 'wp_update_plugins' );
	remove_action( $igny8_test_site_hook, 'wp_update_themes' );
}
unset( $igny8_test_site_hook );

// Installing a plugin (e.g. an uploaded zip) runs the update checks again: wp-admin adds those
// hooks after must-use plugins load, so unhook them once wp-admin is set up.
add_action(
	'admin_init',
	static function (): void {
		remove_action( 'upgrader_process_complete', 'wp_version_check', 10 );
		remove_action( 'upgrader_process_complete', 'wp_update_plugins', 10 );
		remove_action( 'upgrader_process_complete', 'wp_update_themes', 10 );
	}
);
