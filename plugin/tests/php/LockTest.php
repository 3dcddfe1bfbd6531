<?php
/**
 * The named lock publishing and the outbox drainer take (MySQL, MariaDB and SQLite alike).
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Lock;
use IGNY8\Bridge\Schema;

/**
 * Each Lock instance stands for one request; contenders are separate instances.
 */
final class LockTest extends TestCase {

	private const NAME = 'test:lock';

	/**
	 * The lock's row, or null.
	 *
	 * @return array{owner: string, expires_at: string}|null
	 */
	private function row( string $name = self::NAME ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT owner, expires_at FROM %i WHERE name = %s', Schema::locks_table(), $name ), ARRAY_A );
		return is_array( $row ) ? $row : null;
	}

	/**
	 * What a request killed while holding the lock leaves behind.
	 *
	 * @param int $expires_at Unix time.
	 */
	private function plant( int $expires_at, string $name = self::NAME ): void {
		global $wpdb;
		$this->assertSame( 1, $wpdb->insert( Schema::locks_table(), array( 'name' => $name, 'owner' => str_repeat( 'd', 32 ), 'expires_at' => $expires_at ), array( '%s', '%s', '%d' ) ) );
	}

	public function test_a_free_lock_is_taken_and_every_contender_is_refused_until_it_is_released(): void {
		$first  = new Lock( self::NAME, 60 );
		$second = new Lock( self::NAME, 60 );
		$third  = new Lock( self::NAME, 60 );

		$this->assertTrue( $first->acquire() );
		$this->assertTrue( $first->held() );
		$row = $this->row();
		$this->assertNotNull( $row );
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{32}$/', $row['owner'] );
		$this->assertEqualsWithDelta( time() + 60, (int) $row['expires_at'], 2 );

		$this->assertFalse( $second->acquire() );
		$this->assertFalse( $third->acquire() );
		$this->assertFalse( $second->held() );
		$this->assertSame( $row, $this->row(), 'a refused contender changes nothing' );

		$first->release();
		$this->assertFalse( $first->held() );
		$this->assertNull( $this->row() );
		$this->assertTrue( $second->acquire() );
		$this->assertFalse( $third->acquire() );
		$second->release();
	}

	public function test_locks_of_different_names_do_not_contend(): void {
		$a = new Lock( 'publish:1', 60 );
		$b = new Lock( 'publish:2', 60 );
		$this->assertTrue( $a->acquire() );
		$this->assertTrue( $b->acquire() );
		$a->release();
		$b->release();
	}

	public function test_only_the_owner_releases_it(): void {
		$owner    = new Lock( self::NAME, 60 );
		$stranger = new Lock( self::NAME, 60 );
		$this->assertTrue( $owner->acquire() );
		$held = $this->row();

		$this->assertFalse( $stranger->acquire() );
		$stranger->release();
		$this->assertSame( $held, $this->row(), 'a contender that never got the lock cannot release it' );
		$this->assertFalse( $stranger->refresh() );
		$this->assertSame( $held, $this->row() );

		$owner->release();
		$this->assertNull( $this->row() );
	}

	public function test_an_expired_lock_left_by_a_killed_request_is_taken_over_by_exactly_one_contender(): void {
		$this->plant( time() - 5 );
		$contenders = array( new Lock( self::NAME, 60 ), new Lock( self::NAME, 60 ), new Lock( self::NAME, 60 ) );

		$won = array_values(
			array_filter(
				$contenders,
				static function ( Lock $lock ): bool {
					return $lock->acquire();
				}
			)
		);

		$this->assertCount( 1, $won );
		$this->assertSame( $contenders[0], $won[0] );
		$row = $this->row();
		$this->assertNotSame( str_repeat( 'd', 32 ), $row['owner'] );
		$this->assertGreaterThan( time(), (int) $row['expires_at'] );
		$won[0]->release();
		$this->assertNull( $this->row() );
	}

	public function test_a_lock_that_is_not_expired_yet_is_not_taken_over(): void {
		$this->plant( time() + 30 );
		$this->assertFalse( ( new Lock( self::NAME, 60 ) )->acquire() );
		$this->assertSame( str_repeat( 'd', 32 ), $this->row()['owner'] );
	}

	public function test_a_holder_that_outlived_its_expiry_and_was_taken_over_can_neither_refresh_nor_release_it(): void {
		global $wpdb;
		$slow = new Lock( self::NAME, 60 );
		$this->assertTrue( $slow->acquire() );
		// The holder stalls past its expiry…
		$wpdb->query( $wpdb->prepare( 'UPDATE %i SET expires_at = %d WHERE name = %s', Schema::locks_table(), time() - 1, self::NAME ) );
		// …and another request takes the lock over.
		$next = new Lock( self::NAME, 60 );
		$this->assertTrue( $next->acquire() );
		$taken = $this->row();

		$this->assertFalse( $slow->refresh(), 'the stalled holder learns it lost the lock' );
		$this->assertFalse( $slow->held() );
		$slow->release();
		$this->assertSame( $taken, $this->row(), 'and cannot release its successor’s lock' );

		$this->assertTrue( $next->refresh() );
		$next->release();
		$this->assertNull( $this->row() );
	}

	public function test_refresh_pushes_the_expiry(): void {
		global $wpdb;
		$lock = new Lock( self::NAME, 300 );
		$this->assertTrue( $lock->acquire() );
		$wpdb->query( $wpdb->prepare( 'UPDATE %i SET expires_at = %d WHERE name = %s', Schema::locks_table(), time() + 5, self::NAME ) );
		$this->assertTrue( $lock->refresh() );
		$this->assertEqualsWithDelta( time() + 300, (int) $this->row()['expires_at'], 2 );
		// Twice within the same second (MySQL then reports no changed row) still counts.
		$this->assertTrue( $lock->refresh() );
		$this->assertTrue( $lock->held() );
		$lock->release();
	}

	public function test_acquire_within_waits_for_a_lock_to_expire_and_gives_up_on_a_live_one(): void {
		$this->plant( time() + 30, 'test:live' );
		$this->assertFalse( ( new Lock( 'test:live', 60 ) )->acquire_within( 0.3 ) );

		$this->plant( time() + 1, 'test:expiring' );
		$waiter = new Lock( 'test:expiring', 60 );
		$this->assertTrue( $waiter->acquire_within( 5 ) );
		$this->assertNotSame( str_repeat( 'd', 32 ), $this->row( 'test:expiring' )['owner'] );
		$waiter->release();
	}

	public function test_a_database_that_refuses_the_lock_raises_instead_of_reporting_it_held(): void {
		// Every query on the locks table goes to a table that does not exist.
		$this->add_test_filter(
			'query',
			static function ( string $query ): string {
				return str_replace( Schema::locks_table(), Schema::locks_table() . '_missing', $query );
			}
		);
		global $wpdb;
		$suppressed = $wpdb->suppress_errors( true );
		$this->expectException( \RuntimeException::class );
		try {
			( new Lock( self::NAME, 60 ) )->acquire();
		} finally {
			$wpdb->suppress_errors( $suppressed );
		}
	}
}
