import type { Migration } from '../migrate';

/**
 * Received WordPress event ids are kept for a retention period
 * (IGNY8_EVENT_RETENTION_DAYS) instead of forever; the purge finds expired
 * rows by when they were processed.
 */
export const migration: Migration = {
	name: '0017-event-retention',
	async up( { context: qi } ) {
		await qi.sequelize.query(
			'CREATE INDEX IF NOT EXISTS integration_events_processed_at ON integration_events (processed_at)'
		);
	},
	async down( { context: qi } ) {
		await qi.sequelize.query(
			'DROP INDEX IF EXISTS integration_events_processed_at'
		);
	},
};
