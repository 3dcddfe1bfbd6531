<?php
/**
 * A named lock every database WordPress runs on can hold.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge;

/**
 * A row in the plugin's locks table: its primary key is the lock's name, so
 * of two requests inserting the same name exactly one succeeds — on MySQL,
 * MariaDB and SQLite alike (MySQL's GET_LOCK does not exist on SQLite, which
 * WordPress Playground runs on).
 *
 * The insert is only tried when the name looks free: the SQLite integration
 * rolls back the caller's whole transaction on any failed statement, so a
 * duplicate-key error is kept to the rare true race.
 *
 * A row does not die with its request the way a GET_LOCK does with its
 * connection, so every lock carries an expiry: PHP fatals and `exit` release it
 * through a shutdown function, and a request killed outright leaves a row that
 * the next contender takes over once it has expired. The takeover is one
 * conditional UPDATE; the first contender to run it moves the expiry into the
 * future, so the condition no longer holds for any other (affected rows tell
 * each who won).
 *
 * Each acquisition gets its own owner token: only the holder refreshes or
 * releases, and a holder that outlived its expiry and was taken over cannot
 * release its successor's lock.
 */
final class Lock {

	/**
	 * @var string
	 */
	private $name;

	/**
	 * Seconds the lock stays valid after acquire() or refresh().
	 *
	 * @var int
	 */
	private $ttl;

	/**
	 * This acquisition's owner token; null while not held.
	 *
	 * @var string|null
	 */
	private $owner = null;

	/**
	 * Whether the shutdown release is registered (once per instance).
	 *
	 * @var bool
	 */
	private $releases_on_shutdown = false;

	/**
	 * @param string $name Up to 64 characters; unique per site (the table has the site's prefix).
	 * @param int    $ttl  Seconds before an unreleased lock may be taken over: longer than the work it guards.
	 */
	public function __construct( string $name, int $ttl ) {
		$this->name = substr( $name, 0, 64 );
		$this->ttl  = max( 1, $ttl );
	}

	/**
	 * Takes the lock if it is free or expired; does not wait.
	 *
	 * @return bool Whether this instance holds the lock now (false: another live holder has it).
	 * @throws \RuntimeException When the database refuses both the insert and the takeover (wpdb logged why).
	 */
	public function acquire(): bool {
		global $wpdb;
		if ( null !== $this->owner ) {
			return true;
		}
		$table = Schema::locks_table();
		$owner = bin2hex( random_bytes( 16 ) );
		$now   = time();

		$inserted = false;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's locks table: every contender must see the row as it is now, so it is never cached.
		if ( '0' === (string) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i WHERE name = %s', $table, $this->name ) ) ) {
			// A plain INSERT into the primary key: a racing contender's duplicate-key error means "taken", not a fault to log.
			$suppressed = $wpdb->suppress_errors( true );
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's locks table: every contender must see the row as it is now, so it is never cached.
			$inserted   = 1 === $wpdb->query( $wpdb->prepare( 'INSERT INTO %i (name, owner, expires_at) VALUES (%s, %s, %d)', $table, $this->name, $owner, $now + $this->ttl ) );
			$wpdb->suppress_errors( $suppressed );
		}

		if ( ! $inserted ) {
			// Held by someone: take it over only if it expired, and only if no other contender did first.
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's locks table: every contender must see the row as it is now, so it is never cached.
			$taken = $wpdb->query( $wpdb->prepare( 'UPDATE %i SET owner = %s, expires_at = %d WHERE name = %s AND expires_at < %d', $table, $owner, $now + $this->ttl, $this->name, $now ) );
			if ( false === $taken ) {
				throw new \RuntimeException( 'The lock table could not be written.' );
			}
			if ( 1 !== $taken ) {
				return false;
			}
		}

		$this->owner = $owner;
		if ( ! $this->releases_on_shutdown ) {
			// `finally` does not run on a fatal error or `exit`; shutdown functions do.
			register_shutdown_function( array( $this, 'release' ) );
			$this->releases_on_shutdown = true;
		}
		return true;
	}

	/**
	 * Takes the lock, waiting up to `$timeout` seconds for its holder to release it or for it to expire.
	 *
	 * @param float $timeout Seconds.
	 * @return bool Whether this instance holds the lock now (false: another live holder kept it all along).
	 * @throws \RuntimeException See acquire().
	 */
	public function acquire_within( float $timeout ): bool {
		$deadline = microtime( true ) + $timeout;
		$pause    = 50000;
		while ( ! $this->acquire() ) {
			$left = $deadline - microtime( true );
			if ( $left <= 0 ) {
				return false;
			}
			usleep( (int) min( $pause, $left * 1000000 ) );
			$pause = min( 500000, $pause * 2 );
		}
		return true;
	}

	/**
	 * Pushes the expiry `ttl` seconds from now, for work that runs long.
	 *
	 * @return bool False when the lock is no longer this instance's (it expired and was taken over).
	 */
	public function refresh(): bool {
		global $wpdb;
		if ( null === $this->owner ) {
			return false;
		}
		$table   = Schema::locks_table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's locks table: every contender must see the row as it is now, so it is never cached.
		$updated = $wpdb->query( $wpdb->prepare( 'UPDATE %i SET expires_at = %d WHERE name = %s AND owner = %s', $table, time() + $this->ttl, $this->name, $this->owner ) );
		if ( false === $updated ) {
			return false;
		}
		if ( 1 === $updated ) {
			return true;
		}
		// MySQL counts a row whose values did not change (refreshed twice within a second) as not affected.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's locks table: every contender must see the row as it is now, so it is never cached.
		$still = $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i WHERE name = %s AND owner = %s', $table, $this->name, $this->owner ) );
		if ( '1' === (string) $still ) {
			return true;
		}
		$this->owner = null;
		return false;
	}

	/**
	 * Releases the lock if this instance holds it; never someone else's.
	 */
	public function release(): void {
		global $wpdb;
		if ( null === $this->owner ) {
			return;
		}
		$owner       = $this->owner;
		$this->owner = null;
		$table       = Schema::locks_table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's locks table: every contender must see the row as it is now, so it is never cached.
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE name = %s AND owner = %s', $table, $this->name, $owner ) );
	}

	/**
	 * Whether this instance believes it holds the lock (it may have expired since).
	 */
	public function held(): bool {
		return null !== $this->owner;
	}

	/**
	 * The lock's name.
	 */
	public function name(): string {
		return $this->name;
	}
}
