import type { Migration } from '../migrate';

/**
 * Per-site monthly credit caps (modules/billing/site-caps.ts): at most
 * `monthly_cap` credits a UTC calendar month for the AI runs of one site.
 * One row per capped site; removing a cap deletes its row, so an uncapped
 * site costs a reservation nothing extra. `set_by`/`set_at` say who set the
 * current value and when.
 *
 * CreditService.reserve locks a capped site's row (FOR UPDATE) before it
 * counts what the site used this month, so two reservations racing for the
 * last room are serialized: the second counts the first. The partial index
 * serves that count (a site's reservations since the 1st).
 */
export const migration: Migration = {
	name: '0034-site-credit-caps',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE site_credit_caps (
				site_id BIGINT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				monthly_cap INTEGER NOT NULL CHECK (monthly_cap > 0),
				set_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				set_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX site_credit_caps_account ON site_credit_caps (account_id);
			CREATE INDEX credit_transactions_site_reserves ON credit_transactions (site_id, created_at)
				WHERE type = 'reserve' AND site_id IS NOT NULL;
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP INDEX IF EXISTS credit_transactions_site_reserves;
			DROP TABLE IF EXISTS site_credit_caps;
		` );
	},
};
