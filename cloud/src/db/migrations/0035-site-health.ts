import type { Migration } from '../migrate';

/**
 * Per-site health (modules/site-health): what a site's IGNY8 Bridge last
 * reported of itself — its outbox's counts and the WordPress, plugin and PHP
 * versions (shared-types `bridgeHealthSchema`) — and when the cloud received
 * it. The plugin sends it with every events batch and, when it has reported
 * nothing for an hour, as a heartbeat; the integration module checks it and
 * stores it on the site's WordPress integration, written only by a call made
 * with that site's own key. Both stay null for a plugin that predates it.
 */
export const migration: Migration = {
	name: '0035-site-health',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE site_integrations
				ADD COLUMN health JSONB,
				ADD COLUMN health_reported_at TIMESTAMPTZ;
			-- Its counts of failed and conflicting publications, grouped by site.
			CREATE INDEX publishing_records_problems ON publishing_records (account_id, site_id)
				WHERE status IN ('failed', 'conflict');
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP INDEX IF EXISTS publishing_records_problems;
			ALTER TABLE site_integrations DROP COLUMN IF EXISTS health, DROP COLUMN IF EXISTS health_reported_at;
		` );
	},
};
