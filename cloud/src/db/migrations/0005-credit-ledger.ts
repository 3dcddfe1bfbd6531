import type { Migration } from '../migrate';

/**
 * The credit ledger: every movement of an account's credits, append-only.
 * `accounts.credits` is the running balance (CHECK >= 0 is the overdraft
 * backstop); each row records the signed amount and the balance after it.
 * A job's reserve, settle and refund are unique per job, so retries never
 * charge twice; grants and top-ups carry their own idempotency key.
 */
export const migration: Migration = {
	name: '0005-credit-ledger',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE credit_transactions (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				type VARCHAR(16) NOT NULL CHECK (type IN ('grant', 'topup', 'reserve', 'settle', 'refund', 'adjustment')),
				amount INTEGER NOT NULL,
				balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
				job_id VARCHAR(128),
				idempotency_key VARCHAR(128),
				site_id BIGINT REFERENCES sites(id) ON DELETE SET NULL,
				function_name VARCHAR(64),
				description VARCHAR(500) NOT NULL DEFAULT '',
				created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE UNIQUE INDEX credit_transactions_job_type ON credit_transactions (job_id, type) WHERE job_id IS NOT NULL;
			CREATE UNIQUE INDEX credit_transactions_idempotency ON credit_transactions (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
			CREATE INDEX credit_transactions_account_time ON credit_transactions (account_id, created_at DESC);

			CREATE FUNCTION credit_transactions_append_only() RETURNS trigger AS $$
			BEGIN
				RAISE EXCEPTION 'credit_transactions is append-only';
			END;
			$$ LANGUAGE plpgsql;
			CREATE TRIGGER credit_transactions_no_update BEFORE UPDATE ON credit_transactions
				FOR EACH ROW EXECUTE FUNCTION credit_transactions_append_only();
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP TABLE IF EXISTS credit_transactions;
			DROP FUNCTION IF EXISTS credit_transactions_append_only();
		` );
	},
};
