import type { Migration } from '../migrate';

/**
 * Automation (modules/automation): rules, the runs they make and each run's
 * steps. A run is keyed by what started it (`trigger_key`: the schedule's
 * due time, the domain event's id, or a manual request), unique per rule, so
 * an event delivered twice or a tick claimed twice makes one run. Steps keep
 * their state in the database between jobs — a worker that dies mid-step
 * leaves the step as it was and the next worker picks it up.
 *
 * `ai_task_runs.origin_key`: who asked for a run, unique, so a step retried
 * after a crash gets the run it already started instead of a second one
 * (and a second charge).
 */
export const migration: Migration = {
	name: '0029-automation',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE automation_rules (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				sector_id BIGINT NOT NULL REFERENCES sectors(id) ON DELETE CASCADE,
				name VARCHAR(255) NOT NULL,
				enabled BOOLEAN NOT NULL DEFAULT TRUE,
				trigger JSONB NOT NULL,
				-- Denormalised from trigger for the event lookup.
				trigger_event VARCHAR(40),
				conditions JSONB NOT NULL DEFAULT '{}',
				actions JSONB NOT NULL,
				caps JSONB NOT NULL,
				-- Who the rule acts as: {kind:'user', user_id} or {kind:'site_user', role, wp_user}.
				acts_as JSONB NOT NULL,
				next_fire_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX automation_rules_site ON automation_rules (site_id, id);
			CREATE INDEX automation_rules_due ON automation_rules (next_fire_at) WHERE enabled AND next_fire_at IS NOT NULL;
			CREATE INDEX automation_rules_event ON automation_rules (site_id, trigger_event) WHERE enabled AND trigger_event IS NOT NULL;

			CREATE TABLE automation_runs (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				rule_id BIGINT REFERENCES automation_rules(id) ON DELETE SET NULL,
				rule_name VARCHAR(255) NOT NULL,
				trigger VARCHAR(16) NOT NULL,
				trigger_key VARCHAR(120) NOT NULL,
				trigger_payload JSONB NOT NULL DEFAULT '{}',
				status VARCHAR(16) NOT NULL DEFAULT 'queued',
				current_step INTEGER NOT NULL DEFAULT 0,
				credits_used INTEGER NOT NULL DEFAULT 0,
				error TEXT,
				-- A worker holds the run until then; after it, another may take over.
				lease_until TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				started_at TIMESTAMPTZ,
				finished_at TIMESTAMPTZ
			);
			CREATE UNIQUE INDEX automation_runs_trigger ON automation_runs (rule_id, trigger_key);
			CREATE INDEX automation_runs_site ON automation_runs (site_id, id DESC);
			CREATE INDEX automation_runs_rule_time ON automation_runs (rule_id, created_at);
			CREATE INDEX automation_runs_open ON automation_runs (status) WHERE status IN ('queued', 'running', 'waiting');

			CREATE TABLE automation_steps (
				id BIGSERIAL PRIMARY KEY,
				run_id BIGINT NOT NULL REFERENCES automation_runs(id) ON DELETE CASCADE,
				position INTEGER NOT NULL,
				action JSONB NOT NULL,
				status VARCHAR(16) NOT NULL DEFAULT 'pending',
				-- Steps of two AI runs (images: prompts, then pictures) count them here.
				phase SMALLINT NOT NULL DEFAULT 0,
				attempts INTEGER NOT NULL DEFAULT 0,
				-- Attempts made before the last resume: a resumed step gets its full retries again.
				attempt_base INTEGER NOT NULL DEFAULT 0,
				credits_estimated INTEGER,
				credits_used INTEGER NOT NULL DEFAULT 0,
				output_kind VARCHAR(24),
				output_ids BIGINT[] NOT NULL DEFAULT '{}',
				ai_run_ids BIGINT[] NOT NULL DEFAULT '{}',
				message TEXT,
				error TEXT,
				next_attempt_at TIMESTAMPTZ,
				started_at TIMESTAMPTZ,
				finished_at TIMESTAMPTZ,
				UNIQUE (run_id, position)
			);

			ALTER TABLE ai_task_runs ADD COLUMN origin_key VARCHAR(120);
			CREATE UNIQUE INDEX ai_task_runs_origin ON ai_task_runs (origin_key) WHERE origin_key IS NOT NULL;
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE ai_task_runs DROP COLUMN IF EXISTS origin_key;
			DROP TABLE IF EXISTS automation_steps;
			DROP TABLE IF EXISTS automation_runs;
			DROP TABLE IF EXISTS automation_rules;
		` );
	},
};
