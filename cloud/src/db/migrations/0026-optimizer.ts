import type { Migration } from '../migrate';

/**
 * The Optimizer (modules/optimizer): the score history of each content's
 * saved revisions, and the revisions an AI fix proposes — kept apart from
 * the content until an editor accepts one, so nothing is overwritten
 * silently. Also the default price of `optimize_content`: a flat credit
 * per draft rewritten, without a token part, so the estimate a bulk run
 * shows before it starts is exactly what it charges when every draft is
 * rewritten (a token part would reserve each answer's longest possible
 * length and charge less).
 */
const PRICE = {
	function_name: 'optimize_content',
	per_item: 1,
	per_1k: 0,
	min: 1,
};

export const migration: Migration = {
	name: '0026-optimizer',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE optimizer_analyses (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				content_id BIGINT NOT NULL REFERENCES content(id) ON DELETE CASCADE,
				-- The content revision analyzed: one entry per saved revision.
				revision INTEGER NOT NULL,
				score SMALLINT NOT NULL,
				seo_score SMALLINT NOT NULL,
				readability_score SMALLINT NOT NULL,
				flesch_reading_ease REAL,
				word_count INTEGER NOT NULL,
				keyphrase TEXT NOT NULL DEFAULT '',
				locale VARCHAR(20) NOT NULL,
				checks JSONB NOT NULL,
				failing TEXT[] NOT NULL DEFAULT '{}',
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE UNIQUE INDEX optimizer_analyses_revision ON optimizer_analyses (content_id, revision);
			CREATE INDEX optimizer_analyses_site ON optimizer_analyses (site_id, content_id, revision DESC);

			CREATE TABLE optimizer_revisions (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				content_id BIGINT NOT NULL REFERENCES content(id) ON DELETE CASCADE,
				run_id BIGINT REFERENCES ai_task_runs(id) ON DELETE SET NULL,
				base_revision INTEGER NOT NULL,
				status VARCHAR(12) NOT NULL DEFAULT 'proposed'
					CHECK (status IN ('proposed', 'accepted', 'rejected', 'superseded')),
				check_ids TEXT[] NOT NULL,
				title TEXT NOT NULL,
				meta_description TEXT NOT NULL,
				content_html TEXT NOT NULL,
				score_before SMALLINT,
				score_after SMALLINT,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				decided_at TIMESTAMPTZ,
				decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL
			);
			-- A run proposes one revision per content: a save that runs twice adds nothing.
			CREATE UNIQUE INDEX optimizer_revisions_run ON optimizer_revisions (run_id, content_id) WHERE run_id IS NOT NULL;
			CREATE INDEX optimizer_revisions_content ON optimizer_revisions (content_id, status);
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
			'DROP TABLE IF EXISTS optimizer_revisions, optimizer_analyses'
		);
		await qi.sequelize.query(
			'DELETE FROM ai_function_prices WHERE plan_id IS NULL AND function_name = :function_name',
			{ replacements: { function_name: PRICE.function_name } }
		);
	},
};
