import type { Migration } from '../migrate';

/**
 * `ai_settings.function_models`: the text model each AI function writes
 * with (`{"generate_content": "gpt-4o"}`); a function not named uses the
 * account's `text_model`. JSONB, not a column per function: adding a
 * function must not need a migration.
 */
export const migration: Migration = {
	name: '0023-ai-function-models',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE ai_settings
				ADD COLUMN function_models JSONB NOT NULL DEFAULT '{}'::jsonb;
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query(
			'ALTER TABLE ai_settings DROP COLUMN IF EXISTS function_models;'
		);
	},
};
