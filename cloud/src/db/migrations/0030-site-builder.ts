import type { Migration } from '../migrate';

/**
 * The Site Builder (modules/site-builder): blueprints of a site's structure.
 *
 * - `site_blueprints`: one row per blueprint, its current version number,
 *   categories and menus (small lists, kept as JSON), and what the last
 *   successful apply wrote to WordPress.
 * - `site_blueprint_pages`: the current pages, one row each so the seed's
 *   `site-builder/pages/` can address them by id; a page keeps its id
 *   across saves for as long as its key stays in the blueprint.
 * - `site_blueprint_versions`: every save's whole structure, so the list of
 *   versions, a look at an old one and a revert need nothing else; an
 *   apply sends the version it names, not whatever is current by then.
 * - `site_blueprint_applies`: each apply to WordPress, its options and the
 *   plugin's report; at most one queued or running per blueprint.
 *
 * Also the default price of `generate_site_structure`: a flat 3 credits per
 * structure, without a token part, so the estimate is exactly the charge.
 */
const PRICE = {
	function_name: 'generate_site_structure',
	per_item: 3,
	per_1k: 0,
	min: 3,
};

export const migration: Migration = {
	name: '0030-site-builder',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE site_blueprints (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				name VARCHAR(255) NOT NULL,
				description TEXT NOT NULL DEFAULT '',
				source VARCHAR(10) NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'ai')),
				version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
				categories JSONB NOT NULL DEFAULT '[]',
				menus JSONB NOT NULL DEFAULT '[]',
				last_applied_version INTEGER,
				last_applied_at TIMESTAMPTZ,
				created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX site_blueprints_site ON site_blueprints (account_id, site_id, id);

			CREATE TABLE site_blueprint_pages (
				id BIGSERIAL PRIMARY KEY,
				blueprint_id BIGINT NOT NULL REFERENCES site_blueprints(id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				key VARCHAR(64) NOT NULL,
				parent_key VARCHAR(64),
				-- Tree order: the order of the blueprint's page list.
				ordinal INTEGER NOT NULL,
				position INTEGER NOT NULL,
				title VARCHAR(200) NOT NULL,
				slug VARCHAR(100) NOT NULL,
				page_type VARCHAR(12) NOT NULL,
				status VARCHAR(10) NOT NULL,
				sections JSONB NOT NULL DEFAULT '[]',
				target_keywords JSONB NOT NULL DEFAULT '[]',
				cluster_id BIGINT REFERENCES clusters(id) ON DELETE SET NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				UNIQUE (blueprint_id, key)
			);
			CREATE INDEX site_blueprint_pages_account ON site_blueprint_pages (account_id, site_id);

			CREATE TABLE site_blueprint_versions (
				id BIGSERIAL PRIMARY KEY,
				blueprint_id BIGINT NOT NULL REFERENCES site_blueprints(id) ON DELETE CASCADE,
				version INTEGER NOT NULL,
				source VARCHAR(10) NOT NULL CHECK (source IN ('manual', 'ai', 'revert')),
				message TEXT NOT NULL DEFAULT '',
				name VARCHAR(255) NOT NULL,
				description TEXT NOT NULL DEFAULT '',
				structure JSONB NOT NULL,
				run_id BIGINT REFERENCES ai_task_runs(id) ON DELETE SET NULL,
				created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				UNIQUE (blueprint_id, version)
			);
			-- A generation run saves one version: a save that runs twice adds nothing.
			CREATE UNIQUE INDEX site_blueprint_versions_run ON site_blueprint_versions (run_id) WHERE run_id IS NOT NULL;

			CREATE TABLE site_blueprint_applies (
				id BIGSERIAL PRIMARY KEY,
				blueprint_id BIGINT NOT NULL REFERENCES site_blueprints(id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				version INTEGER NOT NULL,
				status VARCHAR(10) NOT NULL DEFAULT 'queued'
					CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
				removed VARCHAR(5) NOT NULL CHECK (removed IN ('keep', 'draft', 'trash')),
				overwrite_keys JSONB NOT NULL DEFAULT '[]',
				report JSONB,
				error TEXT,
				created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				started_at TIMESTAMPTZ,
				finished_at TIMESTAMPTZ
			);
			-- One apply at a time per blueprint: a second request answers the first.
			CREATE UNIQUE INDEX site_blueprint_applies_active ON site_blueprint_applies (blueprint_id)
				WHERE status IN ('queued', 'running');
			CREATE INDEX site_blueprint_applies_blueprint ON site_blueprint_applies (blueprint_id, id DESC);
		` );
		await qi.sequelize.query(
			`INSERT INTO ai_function_prices (plan_id, function_name, credits_per_item, credits_per_1k_tokens, min_credits)
			 SELECT NULL, :function_name, :per_item, :per_1k, :min
			 WHERE NOT EXISTS (SELECT 1 FROM ai_function_prices WHERE plan_id IS NULL AND function_name = :function_name)`,
			{ replacements: { ...PRICE } }
		);
	},
	async down( { context: qi } ) {
		await qi.sequelize.query(
			'DROP TABLE IF EXISTS site_blueprint_applies, site_blueprint_versions, site_blueprint_pages, site_blueprints'
		);
		await qi.sequelize.query(
			'DELETE FROM ai_function_prices WHERE plan_id IS NULL AND function_name = :function_name',
			{ replacements: { function_name: PRICE.function_name } }
		);
	},
};
