import type { Migration } from '../migrate';

/**
 * Invites to an account (modules/tenancy/invites.ts): a link sent to one
 * email that, once, makes a person with the invited role.
 *
 * Only the SHA-256 of the link's token is kept (it is a random 32-byte
 * token, so a fast hash suffices and lookups stay indexed). An invite is
 * pending while `accepted_at` and `revoked_at` are null and `expires_at`
 * has not passed; accepting sets `accepted_at` in the statement that
 * checks all three, so an invite makes at most one person.
 */
export const migration: Migration = {
	name: '0032-invites',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE invites (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				email VARCHAR(254) NOT NULL,
				role VARCHAR(16) NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
				token_hash CHAR(64) NOT NULL UNIQUE,
				expires_at TIMESTAMPTZ NOT NULL DEFAULT NOW() + INTERVAL '7 days',
				accepted_at TIMESTAMPTZ,
				accepted_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
				revoked_at TIMESTAMPTZ,
				invited_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX invites_pending ON invites (account_id, id)
				WHERE accepted_at IS NULL AND revoked_at IS NULL;
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( 'DROP TABLE IF EXISTS invites' );
	},
};
