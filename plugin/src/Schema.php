<?php
/**
 * The plugin's own database tables.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge;

/**
 * Creates and upgrades the outbox, the seen-request-id and the locks tables
 * with `dbDelta`, keyed by a stored schema version so upgrades run once.
 *
 * The definitions keep to what MySQL, MariaDB and the SQLite integration
 * (WordPress Playground) all accept from dbDelta.
 */
final class Schema {

	public const VERSION = '2';

	/**
	 * The outbox table's name.
	 */
	public static function outbox_table(): string {
		global $wpdb;
		return $wpdb->prefix . 'igny8_outbox';
	}

	/**
	 * The table of request ids already accepted from the cloud (replay guard).
	 */
	public static function request_ids_table(): string {
		global $wpdb;
		return $wpdb->prefix . 'igny8_request_ids';
	}

	/**
	 * The table of named locks (see Lock).
	 */
	public static function locks_table(): string {
		global $wpdb;
		return $wpdb->prefix . 'igny8_locks';
	}

	/**
	 * Creates or upgrades the tables when the stored version differs.
	 */
	public static function maybe_upgrade(): void {
		if ( self::VERSION === get_option( Options::DB_VERSION ) ) {
			return;
		}
		self::install();
	}

	/**
	 * Runs dbDelta for every table and records the version.
	 */
	public static function install(): void {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$collate  = $wpdb->get_charset_collate();
		$outbox   = self::outbox_table();
		$requests = self::request_ids_table();
		$locks    = self::locks_table();

		// dbDelta's format: two spaces after PRIMARY KEY, one column per line.
		dbDelta(
			"CREATE TABLE {$outbox} (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  event_id char(36) NOT NULL,
  event_type varchar(32) NOT NULL,
  object_id bigint(20) unsigned DEFAULT NULL,
  payload longtext NOT NULL,
  status varchar(16) NOT NULL DEFAULT 'pending',
  attempts int(10) unsigned NOT NULL DEFAULT 0,
  next_attempt_at datetime NOT NULL,
  last_error text NULL,
  created_at datetime NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY event_id (event_id),
  KEY status_next (status,next_attempt_at)
) {$collate};"
		);
		dbDelta(
			"CREATE TABLE {$requests} (
  request_id varchar(64) NOT NULL,
  seen_at int(10) unsigned NOT NULL,
  PRIMARY KEY  (request_id),
  KEY seen_at (seen_at)
) {$collate};"
		);
		dbDelta(
			"CREATE TABLE {$locks} (
  name varchar(64) NOT NULL,
  owner char(32) NOT NULL,
  expires_at bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (name)
) {$collate};"
		);
		// Autoloaded: maybe_upgrade() reads it on every request.
		update_option( Options::DB_VERSION, self::VERSION, true );
	}
}
