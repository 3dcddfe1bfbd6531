import type { Migration } from '../migrate';

/**
 * The audit log (cloud/src/audit/): who changed what in an account — roles,
 * invites, sites, keys, integrations, AI settings, prompts, deletions —
 * written in the transaction of the change it describes.
 *
 * Who acted is kept as a snapshot (email and name as they were), and the
 * site and the actor are plain ids, not foreign keys: an entry outlives the
 * site it names ("site deleted") and whatever became of the person. The
 * table is append-only (a trigger refuses updates); an account's entries go
 * with the account.
 */
export const migration: Migration = {
	name: '0033-audit-log',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE audit_log (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				actor_type VARCHAR(16) NOT NULL
					CHECK (actor_type IN ('user', 'wordpress_user', 'site_key', 'system')),
				actor_user_id BIGINT,
				actor_api_key_id BIGINT,
				actor_email VARCHAR(254),
				actor_name VARCHAR(255),
				action VARCHAR(64) NOT NULL,
				target_type VARCHAR(32) NOT NULL,
				target_id VARCHAR(100),
				target_label VARCHAR(255),
				site_id BIGINT,
				details JSONB NOT NULL DEFAULT '{}',
				ip VARCHAR(64),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX audit_log_account_time ON audit_log (account_id, created_at DESC, id DESC);
			CREATE INDEX audit_log_account_action ON audit_log (account_id, action text_pattern_ops);
			CREATE INDEX audit_log_account_actor ON audit_log (account_id, actor_user_id)
				WHERE actor_user_id IS NOT NULL;
			CREATE INDEX audit_log_account_site ON audit_log (account_id, site_id)
				WHERE site_id IS NOT NULL;
			CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
			BEGIN
				RAISE EXCEPTION 'audit_log is append-only';
			END;
			$$ LANGUAGE plpgsql;
			CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
				FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP TABLE IF EXISTS audit_log;
			DROP FUNCTION IF EXISTS audit_log_append_only();
		` );
	},
};
