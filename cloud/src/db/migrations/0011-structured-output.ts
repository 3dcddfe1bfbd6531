import type { Migration } from '../migrate';

/**
 * How structured AI answers are asked for (cloud/src/ai/structured/).
 *
 * - `ai_settings.structured_output`: the account's choice, `json_schema`
 *   (strict structured outputs) or `json_mode` (JSON mode, the schema in the
 *   prompt); NULL is automatic.
 * - `ai_structured_output_modes`: what automatic found out, per account,
 *   endpoint and model — `json_mode` once the provider refused a json_schema
 *   response format (its message kept as `reason`), `json_schema` once it
 *   answered one. Kept here, not in a process: every worker asks the same
 *   way from the next run on. The endpoint is a URL of up to 2000
 *   characters, so the unique key indexes its md5 rather than the text.
 */
export const migration: Migration = {
	name: '0011-structured-output',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE ai_settings
				ADD COLUMN structured_output VARCHAR(16)
					CHECK (structured_output IN ('json_schema', 'json_mode'));

			CREATE TABLE ai_structured_output_modes (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				endpoint TEXT NOT NULL,
				model VARCHAR(100) NOT NULL,
				mode VARCHAR(16) NOT NULL CHECK (mode IN ('json_schema', 'json_mode')),
				reason TEXT,
				detected_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE UNIQUE INDEX ai_structured_output_modes_key
				ON ai_structured_output_modes (account_id, model, md5(endpoint));
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP TABLE IF EXISTS ai_structured_output_modes;
			ALTER TABLE ai_settings DROP COLUMN IF EXISTS structured_output;
		` );
	},
};
