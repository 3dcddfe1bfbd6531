import type { Migration } from '../migrate';

/**
 * Domain events (domain-events/index.ts): written with the change they
 * describe; each subscriber's cursor says what it has been handed.
 */
export const migration: Migration = {
	name: '0020-domain-events',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE IF NOT EXISTS domain_events (
				id BIGSERIAL PRIMARY KEY,
				type VARCHAR(64) NOT NULL,
				account_id BIGINT NOT NULL,
				payload JSONB NOT NULL,
				-- The writing transaction: delivery follows (tx, id) below the oldest running transaction, so an event committed late is never skipped.
				tx XID8 NOT NULL DEFAULT pg_current_xact_id(),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX IF NOT EXISTS domain_events_order ON domain_events (tx, id);
			CREATE TABLE IF NOT EXISTS domain_event_cursors (
				subscriber VARCHAR(64) PRIMARY KEY,
				last_tx XID8 NOT NULL DEFAULT '0',
				last_id BIGINT NOT NULL,
				leased_by VARCHAR(255),
				leased_until TIMESTAMPTZ
			);
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query(
			'DROP TABLE IF EXISTS domain_event_cursors, domain_events'
		);
	},
};
