import type { Migration } from '../migrate';

/**
 * The credit ledger is append-only (a trigger refuses every UPDATE), yet its
 * `site_id` and `created_by` foreign keys were `ON DELETE SET NULL`: deleting
 * a site (or a user) with ledger rows made PostgreSQL update those rows, the
 * trigger refused, and the delete failed. The ledger keeps the ids it was
 * written with instead, as plain columns: history names the site it was
 * spent on even after the site is gone, and no delete ever rewrites it.
 */
export const migration: Migration = {
	name: '0013-ledger-keeps-references',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE credit_transactions
				DROP CONSTRAINT IF EXISTS credit_transactions_site_id_fkey,
				DROP CONSTRAINT IF EXISTS credit_transactions_created_by_fkey;
		` );
	},
	async down( { context: qi } ) {
		// Ids of deleted sites or users cannot point anywhere: NOT VALID keeps them as they are.
		await qi.sequelize.query( `
			ALTER TABLE credit_transactions
				ADD CONSTRAINT credit_transactions_site_id_fkey
					FOREIGN KEY (site_id) REFERENCES sites(id) ON DELETE SET NULL NOT VALID,
				ADD CONSTRAINT credit_transactions_created_by_fkey
					FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL NOT VALID;
		` );
	},
};
