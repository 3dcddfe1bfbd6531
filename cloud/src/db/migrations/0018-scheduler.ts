import type { Migration } from '../migrate';

/**
 * One row per periodic task: the last tick some scheduler process claimed,
 * how many it has run, and who ran the last (jobs/scheduler.ts).
 */
export const migration: Migration = {
	name: '0018-scheduler',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE IF NOT EXISTS scheduler_tasks (
				name VARCHAR(64) PRIMARY KEY,
				last_tick BIGINT NOT NULL,
				runs BIGINT NOT NULL DEFAULT 0,
				claimed_by VARCHAR(255),
				claimed_at TIMESTAMPTZ
			);
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( 'DROP TABLE IF EXISTS scheduler_tasks' );
	},
};
