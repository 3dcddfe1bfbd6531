import type { Migration } from '../migrate';

/**
 * The WordPress bridge: one integration per (site, platform), the site's own
 * posts as the cloud last saw them, every event id a site ever sent (so a
 * replayed outbox batch is acknowledged, never re-applied), and one
 * publishing record per content. Content gains a revision that a trigger
 * bumps on every edit of what is published, so the plugin can refuse a push
 * older than what it already holds whoever edits the row.
 */
export const migration: Migration = {
	name: '0009-integration',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE site_integrations (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				platform VARCHAR(16) NOT NULL DEFAULT 'wordpress' CHECK (platform IN ('wordpress', 'shopify', 'wix')),
				platform_type VARCHAR(16) NOT NULL DEFAULT 'cms' CHECK (platform_type IN ('cms', 'ecommerce', 'builder')),
				config_json JSONB NOT NULL DEFAULT '{}'::jsonb,
				credentials_json JSONB NOT NULL DEFAULT '{}'::jsonb,
				is_active BOOLEAN NOT NULL DEFAULT TRUE,
				sync_enabled BOOLEAN NOT NULL DEFAULT TRUE,
				sync_state VARCHAR(16) NOT NULL DEFAULT 'idle' CHECK (sync_state IN ('idle', 'queued', 'running', 'succeeded', 'failed')),
				sync_progress JSONB NOT NULL DEFAULT '{"stage": "idle", "percent": 0, "processed": 0, "total": null}'::jsonb,
				sync_error TEXT,
				last_sync_at TIMESTAMPTZ,
				last_structure_update_at TIMESTAMPTZ,
				-- A lease, not a lock held by a connection: per-site publishing
				-- runs one push at a time even across worker processes.
				publish_lease_until TIMESTAMPTZ,
				publish_lease_token VARCHAR(64),
				-- While a site keeps failing, its pushes wait until then.
				publish_backoff_until TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				CONSTRAINT site_integrations_site_platform_unique UNIQUE (site_id, platform)
			);
			CREATE INDEX site_integrations_account ON site_integrations (account_id);

			CREATE TABLE site_posts (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				wp_post_id BIGINT NOT NULL,
				post_type VARCHAR(64) NOT NULL DEFAULT 'post',
				status VARCHAR(20) NOT NULL DEFAULT 'publish',
				title TEXT NOT NULL DEFAULT '',
				url VARCHAR(2000),
				content_html TEXT,
				excerpt TEXT NOT NULL DEFAULT '',
				categories JSONB NOT NULL DEFAULT '[]'::jsonb,
				tags JSONB NOT NULL DEFAULT '[]'::jsonb,
				content_hash VARCHAR(64),
				modified_gmt TIMESTAMPTZ,
				date_gmt TIMESTAMPTZ,
				igny8_task_id BIGINT,
				igny8_content_id BIGINT,
				-- The newest event applied to this row: an older one arriving late changes nothing.
				last_event_at TIMESTAMPTZ,
				deleted_at TIMESTAMPTZ,
				synced_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				CONSTRAINT site_posts_site_post_unique UNIQUE (site_id, wp_post_id)
			);
			CREATE INDEX site_posts_site_type ON site_posts (site_id, post_type, status);

			CREATE TABLE integration_events (
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				event_id UUID NOT NULL,
				type VARCHAR(32) NOT NULL,
				occurred_at TIMESTAMPTZ NOT NULL,
				processed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				PRIMARY KEY (site_id, event_id)
			);

			CREATE TABLE publishing_records (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				sector_id BIGINT NOT NULL REFERENCES sectors(id) ON DELETE CASCADE,
				content_id BIGINT NOT NULL REFERENCES content(id) ON DELETE CASCADE,
				task_id BIGINT REFERENCES tasks(id) ON DELETE SET NULL,
				post_id BIGINT,
				post_url VARCHAR(2000),
				status VARCHAR(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'publishing', 'published', 'failed', 'conflict')),
				wp_status VARCHAR(16) NOT NULL DEFAULT 'publish' CHECK (wp_status IN ('draft', 'pending', 'publish', 'future')),
				date_gmt TIMESTAMPTZ,
				force BOOLEAN NOT NULL DEFAULT FALSE,
				attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
				last_error TEXT,
				last_pushed_hash VARCHAR(64),
				remote_hash VARCHAR(64),
				revision INTEGER,
				next_attempt_at TIMESTAMPTZ,
				published_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				-- One record per content: publishing again re-queues it, never adds a second.
				CONSTRAINT publishing_records_content_unique UNIQUE (content_id)
			);
			CREATE INDEX publishing_records_account ON publishing_records (account_id, created_at DESC);
			CREATE INDEX publishing_records_due ON publishing_records (site_id, next_attempt_at) WHERE status = 'queued';

			ALTER TABLE content ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
			ALTER TABLE content DROP CONSTRAINT IF EXISTS content_sync_status_check;
			ALTER TABLE content ADD CONSTRAINT content_sync_status_check CHECK (sync_status IN ('draft', 'imported', 'synced', 'published', 'scheduled', 'trashed', 'deleted'));

			CREATE FUNCTION content_bump_revision() RETURNS trigger AS $$
			BEGIN
				IF NEW.title IS DISTINCT FROM OLD.title
					OR NEW.content_html IS DISTINCT FROM OLD.content_html
					OR NEW.excerpt IS DISTINCT FROM OLD.excerpt
					OR NEW.meta_description IS DISTINCT FROM OLD.meta_description
					OR NEW.taxonomies IS DISTINCT FROM OLD.taxonomies THEN
					NEW.revision := OLD.revision + 1;
				END IF;
				RETURN NEW;
			END;
			$$ LANGUAGE plpgsql;
			CREATE TRIGGER content_revision BEFORE UPDATE ON content
				FOR EACH ROW EXECUTE FUNCTION content_bump_revision();
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP TRIGGER IF EXISTS content_revision ON content;
			DROP FUNCTION IF EXISTS content_bump_revision();
			ALTER TABLE content DROP COLUMN IF EXISTS revision;
			ALTER TABLE content DROP CONSTRAINT IF EXISTS content_sync_status_check;
			ALTER TABLE content ADD CONSTRAINT content_sync_status_check CHECK (sync_status IN ('draft', 'imported', 'synced', 'published'));
			DROP TABLE IF EXISTS publishing_records, integration_events, site_posts, site_integrations;
		` );
	},
};
