<?php
/**
 * Removes everything IGNY8 Bridge stored when the plugin is deleted.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

// The autoloader is not registered during uninstall: keep this file self-contained.
// These names must match IGNY8\Bridge\Options::ALL and IGNY8\Bridge\Schema.
global $wpdb;

$igny8_bridge_remove_meta = '1' === (string) get_option( 'igny8_uninstall_remove_meta', '0' );

foreach ( array( 'igny8_cloud_url', 'igny8_api_key', 'igny8_synced_post_types', 'igny8_uninstall_remove_meta', 'igny8_connection', 'igny8_outbox_state', 'igny8_db_version', 'igny8_structure_hash' ) as $igny8_bridge_option ) {
	delete_option( $igny8_bridge_option );
}

wp_clear_scheduled_hook( 'igny8_drain_outbox' );

$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}igny8_outbox" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange
$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}igny8_request_ids" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange
$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}igny8_locks" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange

if ( $igny8_bridge_remove_meta ) {
	// Attachments keep their images; only the plugin's bookkeeping goes.
	$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->postmeta} WHERE meta_key LIKE %s", $wpdb->esc_like( '_igny8_' ) . '%' ) );
	wp_cache_flush();
}
