import { z } from 'zod';
import { idParam, idSchema, listQuerySchema, timestampSchema } from './common';

/**
 * The Linker module: a per-site index of every post the cloud knows (IGNY8
 * content and the posts site sync pulled), internal-link suggestions drawn
 * from it, applying them safely (cloud copy and WordPress post), and the
 * site's link graph as reports.
 *
 * A post is named either by its IGNY8 `content_id` or, for a WordPress post
 * IGNY8 did not write, by `post_id` (the WordPress post id) on a site. A
 * site session implies its site; an account user names it with `site_id`.
 */

const postRef = {
	content_id: idParam.optional(),
	post_id: idParam.optional(),
	site_id: idParam.optional(),
};
const namesOnePost = ( value: { content_id?: number; post_id?: number } ) =>
	( value.content_id === undefined ) !== ( value.post_id === undefined );
const ONE_POST = {
	message:
		'name the post with content_id or with post_id (and site_id), not both',
	path: [ 'content_id' ],
};

/** GET /linker/suggestions/ and GET /linker/inbound/ */
export const linkerPostQuerySchema = z
	.object( {
		...postRef,
		limit: z.coerce.number().int().min( 1 ).max( 50 ).default( 10 ),
	} )
	.refine( namesOnePost, ONE_POST );

/** Where a post sits in the index. */
export const linkerPostSchema = z.object( {
	/** The index's own id for the post. */
	document_id: idSchema,
	content_id: idSchema.nullable(),
	post_id: idSchema.nullable(),
	title: z.string(),
	url: z.string().nullable(),
} );

export const linkSuggestionSchema = z.object( {
	/** Stable for the same source text, target and place. */
	id: z.string(),
	source: linkerPostSchema,
	target: linkerPostSchema,
	/** Text exactly as it occurs in the source. */
	anchor: z.string(),
	/** The sentence (or nearby text) around the anchor, plain text. */
	context: z.string(),
	/** paragraph: 0-based block of the source; start/end: UTF-16 offsets of the anchor in the source HTML. */
	position: z.object( {
		paragraph: z.number().int().min( 0 ),
		start: z.number().int().min( 0 ),
		end: z.number().int().min( 0 ),
	} ),
	score: z.number(),
	status: z.enum( [ 'open', 'applied', 'rejected' ] ),
} );

/** POST /linker/apply/ */
export const linkerApplySchema = z
	.strictObject( {
		content_id: idSchema.optional(),
		post_id: idSchema.optional(),
		site_id: idSchema.optional(),
		suggestion_ids: z
			.array( z.string().min( 1 ).max( 64 ) )
			.min( 1 )
			.max( 100 ),
	} )
	.refine( namesOnePost, ONE_POST );

export const linkerApplyResultSchema = z.object( {
	applied: z.array( z.string() ),
	skipped: z.array(
		z.object( {
			id: z.string(),
			/** Why, in words a person can act on. */
			reason: z.string(),
		} )
	),
	/** Whether the WordPress post was updated too (published posts only). */
	wordpress: z.enum( [ 'updated', 'unchanged', 'not_published' ] ),
} );

/** POST /linker/reject/ */
export const linkerRejectSchema = z.strictObject( {
	suggestion_ids: z
		.array( z.string().min( 1 ).max( 64 ) )
		.min( 1 )
		.max( 100 ),
} );

/** POST /linker/remove/: removes the links IGNY8 added (all when link_ids is absent). */
export const linkerRemoveSchema = z
	.strictObject( {
		content_id: idSchema.optional(),
		post_id: idSchema.optional(),
		site_id: idSchema.optional(),
		link_ids: z
			.array( z.string().min( 1 ).max( 64 ) )
			.min( 1 )
			.max( 100 )
			.optional(),
	} )
	.refine( namesOnePost, ONE_POST );

export const linkerRemoveResultSchema = z.object( {
	removed: z.array( z.string() ),
	wordpress: z.enum( [ 'updated', 'unchanged', 'not_published' ] ),
} );

/** One internal link as the report shows it. */
export const linkerLinkSchema = z.object( {
	source: linkerPostSchema,
	href: z.string(),
	anchor: z.string(),
	/** Set when IGNY8 added the link. */
	igny8_link_id: z.string().nullable(),
	/** ok, missing (no such post), unpublished (draft, trash…) or redirect (an address the post had before). */
	state: z.enum( [ 'ok', 'missing', 'unpublished', 'redirect' ] ),
	target: linkerPostSchema.nullable(),
} );

/** GET /linker/report/?site_id= */
export const linkerReportQuerySchema = z.object( {
	site_id: idParam.optional(),
} );

export const linkerReportSchema = z.object( {
	site_id: idSchema,
	totals: z.object( {
		posts: z.number().int(),
		internal_links: z.number().int(),
		orphans: z.number().int(),
		broken: z.number().int(),
		redirects: z.number().int(),
		open_suggestions: z.number().int(),
	} ),
	orphans: z.array( linkerPostSchema ),
	broken: z.array( linkerLinkSchema ),
	redirects: z.array( linkerLinkSchema ),
	indexed_at: timestampSchema.nullable(),
} );

/** GET /linker/posts/: the index's posts with their counts (a list). */
export const linkerPostsQuerySchema = listQuerySchema.extend( {
	site_id: idParam.optional(),
	/** orphans: no inbound links; underlinked: fewer inbound than the site's median. */
	filter: z.enum( [ 'all', 'orphans', 'with_suggestions' ] ).default( 'all' ),
} );

export const linkerPostRowSchema = linkerPostSchema.extend( {
	site_id: idSchema,
	status: z.string(),
	post_type: z.string(),
	inbound: z.number().int(),
	outbound: z.number().int(),
	open_suggestions: z.number().int(),
} );

/** GET /linker/graph/: across every site of the account. */
export const linkerGraphSchema = z.object( {
	sites: z.array(
		z.object( {
			site_id: idSchema,
			posts: z.number().int(),
			internal_links: z.number().int(),
		} )
	),
	/** Links from one of the account's sites to another. */
	cross_site: z.array(
		z.object( {
			from_site_id: idSchema,
			to_site_id: idSchema,
			links: z.number().int(),
		} )
	),
	/** Posts competing for the same main keyword or cluster. */
	cannibalization: z.array(
		z.object( {
			keyword: z.string(),
			cluster_id: idSchema.nullable(),
			posts: z.array( linkerPostSchema.extend( { site_id: idSchema } ) ),
		} )
	),
} );

/** POST /linker/rebuild/ */
export const linkerRebuildSchema = z.strictObject( {
	site_id: idSchema.optional(),
} );
export const linkerRebuildPathSchema = z.object( { id: idParam } );

export const linkerRebuildStatusSchema = z.object( {
	id: idSchema,
	site_id: idSchema,
	status: z.enum( [ 'queued', 'running', 'finished', 'failed' ] ),
	total: z.number().int(),
	done: z.number().int(),
	error: z.string().nullable(),
	created_at: timestampSchema,
	finished_at: timestampSchema.nullable(),
} );

/** GET/PUT /linker/settings/?site_id= */
export const linkerSettingsSchema = z.strictObject( {
	max_links_per_post: z.number().int().min( 0 ).max( 50 ),
	max_links_per_paragraph: z.number().int().min( 0 ).max( 10 ),
} );
export const linkerSettingsQuerySchema = z.object( {
	site_id: idParam.optional(),
} );

export type LinkerPost = z.infer< typeof linkerPostSchema >;
export type LinkSuggestion = z.infer< typeof linkSuggestionSchema >;
export type LinkerApplyResult = z.infer< typeof linkerApplyResultSchema >;
export type LinkerRemoveResult = z.infer< typeof linkerRemoveResultSchema >;
export type LinkerLink = z.infer< typeof linkerLinkSchema >;
export type LinkerReport = z.infer< typeof linkerReportSchema >;
export type LinkerPostRow = z.infer< typeof linkerPostRowSchema >;
export type LinkerGraph = z.infer< typeof linkerGraphSchema >;
export type LinkerRebuildStatus = z.infer< typeof linkerRebuildStatusSchema >;
export type LinkerSettings = z.infer< typeof linkerSettingsSchema >;
