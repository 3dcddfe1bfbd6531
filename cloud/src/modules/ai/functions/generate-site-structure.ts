import {
	BLUEPRINT_PAGE_TYPES,
	blueprintProblems,
	type BlueprintStructure,
} from '@igny8/shared-types';
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { ValidationError } from '../../../http/errors';
import { narrowedSiteId } from '../../auth';
import {
	normalizeStructure,
	repairStructure,
	slugify,
} from '../../site-builder';
import { definePrompt } from '../prompts';
import { defineAnswer } from '../structured/answer';
import type { AiFunctionDefinition } from '../types';

/**
 * generate_site_structure: a Site Builder blueprint from what the account
 * knows of the site — its industry, its sectors, its topic clusters and
 * their biggest keywords. One structured request; the answer (pages with a
 * hierarchy, types, outlines, target keywords and the cluster each serves;
 * categories; menus) is made sound (keys, unique slugs, parents that exist,
 * menu items that point at something) and saved as a new blueprint or the
 * next version of the one named. Priced per structure (an item: one
 * structure), so the estimate is the charge.
 */

const inputSchema = z.object( {
	site_id: z.number().int().positive(),
	blueprint_id: z.number().int().positive().optional(),
	name: z.string().trim().min( 1 ).max( 200 ).optional(),
	cluster_ids: z.array( z.number().int().positive() ).max( 50 ).optional(),
	max_pages: z.number().int().min( 3 ).max( 60 ).default( 20 ),
	instructions: z.string().trim().max( 2000 ).optional(),
} );
export type GenerateSiteStructureInput = z.infer< typeof inputSchema >;

const slugText = z.string().trim().max( 100 ).default( '' );
const nullableText = z.string().trim().max( 255 ).nullable().default( null );

/** What the model must answer. */
export const siteStructureAnswerSchema = z.object( {
	name: z.string().trim().min( 1 ).max( 200 ),
	pages: z
		.array(
			z.object( {
				title: z.string().trim().min( 1 ).max( 200 ),
				slug: slugText,
				page_type: z.enum( BLUEPRINT_PAGE_TYPES ).default( 'custom' ),
				parent_slug: nullableText,
				sections: z
					.array(
						z.object( {
							heading: z.string().trim().min( 1 ).max( 200 ),
							summary: z
								.string()
								.trim()
								.max( 2000 )
								.default( '' ),
						} )
					)
					.max( 12 )
					.default( [] ),
				target_keywords: z
					.array( z.string().trim().min( 1 ).max( 255 ) )
					.max( 20 )
					.default( [] ),
				cluster: nullableText,
			} )
		)
		.min( 1, 'give at least one page' ),
	categories: z
		.array(
			z.object( {
				name: z.string().trim().min( 1 ).max( 200 ),
				slug: slugText,
				parent_slug: nullableText,
			} )
		)
		.max( 50 )
		.default( [] ),
	menus: z
		.array(
			z.object( {
				name: z.string().trim().min( 1 ).max( 200 ),
				location: nullableText,
				items: z
					.array(
						z.object( {
							label: z.string().trim().max( 200 ).default( '' ),
							page_slug: nullableText,
							category_slug: nullableText,
							url: z
								.string()
								.trim()
								.max( 2000 )
								.nullable()
								.default( null ),
						} )
					)
					.max( 60 )
					.default( [] ),
			} )
		)
		.max( 5 )
		.default( [] ),
} );
type Answer = z.infer< typeof siteStructureAnswerSchema >;

export const siteStructureAnswer = defineAnswer( {
	name: 'site_structure',
	schema: siteStructureAnswerSchema,
	missing: 'had no usable site structure',
} );

type ClusterBrief = {
	id: number;
	name: string;
	description: string;
	keywords: string[];
};

type Brief = {
	site: {
		name: string;
		industry: string | null;
		industry_description: string;
	};
	sectors: string[];
	clusters: ClusterBrief[];
};

/** Clusters in the prompt when none are named: the biggest by search volume. */
const DEFAULT_CLUSTERS = 20;
const KEYWORDS_PER_CLUSTER = 8;

export const siteStructurePromptDefinition = definePrompt( {
	key: 'generate_site_structure',
	function: 'generate_site_structure',
	description:
		"A website's page structure, categories and menu from its industry, sectors and topic clusters",
	variables: {
		site_name: "The site's name",
		industry: 'The industry, with its description, or "(not set)"',
		sectors: 'The site\'s sectors, comma-separated, or "(none)"',
		clusters:
			'The topic clusters, one per line with their biggest keywords, or "(none yet)"',
		max_pages: 'The most pages to propose',
		instructions: 'What the editor asked for, or "(none)"',
	},
	template: {
		system: 'You are an information architect and SEO strategist. You design the page structure of business websites: clear hierarchies, one page per service or topic worth ranking for, and menus people can use.',
		user: [
			'Design the structure of the website "{{site_name}}".',
			'Industry: {{industry}}',
			'Sectors: {{sectors}}',
			'Topic clusters (name: biggest keywords):',
			'{{clusters}}',
			'Editor’s instructions: {{instructions}}',
			'',
			'Propose at most {{max_pages}} pages: a home page, about and contact pages, a services overview with one page per main service or topic cluster under it, and landing pages where a cluster deserves one.',
			'For each page give its title, slug, page_type (home, about, services, service, contact, landing, blog or custom), parent_slug (the slug of a page listed before it, or null), an outline of 3 to 6 sections (heading and a one-sentence summary), the target_keywords it should rank for, and the cluster it serves (the cluster name exactly as above, or null).',
			'Also propose blog categories (name, slug, parent_slug) and one main menu (name, location "primary", items each with a label and a page_slug, a category_slug or a url).',
			'Give the structure a short name.',
		].join( '\n' ),
	},
} );

export function siteStructurePromptValues(
	brief: Brief,
	input: GenerateSiteStructureInput
): Record< string, string | number > {
	const industry = brief.site.industry
		? `${ brief.site.industry }${ brief.site.industry_description ? ` — ${ brief.site.industry_description }` : '' }`
		: '(not set)';
	return {
		site_name: brief.site.name,
		industry,
		sectors: brief.sectors.length ? brief.sectors.join( ', ' ) : '(none)',
		clusters: brief.clusters.length
			? brief.clusters
					.map(
						( cluster ) =>
							`- ${ cluster.name }: ${ cluster.keywords.join( ', ' ) || '(no keywords)' }`
					)
					.join( '\n' )
			: '(none yet)',
		max_pages: input.max_pages,
		instructions: input.instructions || '(none)',
	};
}

/**
 * The model's answer as a sound blueprint structure: slugs from titles when
 * missing, parents and menu targets by slug, the cluster by its name among
 * those in the prompt, at most `maxPages` pages.
 */
export function structureFromAnswer(
	answer: Answer,
	clusters: readonly ClusterBrief[],
	maxPages: number
): BlueprintStructure {
	const clusterIds = new Map(
		clusters.map( ( c ) => [ c.name.trim().toLowerCase(), c.id ] )
	);
	const slugOf = ( slug: string, title: string, fallback: string ) =>
		slugify( slug ) || slugify( title ) || fallback;
	const pages = answer.pages.slice( 0, maxPages ).map( ( page ) => ( {
		...page,
		slug: slugOf( page.slug, page.title, 'page' ),
	} ) );
	const categories = answer.categories
		.slice( 0, 100 )
		.map( ( category ) => ( {
			...category,
			slug: slugOf( category.slug, category.name, 'category' ),
		} ) );
	// Keys are made from slugs by normalizeStructure; a parent is named by its slug.
	const normalized = normalizeStructure( {
		pages: pages.map( ( page ) => ( {
			title: page.title,
			slug: page.slug,
			parent_key: null,
			page_type: page.page_type,
			status: 'publish' as const,
			sections: page.sections.slice( 0, 30 ),
			target_keywords: page.target_keywords,
			cluster_id: page.cluster
				? ( clusterIds.get( page.cluster.trim().toLowerCase() ) ??
					null )
				: null,
		} ) ),
		categories: categories.map( ( category ) => ( {
			name: category.name,
			slug: category.slug,
			parent_key: null,
			description: '',
		} ) ),
		menus: [],
	} );
	const keyBySlug = ( list: { slug: string; key: string }[] ) => {
		const map = new Map< string, string >();
		for ( const item of list ) {
			if ( ! map.has( item.slug ) ) {
				map.set( item.slug, item.key );
			}
		}
		return map;
	};
	const pageKeys = keyBySlug( normalized.pages );
	const categoryKeys = keyBySlug( normalized.categories );
	const parentOf = (
		slug: string | null,
		keys: Map< string, string >
	): string | null =>
		slug ? ( keys.get( slugify( slug ) ) ?? null ) : null;
	const menus = normalizeStructure( {
		pages: [],
		categories: [],
		menus: answer.menus.slice( 0, 10 ).map( ( menu ) => ( {
			name: menu.name,
			location:
				menu.location && /^[a-z0-9_-]{1,64}$/.test( menu.location )
					? menu.location
					: null,
			items: menu.items.slice( 0, 100 ).map( ( item ) => {
				const page = parentOf( item.page_slug, pageKeys );
				const category = parentOf( item.category_slug, categoryKeys );
				const url =
					item.url && /^https?:\/\/[^\s]+$/i.test( item.url )
						? item.url
						: null;
				return page
					? {
							label: item.label,
							type: 'page' as const,
							target_key: page,
							url: null,
							parent_key: null,
						}
					: category
						? {
								label: item.label,
								type: 'category' as const,
								target_key: category,
								url: null,
								parent_key: null,
							}
						: {
								label: item.label,
								type: 'custom' as const,
								target_key: null,
								url,
								parent_key: null,
							};
			} ),
		} ) ),
	} ).menus;
	const structure = repairStructure( {
		pages: normalized.pages.map( ( page, index ) => ( {
			...page,
			parent_key: parentOf( pages[ index ]!.parent_slug, pageKeys ),
		} ) ),
		categories: normalized.categories.map( ( category, index ) => ( {
			...category,
			parent_key: parentOf(
				categories[ index ]!.parent_slug,
				categoryKeys
			),
		} ) ),
		menus,
	} );
	const problems = blueprintProblems( structure );
	if ( Object.keys( problems ).length > 0 ) {
		// repairStructure leaves none; this is the backstop before anything is saved.
		throw new Error(
			`The generated structure is not sound: ${ JSON.stringify( problems ) }`
		);
	}
	return structure;
}

type Result = { name: string; structure: BlueprintStructure };

export const generateSiteStructure: AiFunctionDefinition<
	GenerateSiteStructureInput,
	Brief,
	Result
> = {
	name: 'generate_site_structure',
	input: inputSchema,

	async validate( input, principal, { db } ) {
		const siteId = narrowedSiteId( principal, input.site_id )!;
		const [ site ] = await db.sequelize.query< { id: number } >(
			'SELECT id FROM sites WHERE id = $1 AND account_id = $2',
			{
				bind: [ siteId, principal.account.id ],
				type: QueryTypes.SELECT,
			}
		);
		if ( ! site ) {
			throw new ValidationError( 'Invalid body.', {
				site_id: [ `site ${ siteId } does not exist` ],
			} );
		}
		if ( input.blueprint_id !== undefined ) {
			const [ blueprint ] = await db.sequelize.query< { id: number } >(
				'SELECT id FROM site_blueprints WHERE id = $1 AND account_id = $2 AND site_id = $3',
				{
					bind: [ input.blueprint_id, principal.account.id, siteId ],
					type: QueryTypes.SELECT,
				}
			);
			if ( ! blueprint ) {
				throw new ValidationError( 'Invalid body.', {
					blueprint_id: [
						`blueprint ${ input.blueprint_id } does not exist on site ${ siteId }`,
					],
				} );
			}
		}
		if ( input.cluster_ids?.length ) {
			const ids = [ ...new Set( input.cluster_ids ) ];
			const found = await db.sequelize.query< { id: number } >(
				'SELECT id::int AS id FROM clusters WHERE site_id = $1 AND account_id = $2 AND id = ANY($3::bigint[])',
				{
					bind: [ siteId, principal.account.id, ids ],
					type: QueryTypes.SELECT,
				}
			);
			const known = new Set( found.map( ( row ) => row.id ) );
			const missing = ids.filter( ( id ) => ! known.has( id ) );
			if ( missing.length ) {
				throw new ValidationError( 'Invalid body.', {
					cluster_ids: missing.map(
						( id ) => `cluster ${ id } does not exist on this site`
					),
				} );
			}
		}
		return { site_id: siteId, sector_id: null };
	},

	// One structure, one request.
	estimate: () => ( { items: 1, requests: 1 } ),

	async prepare( input, run, { db } ) {
		const siteId = Number( run.site_id );
		const [ site ] = await db.sequelize.query< Brief[ 'site' ] >(
			`SELECT s.name, i.name AS industry, COALESCE(i.description, '') AS industry_description
			 FROM sites s LEFT JOIN industries i ON i.id = s.industry_id WHERE s.id = $1`,
			{ bind: [ siteId ], type: QueryTypes.SELECT }
		);
		if ( ! site ) {
			throw new Error( 'The site does not exist any more.' );
		}
		const sectors = await db.sequelize.query< { name: string } >(
			`SELECT name FROM sectors WHERE site_id = $1 AND status = 'active' ORDER BY name`,
			{ bind: [ siteId ], type: QueryTypes.SELECT }
		);
		const named = input.cluster_ids?.length ? input.cluster_ids : null;
		const clusters = await db.sequelize.query< {
			id: number;
			name: string;
			description: string | null;
			keywords: string[] | null;
		} >(
			`SELECT c.id::int AS id, c.name, c.description,
			   (SELECT array_agg(k.keyword ORDER BY k.search_volume DESC, k.id)
			    FROM (SELECT k.keyword, k.search_volume, k.id FROM cluster_keywords ck
			          JOIN keywords k ON k.id = ck.keyword_id WHERE ck.cluster_id = c.id
			          ORDER BY k.search_volume DESC, k.id LIMIT ${ KEYWORDS_PER_CLUSTER }) k) AS keywords
			 FROM clusters c
			 WHERE c.site_id = $1 ${ named ? 'AND c.id = ANY($2::bigint[])' : '' }
			 ORDER BY (SELECT COALESCE(sum(k.search_volume), 0) FROM cluster_keywords ck
			           JOIN keywords k ON k.id = ck.keyword_id WHERE ck.cluster_id = c.id) DESC, c.id
			 LIMIT ${ named ? 50 : DEFAULT_CLUSTERS }`,
			{
				bind: [ siteId, ...( named ? [ named ] : [] ) ],
				type: QueryTypes.SELECT,
			}
		);
		return {
			site,
			sectors: sectors.map( ( s ) => s.name ),
			clusters: clusters.map( ( c ) => ( {
				id: c.id,
				name: c.name,
				description: c.description ?? '',
				keywords: c.keywords ?? [],
			} ) ),
		};
	},

	async execute( brief, input, { ai, progress, checkpoint, prompt } ) {
		checkpoint();
		await progress(
			'generating',
			20,
			`Designing the structure of "${ brief.site.name }"`
		);
		const answer = await ai.structured(
			siteStructureAnswer,
			prompt(
				siteStructurePromptDefinition,
				siteStructurePromptValues( brief, input )
			)
		);
		return {
			name: input.name ?? answer.name,
			structure: structureFromAnswer(
				answer,
				brief.clusters,
				input.max_pages
			),
		};
	},

	async save( result, _brief, run, { owners, transaction } ) {
		const input = inputSchema.parse( run.input );
		const saved = await owners.siteBuilder.saveGenerated( transaction, {
			run_id: Number( run.id ),
			account_id: Number( run.account_id ),
			site_id: Number( run.site_id ),
			blueprint_id: input.blueprint_id ?? null,
			name: result.name,
			description: '',
			created_by:
				run.created_by === null ? null : Number( run.created_by ),
			structure: result.structure,
		} );
		return {
			summary: {
				...saved,
				pages: result.structure.pages.length,
				categories: result.structure.categories.length,
				menus: result.structure.menus.length,
			},
			items: 1,
		};
	},
};
