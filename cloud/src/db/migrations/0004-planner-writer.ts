import type { Migration } from '../migrate';

/**
 * Planner (keywords, clusters, ideas) and Writer (tasks, content, images),
 * every row scoped to account, site and sector; plus keyword imports and their
 * per-line problems. Enumerations are CHECK constraints so the database
 * refuses a status the application would.
 */
export const migration: Migration = {
	name: '0004-planner-writer',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE keywords (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				sector_id BIGINT NOT NULL REFERENCES sectors(id) ON DELETE CASCADE,
				keyword VARCHAR(255) NOT NULL,
				normalized VARCHAR(255) NOT NULL,
				search_volume INTEGER NOT NULL DEFAULT 0 CHECK (search_volume >= 0),
				difficulty SMALLINT CHECK (difficulty BETWEEN 0 AND 100),
				intent VARCHAR(16) CHECK (intent IN ('informational', 'commercial', 'transactional', 'navigational')),
				status VARCHAR(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'used')),
				source VARCHAR(16) NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'csv_import', 'api_import')),
				cpc NUMERIC(10, 2) CHECK (cpc >= 0),
				extra JSONB NOT NULL DEFAULT '{}'::jsonb,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				CONSTRAINT keywords_sector_normalized_unique UNIQUE (sector_id, normalized)
			);
			CREATE INDEX keywords_account ON keywords (account_id);
			CREATE INDEX keywords_site ON keywords (site_id);
			CREATE INDEX keywords_sector_intent_volume ON keywords (sector_id, intent, search_volume DESC);
			CREATE INDEX keywords_sector_volume ON keywords (sector_id, search_volume DESC);

			CREATE TABLE clusters (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				sector_id BIGINT NOT NULL REFERENCES sectors(id) ON DELETE CASCADE,
				name VARCHAR(255) NOT NULL,
				description TEXT NOT NULL DEFAULT '',
				status VARCHAR(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX clusters_sector ON clusters (sector_id);
			CREATE INDEX clusters_account ON clusters (account_id);

			-- A keyword belongs to at most one cluster: the unique keyword_id makes
			-- "assign to a cluster" a move, never a second membership.
			CREATE TABLE cluster_keywords (
				cluster_id BIGINT NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
				keyword_id BIGINT NOT NULL REFERENCES keywords(id) ON DELETE CASCADE,
				PRIMARY KEY (cluster_id, keyword_id),
				CONSTRAINT cluster_keywords_one_cluster UNIQUE (keyword_id)
			);

			CREATE TABLE content_ideas (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				sector_id BIGINT NOT NULL REFERENCES sectors(id) ON DELETE CASCADE,
				cluster_id BIGINT REFERENCES clusters(id) ON DELETE SET NULL,
				title VARCHAR(500) NOT NULL,
				description TEXT NOT NULL DEFAULT '',
				suggested_keywords JSONB NOT NULL DEFAULT '[]'::jsonb,
				status VARCHAR(16) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'in_progress', 'completed')),
				content_type VARCHAR(16) NOT NULL DEFAULT 'post' CHECK (content_type IN ('post', 'page', 'product', 'service')),
				target_word_count INTEGER CHECK (target_word_count BETWEEN 100 AND 20000),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX content_ideas_sector ON content_ideas (sector_id, status);
			CREATE INDEX content_ideas_cluster ON content_ideas (cluster_id);

			CREATE TABLE tasks (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				sector_id BIGINT NOT NULL REFERENCES sectors(id) ON DELETE CASCADE,
				content_idea_id BIGINT REFERENCES content_ideas(id) ON DELETE SET NULL,
				cluster_id BIGINT REFERENCES clusters(id) ON DELETE SET NULL,
				title VARCHAR(500) NOT NULL,
				brief TEXT NOT NULL DEFAULT '',
				target_keywords JSONB NOT NULL DEFAULT '[]'::jsonb,
				status VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_progress', 'completed', 'published')),
				assigned_post_id BIGINT,
				post_url VARCHAR(2000),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX tasks_sector ON tasks (sector_id, status);
			-- One task per idea: converting an idea twice must not make two tasks.
			CREATE UNIQUE INDEX tasks_content_idea_unique ON tasks (content_idea_id) WHERE content_idea_id IS NOT NULL;

			CREATE TABLE content (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				sector_id BIGINT NOT NULL REFERENCES sectors(id) ON DELETE CASCADE,
				task_id BIGINT UNIQUE REFERENCES tasks(id) ON DELETE SET NULL,
				title VARCHAR(500) NOT NULL,
				content_html TEXT NOT NULL DEFAULT '',
				content_plain TEXT NOT NULL DEFAULT '',
				excerpt TEXT NOT NULL DEFAULT '',
				meta_description VARCHAR(320) NOT NULL DEFAULT '',
				entity_type VARCHAR(16) NOT NULL DEFAULT 'post' CHECK (entity_type IN ('post', 'page', 'product', 'service')),
				external_id VARCHAR(64),
				external_type VARCHAR(32),
				sync_status VARCHAR(16) NOT NULL DEFAULT 'draft' CHECK (sync_status IN ('draft', 'imported', 'synced', 'published')),
				taxonomies JSONB NOT NULL DEFAULT '{}'::jsonb,
				attributes JSONB NOT NULL DEFAULT '{}'::jsonb,
				word_count INTEGER NOT NULL DEFAULT 0,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX content_sector ON content (sector_id, sync_status);

			CREATE TABLE images (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				sector_id BIGINT NOT NULL REFERENCES sectors(id) ON DELETE CASCADE,
				task_id BIGINT REFERENCES tasks(id) ON DELETE CASCADE,
				content_id BIGINT REFERENCES content(id) ON DELETE CASCADE,
				image_url VARCHAR(2000),
				storage_path VARCHAR(500),
				prompt TEXT NOT NULL DEFAULT '',
				is_featured BOOLEAN NOT NULL DEFAULT FALSE,
				position INTEGER NOT NULL DEFAULT 0,
				alt_text VARCHAR(500) NOT NULL DEFAULT '',
				caption TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				CONSTRAINT images_has_a_source CHECK (image_url IS NOT NULL OR storage_path IS NOT NULL)
			);
			CREATE INDEX images_task ON images (task_id);
			CREATE INDEX images_content ON images (content_id);

			CREATE TABLE keyword_imports (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				sector_id BIGINT NOT NULL REFERENCES sectors(id) ON DELETE CASCADE,
				created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				status VARCHAR(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
				filename VARCHAR(255) NOT NULL,
				storage_path VARCHAR(500) NOT NULL,
				format VARCHAR(32) NOT NULL,
				mapping JSONB NOT NULL,
				total_rows INTEGER NOT NULL DEFAULT 0,
				imported INTEGER NOT NULL DEFAULT 0,
				duplicates INTEGER NOT NULL DEFAULT 0,
				invalid INTEGER NOT NULL DEFAULT 0,
				progress SMALLINT NOT NULL DEFAULT 0,
				error TEXT,
				started_at TIMESTAMPTZ,
				finished_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX keyword_imports_sector ON keyword_imports (sector_id, created_at DESC);

			CREATE TABLE keyword_import_problems (
				import_id BIGINT NOT NULL REFERENCES keyword_imports(id) ON DELETE CASCADE,
				line INTEGER NOT NULL,
				reason VARCHAR(500) NOT NULL,
				PRIMARY KEY (import_id, line)
			);
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP TABLE IF EXISTS keyword_import_problems, keyword_imports, images, content, tasks,
				content_ideas, cluster_keywords, clusters, keywords;
		` );
	},
};
