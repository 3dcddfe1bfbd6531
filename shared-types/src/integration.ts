import { z } from 'zod';
import {
	idParam,
	idSchema,
	listQuerySchema,
	timestampSchema,
	urlSchema,
} from './common';
import { bridgeHealthSchema } from './bridge';
import { createdRange } from './planner';

/**
 * The Integration and Publisher modules, and the WordPress bridge payloads in
 * both directions (docs/bridge-protocol.md is the prose version).
 */

export const platformSchema = z.enum( [ 'wordpress', 'shopify', 'wix' ] );
export const platformTypeSchema = z.enum( [ 'cms', 'ecommerce', 'builder' ] );
export const integrationSyncStateSchema = z.enum( [
	'idle',
	'queued',
	'running',
	'succeeded',
	'failed',
] );

export const syncSettingsSchema = z.strictObject( {
	/** Post types the cloud pulls and listens to; empty means "what the site reports". */
	post_types: z
		.array( z.string().trim().min( 1 ).max( 64 ) )
		.max( 50 )
		.default( [] ),
	/** Whether a pull also stores each post's HTML (the linker and optimizer need it). */
	include_content: z.boolean().default( true ),
} );

export const integrationConfigSchema = z.strictObject( {
	site_url: urlSchema.optional(),
	rest_url: urlSchema.optional(),
	/** The last `site-metadata` the site reported. */
	structure: z.record( z.string(), z.unknown() ).optional(),
	content_types: z.array( z.string() ).optional(),
	sync_settings: syncSettingsSchema.optional(),
} );

export const syncProgressSchema = z.object( {
	stage: z.string(),
	percent: z.number().min( 0 ).max( 100 ),
	processed: z.number().int(),
	total: z.number().int().nullable(),
	message: z.string().optional(),
} );

export const integrationSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	site_id: idSchema,
	platform: platformSchema,
	platform_type: platformTypeSchema,
	config_json: z.record( z.string(), z.unknown() ),
	/** The stored credential is never sent back; this says whether one is held. */
	has_credentials: z.boolean(),
	/**
	 * The public id of the site key the site is paired with (it sends it as
	 * `X-IGNY8-Key-Id`; the cloud signs its calls to the site with it); null
	 * before the site has paired.
	 */
	key_id: idSchema.nullable(),
	is_active: z.boolean(),
	sync_enabled: z.boolean(),
	sync_state: integrationSyncStateSchema,
	sync_progress: syncProgressSchema,
	sync_error: z.string().nullable(),
	last_sync_at: timestampSchema.nullable(),
	last_structure_update_at: timestampSchema.nullable(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );
export type Integration = z.infer< typeof integrationSchema >;

export const integrationCreateSchema = z.strictObject( {
	site_id: idSchema,
	platform: platformSchema.default( 'wordpress' ),
	platform_type: platformTypeSchema.default( 'cms' ),
	config_json: integrationConfigSchema.default( {} ),
	is_active: z.boolean().default( true ),
	sync_enabled: z.boolean().default( true ),
} );
export const integrationUpdateSchema = z
	.strictObject( {
		platform_type: platformTypeSchema.optional(),
		config_json: integrationConfigSchema.optional(),
		is_active: z.boolean().optional(),
		sync_enabled: z.boolean().optional(),
	} )
	.refine(
		( body ) => Object.keys( body ).length > 0,
		'send at least one field to change'
	);
export const integrationListQuerySchema = listQuerySchema.extend( {
	site_id: idParam.optional(),
	platform: platformSchema.optional(),
} );

/** What `GET igny8/v1/site-metadata/` answers; kept open: plugins add fields over time. */
export const siteMetadataSchema = z
	.record( z.string(), z.unknown() )
	.refine(
		( value ) => JSON.stringify( value ).length <= 200_000,
		'site metadata is larger than 200 kB'
	);

export const testConnectionSchema = z.strictObject( {
	site_url: urlSchema,
	rest_url: urlSchema,
	metadata: siteMetadataSchema,
} );

export const updateStructureSchema = z.strictObject( {
	/** Omitted: the cloud asks the site for it. */
	metadata: siteMetadataSchema.optional(),
} );

export const contentTypesSchema = z.object( {
	post_types: z.array(
		z.object( {
			name: z.string(),
			label: z.string(),
			count: z.number().int().nullable(),
			synced: z.boolean(),
		} )
	),
	taxonomies: z.array( z.object( { name: z.string(), label: z.string() } ) ),
	sync_settings: syncSettingsSchema,
} );

export const syncRequestSchema = z.strictObject( {
	/** `incremental` continues from the last pull's cursor; `full` starts over. */
	mode: z.enum( [ 'full', 'incremental' ] ).default( 'incremental' ),
} );

// --- WordPress → cloud events ------------------------------------------------

export const WP_POST_STATUSES = [
	'publish',
	'future',
	'draft',
	'pending',
	'private',
	'trash',
] as const;

const nullableId = z.number().int().positive().nullable().optional();

export const eventPostSchema = z.object( {
	wp_post_id: z.number().int().positive(),
	post_type: z.string().max( 64 ).optional(),
	status: z.string().max( 20 ).optional(),
	title: z.string().max( 2000 ).optional(),
	url: z.string().max( 2000 ).optional(),
	modified_gmt: z.string().max( 40 ).optional(),
	content_hash: z
		.string()
		.regex( /^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256' )
		.optional(),
	igny8_task_id: nullableId,
	igny8_content_id: nullableId,
} );

export const eventTermSchema = z.object( {
	taxonomy: z.string().max( 64 ),
	term_id: z.number().int().positive(),
	name: z.string().max( 200 ).optional(),
	slug: z.string().max( 200 ).optional(),
	action: z.enum( [ 'created', 'edited', 'deleted' ] ),
} );

export const EVENT_TYPES = [
	'post.saved',
	'post.status_changed',
	'post.trashed',
	'post.deleted',
	'term.changed',
	'structure.changed',
] as const;

export const syncEventSchema = z.discriminatedUnion( 'type', [
	z.object( {
		id: z.uuid(),
		type: z.enum( [
			'post.saved',
			'post.status_changed',
			'post.trashed',
			'post.deleted',
		] ),
		occurred_at: timestampSchema,
		post: eventPostSchema,
	} ),
	z.object( {
		id: z.uuid(),
		type: z.literal( 'term.changed' ),
		occurred_at: timestampSchema,
		term: eventTermSchema,
	} ),
	z.object( {
		id: z.uuid(),
		type: z.literal( 'structure.changed' ),
		occurred_at: timestampSchema,
		metadata: siteMetadataSchema,
	} ),
] );
export type SyncEvent = z.infer< typeof syncEventSchema >;

export const MAX_EVENTS_PER_BATCH = 100;

/**
 * Each event is checked on its own: one bad event is rejected, the rest
 * still apply. `health` (bridge.ts) is checked whole: a batch whose health
 * does not check out is refused (400) and nothing of it is applied. A batch
 * with no events is a heartbeat: it must carry the health.
 */
export const eventBatchSchema = z
	.strictObject( {
		events: z
			.array( z.unknown() )
			.max(
				MAX_EVENTS_PER_BATCH,
				`at most ${ MAX_EVENTS_PER_BATCH } events per batch`
			),
		health: bridgeHealthSchema.optional(),
	} )
	.refine(
		( batch ) => batch.events.length > 0 || batch.health !== undefined,
		{
			message: 'send at least one event (or, as a heartbeat, the health)',
			path: [ 'events' ],
		}
	);

export const eventBatchResultSchema = z.object( {
	accepted: z.array( z.string() ),
	duplicates: z.array( z.string() ),
	rejected: z.array(
		z.object( { id: z.string().nullable(), error: z.string() } )
	),
} );
export type EventBatchResult = z.infer< typeof eventBatchResultSchema >;

// --- Publisher ---------------------------------------------------------------

export const publishingStatusSchema = z.enum( [
	'queued',
	'publishing',
	'published',
	'failed',
	'conflict',
] );

export const publishingRecordSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	site_id: idSchema,
	sector_id: idSchema,
	content_id: idSchema,
	task_id: idSchema.nullable(),
	post_id: z.number().int().nullable(),
	post_url: z.string().nullable(),
	status: publishingStatusSchema,
	wp_status: z.string(),
	attempts: z.number().int(),
	last_error: z.string().nullable(),
	last_pushed_hash: z.string().nullable(),
	remote_hash: z.string().nullable(),
	/** The content revision the last successful push carried. */
	revision: z.number().int().nullable(),
	force: z.boolean(),
	next_attempt_at: timestampSchema.nullable(),
	published_at: timestampSchema.nullable(),
	/** Who asked for the publication: an account user, or a WordPress user (by login) in wp-admin. The post is attributed to them. */
	requested_by_user_id: idSchema.nullable(),
	requested_by_wp_login: z.string().nullable(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );
export type PublishingRecord = z.infer< typeof publishingRecordSchema >;

export const publishRequestSchema = z
	.strictObject( {
		content_ids: z
			.array( idSchema )
			.min( 1, 'name at least one content record' )
			.max( 500 ),
		/** The WordPress status the post gets. */
		status: z
			.enum( [ 'draft', 'pending', 'publish', 'future' ] )
			.default( 'publish' ),
		/** Required with `future`. */
		date_gmt: timestampSchema.optional(),
		/** Overwrite a post that was edited in WordPress since the last push. */
		force: z.boolean().default( false ),
	} )
	.refine(
		( body ) => body.status !== 'future' || body.date_gmt !== undefined,
		{ message: 'a scheduled post needs date_gmt', path: [ 'date_gmt' ] }
	);

export const publishResultSchema = z.object( {
	records: z.array( publishingRecordSchema ),
} );

export const publishingRecordListQuerySchema = listQuerySchema.extend( {
	site_id: idParam.optional(),
	content_id: idParam.optional(),
	status: publishingStatusSchema.optional(),
	...createdRange,
} );
