<?php
/**
 * Removes everything IGNY8 Bridge stored when the plugin is deleted.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

// The autoloader is not registered during uninstall: keep this file self-contained.
// These names must match IGNY8\Bridge\Options::ALL.
foreach ( array( 'igny8_cloud_url', 'igny8_api_key' ) as $igny8_bridge_option ) {
	delete_option( $igny8_bridge_option );
}
