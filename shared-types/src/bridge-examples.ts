import type { BridgeRouteName } from './bridge';

/**
 * Requests the bridge contract accepts and refuses, per route. The cloud's
 * tests run them through the zod schemas; the plugin's tests send them,
 * signed, to the real routes (plugin/tests/php/fixtures/bridge-examples.json,
 * written by `npm run contract`). Both must agree on every one.
 */

type Example = { name: string; input: Record< string, unknown > };
export type BridgeExamples = Partial<
	Record< BridgeRouteName, { valid: Example[]; invalid: Example[] } >
>;

const post = ( contentId: number, extra: Record< string, unknown > = {} ) => ( {
	content_id: contentId,
	title: `Contract post ${ contentId }`,
	content_html: '<p>Hello.</p>',
	...extra,
} );

const image = { url: 'https://cdn.example.test/a.png', alt: 'A' };

const link = ( extra: Record< string, unknown > = {} ) => ( {
	id: 'l-1',
	href: 'https://site.example/tomatoes/',
	anchor: 'tomatoes',
	start: 5,
	end: 13,
	...extra,
} );
const links = (
	items: unknown[] = [ link() ],
	extra: Record< string, unknown > = {}
) => ( { expected_hash: 'a'.repeat( 64 ), links: items, ...extra } );

const structure = ( extra: Record< string, unknown > = {} ) => ( {
	blueprint_id: 9001,
	version: 1,
	dry_run: true,
	pages: [
		{
			key: 'about',
			parent_key: null,
			title: 'About us',
			slug: 'about',
			status: 'publish',
			menu_order: 0,
			content:
				'<!-- wp:heading -->\n<h2 class="wp-block-heading">Who we are</h2>\n<!-- /wp:heading -->',
		},
	],
	categories: [
		{
			key: 'news',
			parent_key: null,
			name: 'News',
			slug: 'news',
			description: '',
		},
	],
	menus: [
		{
			key: 'main',
			name: 'Contract main menu',
			location: null,
			items: [
				{
					key: 'about',
					parent_key: null,
					label: '',
					type: 'page',
					target_key: 'about',
					url: null,
				},
				{
					key: 'docs',
					parent_key: null,
					label: 'Docs',
					type: 'custom',
					target_key: null,
					url: 'https://example.test/docs',
				},
			],
		},
	],
	...extra,
} );
const page = ( extra: Record< string, unknown > ) =>
	structure( {
		pages: [ { ...structure().pages[ 0 ], ...extra } ],
	} );

export const BRIDGE_EXAMPLES: BridgeExamples = {
	'posts.create': {
		valid: [
			{ name: 'the three required fields', input: post( 9101 ) },
			{
				name: 'every field',
				input: post( 9102, {
					revision: 3,
					task_id: 77,
					excerpt: 'Short',
					status: 'future',
					date_gmt: '2030-01-02T03:04:05Z',
					post_type: 'post',
					author: { email: 'editor@example.test', login: null },
					categories: [ 'News' ],
					tags: [ 'seo', 'wordpress' ],
					featured_image: null,
					images: [],
					meta_title: 'Meta title',
					meta_description: 'Meta description',
					expected_hash: null,
					force: false,
				} ),
			},
			{
				name: 'nulls where a field may be null',
				input: post( 9103, {
					task_id: null,
					date_gmt: null,
					author: null,
					meta_title: null,
					meta_description: null,
				} ),
			},
			{
				name: 'a date with an offset and fractions',
				input: post( 9104, {
					status: 'draft',
					date_gmt: '2030-01-02T03:04:05.123+02:00',
				} ),
			},
			{
				name: 'an upper-case expected hash',
				input: post( 9105, { expected_hash: 'A'.repeat( 64 ) } ),
			},
			{
				name: 'a field a newer cloud adds',
				input: post( 9106, { focus_keyword: 'ignored' } ),
			},
		],
		invalid: [
			{
				name: 'no title',
				input: { content_id: 9201, content_html: '<p>x</p>' },
			},
			{ name: 'an empty title', input: post( 9202, { title: '' } ) },
			{
				name: 'a title longer than 1000 characters',
				input: post( 9203, { title: 'x'.repeat( 1001 ) } ),
			},
			{
				name: 'no content_id',
				input: { title: 'No id', content_html: '<p>x</p>' },
			},
			{ name: 'content_id 0', input: post( 0 ) },
			{ name: 'a fractional content_id', input: post( 9.5 ) },
			{ name: 'a number as title', input: post( 9206, { title: 42 } ) },
			{
				name: 'an unknown status',
				input: post( 9207, { status: 'published' } ),
			},
			{
				name: 'a date without a zone',
				input: post( 9208, { date_gmt: '2030-01-02T03:04:05' } ),
			},
			{
				name: 'a date in words',
				input: post( 9209, { date_gmt: 'tomorrow' } ),
			},
			{
				name: 'a post type with capitals',
				input: post( 9210, { post_type: 'Post' } ),
			},
			{
				name: 'a javascript: image address',
				input: post( 9211, {
					featured_image: { url: 'javascript:alert(1)', alt: '' },
				} ),
			},
			{
				name: 'an image with a field the contract does not know',
				input: post( 9212, { images: [ { ...image, width: 10 } ] } ),
			},
			{
				name: 'an image without an address',
				input: post( 9213, { images: [ { alt: 'x' } ] } ),
			},
			{
				name: 'more than 50 images',
				input: post( 9214, {
					images: Array.from( { length: 51 }, () => image ),
				} ),
			},
			{
				name: 'an empty category name',
				input: post( 9215, { categories: [ '' ] } ),
			},
			{
				name: 'an expected hash that is not hex',
				input: post( 9216, { expected_hash: 'z'.repeat( 64 ) } ),
			},
			{
				name: 'an author with a field the contract does not know',
				input: post( 9217, { author: { id: 1 } } ),
			},
			{
				name: 'a meta description longer than 1000 characters',
				input: post( 9218, { meta_description: 'x'.repeat( 1001 ) } ),
			},
			{
				name: 'force as a word',
				input: post( 9219, { force: 'maybe' } ),
			},
		],
	},
	'posts.export': {
		valid: [
			{ name: 'no parameters', input: {} },
			{
				name: 'types, a page size and a cursor',
				input: {
					post_type: 'post,page',
					per_page: '50',
					modified_after: '2026-11-26T12:00:00Z',
					after_id: '3',
				},
			},
		],
		invalid: [
			{ name: 'a page size of 0', input: { per_page: '0' } },
			{ name: 'a page size of 501', input: { per_page: '501' } },
			{ name: 'a page size in words', input: { per_page: 'ten' } },
			{ name: 'a negative cursor id', input: { after_id: '-1' } },
			{
				name: 'post types with spaces',
				input: { post_type: 'post, page' },
			},
			{
				name: 'a cursor time without a zone',
				input: { modified_after: '2026-11-26 12:00:00' },
			},
		],
	},
	'posts.links.apply': {
		valid: [
			{ name: 'one link', input: links() },
			{
				name: 'a hundred links, ids of every allowed kind',
				input: links(
					Array.from( { length: 100 }, ( _, i ) =>
						link( {
							id: `L_${ i }-x`,
							start: i * 20,
							end: i * 20 + 8,
						} )
					)
				),
			},
			{
				name: 'non-ASCII text at byte offsets',
				input: links( [ link( { anchor: 'café 🍅', end: 15 } ) ] ),
			},
			{
				name: 'a field a newer cloud adds',
				input: links( [ link() ], { reason: 'ignored' } ),
			},
		],
		invalid: [
			{ name: 'no expected hash', input: { links: [ link() ] } },
			{
				name: 'an upper-case expected hash',
				input: links( [ link() ], { expected_hash: 'A'.repeat( 64 ) } ),
			},
			{
				name: 'a short expected hash',
				input: links( [ link() ], { expected_hash: 'a'.repeat( 63 ) } ),
			},
			{ name: 'no links', input: { expected_hash: 'a'.repeat( 64 ) } },
			{ name: 'an empty list of links', input: links( [] ) },
			{
				name: 'more than 100 links',
				input: links( Array.from( { length: 101 }, () => link() ) ),
			},
			{
				name: 'a link id with a space',
				input: links( [ link( { id: 'l 1' } ) ] ),
			},
			{
				name: 'a link id longer than 64 characters',
				input: links( [ link( { id: 'x'.repeat( 65 ) } ) ] ),
			},
			{
				name: 'a link without an address',
				input: links( [ link( { href: undefined } ) ] ),
			},
			{
				name: 'an empty anchor',
				input: links( [ link( { anchor: '' } ) ] ),
			},
			{
				name: 'an anchor longer than 500 characters',
				input: links( [ link( { anchor: 'x'.repeat( 501 ) } ) ] ),
			},
			{
				name: 'a negative start',
				input: links( [ link( { start: -1 } ) ] ),
			},
			{ name: 'an end of 0', input: links( [ link( { end: 0 } ) ] ) },
			{
				name: 'a fractional offset',
				input: links( [ link( { start: 5.5 } ) ] ),
			},
		],
	},
	'posts.links.remove': {
		valid: [
			{ name: 'every IGNY8 link', input: {} },
			{ name: 'some links', input: { ids: [ 'l-1', 'L_2' ] } },
		],
		invalid: [
			{ name: 'an empty list of ids', input: { ids: [] } },
			{ name: 'an id with a slash', input: { ids: [ 'l/1' ] } },
			{
				name: 'more than 100 ids',
				input: {
					ids: Array.from( { length: 101 }, ( _, i ) => `l${ i }` ),
				},
			},
		],
	},
	'structure.apply': {
		valid: [
			{ name: 'a page, a category and a menu', input: structure() },
			{
				name: 'an empty structure',
				input: structure( { pages: [], categories: [], menus: [] } ),
			},
			{
				name: 'every option',
				input: structure( {
					removed: 'trash',
					overwrite_keys: [ 'about', 'main' ],
				} ),
			},
			{
				name: 'a field a newer cloud adds',
				input: structure( { reason: 'ignored' } ),
			},
		],
		invalid: [
			{
				name: 'no blueprint id',
				input: structure( { blueprint_id: undefined } ),
			},
			{ name: 'version 0', input: structure( { version: 0 } ) },
			{ name: 'no pages list', input: structure( { pages: undefined } ) },
			{
				name: 'a key with capitals',
				input: page( { key: 'About' } ),
			},
			{
				name: 'a slug with a space',
				input: page( { slug: 'about us' } ),
			},
			{ name: 'an empty title', input: page( { title: '' } ) },
			{
				name: 'a status other than publish or draft',
				input: page( { status: 'private' } ),
			},
			{
				name: 'a field pages do not have',
				input: page( { post_author: 1 } ),
			},
			{
				name: 'removed as delete',
				input: structure( { removed: 'delete' } ),
			},
			{
				name: 'a menu item that is a script',
				input: structure( {
					menus: [
						{
							key: 'main',
							name: 'Main',
							location: null,
							items: [
								{
									key: 'x',
									parent_key: null,
									label: 'X',
									type: 'custom',
									target_key: null,
									url: 'javascript:alert(1)',
								},
							],
						},
					],
				} ),
			},
			{
				name: 'a menu item of an unknown type',
				input: structure( {
					menus: [
						{
							key: 'main',
							name: 'Main',
							location: null,
							items: [
								{
									key: 'x',
									parent_key: null,
									label: 'X',
									type: 'post',
									target_key: 'about',
									url: null,
								},
							],
						},
					],
				} ),
			},
			{
				name: 'more than 200 pages',
				input: structure( {
					pages: Array.from( { length: 201 }, ( _, i ) => ( {
						...structure().pages[ 0 ],
						key: `p${ i }`,
						slug: `p${ i }`,
					} ) ),
				} ),
			},
		],
	},
};
