import type { Migration } from '../migrate';

/**
 * Who asked for a publication (the WordPress post is attributed to them),
 * and the taxonomy terms each connected site reported through its outbox.
 * A deleted term stays as a tombstone until a newer event revives it, so a
 * late "edited" event can never bring a deleted term back.
 */
export const migration: Migration = {
	name: '0010-bridge-authors-terms',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE publishing_records
				ADD COLUMN requested_by_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
				ADD COLUMN requested_by_wp_login VARCHAR(60);

			CREATE TABLE site_terms (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				taxonomy VARCHAR(64) NOT NULL,
				term_id BIGINT NOT NULL,
				name TEXT NOT NULL DEFAULT '',
				slug VARCHAR(200) NOT NULL DEFAULT '',
				last_event_at TIMESTAMPTZ,
				deleted_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				CONSTRAINT site_terms_site_term_unique UNIQUE (site_id, taxonomy, term_id)
			);
			CREATE INDEX site_terms_site_taxonomy ON site_terms (site_id, taxonomy) WHERE deleted_at IS NULL;
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP TABLE IF EXISTS site_terms;
			ALTER TABLE publishing_records
				DROP COLUMN IF EXISTS requested_by_user_id,
				DROP COLUMN IF EXISTS requested_by_wp_login;
		` );
	},
};
