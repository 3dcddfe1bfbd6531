import type { Migration } from '../migrate';

/**
 * The Linker's index (modules/linker): one document per post the cloud
 * knows — IGNY8 content, and the WordPress posts site sync pulled that IGNY8
 * did not write — with what a link to it may say (phrases), what it is about
 * (terms, stems), the internal links it already has, and the suggestions
 * drawn from all that. Kept up to date from domain events; a rebuild is a
 * queued run recorded in linker_rebuilds.
 */
export const migration: Migration = {
	name: '0025-linker',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE linker_documents (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				content_id BIGINT REFERENCES content(id) ON DELETE CASCADE,
				wp_post_id BIGINT,
				post_type VARCHAR(64) NOT NULL DEFAULT 'post',
				status VARCHAR(20) NOT NULL,
				title TEXT NOT NULL DEFAULT '',
				url VARCHAR(2000),
				-- The address as internal links are compared (text/links.ts normalizePath).
				path VARCHAR(2000),
				-- Addresses the post had before: WordPress redirects an old slug.
				previous_paths TEXT[] NOT NULL DEFAULT '{}',
				main_keyword TEXT,
				cluster_id BIGINT,
				locale VARCHAR(20),
				html_hash VARCHAR(64) NOT NULL,
				terms JSONB NOT NULL DEFAULT '{}'::jsonb,
				stems TEXT[] NOT NULL DEFAULT '{}',
				phrases JSONB NOT NULL DEFAULT '[]'::jsonb,
				length INTEGER NOT NULL DEFAULT 0,
				-- Published: a link to it works, so it may be a target.
				linkable BOOLEAN NOT NULL,
				indexed_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE UNIQUE INDEX linker_documents_content ON linker_documents (content_id) WHERE content_id IS NOT NULL;
			CREATE UNIQUE INDEX linker_documents_post ON linker_documents (site_id, wp_post_id) WHERE content_id IS NULL;
			CREATE INDEX linker_documents_site ON linker_documents (site_id, linkable);
			CREATE INDEX linker_documents_path ON linker_documents (site_id, path);
			CREATE INDEX linker_documents_stems ON linker_documents USING GIN (stems);
			CREATE INDEX linker_documents_previous ON linker_documents USING GIN (previous_paths);

			CREATE TABLE linker_phrases (
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				phrase TEXT NOT NULL,
				document_id BIGINT NOT NULL REFERENCES linker_documents(id) ON DELETE CASCADE,
				weight REAL NOT NULL,
				PRIMARY KEY (site_id, phrase, document_id)
			);
			CREATE INDEX linker_phrases_document ON linker_phrases (document_id);

			-- Document frequency per stem and site: the idf of relevance scores.
			CREATE TABLE linker_term_counts (
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				stem TEXT NOT NULL,
				df INTEGER NOT NULL CHECK (df >= 0),
				PRIMARY KEY (site_id, stem)
			);

			CREATE TABLE linker_links (
				id BIGSERIAL PRIMARY KEY,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				source_id BIGINT NOT NULL REFERENCES linker_documents(id) ON DELETE CASCADE,
				path VARCHAR(2000) NOT NULL,
				href VARCHAR(2000) NOT NULL,
				anchor TEXT NOT NULL,
				igny8_link_id VARCHAR(64),
				-- Set when the link goes to another site of the account (the cross-site graph); null: this site.
				to_site_id BIGINT REFERENCES sites(id) ON DELETE CASCADE
			);
			CREATE INDEX linker_links_source ON linker_links (source_id);
			CREATE INDEX linker_links_path ON linker_links (site_id, path) WHERE to_site_id IS NULL;

			CREATE TABLE linker_suggestions (
				id VARCHAR(64) PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				source_id BIGINT NOT NULL REFERENCES linker_documents(id) ON DELETE CASCADE,
				target_id BIGINT NOT NULL REFERENCES linker_documents(id) ON DELETE CASCADE,
				anchor TEXT NOT NULL,
				context TEXT NOT NULL DEFAULT '',
				paragraph INTEGER NOT NULL,
				start_offset INTEGER NOT NULL,
				end_offset INTEGER NOT NULL,
				score REAL NOT NULL,
				-- The source text the place was found in.
				source_hash VARCHAR(64) NOT NULL,
				status VARCHAR(10) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'applied', 'rejected')),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX linker_suggestions_source ON linker_suggestions (source_id, status, score DESC);
			CREATE INDEX linker_suggestions_target ON linker_suggestions (target_id, status);

			CREATE TABLE linker_rebuilds (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				status VARCHAR(10) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'finished', 'failed')),
				total INTEGER NOT NULL DEFAULT 0,
				done INTEGER NOT NULL DEFAULT 0,
				error TEXT,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				finished_at TIMESTAMPTZ
			);
			-- One rebuild at a time per site: asking again while one waits or runs answers that one.
			CREATE UNIQUE INDEX linker_rebuilds_active ON linker_rebuilds (site_id) WHERE status IN ('queued', 'running');

			CREATE TABLE linker_settings (
				site_id BIGINT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				max_links_per_post INTEGER NOT NULL DEFAULT 8,
				max_links_per_paragraph INTEGER NOT NULL DEFAULT 1,
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query(
			'DROP TABLE IF EXISTS linker_settings, linker_rebuilds, linker_suggestions, linker_links, linker_term_counts, linker_phrases, linker_documents'
		);
	},
};
