<?php
/**
 * Sends outbox events to the cloud.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Sync;

use IGNY8\Bridge\CloudClient;
use IGNY8\Bridge\Lock;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\SiteMetadata;
use WP_Error;

/**
 * Sends due events in batches of at most 100 to `POST /api/v1/integration/events/`.
 *
 * Runs from WP-cron every minute and on demand (`do_action( 'igny8_drain_outbox' )`,
 * the "Send now" button). A Lock makes concurrent drainers give way instead
 * of sending the same batch twice; it expires, so a drainer killed mid-run
 * never wedges the outbox: the next run after LOCK_TTL takes it over.
 *
 * Every batch also carries the site's health (the outbox's counts and the
 * WordPress, plugin and PHP versions), so the agency console shows a
 * backlog and dead letters as the site has them. When nothing was reported
 * for HEARTBEAT_AFTER seconds, a run sends a heartbeat: a batch with no
 * events, only the health, so dead letters are reported even while nothing
 * is pending.
 */
final class OutboxDrainer {

	public const HOOK          = 'igny8_drain_outbox';
	public const SCHEDULE      = 'igny8_every_minute';
	public const MAX_BATCHES   = 20;
	public const TIME_BUDGET_S = 25;
	public const LOCK_NAME     = 'outbox-drain';

	/** Seconds without a report after which a run sends a heartbeat. */
	public const HEARTBEAT_AFTER = 3600;

	/** Seconds after a failed heartbeat before the next one is tried (the cloud may be down). */
	public const HEARTBEAT_RETRY = 300;

	/**
	 * Seconds the drain lock outlives its last refresh: more than one batch's
	 * round trip (CloudClient::post() gives up after 15 s); refreshed per batch.
	 */
	public const LOCK_TTL = 120;

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @var Outbox
	 */
	private $outbox;

	/**
	 * @var CloudClient
	 */
	private $cloud;

	/**
	 * @param Options     $options Settings.
	 * @param Outbox      $outbox  The queue.
	 * @param CloudClient $cloud   The cloud API.
	 */
	public function __construct( Options $options, Outbox $outbox, CloudClient $cloud ) {
		$this->options = $options;
		$this->outbox  = $outbox;
		$this->cloud   = $cloud;
	}

	/**
	 * Adds the cron schedule and the hook.
	 */
	public function register(): void {
		// phpcs:ignore WordPress.WP.CronInterval.CronSchedulesInterval -- every minute on purpose: edits reach the cloud within a minute, and a run with nothing due is a few small queries.
		add_filter( 'cron_schedules', array( self::class, 'add_schedule' ) );
		add_action( self::HOOK, array( $this, 'drain' ) );
	}

	/**
	 * `cron_schedules`: every minute.
	 *
	 * @param array<string, array<string, mixed>> $schedules Known schedules.
	 * @return array<string, array<string, mixed>>
	 */
	public static function add_schedule( $schedules ): array {
		$schedules                   = is_array( $schedules ) ? $schedules : array();
		$schedules[ self::SCHEDULE ] = array(
			'interval' => 60,
			'display'  => __( 'Every minute (IGNY8 outbox)', 'igny8-bridge' ),
		);
		return $schedules;
	}

	/**
	 * Schedules the cron event when missing.
	 */
	public static function schedule(): void {
		if ( false === wp_next_scheduled( self::HOOK ) ) {
			// phpcs:ignore WordPress.WP.CronInterval.CronSchedulesInterval -- every minute on purpose: see register().
			add_filter( 'cron_schedules', array( self::class, 'add_schedule' ) );
			wp_schedule_event( time() + 60, self::SCHEDULE, self::HOOK );
		}
	}

	/**
	 * Removes the cron event.
	 */
	public static function unschedule(): void {
		wp_clear_scheduled_hook( self::HOOK );
	}

	/**
	 * The lock one drainer at a time holds (the locks table is per site).
	 */
	public static function lock(): Lock {
		return new Lock( self::LOCK_NAME, self::LOCK_TTL );
	}

	/**
	 * Sends every due event, batch after batch, until none are due, a batch
	 * fails, or the time budget is spent.
	 *
	 * `locked` is true when another drainer is running: nothing was sent, and
	 * `error` says so in words (what "Send now" shows). `heartbeat` is true
	 * when the run sent one and the cloud took it.
	 *
	 * @return array{sent: int, failed: int, rejected: int, locked: bool, heartbeat: bool, error: string|null}
	 */
	public function drain(): array {
		$result = array(
			'sent'      => 0,
			'failed'    => 0,
			'rejected'  => 0,
			'locked'    => false,
			'heartbeat' => false,
			'error'     => null,
		);
		if ( ! $this->options->is_configured() ) {
			$result['error'] = __( 'Not connected.', 'igny8-bridge' );
			return $result;
		}
		$lock = self::lock();
		try {
			$acquired = $lock->acquire();
		} catch ( \RuntimeException $e ) {
			$result['error'] = __( 'The outbox could not be sent: the WordPress database refused to record the send. Try again; if it keeps failing, ask the site\'s host to check the database.', 'igny8-bridge' );
			return $result;
		}
		if ( ! $acquired ) {
			$result['locked'] = true;
			$result['error']  = __( 'The outbox is being sent by another request right now. Wait a minute, then look again.', 'igny8-bridge' );
			return $result;
		}
		try {
			$started = time();
			for ( $batch = 0; $batch < self::MAX_BATCHES && time() - $started < self::TIME_BUDGET_S; $batch++ ) {
				// Past its TTL another drainer may have taken over: never send a batch it may send too.
				if ( $batch > 0 && ! $lock->refresh() ) {
					break;
				}
				$events = $this->outbox->due( Outbox::BATCH_SIZE );
				if ( empty( $events ) ) {
					break;
				}
				if ( ! $this->send( $events, $result ) ) {
					break;
				}
			}
			// Expired dead letters go while the lock is held, so one drainer does it.
			$this->outbox->purge_dead_letters( $this->options->dead_letter_days() );
			// A run whose batch failed says nothing more: the cloud just refused or was unreachable.
			if ( 0 === $result['failed'] && $this->heartbeat_due() ) {
				$this->heartbeat( $result );
			}
		} finally {
			$lock->release();
		}
		return $result;
	}

	/**
	 * Sends one batch and applies the cloud's answer.
	 *
	 * @param array<int, array{event_id: string, attempts: int, payload: array<string, mixed>}> $events The batch.
	 * @param array<string, mixed>                                                              $result Totals, updated.
	 * @return bool Whether the batch went through (false: stop draining for now).
	 */
	private function send( array $events, array &$result ): bool {
		$answer = $this->cloud->post(
			CloudClient::EVENTS_PATH,
			array(
				'events' => array_column( $events, 'payload' ),
				'health' => $this->health( $events ),
			)
		);
		if ( $answer instanceof WP_Error ) {
			$message = $answer->get_error_message();
			$this->outbox->fail( $events, $message );
			$result['failed'] += count( $events );
			$result['error']   = $message;
			$this->remember( $message );
			return false;
		}
		$this->remember_report( true );

		$done = array();
		foreach ( array( 'accepted', 'duplicates' ) as $list ) {
			foreach ( (array) ( $answer[ $list ] ?? array() ) as $id ) {
				if ( is_string( $id ) ) {
					$done[] = $id;
				}
			}
		}
		$this->outbox->delete( $done );
		$result['sent'] += count( $done );

		$rejected_ids = array();
		foreach ( (array) ( $answer['rejected'] ?? array() ) as $rejection ) {
			if ( is_array( $rejection ) && isset( $rejection['id'] ) && is_string( $rejection['id'] ) ) {
				$error = isset( $rejection['error'] ) && is_scalar( $rejection['error'] ) ? (string) $rejection['error'] : __( 'Rejected by the cloud.', 'igny8-bridge' );
				$this->outbox->reject( $rejection['id'], $error );
				$rejected_ids[] = $rejection['id'];
			}
		}
		$result['rejected'] += count( $rejected_ids );

		// An event the answer does not mention was not applied: try it again later.
		$unanswered = array_values(
			array_filter(
				$events,
				static function ( array $event ) use ( $done, $rejected_ids ): bool {
					return ! in_array( $event['event_id'], $done, true ) && ! in_array( $event['event_id'], $rejected_ids, true );
				}
			)
		);
		if ( ! empty( $unanswered ) ) {
			$message = __( 'The cloud did not acknowledge every event of the batch.', 'igny8-bridge' );
			$this->outbox->fail( $unanswered, $message );
			$result['failed'] += count( $unanswered );
			$this->remember( $message );
			return false;
		}
		$this->remember( null );
		return true;
	}

	/**
	 * What the site reports of itself (shared-types `bridgeHealthSchema`):
	 * the outbox's counts and the versions. `pending` and `failing` leave out
	 * the batch the report travels with: those events are being delivered.
	 *
	 * @param array<int, array{event_id: string, attempts: int, payload: array<string, mixed>}> $batch The events sent with it.
	 * @return array{outbox: array{pending: int, failing: int, dead: int, rejected: int}, wordpress_version: string, plugin_version: string, php_version: string}
	 */
	public function health( array $batch = array() ): array {
		$stats   = $this->outbox->stats();
		$retried = count(
			array_filter(
				$batch,
				static function ( array $event ): bool {
					return $event['attempts'] > 0;
				}
			)
		);
		$stats['pending'] = max( 0, $stats['pending'] - count( $batch ) );
		$stats['failing'] = max( 0, $stats['failing'] - $retried );
		return array_merge( array( 'outbox' => $stats ), SiteMetadata::versions() );
	}

	/**
	 * Whether this run should send a heartbeat: nothing reported for
	 * HEARTBEAT_AFTER seconds (or ever), and no heartbeat tried in the last
	 * HEARTBEAT_RETRY seconds.
	 */
	private function heartbeat_due(): bool {
		$state    = $this->state();
		$now      = time();
		$reported = (int) ( $state['health_reported_at'] ?? 0 );
		$tried    = (int) ( $state['heartbeat_tried_at'] ?? 0 );
		return $now - $reported >= self::HEARTBEAT_AFTER && $now - $tried >= self::HEARTBEAT_RETRY;
	}

	/**
	 * Sends a batch with no events, only the health. It reports; it sends
	 * nothing of the outbox, so its outcome is not the outbox's: a refused
	 * heartbeat (the cloud is down, or predates health reports) leaves the
	 * last send's outcome and "Send now"'s answer as they were, and is only
	 * tried again after HEARTBEAT_RETRY.
	 *
	 * @param array<string, mixed> $result Totals, updated (`heartbeat`).
	 */
	private function heartbeat( array &$result ): void {
		$answer = $this->cloud->post(
			CloudClient::EVENTS_PATH,
			array(
				'events' => array(),
				'health' => $this->health(),
			)
		);
		$result['heartbeat'] = ! $answer instanceof WP_Error;
		$this->remember_report( $result['heartbeat'] );
	}

	/**
	 * Notes that the health was reported (the cloud answered), or that a heartbeat was tried and failed.
	 *
	 * @param bool $reported Whether the cloud took it.
	 */
	private function remember_report( bool $reported ): void {
		$state = $this->state();
		$key   = $reported ? 'health_reported_at' : 'heartbeat_tried_at';

		$state[ $key ] = time();
		update_option( Options::OUTBOX_STATE, $state, false );
	}

	/**
	 * The outcome of the last sends, as remember() keeps it.
	 *
	 * @return array<string, mixed>
	 */
	private function state(): array {
		$state = get_option( Options::OUTBOX_STATE, array() );
		return is_array( $state ) ? $state : array();
	}

	/**
	 * Stores the outcome of the last send for the settings page and the notice.
	 *
	 * @param string|null $error The error, or null on success.
	 */
	private function remember( ?string $error ): void {
		$state = $this->state();
		$now   = gmdate( 'Y-m-d\TH:i:s\Z' );
		if ( null === $error ) {
			$state['last_success_at'] = $now;
			$state['last_error']      = '';
		} else {
			$state['last_error']    = $error;
			$state['last_error_at'] = $now;
		}
		update_option( Options::OUTBOX_STATE, $state, false );
	}
}
