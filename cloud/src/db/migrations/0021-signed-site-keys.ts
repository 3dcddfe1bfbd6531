import type { Migration } from '../migrate';

/**
 * Bridge trust (docs/bridge-protocol.md → Secrets): a site key is sent once,
 * when the plugin pairs with it; afterwards both sides sign with a secret
 * derived from it and name the key by its id.
 *
 * - `site_api_keys.signing_secret`: the derived secret, sealed with the
 *   server's encryption key (null until the key has paired);
 *   `paired_at`: when it paired (a paired key is never accepted in plain
 *   again); `retires_at`: when a key a newer one replaced stops being
 *   accepted (null while it is the site's key, or while the cloud has not
 *   yet used the new one).
 * - `site_key_requests`: the request ids of signed site calls, one row per
 *   site and id; the primary key makes "seen already" atomic. Rows older than
 *   twice the timestamp window are pruned as new ones are written.
 * - The plain key copies integrations kept to sign with are dropped: the
 *   cloud signs with the derived secret now, which the site's next pairing
 *   stores.
 */
export const migration: Migration = {
	name: '0021-signed-site-keys',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE site_api_keys
				ADD COLUMN signing_secret TEXT NULL,
				ADD COLUMN paired_at TIMESTAMPTZ NULL,
				ADD COLUMN retires_at TIMESTAMPTZ NULL;
			CREATE TABLE site_key_requests (
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				request_id VARCHAR(64) NOT NULL,
				seen_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				PRIMARY KEY (site_id, request_id)
			);
			CREATE INDEX site_key_requests_seen ON site_key_requests (site_id, seen_at);
			UPDATE site_integrations SET credentials_json = credentials_json - 'api_key'
			 WHERE credentials_json ? 'api_key';
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP TABLE site_key_requests;
			ALTER TABLE site_api_keys
				DROP COLUMN signing_secret,
				DROP COLUMN paired_at,
				DROP COLUMN retires_at;
		` );
	},
};
