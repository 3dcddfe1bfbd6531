import type { Migration } from '../migrate';

/**
 * The keyword quota per plan, and what the keyword import needs to honour it
 * and to be fast:
 *
 * - `plans.max_keywords`: keywords an account may hold across its sites;
 * - `keyword_imports.reserved_keywords`: the room an accepted import holds
 *   until it ends (planner/quota.ts);
 * - keywords reference their sector by (sector, site, account) in one
 *   foreign key instead of three: one check per inserted row instead of
 *   three (an import inserts 100k rows at a time), and the database now
 *   also proves a keyword's site and account are its sector's. Deleting an
 *   account or site still cascades, through its sectors.
 */

/** Sized by plan tier: a starter site's keyword research, up to an agency's many clients. */
const MAX_KEYWORDS: Record< string, number > = {
	free: 1_000,
	starter: 5_000,
	growth: 50_000,
	agency: 250_000,
};

export const migration: Migration = {
	name: '0012-keyword-quota',
	async up( { context: qi } ) {
		const db = qi.sequelize;
		await db.query( `
			ALTER TABLE plans
				ADD COLUMN max_keywords INTEGER NOT NULL DEFAULT 1000 CHECK (max_keywords >= 0);
			ALTER TABLE keyword_imports
				ADD COLUMN reserved_keywords INTEGER NOT NULL DEFAULT 0 CHECK (reserved_keywords >= 0);

			ALTER TABLE sectors
				ADD CONSTRAINT sectors_scope_unique UNIQUE (id, site_id, account_id);
			ALTER TABLE keywords
				DROP CONSTRAINT keywords_account_id_fkey,
				DROP CONSTRAINT keywords_site_id_fkey,
				DROP CONSTRAINT keywords_sector_id_fkey,
				ADD CONSTRAINT keywords_sector_scope_fkey FOREIGN KEY (sector_id, site_id, account_id)
					REFERENCES sectors (id, site_id, account_id) ON DELETE CASCADE;
		` );
		for ( const [ slug, max ] of Object.entries( MAX_KEYWORDS ) ) {
			await db.query(
				'UPDATE plans SET max_keywords = :max WHERE slug = :slug',
				{ replacements: { slug, max } }
			);
		}
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE keywords
				DROP CONSTRAINT keywords_sector_scope_fkey,
				ADD CONSTRAINT keywords_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE,
				ADD CONSTRAINT keywords_site_id_fkey FOREIGN KEY (site_id) REFERENCES sites(id) ON DELETE CASCADE,
				ADD CONSTRAINT keywords_sector_id_fkey FOREIGN KEY (sector_id) REFERENCES sectors(id) ON DELETE CASCADE;
			ALTER TABLE sectors DROP CONSTRAINT sectors_scope_unique;
			ALTER TABLE keyword_imports DROP COLUMN reserved_keywords;
			ALTER TABLE plans DROP COLUMN max_keywords;
		` );
	},
};
