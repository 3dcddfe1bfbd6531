import { z } from 'zod';
import { idParam, idSchema, listQuerySchema, timestampSchema } from './common';
import { createdRange } from './planner';

/** AI task runs: what `run_ai_task` started, its live progress and its cost. */

export const AI_FUNCTIONS = [
	'auto_cluster',
	'generate_ideas',
	'generate_content',
	'generate_image_prompts',
	'generate_images',
	'regenerate_section',
	'optimize_content',
	'generate_site_structure',
	'write_page_copy',
] as const;
export const aiFunctionSchema = z.enum( AI_FUNCTIONS );
export type AiFunctionName = z.infer< typeof aiFunctionSchema >;

export const AI_RUN_STATUSES = [
	'queued',
	'running',
	'succeeded',
	'failed',
	'cancelled',
] as const;
export const aiRunStatusSchema = z.enum( AI_RUN_STATUSES );
export type AiRunStatus = z.infer< typeof aiRunStatusSchema >;
/** Statuses a run never leaves. */
export const AI_RUN_FINAL: readonly AiRunStatus[] = [
	'succeeded',
	'failed',
	'cancelled',
];

export const aiProgressSchema = z.object( {
	stage: z.string(),
	percent: z.number().min( 0 ).max( 100 ),
	message: z.string().optional(),
	/** Increases with every update of the run, so a stream never repeats or reorders one. */
	seq: z.number().int(),
} );

export const aiRunSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	site_id: idSchema,
	sector_id: idSchema.nullable(),
	function_name: z.string(),
	status: aiRunStatusSchema,
	input: z.record( z.string(), z.unknown() ),
	output_summary: z.record( z.string(), z.unknown() ).nullable(),
	error: z.string().nullable(),
	progress: aiProgressSchema,
	tokens_in: z.number().int(),
	tokens_out: z.number().int(),
	/** US dollars, from the provider's token prices. */
	cost: z.number(),
	credits_reserved: z.number().int(),
	credits_charged: z.number().int(),
	attempts: z.number().int(),
	created_by: idSchema.nullable(),
	started_at: timestampSchema.nullable(),
	finished_at: timestampSchema.nullable(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

export const aiRunListQuerySchema = listQuerySchema.extend( {
	site_id: idParam.optional(),
	status: aiRunStatusSchema.optional(),
	function_name: aiFunctionSchema.optional(),
	...createdRange,
} );

export const aiRunStartedSchema = z.object( { run_id: idSchema } );

export const generateIdeasRequestSchema = z.strictObject( {
	ids: z
		.array( idSchema )
		.min( 1, 'name at least one cluster' )
		.max( 20, 'at most 20 clusters per run' ),
	ideas_per_cluster: z.number().int().min( 1 ).max( 10 ).default( 3 ),
} );

/** How auto_cluster groups keywords: `lexical` needs no AI key. */
export const CLUSTER_METHODS = [ 'lexical', 'embeddings', 'llm' ] as const;
export const clusterMethodSchema = z.enum( CLUSTER_METHODS );
export type ClusterMethod = z.infer< typeof clusterMethodSchema >;

/**
 * Cluster the named keywords (`ids`, all in one sector; ones already in a
 * cluster are re-clustered), or every keyword of `sector_id` not yet in a
 * cluster. `method` defaults to `embeddings` when an AI key is configured,
 * else `lexical`. Groups smaller than `min_cluster_size` stay unclustered.
 */
export const autoClusterRequestSchema = z
	.strictObject( {
		ids: z
			.array( idSchema )
			.min( 1, 'name at least one keyword' )
			.max( 100_000, 'at most 100,000 keywords per run' )
			.optional(),
		sector_id: idSchema.optional(),
		method: clusterMethodSchema.optional(),
		min_cluster_size: z.number().int().min( 1 ).max( 100 ).default( 2 ),
	} )
	.refine(
		( body ) => body.ids !== undefined || body.sector_id !== undefined,
		{
			message: 'name the keywords (ids) or a sector (sector_id)',
			path: [ 'ids' ],
		}
	);

/** The writer's AI actions name tasks, as the seed's `writer/tasks/generate_*` do. */
const taskIds = z
	.array( idSchema )
	.min( 1, 'name at least one task' )
	.max( 20, 'at most 20 tasks per run' );

export const generateContentRequestSchema = z.strictObject( {
	ids: taskIds,
	/** The voice to write in; the account's default profile when omitted. */
	author_profile_id: idSchema.optional(),
	strategy_id: idSchema.optional(),
} );

/** Rewrite one section of a draft: the heading's position among the article's headings (0 = first). */
export const regenerateSectionRequestSchema = z.strictObject( {
	content_id: idSchema,
	heading_index: z.number().int().min( 0 ).max( 500 ),
	/** What to change, in the writer's words ("add an example", "shorter"). */
	instructions: z.string().trim().max( 1000 ).optional(),
} );

export const generateImagePromptsRequestSchema = z.strictObject( {
	ids: taskIds,
	/** Besides the featured image. */
	in_article_images: z.number().int().min( 0 ).max( 6 ).default( 2 ),
} );

export const generateImagesRequestSchema = z.strictObject( {
	/** Every image prompt of these tasks still without a picture is drawn. */
	ids: taskIds,
	size: z
		.enum( [ '1024x1024', '1792x1024', '1024x1792' ] )
		.default( '1024x1024' ),
	/** Overrides the account's image provider for this run. */
	provider: z.enum( [ 'openai', 'runware' ] ).optional(),
} );

/**
 * POST /writer/images/{id}/regenerate/: draws one image again from its
 * prompt; the new picture replaces the old one once it is stored.
 */
export const regenerateImageRequestSchema = z.strictObject( {
	size: generateImagesRequestSchema.shape.size,
	provider: generateImagesRequestSchema.shape.provider,
} );

export type AiRun = z.infer< typeof aiRunSchema >;
export type AiProgress = z.infer< typeof aiProgressSchema >;
export type GenerateIdeasRequest = z.infer< typeof generateIdeasRequestSchema >;
export type AutoClusterRequest = z.infer< typeof autoClusterRequestSchema >;
export type GenerateContentRequest = z.infer<
	typeof generateContentRequestSchema
>;
export type GenerateImagePromptsRequest = z.infer<
	typeof generateImagePromptsRequestSchema
>;
export type GenerateImagesRequest = z.infer<
	typeof generateImagesRequestSchema
>;
export type RegenerateImageRequest = z.infer<
	typeof regenerateImageRequestSchema
>;
