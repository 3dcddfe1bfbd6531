import { z } from 'zod';
import { idSchema, timestampSchema, urlSchema } from './common';
import {
	contentTypeSchema,
	createdRange,
	scopedListQuerySchema,
} from './planner';

export const taskStatusSchema = z.enum( [
	'pending',
	'in_progress',
	'completed',
	'published',
] );
/** `scheduled`, `trashed` and `deleted` mirror the WordPress post (docs/bridge-protocol.md). */
export const syncStatusSchema = z.enum( [
	'draft',
	'imported',
	'synced',
	'published',
	'scheduled',
	'trashed',
	'deleted',
] );

const title = z.string().trim().min( 1, 'may not be blank' ).max( 500 );
const keywordList = z.array( z.string().trim().min( 1 ).max( 255 ) ).max( 100 );

export const taskSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	site_id: idSchema,
	sector_id: idSchema,
	content_idea_id: idSchema.nullable(),
	cluster_id: idSchema.nullable(),
	title: z.string(),
	brief: z.string(),
	target_keywords: z.array( z.string() ),
	status: taskStatusSchema,
	assigned_post_id: z.number().int().nullable(),
	post_url: z.string().nullable(),
	content_id: idSchema.nullable(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

const taskFields = {
	content_idea_id: idSchema.nullable().optional(),
	cluster_id: idSchema.nullable().optional(),
	title,
	brief: z.string().max( 20_000 ).optional(),
	target_keywords: keywordList.optional(),
	status: taskStatusSchema.optional(),
	assigned_post_id: z.number().int().positive().nullable().optional(),
	post_url: urlSchema.nullable().optional(),
};
export const taskCreateSchema = z.strictObject( {
	sector_id: idSchema,
	...taskFields,
} );
export const taskUpdateSchema = z
	.strictObject( { ...taskFields, title: title.optional() } )
	.refine(
		( body ) => Object.keys( body ).length > 0,
		'send at least one field to change'
	);
export const taskListQuerySchema = scopedListQuerySchema.extend( {
	...createdRange,
	status: taskStatusSchema.optional(),
	cluster_id: z.coerce.number().int().positive().optional(),
} );

export const contentSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	site_id: idSchema,
	sector_id: idSchema,
	task_id: idSchema.nullable(),
	title: z.string(),
	content_html: z.string(),
	content_plain: z.string(),
	excerpt: z.string(),
	meta_description: z.string(),
	entity_type: contentTypeSchema,
	external_id: z.string().nullable(),
	external_type: z.string().nullable(),
	sync_status: syncStatusSchema,
	taxonomies: z.record( z.string(), z.array( z.string() ) ),
	attributes: z.record( z.string(), z.unknown() ),
	word_count: z.number().int(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

/** The SEO fields a writer sets on a draft; the bridge writes them to the post's meta. */
export const SEO_TITLE_MAX = 300;
export const FOCUS_KEYPHRASE_MAX = 191;
/**
 * Free-form, except the SEO keys the publisher reads: `meta_title` (the SEO
 * title) and `focus_keyphrase` are text of bounded length.
 */
export const contentAttributesSchema = z
	// A map, not an object with named fields: attributes are open (site sync
	// brings whatever WordPress holds), only the SEO keys are checked.
	.record( z.string().max( 64 ), z.unknown() )
	.superRefine( ( attributes, ctx ) => {
		for ( const [ key, max ] of [
			[ 'meta_title', SEO_TITLE_MAX ],
			[ 'focus_keyphrase', FOCUS_KEYPHRASE_MAX ],
		] as const ) {
			const value = attributes[ key ];
			if (
				value !== undefined &&
				( typeof value !== 'string' || value.trim().length > max )
			) {
				ctx.addIssue( {
					code: 'custom',
					path: [ key ],
					message: `must be text of at most ${ max } characters`,
				} );
			}
		}
	} )
	.transform( ( attributes ) => {
		const trimmed = { ...attributes };
		for ( const key of [ 'meta_title', 'focus_keyphrase' ] ) {
			if ( typeof trimmed[ key ] === 'string' ) {
				trimmed[ key ] = ( trimmed[ key ] as string ).trim();
			}
		}
		return trimmed;
	} );

const contentFields = {
	task_id: idSchema.nullable().optional(),
	title,
	/** Sanitized on the way in with an allow-list; the plain text and word count are derived from it. */
	content_html: z.string().max( 2_000_000 ).optional(),
	excerpt: z.string().max( 5000 ).optional(),
	meta_description: z.string().max( 320 ).optional(),
	entity_type: contentTypeSchema.optional(),
	external_id: z.string().max( 64 ).nullable().optional(),
	external_type: z.string().max( 32 ).nullable().optional(),
	sync_status: syncStatusSchema.optional(),
	taxonomies: z
		.record(
			z.string().max( 64 ),
			z.array( z.string().trim().min( 1 ).max( 200 ) ).max( 100 )
		)
		.optional(),
	attributes: contentAttributesSchema.optional(),
};
export const contentCreateSchema = z.strictObject( {
	sector_id: idSchema,
	...contentFields,
} );
export const contentUpdateSchema = z
	.strictObject( { ...contentFields, title: title.optional() } )
	.refine(
		( body ) => Object.keys( body ).length > 0,
		'send at least one field to change'
	);
export const contentListQuerySchema = scopedListQuerySchema.extend( {
	...createdRange,
	sync_status: syncStatusSchema.optional(),
	entity_type: contentTypeSchema.optional(),
	task_id: z.coerce.number().int().positive().optional(),
} );

export const imageSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	site_id: idSchema,
	sector_id: idSchema,
	task_id: idSchema.nullable(),
	content_id: idSchema.nullable(),
	image_url: z.string().nullable(),
	prompt: z.string(),
	is_featured: z.boolean(),
	position: z.number().int(),
	alt_text: z.string(),
	caption: z.string(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

const imageFields = {
	task_id: idSchema.nullable().optional(),
	content_id: idSchema.nullable().optional(),
	image_url: urlSchema.optional(),
	prompt: z.string().max( 4000 ).optional(),
	is_featured: z.boolean().optional(),
	position: z.number().int().min( 0 ).max( 1000 ).optional(),
	alt_text: z.string().max( 500 ).optional(),
	caption: z.string().max( 2000 ).optional(),
};
export const imageCreateSchema = z.strictObject( {
	sector_id: idSchema,
	...imageFields,
	image_url: urlSchema,
} );
export const imageUpdateSchema = z
	.strictObject( imageFields )
	.refine(
		( body ) => Object.keys( body ).length > 0,
		'send at least one field to change'
	);
export const imageListQuerySchema = scopedListQuerySchema.extend( {
	task_id: z.coerce.number().int().positive().optional(),
	content_id: z.coerce.number().int().positive().optional(),
	is_featured: z.enum( [ 'true', 'false' ] ).optional(),
} );

export type Task = z.infer< typeof taskSchema >;
export type Content = z.infer< typeof contentSchema >;
export type Image = z.infer< typeof imageSchema >;
