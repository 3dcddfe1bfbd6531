import { z } from 'zod';
import { idParam, idSchema, listQuerySchema, timestampSchema } from './common';

/** AI task runs: what `run_ai_task` started, its live progress and its cost. */

export const AI_FUNCTIONS = [
	'auto_cluster',
	'generate_ideas',
	'generate_content',
	'generate_image_prompts',
	'generate_images',
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
} );

export const aiRunStartedSchema = z.object( { run_id: idSchema } );

export const generateIdeasRequestSchema = z.strictObject( {
	ids: z
		.array( idSchema )
		.min( 1, 'name at least one cluster' )
		.max( 20, 'at most 20 clusters per run' ),
	ideas_per_cluster: z.number().int().min( 1 ).max( 10 ).default( 3 ),
} );

export type AiRun = z.infer< typeof aiRunSchema >;
export type AiProgress = z.infer< typeof aiProgressSchema >;
export type GenerateIdeasRequest = z.infer< typeof generateIdeasRequestSchema >;
