import { z } from 'zod';
import { bridgeOutboxStatsSchema } from './bridge';
import { idParam, idSchema, timestampSchema } from './common';
import { integrationSyncStateSchema } from './integration';

/**
 * Per-site health for the agency console's Sites page
 * (`GET /api/v1/integration/site-health/`): one row per site of the
 * caller's account, composed from what each module knows — the connection
 * and what the plugin last reported (integration), publish failures and
 * conflicts (publisher), orphans and broken links (linker), the average
 * score (optimizer).
 */

/**
 * The IGNY8 Bridge version this cloud ships with: the plugin's
 * `IGNY8_BRIDGE_VERSION` (a cloud test keeps the two equal). A site that
 * reports an older one is out of date.
 */
export const BRIDGE_PLUGIN_VERSION = '0.1.0';

/** Why a site needs someone's attention; the order is how the console lists them. */
export const SITE_ATTENTION_REASONS = [
	/** The last pull of its posts failed. */
	'sync_failed',
	/** The plugin holds events it gave up on or the cloud refused (they wait for "Retry" in wp-admin). */
	'dead_letters',
	/** Publications that failed after every retry. */
	'publish_failures',
	/** Publications refused because the post was edited in WordPress since the last push. */
	'publish_conflicts',
	/** Internal links to addresses that are no published post. */
	'broken_links',
	/** The plugin reports a version older than BRIDGE_PLUGIN_VERSION. */
	'old_plugin',
] as const;
export const siteAttentionSchema = z.enum( SITE_ATTENTION_REASONS );
export type SiteAttention = z.infer< typeof siteAttentionSchema >;

const count = z.number().int().min( 0 );

export const siteHealthSchema = z.object( {
	site_id: idSchema,
	name: z.string(),
	/** The site's WordPress address as the account entered it. */
	url: z.string().nullable(),
	domain: z.string().nullable(),
	created_at: timestampSchema,
	/** The site's WordPress integration; null while it has none. */
	connection: z
		.object( {
			integration_id: idSchema,
			/** The site key it paired with; null: never paired (not connected). */
			key_id: idSchema.nullable(),
			is_active: z.boolean(),
			sync_enabled: z.boolean(),
			sync_state: integrationSyncStateSchema,
			sync_error: z.string().nullable(),
			last_sync_at: timestampSchema.nullable(),
		} )
		.nullable(),
	/** As the plugin last reported them (its health, else the metadata it connected with); null: never said. */
	wordpress_version: z.string().nullable(),
	plugin_version: z.string().nullable(),
	php_version: z.string().nullable(),
	/** The plugin's outbox when it last reported its health; null: it never did (an older plugin). */
	outbox: bridgeOutboxStatsSchema.nullable(),
	/** When the cloud received that report. */
	health_reported_at: timestampSchema.nullable(),
	publishing: z.object( {
		/** Publications that failed after every retry. */
		failed: count,
		/** Publications refused because the post was edited in WordPress. */
		conflicts: count,
	} ),
	/** The linker's graph of the site; null: the linker has not indexed it yet. */
	links: z
		.object( {
			posts: count,
			orphans: count,
			broken: count,
		} )
		.nullable(),
	/** The average of the site's drafts' latest optimizer scores (0–100); null: none scored yet. */
	optimizer_score: z.number().int().min( 0 ).max( 100 ).nullable(),
	attention: z.array( siteAttentionSchema ),
} );
export type SiteHealth = z.infer< typeof siteHealthSchema >;

export const siteHealthListSchema = z.object( {
	sites: z.array( siteHealthSchema ),
	/** BRIDGE_PLUGIN_VERSION: what `old_plugin` compares with. */
	current_plugin_version: z.string(),
} );
export type SiteHealthList = z.infer< typeof siteHealthListSchema >;

export const siteHealthQuerySchema = z.object( {
	/** One site of the account only (the site page's panel). */
	site_id: idParam.optional(),
} );
