import { z } from 'zod';

/**
 * The "Cloud → WordPress" half of the bridge (docs/bridge-protocol.md): what
 * the cloud sends to the plugin's `igny8/v1` routes and what the plugin
 * answers. This is the one source: the cloud's client is typed and checked
 * from it, and `npm run contract` turns it into the JSON Schema the plugin
 * registers as its REST `args` (plugin/src/Contract/bridge-contract.json).
 *
 * Only JSON Schema that WordPress's `rest_validate_value_from_schema()`
 * enforces may be used here, so both sides refuse the same requests: types,
 * enums, lengths, patterns, min/max, item counts, required and closed nested
 * objects. Top-level objects stay open: a newer cloud may send a field an
 * older plugin ignores.
 */

const wpId = z.number().int().min( 1 );
/** `2026-11-26T12:00:00Z`: RFC 3339 with a zone, as both sides write it. */
const gmtDateTime = z.iso.datetime( { offset: true } );
const httpUrl = z
	.string()
	.max( 2000 )
	.regex( /^https?:\/\/[^\s]+$/, 'must be an http(s) address' );
const termNames = z.array( z.string().min( 1 ).max( 200 ) );
const contentHash = z
	.string()
	.regex( /^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256' );

export const BRIDGE_POST_STATUSES = [
	'draft',
	'pending',
	'publish',
	'future',
] as const;

export const bridgeImageSchema = z.strictObject( {
	url: httpUrl,
	alt: z.string().optional(),
} );

/** The body of `POST igny8/v1/posts` and `PUT igny8/v1/posts/{id}`. */
export const bridgePostWriteSchema = z.object( {
	content_id: wpId,
	revision: z.number().int().min( 0 ).optional(),
	task_id: wpId.nullable().optional(),
	title: z.string().min( 1 ).max( 1000 ),
	content_html: z.string(),
	excerpt: z.string().optional(),
	status: z.enum( BRIDGE_POST_STATUSES ).optional(),
	date_gmt: gmtDateTime.nullable().optional(),
	/** A new post's type (default `post`); `product` writes a WooCommerce product: `categories`/`tags` become its `product_cat`/`product_tag`, `excerpt` its short description. */
	post_type: z
		.string()
		.regex( /^[a-z0-9_-]{1,20}$/, 'must be a post type name' )
		.optional(),
	author: z
		.strictObject( {
			email: z.string().nullable().optional(),
			login: z.string().nullable().optional(),
		} )
		.nullable()
		.optional(),
	categories: termNames.optional(),
	tags: termNames.optional(),
	featured_image: bridgeImageSchema.nullable().optional(),
	images: z.array( bridgeImageSchema ).max( 50 ).optional(),
	meta_title: z.string().max( 300 ).nullable().optional(),
	meta_description: z.string().max( 1000 ).nullable().optional(),
	focus_keyphrase: z.string().max( 191 ).nullable().optional(),
	expected_hash: z
		.string()
		.regex( /^[0-9a-fA-F]{64}$/, 'must be a hex SHA-256' )
		.nullable()
		.optional(),
	force: z.boolean().default( false ),
} );
export type BridgePostWrite = z.input< typeof bridgePostWriteSchema >;

/** The query of `GET igny8/v1/posts` (values arrive as strings). */
export const bridgeExportQuerySchema = z.object( {
	post_type: z
		.string()
		.regex(
			/^[a-z0-9_-]+(,[a-z0-9_-]+)*$/,
			'must be post type names separated by commas'
		)
		.optional(),
	modified_after: gmtDateTime.optional(),
	after_id: z.coerce.number().int().min( 0 ).default( 0 ),
	per_page: z.coerce.number().int().min( 1 ).max( 500 ).default( 100 ),
} );
export type BridgeExportQuery = z.input< typeof bridgeExportQuerySchema >;

/** What a push answers (201 created, 200 updated or unchanged, 409 with the post as it is now). */
export const bridgePostResultSchema = z.object( {
	post_id: wpId,
	url: z.string(),
	status: z.string().max( 20 ),
	content_hash: contentHash,
	modified_gmt: gmtDateTime.nullable(),
	featured_media_id: wpId.nullable(),
} );
export type BridgePostResult = z.infer< typeof bridgePostResultSchema >;

/**
 * A WooCommerce product's shop facts, from WooCommerce's documented meta keys
 * (`_price`, `_regular_price`, `_sale_price`, `_sku`, `_stock_status`), as
 * stored (prices are decimal strings); null where the product has none.
 */
export const bridgeProductFieldsSchema = z.object( {
	price: z.string().max( 64 ).nullable(),
	regular_price: z.string().max( 64 ).nullable(),
	sale_price: z.string().max( 64 ).nullable(),
	sku: z.string().max( 200 ).nullable(),
	stock_status: z.string().max( 64 ).nullable(),
} );
export type BridgeProductFields = z.infer< typeof bridgeProductFieldsSchema >;

/**
 * A post as the export, `post-by-content-id` and `post-by-task-id` describe
 * it. A product's `categories` and `tags` are its `product_cat` and
 * `product_tag` terms, its `excerpt` the short description, and `product`
 * its shop facts (absent on other posts and from older plugins).
 */
export const bridgePostItemSchema = z.object( {
	wp_post_id: wpId,
	post_type: z.string().max( 64 ),
	status: z.string().max( 20 ),
	title: z.string(),
	url: z.string(),
	modified_gmt: gmtDateTime.nullable(),
	content_hash: contentHash,
	igny8_task_id: wpId.nullable(),
	igny8_content_id: wpId.nullable(),
	content_html: z.string(),
	excerpt: z.string(),
	date_gmt: gmtDateTime.nullable(),
	author_email: z.string().nullable(),
	categories: z.array( z.string() ),
	tags: z.array( z.string() ),
	product: bridgeProductFieldsSchema.optional(),
} );
export type BridgePostItem = z.infer< typeof bridgePostItemSchema >;

/**
 * `POST /posts/{id}/links`: wrap text of the post at the given places in
 * internal links the Linker chose. `start`/`end` are UTF-8 byte offsets into
 * `post_content` as the cloud last saw it; `expected_hash` is that copy's
 * `content_hash`. A post edited since answers 409 with its current item and
 * changes nothing; a link id already in the post is left as it is.
 */
const linkId = z.string().regex( /^[A-Za-z0-9_-]{1,64}$/, 'must be a link id' );
export const bridgeLinksApplySchema = z.object( {
	expected_hash: contentHash,
	links: z
		.array(
			z.object( {
				id: linkId,
				href: z.string().min( 1 ).max( 2000 ),
				anchor: z.string().min( 1 ).max( 500 ),
				start: z.number().int().min( 0 ),
				end: z.number().int().min( 1 ),
			} )
		)
		.min( 1 )
		.max( 100 ),
} );
export type BridgeLinksApply = z.infer< typeof bridgeLinksApplySchema >;

/** `POST /posts/{id}/links/remove`: unwrap the links IGNY8 added (all of them when `ids` is absent). */
export const bridgeLinksRemoveSchema = z.object( {
	ids: z.array( linkId ).min( 1 ).max( 100 ).optional(),
} );
export type BridgeLinksRemove = z.infer< typeof bridgeLinksRemoveSchema >;

/**
 * `POST /site-structure`: a Site Builder blueprint as WordPress should hold
 * it (docs/bridge-protocol.md → "POST site-structure"). Every page,
 * category, menu and menu item carries the blueprint's own key for it; the
 * plugin finds what an earlier apply made by that key (post and term meta),
 * so applying again updates in place and never makes a second copy. With
 * `dry_run` the plugin answers what it would do and changes nothing.
 */
export const blueprintKeySchema = z
	.string()
	.regex(
		/^[a-z0-9][a-z0-9_-]{0,63}$/,
		'must be 1–64 lowercase letters, digits, "-" or "_"'
	);
const structureSlug = z
	.string()
	.max( 100 )
	.regex(
		/^[a-z0-9]+(?:-[a-z0-9]+)*$/,
		'must be lowercase letters, digits and single hyphens'
	);
export const BLUEPRINT_REMOVED_MODES = [ 'keep', 'draft', 'trash' ] as const;
export const BLUEPRINT_MENU_ITEM_TYPES = [
	'page',
	'category',
	'custom',
] as const;
export const BLUEPRINT_PAGE_STATUSES = [ 'publish', 'draft' ] as const;
export const BLUEPRINT_LIMITS = {
	pages: 200,
	categories: 100,
	menus: 10,
	menuItems: 100,
} as const;

export const bridgeStructureApplySchema = z.object( {
	blueprint_id: wpId,
	version: z.number().int().min( 1 ),
	dry_run: z.boolean().default( false ),
	/** Pages an earlier apply made that the blueprint no longer has: only reported (`keep`), or moved to draft or trash. Never deleted. */
	removed: z.enum( BLUEPRINT_REMOVED_MODES ).default( 'keep' ),
	/** Keys of pages and menus edited in WordPress since the last apply that may be overwritten all the same. */
	overwrite_keys: z.array( blueprintKeySchema ).max( 500 ).default( [] ),
	/** Parents before their children. */
	pages: z
		.array(
			z.strictObject( {
				key: blueprintKeySchema,
				parent_key: blueprintKeySchema.nullable(),
				title: z.string().min( 1 ).max( 200 ),
				slug: structureSlug,
				status: z.enum( BLUEPRINT_PAGE_STATUSES ),
				menu_order: z.number().int().min( 0 ).max( 10000 ),
				/** Block markup (core/heading and core/paragraph blocks from the page's outline). */
				content: z.string().max( 200000 ),
			} )
		)
		.max( BLUEPRINT_LIMITS.pages ),
	/** Parents before their children. */
	categories: z
		.array(
			z.strictObject( {
				key: blueprintKeySchema,
				parent_key: blueprintKeySchema.nullable(),
				name: z.string().min( 1 ).max( 200 ),
				slug: structureSlug,
				description: z.string().max( 2000 ),
			} )
		)
		.max( BLUEPRINT_LIMITS.categories ),
	menus: z
		.array(
			z.strictObject( {
				key: blueprintKeySchema,
				name: z.string().min( 1 ).max( 200 ),
				/** A theme menu location (`primary`, `footer` …), or null for none. */
				location: z
					.string()
					.regex(
						/^[a-z0-9_-]{1,64}$/,
						'must be a menu location name'
					)
					.nullable(),
				/** In order; a child after its parent. */
				items: z
					.array(
						z.strictObject( {
							key: blueprintKeySchema,
							parent_key: blueprintKeySchema.nullable(),
							/** Empty: the page's or category's own name. */
							label: z.string().max( 200 ),
							type: z.enum( BLUEPRINT_MENU_ITEM_TYPES ),
							/** The page's or category's key (`page`, `category`). */
							target_key: blueprintKeySchema.nullable(),
							/** `custom` only. */
							url: httpUrl.nullable(),
						} )
					)
					.max( BLUEPRINT_LIMITS.menuItems ),
			} )
		)
		.max( BLUEPRINT_LIMITS.menus ),
} );
export type BridgeStructureApply = z.input< typeof bridgeStructureApplySchema >;

/**
 * What the plugin did (or, on a dry run, would do) with each item:
 * - `create`, `update`, `unchanged`;
 * - `edited`: edited in WordPress since the last apply, so left as it is
 *   (unless its key is in `overwrite_keys`, which makes it an `update`);
 * - `offered`: a page an earlier apply made that the blueprint no longer
 *   has, left as it is (`removed: keep`); `draft` / `trash`: moved there;
 * - `link`: a category that already existed with that slug, now tracked
 *   and left as it is;
 * - `conflict`: a menu whose name another menu already has, left alone.
 */
export const BLUEPRINT_APPLY_ACTIONS = [
	'create',
	'update',
	'unchanged',
	'edited',
	'offered',
	'draft',
	'trash',
	'link',
	'conflict',
] as const;
const applyAction = z.enum( BLUEPRINT_APPLY_ACTIONS );

export const bridgeStructureReportSchema = z.object( {
	dry_run: z.boolean(),
	blueprint_id: wpId,
	version: z.number().int().min( 1 ),
	pages: z.array(
		z.object( {
			key: blueprintKeySchema,
			action: applyAction,
			/** Null for a page not created yet (a dry run's `create`). */
			post_id: wpId.nullable(),
			title: z.string(),
			slug: z.string(),
			status: z.string().max( 20 ),
			url: z.string(),
		} )
	),
	categories: z.array(
		z.object( {
			key: blueprintKeySchema,
			action: applyAction,
			term_id: wpId.nullable(),
			name: z.string(),
			slug: z.string(),
		} )
	),
	menus: z.array(
		z.object( {
			key: blueprintKeySchema,
			action: applyAction,
			menu_id: wpId.nullable(),
			name: z.string(),
			location: z.string().nullable(),
			items: z.number().int().min( 0 ),
		} )
	),
	/** What the site could not do as asked, in words (a menu location the theme lacks, a slug WordPress changed). */
	warnings: z.array( z.string() ),
} );
export type BridgeStructureReport = z.infer<
	typeof bridgeStructureReportSchema
>;

const shortName = z.string().regex( /^[a-z0-9_-]{1,64}$/ );

export const bridgeExportPageSchema = z.object( {
	items: z.array( bridgePostItemSchema ).max( 500 ),
	next_cursor: z
		.object( { modified_after: gmtDateTime, after_id: wpId } )
		.nullable(),
	/** What the export covered: the synced post types asked for, the statuses shared (absent from plugins that predate it). */
	scope: z
		.object( {
			post_types: z.array( shortName ).max( 100 ),
			statuses: z.array( shortName ).max( 100 ),
		} )
		.optional(),
} );
export type BridgeExportPage = z.infer< typeof bridgeExportPageSchema >;

/** A count the plugin reports (outbox rows): whole, never negative, bounded. */
const reportedCount = z.number().int().min( 0 ).max( 1_000_000_000 );

/**
 * The plugin's outbox as `Outbox::stats()` counts it: events waiting to be
 * sent (`pending`; `failing` of them have failed at least once) and the dead
 * letters — given up after every retry (`dead`) or refused by the cloud
 * (`rejected`) — which wait for someone to press "Retry".
 */
export const bridgeOutboxStatsSchema = z.strictObject( {
	pending: reportedCount,
	failing: reportedCount,
	dead: reportedCount,
	rejected: reportedCount,
} );
export type BridgeOutboxStats = z.infer< typeof bridgeOutboxStatsSchema >;

/** A version as WordPress, PHP and the plugin print it (`6.6-RC3`, `8.3.6-1+ubuntu22.04.1`). */
const versionText = z
	.string()
	.min( 1 )
	.max( 64 )
	.regex( /^[0-9A-Za-z._+~-]+$/, 'must be a version such as 6.6.2' );

/**
 * "WordPress → cloud": the site's health, carried by every events batch the
 * plugin's drainer sends (`POST /api/v1/integration/events/`, member
 * `health`) and, when nothing was reported for an hour, by a heartbeat batch
 * with no events. `outbox.pending` and `outbox.failing` leave out the
 * batch's own events (they are being delivered). Plugins that predate it
 * send none. Closed, like every body the cloud takes: a field it does not
 * know refuses the batch. The cloud keeps the last one reported (with when).
 */
export const bridgeHealthSchema = z.strictObject( {
	outbox: bridgeOutboxStatsSchema,
	wordpress_version: versionText,
	plugin_version: versionText,
	php_version: versionText,
} );
export type BridgeHealth = z.infer< typeof bridgeHealthSchema >;

/** `GET igny8/v1/site-metadata`: the fields every plugin sends; later versions add more. */
export const bridgeSiteMetadataSchema = z.looseObject( {
	site_name: z.string(),
	site_url: z.string(),
	rest_url: z.string(),
	wordpress_version: z.string(),
	plugin_version: z.string(),
	synced_post_types: z.array( z.string() ),
	post_types: z.array(
		z.looseObject( {
			name: z.string(),
			label: z.string(),
			counts: z.record( z.string(), z.number().int() ),
		} )
	),
	taxonomies: z.array(
		z.looseObject( {
			name: z.string(),
			label: z.string(),
			count: z.number().int(),
		} )
	),
	/** The outbox's counts when the metadata was collected (absent from plugins that predate it). */
	outbox: bridgeOutboxStatsSchema.optional(),
} );

/**
 * Each route the cloud calls: its request (body or query) and the `data` of
 * its `{success: true, data}` answer. The names key the generated contract.
 */
export const BRIDGE_ROUTES = {
	'site-metadata': {
		method: 'GET',
		path: '/site-metadata',
		request: null,
		response: bridgeSiteMetadataSchema,
	},
	'posts.export': {
		method: 'GET',
		path: '/posts',
		request: bridgeExportQuerySchema,
		response: bridgeExportPageSchema,
	},
	'posts.create': {
		method: 'POST',
		path: '/posts',
		request: bridgePostWriteSchema,
		response: bridgePostResultSchema,
	},
	'posts.update': {
		method: 'PUT',
		path: '/posts/{id}',
		request: bridgePostWriteSchema,
		response: bridgePostResultSchema,
	},
	'posts.links.apply': {
		method: 'POST',
		path: '/posts/{id}/links',
		request: bridgeLinksApplySchema,
		response: bridgePostItemSchema,
	},
	'posts.links.remove': {
		method: 'POST',
		path: '/posts/{id}/links/remove',
		request: bridgeLinksRemoveSchema,
		response: bridgePostItemSchema,
	},
	'post-by-content-id': {
		method: 'GET',
		path: '/post-by-content-id/{content_id}',
		request: null,
		response: bridgePostItemSchema,
	},
	'post-by-task-id': {
		method: 'GET',
		path: '/post-by-task-id/{task_id}',
		request: null,
		response: bridgePostItemSchema,
	},
	'structure.apply': {
		method: 'POST',
		path: '/site-structure',
		request: bridgeStructureApplySchema,
		response: bridgeStructureReportSchema,
	},
} as const;
export type BridgeRouteName = keyof typeof BRIDGE_ROUTES;
