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

foreach ( array( 'igny8_cloud_url', 'igny8_api_key', 'igny8_synced_post_types', 'igny8_uninstall_remove_meta', 'igny8_connection', 'igny8_outbox_state', 'igny8_db_version', 'igny8_structure_hash', 'igny8_image_hosts', 'igny8_export_statuses', 'igny8_dead_letter_days', 'igny8_credentials', 'igny8_default_post_status', 'igny8_default_author', 'igny8_default_categories', 'igny8_setup_dismissed' ) as $igny8_bridge_option ) {
	delete_option( $igny8_bridge_option );
}

wp_clear_scheduled_hook( 'igny8_drain_outbox' );

foreach ( array( 'igny8_outbox', 'igny8_request_ids', 'igny8_locks' ) as $igny8_bridge_table ) {
	// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching, WordPress.DB.DirectDatabaseQuery.SchemaChange -- uninstalling drops the plugin's own tables; WordPress has no API for that.
	$wpdb->query( $wpdb->prepare( 'DROP TABLE IF EXISTS %i', $wpdb->prefix . $igny8_bridge_table ) );
}

if ( $igny8_bridge_remove_meta ) {
	// Attachments keep their images; only the plugin's bookkeeping goes.
	// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- one statement for every `_igny8_` key on every post (delete_post_meta_by_key() takes one exact key); wp_cache_flush() below drops the cached copies.
	$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE meta_key LIKE %s', $wpdb->postmeta, $wpdb->esc_like( '_igny8_' ) . '%' ) );
	// The Site Builder's keys on the categories and menus it made (the terms themselves stay).
	// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- as above, for term meta.
	$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE meta_key LIKE %s', $wpdb->termmeta, $wpdb->esc_like( '_igny8_' ) . '%' ) );
	wp_cache_flush();
}
