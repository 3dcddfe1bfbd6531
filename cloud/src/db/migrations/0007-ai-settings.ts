import type { Migration } from '../migrate';

/**
 * Per-account AI configuration and the price table.
 *
 * - `ai_prompts`: an account's replacement for a prompt of the registry
 *   (keyed by the prompt's stable key; the defaults live in code).
 * - `author_profiles`, `content_strategies`: the voice and brief that
 *   generate_content writes with. At most one default profile per account.
 * - `ai_settings`: one row per account that changed anything; its own
 *   OpenAI key is stored AES-256-GCM encrypted, never in clear.
 * - `ai_function_prices`: credits per item / per 1k tokens / minimum, per
 *   plan, with one default row per function (`plan_id` NULL) that a plan
 *   without its own row uses.
 */

/** The default prices (plan_id NULL): what one item of each function costs (README → Prices). */
export const DEFAULT_PRICES = [
	{ function_name: 'auto_cluster', per_item: 0.1, per_1k: 0, min: 1 },
	{ function_name: 'generate_ideas', per_item: 1, per_1k: 0, min: 1 },
	{ function_name: 'generate_content', per_item: 5, per_1k: 0, min: 1 },
	{ function_name: 'generate_image_prompts', per_item: 1, per_1k: 0, min: 1 },
	{ function_name: 'generate_images', per_item: 2, per_1k: 0, min: 1 },
] as const;

export const migration: Migration = {
	name: '0007-ai-settings',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE ai_prompts (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				prompt_key VARCHAR(100) NOT NULL,
				system_template TEXT NOT NULL,
				user_template TEXT NOT NULL,
				updated_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				UNIQUE (account_id, prompt_key)
			);

			CREATE TABLE author_profiles (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				name VARCHAR(255) NOT NULL,
				description TEXT NOT NULL DEFAULT '',
				tone VARCHAR(255) NOT NULL DEFAULT '',
				audience VARCHAR(500) NOT NULL DEFAULT '',
				style TEXT NOT NULL DEFAULT '',
				language VARCHAR(35) NOT NULL DEFAULT 'en',
				is_default BOOLEAN NOT NULL DEFAULT FALSE,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE UNIQUE INDEX author_profiles_name ON author_profiles (account_id, LOWER(name));
			CREATE UNIQUE INDEX author_profiles_one_default ON author_profiles (account_id) WHERE is_default;

			CREATE TABLE content_strategies (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				sector_id BIGINT REFERENCES sectors(id) ON DELETE SET NULL,
				name VARCHAR(255) NOT NULL,
				description TEXT NOT NULL DEFAULT '',
				instructions TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE UNIQUE INDEX content_strategies_name ON content_strategies (account_id, LOWER(name));

			CREATE TABLE ai_settings (
				account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
				text_model VARCHAR(100),
				image_model VARCHAR(100),
				image_provider VARCHAR(16) CHECK (image_provider IN ('openai', 'runware')),
				temperature NUMERIC(3, 2) CHECK (temperature >= 0 AND temperature <= 2),
				max_tokens INTEGER CHECK (max_tokens > 0),
				api_key_encrypted TEXT,
				api_key_last4 VARCHAR(4),
				base_url VARCHAR(2000),
				updated_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);

			CREATE TABLE ai_function_prices (
				id BIGSERIAL PRIMARY KEY,
				plan_id BIGINT REFERENCES plans(id) ON DELETE CASCADE,
				function_name VARCHAR(64) NOT NULL,
				credits_per_item NUMERIC(10, 4) NOT NULL DEFAULT 0 CHECK (credits_per_item >= 0),
				credits_per_1k_tokens NUMERIC(10, 4) NOT NULL DEFAULT 0 CHECK (credits_per_1k_tokens >= 0),
				min_credits INTEGER NOT NULL DEFAULT 0 CHECK (min_credits >= 0),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE UNIQUE INDEX ai_function_prices_plan ON ai_function_prices (plan_id, function_name) WHERE plan_id IS NOT NULL;
			CREATE UNIQUE INDEX ai_function_prices_default ON ai_function_prices (function_name) WHERE plan_id IS NULL;
		` );
		for ( const price of DEFAULT_PRICES ) {
			await qi.sequelize.query(
				`INSERT INTO ai_function_prices (plan_id, function_name, credits_per_item, credits_per_1k_tokens, min_credits)
				 VALUES (NULL, :function_name, :per_item, :per_1k, :min)`,
				{ replacements: { ...price } }
			);
		}
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP TABLE IF EXISTS ai_function_prices;
			DROP TABLE IF EXISTS ai_settings;
			DROP TABLE IF EXISTS content_strategies;
			DROP TABLE IF EXISTS author_profiles;
			DROP TABLE IF EXISTS ai_prompts;
		` );
	},
};
