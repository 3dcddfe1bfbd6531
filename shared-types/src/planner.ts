import { z } from 'zod';
import {
	idParam,
	idSchema,
	listQuerySchema,
	nameSchema,
	timestampSchema,
} from './common';

export const KEYWORD_INTENTS = [
	'informational',
	'commercial',
	'transactional',
	'navigational',
] as const;
export const keywordIntentSchema = z.enum( KEYWORD_INTENTS );
export const keywordStatusSchema = z.enum( [ 'active', 'inactive', 'used' ] );
export const keywordSourceSchema = z.enum( [
	'manual',
	'csv_import',
	'api_import',
] );
export const clusterStatusSchema = z.enum( [ 'active', 'archived' ] );
export const ideaStatusSchema = z.enum( [
	'draft',
	'approved',
	'in_progress',
	'completed',
] );
export const contentTypeSchema = z.enum( [
	'post',
	'page',
	'product',
	'service',
] );

/** Site/sector-scoped list filters every planner and writer list accepts. */
export const scopedListQuerySchema = listQuerySchema.extend( {
	site_id: idParam.optional(),
	sector_id: idParam.optional(),
} );

/** A calendar day in a list filter, YYYY-MM-DD (a real date: no 2026-02-30). */
export const dayParam = z
	.string()
	.regex( /^\d{4}-\d{2}-\d{2}$/, 'use a date like 2026-01-31' )
	.refine( ( value ) => {
		const day = new Date( `${ value }T00:00:00Z` );
		return (
			! Number.isNaN( day.getTime() ) &&
			day.toISOString().slice( 0, 10 ) === value
		);
	}, 'not a calendar date' );

/** The list filter on when a row was added: whole UTC days, both ends included. */
export const createdRange = {
	/** Added on or after this day (UTC), YYYY-MM-DD. */
	created_after: dayParam.optional(),
	/** Added on or before this day (UTC), YYYY-MM-DD. */
	created_before: dayParam.optional(),
};

const keywordText = z.string().trim().min( 1, 'may not be blank' ).max( 255 );
const volume = z.number().int().min( 0 ).max( 1_000_000_000 );
const difficulty = z.number().int().min( 0 ).max( 100 );
const cpc = z.number().min( 0 ).max( 100_000 );
const extra = z.record( z.string(), z.unknown() );

export const keywordSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	site_id: idSchema,
	sector_id: idSchema,
	keyword: z.string(),
	search_volume: z.number().int(),
	difficulty: z.number().int().nullable(),
	intent: keywordIntentSchema.nullable(),
	status: keywordStatusSchema,
	source: keywordSourceSchema,
	cpc: z.number().nullable(),
	extra,
	cluster_id: idSchema.nullable(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

const keywordFields = {
	keyword: keywordText,
	search_volume: volume.optional(),
	difficulty: difficulty.nullable().optional(),
	intent: keywordIntentSchema.nullable().optional(),
	status: keywordStatusSchema.optional(),
	cpc: cpc.nullable().optional(),
	extra: extra.optional(),
};

export const keywordCreateSchema = z.strictObject( {
	sector_id: idSchema,
	...keywordFields,
} );
export const keywordUpdateSchema = z
	.strictObject( { ...keywordFields, keyword: keywordText.optional() } )
	.refine(
		( body ) => Object.keys( body ).length > 0,
		'send at least one field to change'
	);

export const keywordListQuerySchema = scopedListQuerySchema.extend( {
	status: keywordStatusSchema.optional(),
	intent: keywordIntentSchema.optional(),
	source: keywordSourceSchema.optional(),
	/** A cluster id, or `none` for keywords in no cluster. */
	cluster_id: z.union( [ z.literal( 'none' ), idParam ] ).optional(),
	volume_min: z.coerce.number().int().min( 0 ).optional(),
	volume_max: z.coerce.number().int().min( 0 ).optional(),
	difficulty_min: z.coerce.number().int().min( 0 ).max( 100 ).optional(),
	difficulty_max: z.coerce.number().int().min( 0 ).max( 100 ).optional(),
	...createdRange,
} );

export const MAX_BULK = 1000;
const ids = z
	.array( idSchema )
	.min( 1, 'send at least one id' )
	.max( MAX_BULK );

export const keywordBulkCreateSchema = z.strictObject( {
	sector_id: idSchema,
	keywords: z
		.array( z.strictObject( keywordFields ) )
		.min( 1 )
		.max( MAX_BULK ),
} );
export const bulkIdsSchema = z.strictObject( { ids } );
export const keywordBulkStatusSchema = z.strictObject( {
	ids,
	status: keywordStatusSchema,
} );
export const keywordBulkAssignSchema = z.strictObject( {
	ids,
	cluster_id: idSchema.nullable(),
} );

export const bulkResultSchema = z.object( {
	/** Rows the action changed (created, updated or deleted). */
	affected: z.number().int(),
	/** Ids that were asked for but are not in the caller's scope. */
	not_found: z.array( idSchema ),
} );

export const keywordBulkCreateResultSchema = z.object( {
	created: z.array( keywordSchema ),
	/** Keywords that already existed in the sector (normalized), by position in the request. */
	duplicates: z.array(
		z.object( { index: z.number().int(), keyword: z.string() } )
	),
} );

export const clusterSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	site_id: idSchema,
	sector_id: idSchema,
	name: z.string(),
	description: z.string(),
	status: clusterStatusSchema,
	keyword_count: z.number().int(),
	total_volume: z.number().int(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

export const clusterCreateSchema = z.strictObject( {
	sector_id: idSchema,
	name: nameSchema,
	description: z.string().max( 5000 ).optional(),
	status: clusterStatusSchema.optional(),
	keyword_ids: z.array( idSchema ).max( MAX_BULK ).optional(),
} );
export const clusterUpdateSchema = z
	.strictObject( {
		name: nameSchema.optional(),
		description: z.string().max( 5000 ).optional(),
		status: clusterStatusSchema.optional(),
	} )
	.refine(
		( body ) => Object.keys( body ).length > 0,
		'send at least one field to change'
	);
export const clusterListQuerySchema = scopedListQuerySchema.extend( {
	status: clusterStatusSchema.optional(),
} );

export const ideaSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	site_id: idSchema,
	sector_id: idSchema,
	cluster_id: idSchema.nullable(),
	title: z.string(),
	description: z.string(),
	suggested_keywords: z.array( z.string() ),
	status: ideaStatusSchema,
	content_type: contentTypeSchema,
	target_word_count: z.number().int().nullable(),
	task_id: idSchema.nullable(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

const ideaFields = {
	cluster_id: idSchema.nullable().optional(),
	title: z.string().trim().min( 1, 'may not be blank' ).max( 500 ),
	description: z.string().max( 20_000 ).optional(),
	suggested_keywords: z.array( keywordText ).max( 100 ).optional(),
	status: ideaStatusSchema.optional(),
	content_type: contentTypeSchema.optional(),
	target_word_count: z
		.number()
		.int()
		.min( 100 )
		.max( 20_000 )
		.nullable()
		.optional(),
};
export const ideaCreateSchema = z.strictObject( {
	sector_id: idSchema,
	...ideaFields,
} );
export const ideaUpdateSchema = z
	.strictObject( { ...ideaFields, title: ideaFields.title.optional() } )
	.refine(
		( body ) => Object.keys( body ).length > 0,
		'send at least one field to change'
	);
export const ideaListQuerySchema = scopedListQuerySchema.extend( {
	...createdRange,
	status: ideaStatusSchema.optional(),
	cluster_id: idParam.optional(),
	content_type: contentTypeSchema.optional(),
} );

export const importStatusSchema = z.enum( [
	'queued',
	'running',
	'succeeded',
	'failed',
] );
export const importColumnSchema = z.enum( [
	'keyword',
	'search_volume',
	'difficulty',
	'intent',
	'cpc',
] );
/** Which source column (0-based) feeds each keyword field; only `keyword` is required. */
export const importMappingSchema = z.strictObject( {
	keyword: z.number().int().min( 0 ),
	search_volume: z.number().int().min( 0 ).nullable().optional(),
	difficulty: z.number().int().min( 0 ).nullable().optional(),
	intent: z.number().int().min( 0 ).nullable().optional(),
	cpc: z.number().int().min( 0 ).nullable().optional(),
} );

export const keywordImportSchema = z.object( {
	id: idSchema,
	site_id: idSchema,
	sector_id: idSchema,
	status: importStatusSchema,
	filename: z.string(),
	format: z.string(),
	mapping: importMappingSchema,
	total_rows: z.number().int(),
	imported: z.number().int(),
	duplicates: z.number().int(),
	invalid: z.number().int(),
	progress: z.number().int(),
	error: z.string().nullable(),
	created_at: timestampSchema,
	started_at: timestampSchema.nullable(),
	finished_at: timestampSchema.nullable(),
} );

export const importProblemSchema = z.object( {
	line: z.number().int(),
	reason: z.string(),
} );

export const importPreviewSchema = z.object( {
	format: z.string(),
	encoding: z.string(),
	delimiter: z.string(),
	/** 1-based line of the header row in the file (0 when the file has none). */
	header_line: z.number().int(),
	columns: z.array( z.string() ),
	mapping: importMappingSchema,
	/** The first data rows' cells (up to 20), as the import reads them. */
	rows: z.array( z.array( z.string() ) ),
	/** The 1-based line each of `rows` starts on. */
	row_lines: z.array( z.number().int() ),
	/** Lines among the previewed ones the import will skip, and why (the same verdicts the import reports). */
	problems: z.array( importProblemSchema ),
	/** What the user should know before importing (e.g. no keyword column recognised). */
	warnings: z.array( z.string() ),
} );

/** Form fields of the multipart keyword upload (the file goes in a part named `file`). */
export const keywordImportUploadSchema = z.object( {
	sector_id: idParam,
	/** JSON of `importMappingSchema`; overrides the detected mapping. */
	mapping: z.string().optional(),
} );
export const keywordImportListQuerySchema = scopedListQuerySchema.extend( {
	status: importStatusSchema.optional(),
} );
export const keywordExportQuerySchema = z.object( {
	sector_id: idParam,
	status: keywordStatusSchema.optional(),
	intent: keywordIntentSchema.optional(),
} );
export const clusterExportQuerySchema = z.object( {
	sector_id: idParam,
	status: clusterStatusSchema.optional(),
} );

export type Keyword = z.infer< typeof keywordSchema >;
export type Cluster = z.infer< typeof clusterSchema >;
export type ContentIdea = z.infer< typeof ideaSchema >;
export type KeywordImport = z.infer< typeof keywordImportSchema >;
export type ImportMapping = z.infer< typeof importMappingSchema >;
export type ImportPreview = z.infer< typeof importPreviewSchema >;
