import { z } from 'zod';
import { idParam, idSchema, listQuerySchema, timestampSchema } from './common';

/**
 * The Optimizer module: SEO and readability analysis of a draft or a post
 * (Yoast-grade checks, computed server-side so the editor never does the
 * work on its main thread), the score history of saved revisions, and AI
 * fixes that arrive as proposed revisions an editor accepts or rejects.
 */

export const OPTIMIZER_GROUPS = [ 'seo', 'readability' ] as const;
export const optimizerGroupSchema = z.enum( OPTIMIZER_GROUPS );
export const OPTIMIZER_RATINGS = [ 'good', 'ok', 'bad' ] as const;
export const optimizerRatingSchema = z.enum( OPTIMIZER_RATINGS );
export type OptimizerRating = z.infer< typeof optimizerRatingSchema >;

/** Every check the analysis runs; the thresholds live in docs/optimizer-checks.md. */
export const OPTIMIZER_SEO_CHECKS = [
	'keyphrase_length',
	'keyphrase_in_title',
	'keyphrase_in_introduction',
	'keyphrase_in_meta_description',
	'keyphrase_in_slug',
	'keyphrase_in_subheadings',
	'keyphrase_density',
	'keyphrase_distribution',
	'text_length',
	'title_width',
	'meta_description_length',
	'internal_links',
	'outbound_links',
	'competing_links',
	'images',
	'image_keyphrase',
	'single_title',
	'previously_used_keyphrase',
] as const;
export const OPTIMIZER_READABILITY_CHECKS = [
	'flesch_reading_ease',
	'sentence_length',
	'paragraph_length',
	'subheading_distribution',
	'passive_voice',
	'transition_words',
	'consecutive_sentences',
	'text_presence',
] as const;
export const OPTIMIZER_CHECKS = [
	...OPTIMIZER_SEO_CHECKS,
	...OPTIMIZER_READABILITY_CHECKS,
] as const;
export const optimizerCheckIdSchema = z.enum( OPTIMIZER_CHECKS );
export type OptimizerCheckId = z.infer< typeof optimizerCheckIdSchema >;

/**
 * Checks an AI rewrite of the body can address. The others depend on
 * things a rewrite must not invent (the keyphrase itself, the site's other
 * posts, images) or on fields the editor sets directly (slug).
 */
export const OPTIMIZER_AI_FIXABLE: readonly OptimizerCheckId[] = [
	'keyphrase_in_title',
	'keyphrase_in_introduction',
	'keyphrase_in_meta_description',
	'keyphrase_in_subheadings',
	'keyphrase_density',
	'keyphrase_distribution',
	'text_length',
	'title_width',
	'meta_description_length',
	'flesch_reading_ease',
	'sentence_length',
	'paragraph_length',
	'subheading_distribution',
	'passive_voice',
	'transition_words',
	'consecutive_sentences',
];

export const optimizerCheckSchema = z.object( {
	id: optimizerCheckIdSchema,
	group: optimizerGroupSchema,
	rating: optimizerRatingSchema,
	/** 0–9 as Yoast scores an assessment: 9 good, 6 ok, 3 or less bad. */
	score: z.number().int().min( 0 ).max( 9 ),
	/** What was found, for people ("The keyphrase appears 2 times; aim for 4–8."). */
	message: z.string(),
	/** What to do next, when the check is not good. */
	fix: z.string().optional(),
	/** True when "Fix with AI" can address it (see OPTIMIZER_AI_FIXABLE). */
	ai_fixable: z.boolean(),
} );
export type OptimizerCheck = z.infer< typeof optimizerCheckSchema >;

const keyphrase = z.string().trim().max( 191 );
/** Locales are BCP 47 tags; the analysis uses the language part. */
const locale = z
	.string()
	.trim()
	.regex(
		/^[a-zA-Z]{2,3}([_-][a-zA-Z0-9]{2,8})*$/,
		'must be a locale such as en_US'
	);

/**
 * POST /optimizer/analyze/: either text to analyze (what the editor holds
 * now; nothing is kept) or `content_id` alone (the saved revision; its
 * result is kept in the content's score history). `content_id` or
 * `post_id` beside `html` names the post being edited, so it is not
 * counted against itself as a previous use of the keyphrase.
 */
export const optimizerAnalyzeSchema = z
	.strictObject( {
		content_id: idSchema.optional(),
		post_id: idSchema.optional(),
		site_id: idSchema.optional(),
		html: z.string().max( 2_000_000 ).optional(),
		title: z.string().max( 1000 ).optional(),
		keyphrase: keyphrase.optional(),
		synonyms: z.array( keyphrase.min( 1 ) ).max( 20 ).optional(),
		meta_description: z.string().max( 1000 ).optional(),
		slug: z.string().max( 400 ).optional(),
		locale: locale.optional(),
	} )
	.refine(
		( body ) => body.html !== undefined || body.content_id !== undefined,
		{ message: 'send html to analyze, or a content_id', path: [ 'html' ] }
	);
export type OptimizerAnalyzeInput = z.infer< typeof optimizerAnalyzeSchema >;

export const optimizerAnalysisSchema = z.object( {
	/** 0–100: the mean of every check's score (SEO has more checks, so it weighs more). */
	score: z.number().int().min( 0 ).max( 100 ),
	seo_score: z.number().int().min( 0 ).max( 100 ),
	readability_score: z.number().int().min( 0 ).max( 100 ),
	/** null when the text is too short or the locale has no published formula. */
	flesch_reading_ease: z.number().nullable(),
	word_count: z.number().int().min( 0 ),
	keyphrase: z.string(),
	locale: z.string(),
	checks: z.array( optimizerCheckSchema ),
	/** The history entry this analysis was kept as (content_id alone), else null. */
	history_id: idSchema.nullable(),
} );
export type OptimizerAnalysis = z.infer< typeof optimizerAnalysisSchema >;

/** GET /optimizer/history/?content_id= */
export const optimizerHistoryQuerySchema = listQuerySchema.extend( {
	content_id: idParam,
} );
export const optimizerHistoryEntrySchema = z.object( {
	id: idSchema,
	content_id: idSchema,
	/** The content's revision that was analyzed. */
	revision: z.number().int(),
	score: z.number().int(),
	seo_score: z.number().int(),
	readability_score: z.number().int(),
	flesch_reading_ease: z.number().nullable(),
	word_count: z.number().int(),
	keyphrase: z.string(),
	/** Ids of the checks that were not good, for the trend view. */
	failing: z.array( optimizerCheckIdSchema ),
	created_at: timestampSchema,
} );
export type OptimizerHistoryEntry = z.infer<
	typeof optimizerHistoryEntrySchema
>;

/** GET /optimizer/scores/?site_id=: the latest score of each content, for the dashboard. */
export const optimizerScoresQuerySchema = listQuerySchema.extend( {
	site_id: idParam.optional(),
	rating: optimizerRatingSchema.optional(),
} );
export const optimizerScoreRowSchema = z.object( {
	content_id: idSchema,
	site_id: idSchema,
	title: z.string(),
	entity_type: z.string(),
	keyphrase: z.string(),
	score: z.number().int().nullable(),
	seo_score: z.number().int().nullable(),
	readability_score: z.number().int().nullable(),
	/** good ≥ 70, ok ≥ 40, bad below; null when never analyzed. */
	rating: optimizerRatingSchema.nullable(),
	analyzed_at: timestampSchema.nullable(),
	/** A proposed AI revision waits for review. */
	pending_revision_id: idSchema.nullable(),
} );
export type OptimizerScoreRow = z.infer< typeof optimizerScoreRowSchema >;

/** GET /optimizer/summary/?site_id=: the dashboard's figures over every content. */
export const optimizerSummaryQuerySchema = z.object( {
	site_id: idParam.optional(),
} );
export const optimizerSummarySchema = z.object( {
	total: z.number().int(),
	good: z.number().int(),
	ok: z.number().int(),
	bad: z.number().int(),
	/** Never analyzed. */
	unanalyzed: z.number().int(),
	/** Mean of the latest scores, rounded; null when none was analyzed. */
	average: z.number().int().nullable(),
	/** With an AI revision waiting for review. */
	pending: z.number().int(),
} );
export type OptimizerSummary = z.infer< typeof optimizerSummarySchema >;

/** POST /optimizer/fix/: rewrite one draft to address the named checks; a queued AI run. */
export const optimizerFixSchema = z.strictObject( {
	content_id: idSchema,
	check_ids: z
		.array( optimizerCheckIdSchema )
		.min( 1, 'name at least one check to fix' )
		.max( OPTIMIZER_CHECKS.length ),
} );
/** POST /optimizer/bulk/: optimize a selection of drafts as one run, within a credit cap. */
export const optimizerBulkSchema = z.strictObject( {
	content_ids: z
		.array( idSchema )
		.min( 1, 'choose at least one draft' )
		.max( 1000, 'at most 1,000 drafts per run' ),
	/** The run stops before a draft that would take it past this many credits. */
	credit_cap: z.number().int().min( 1 ),
	/** Drafts already at or above this score are left alone. */
	min_score: z.number().int().min( 0 ).max( 100 ).default( 70 ),
} );

/** What POST /optimizer/bulk/ queued: the drafts that fit the cap, and those left out. */
export const optimizerBulkResultSchema = z.object( {
	run_id: idSchema,
	content_ids: z.array( idSchema ),
	/** Drafts the cap could not cover, in the order given: start another run for them. */
	left_out: z.array( idSchema ),
	/** Reserved now; the charge follows what was rewritten and is never more. */
	credits_reserved: z.number().int(),
} );
export type OptimizerBulkResult = z.infer< typeof optimizerBulkResultSchema >;

export const OPTIMIZER_REVISION_STATUSES = [
	'proposed',
	'accepted',
	'rejected',
	'superseded',
] as const;
/** An AI-proposed revision of a draft; the content changes only when it is accepted. */
export const optimizerRevisionSchema = z.object( {
	id: idSchema,
	content_id: idSchema,
	site_id: idSchema,
	run_id: idSchema.nullable(),
	/** The content revision it was written from; accepting fails if the draft changed since. */
	base_revision: z.number().int(),
	status: z.enum( OPTIMIZER_REVISION_STATUSES ),
	check_ids: z.array( optimizerCheckIdSchema ),
	title: z.string(),
	meta_description: z.string(),
	content_html: z.string(),
	score_before: z.number().int().nullable(),
	score_after: z.number().int().nullable(),
	created_at: timestampSchema,
	decided_at: timestampSchema.nullable(),
} );
export type OptimizerRevision = z.infer< typeof optimizerRevisionSchema >;
export const optimizerRevisionListQuerySchema = listQuerySchema.extend( {
	content_id: idParam.optional(),
	status: z.enum( OPTIMIZER_REVISION_STATUSES ).optional(),
} );
