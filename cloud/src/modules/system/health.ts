import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueryTypes } from 'sequelize';
import type { Health } from '@igny8/shared-types';
import type { AppContext } from '../../context';
import { HEARTBEAT_JOB } from '../../jobs/heartbeat';
import { VERSION } from '../../version';

export type HealthReport = Health & {
	queue: Health[ 'queue' ] & { round_trip_ms?: number };
};

/** Liveness of the API and its two dependencies; a queue round trip on request. */
export class HealthService {
	constructor( private readonly context: AppContext ) {}

	async report( options: { roundTrip: boolean } ): Promise< HealthReport > {
		const { db, queue } = this.context;
		const [ dbUp, queueUp ] = await Promise.all( [
			db.ping(),
			queue.ping(),
		] );
		const report: HealthReport = {
			status: dbUp && queueUp ? 'ok' : 'degraded',
			db: { state: dbUp ? 'ok' : 'down', mode: db.mode },
			queue: { state: queueUp ? 'ok' : 'down', driver: queue.driver },
			version: VERSION,
		};
		if ( options.roundTrip && report.status === 'ok' ) {
			const elapsed = await this.queueRoundTrip( 5_000 );
			if ( elapsed === null ) {
				report.status = 'degraded';
				report.queue.state = 'down';
			} else {
				report.queue.round_trip_ms = elapsed;
			}
		}
		return report;
	}

	/** Enqueues a heartbeat and waits for a worker to commit it; null on timeout. */
	private async queueRoundTrip(
		timeoutMs: number
	): Promise< number | null > {
		const started = Date.now();
		// A probe of its own: each check sends a new heartbeat.
		const { id } = await this.context.queue.enqueue(
			HEARTBEAT_JOB,
			{ requestedAt: new Date().toISOString() },
			{ jobId: `heartbeat-${ randomUUID() }` }
		);
		while ( Date.now() - started < timeoutMs ) {
			const rows = await this.context.db.sequelize.query(
				'SELECT 1 FROM system_heartbeats WHERE job_id = :id',
				{
					replacements: { id },
					type: QueryTypes.SELECT,
				}
			);
			if ( rows.length > 0 ) {
				return Date.now() - started;
			}
			await sleep( 25 );
		}
		return null;
	}
}
