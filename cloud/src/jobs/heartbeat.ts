import { QueryTypes, type Sequelize } from 'sequelize';
import type { JobDefinition, QueueDriverName } from '../queue';

export const HEARTBEAT_JOB = 'system.heartbeat';

export type HeartbeatPayload = { requestedAt: string };

/**
 * The queue's round trip: a worker records the job id once. The unique key
 * makes a redelivered job (after a worker crash) a no-op rather than a double.
 */
export function heartbeatJob(
	sequelize: Sequelize,
	driver: QueueDriverName
): JobDefinition< HeartbeatPayload, { recorded: boolean } > {
	return {
		type: HEARTBEAT_JOB,
		concurrency: 2,
		retries: 1,
		timeoutMs: 10_000,
		async handler( job ) {
			const rows = await sequelize.query(
				`INSERT INTO system_heartbeats (job_id, driver, created_at)
				 VALUES (:jobId, :driver, NOW())
				 ON CONFLICT (job_id) DO NOTHING
				 RETURNING id`,
				{
					replacements: { jobId: job.id, driver },
					type: QueryTypes.SELECT,
				}
			);
			return { recorded: rows.length === 1 };
		},
	};
}
