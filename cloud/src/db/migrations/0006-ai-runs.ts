import type { Migration } from '../migrate';

/**
 * AI task runs: one row per `run_ai_task` call, from queued to its final
 * state. The row is the source of truth for progress (event streams read it
 * when the worker is another process), for what the run cost in tokens and
 * credits, and for redelivery: a run that already succeeded is never redone.
 */
export const migration: Migration = {
	name: '0006-ai-runs',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE ai_task_runs (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				sector_id BIGINT REFERENCES sectors(id) ON DELETE SET NULL,
				function_name VARCHAR(64) NOT NULL,
				status VARCHAR(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
				input JSONB NOT NULL DEFAULT '{}'::jsonb,
				output_summary JSONB,
				error TEXT,
				progress JSONB NOT NULL DEFAULT '{"stage": "queued", "percent": 0, "message": "Waiting for a worker", "seq": 0}'::jsonb,
				tokens_in INTEGER NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
				tokens_out INTEGER NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
				cost NUMERIC(12, 6) NOT NULL DEFAULT 0 CHECK (cost >= 0),
				credits_reserved INTEGER NOT NULL DEFAULT 0 CHECK (credits_reserved >= 0),
				credits_charged INTEGER NOT NULL DEFAULT 0 CHECK (credits_charged >= 0),
				attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
				created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				started_at TIMESTAMPTZ,
				finished_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX ai_task_runs_account_time ON ai_task_runs (account_id, created_at DESC);
			CREATE INDEX ai_task_runs_site ON ai_task_runs (site_id);
			CREATE INDEX ai_task_runs_active ON ai_task_runs (status) WHERE status IN ('queued', 'running');
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( 'DROP TABLE IF EXISTS ai_task_runs;' );
	},
};
