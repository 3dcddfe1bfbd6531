import type { BlueprintPageType } from '@igny8/shared-types';
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { ApiError, ValidationError } from '../../../http/errors';
import { siteFilter } from '../../auth';
import { profilesForRun } from '../../system';
import { definePrompt } from '../prompts';
import { defineAnswer, type StructuredAnswer } from '../structured/answer';
import type { AiFunctionDefinition } from '../types';

/**
 * write_page_copy: the paragraph under each section heading of one Site
 * Builder page, written by the model from the page (title, type, the
 * outline's headings and any summaries there are, its target keywords and
 * its cluster's keywords), the site's industry and sectors, and the
 * account's default author profile when it has one. Applying the blueprint
 * puts each paragraph under its heading in WordPress.
 *
 * Decisions:
 * - Only the page's section summaries change, as the blueprint's next
 *   version (source `ai`), so the editor can compare and revert it like any
 *   other. Headings, titles and everything else stay as the editor left them.
 * - The run is asked for the version the editor saw (`base_version`); like
 *   the optimizer's proposals, the result is refused rather than written
 *   over a later save: a blueprint saved while the model wrote fails the
 *   run with a clear error, and a failed run is refunded in full.
 * - The answer must give one paragraph per section, in order; a wrong count
 *   is sent back once with the reason, like any invalid answer.
 * - The contract's pages have no meta description, so none is asked for.
 * - Priced per page (an item: one page), without a token part, so the
 *   estimate is the charge.
 */

const inputSchema = z.object( {
	page_id: z.number().int().positive(),
	/** The blueprint version the copy is written for; the current one when left out. */
	base_version: z.number().int().min( 1 ).optional(),
} );
export type WritePageCopyInput = z.infer< typeof inputSchema >;

/** The longest paragraph a section keeps (the contract's summary limit). */
const PARAGRAPH_MAX = 2000;

/** What the model must answer for a page of `count` sections: one paragraph per section, in order. */
export function pageCopyAnswerSchema( count: number ) {
	return z
		.object( {
			sections: z.array(
				z.object( {
					heading: z.string().trim(),
					text: z
						.string()
						.trim()
						.min( 1, 'write the paragraph' )
						.max( PARAGRAPH_MAX ),
				} )
			),
		} )
		.refine( ( answer ) => answer.sections.length === count, {
			message: `give exactly ${ count } section${ count === 1 ? '' : 's' }, one per heading, in the order listed`,
			path: [ 'sections' ],
		} );
}

type PageCopy = z.infer< ReturnType< typeof pageCopyAnswerSchema > >;

const answers = new Map< number, StructuredAnswer< PageCopy > >();

/** The structured answer for a page of `count` sections (one per count, built once). */
export function pageCopyAnswer( count: number ): StructuredAnswer< PageCopy > {
	let answer = answers.get( count );
	if ( ! answer ) {
		answer = defineAnswer( {
			name: 'page_copy',
			schema: pageCopyAnswerSchema( count ),
			missing: 'had no usable paragraphs for the page',
		} );
		answers.set( count, answer );
	}
	return answer;
}

type Brief = {
	page: {
		id: number;
		title: string;
		page_type: BlueprintPageType;
		sections: { heading: string; summary: string }[];
		target_keywords: string[];
	};
	base_version: number;
	site: {
		name: string;
		industry: string | null;
		industry_description: string;
	};
	sectors: string[];
	cluster: { name: string; keywords: string[] } | null;
	author: {
		tone: string;
		audience: string;
		style: string;
		language: string;
	} | null;
};

const CLUSTER_KEYWORDS = 10;

export const pageCopyPromptDefinition = definePrompt( {
	key: 'write_page_copy',
	function: 'write_page_copy',
	description:
		'The paragraph under each section heading of one Site Builder page',
	variables: {
		site_name: "The site's name",
		industry: 'The industry, with its description, or "(not set)"',
		sectors: 'The site\'s sectors, comma-separated, or "(none)"',
		title: "The page's title",
		page_type:
			'home, about, services, service, contact, landing, blog or custom',
		keywords: 'Target keywords, comma-separated, or "(none)"',
		cluster: 'The topic cluster with its biggest keywords, or "(none)"',
		sections:
			'The sections, numbered, each heading with its current summary if any',
		section_count: 'How many sections there are',
		author_tone: 'Tone of voice from the author profile, or "(not set)"',
		author_audience:
			'Who reads it, from the author profile, or "(not set)"',
		author_style: 'Style notes from the author profile, or "(not set)"',
		language: 'The language to write in (e.g. en, de)',
	},
	template: {
		system: [
			'You are an experienced website copywriter. You write clear, specific, trustworthy copy for the pages of business websites, using the target keywords naturally and never inventing facts such as prices, names, addresses or awards.',
			'Voice — tone: {{author_tone}}; audience: {{author_audience}}; style: {{author_style}}.',
			'Write in this language: {{language}}.',
		].join( '\n' ),
		user: [
			'Write the copy of the page "{{title}}" ({{page_type}} page) on the website "{{site_name}}".',
			'Industry: {{industry}}',
			'Sectors: {{sectors}}',
			'Target keywords: {{keywords}}',
			'Topic cluster: {{cluster}}',
			'',
			'The page has these {{section_count}} sections (heading, then what the section should say where the editor noted it):',
			'{{sections}}',
			'',
			'For every section, in the same order, give its heading exactly as above and text: the paragraph shown under that heading — three to five sentences of plain text (no HTML, no Markdown, no heading), at most 1,500 characters.',
		].join( '\n' ),
	},
} );

export function pageCopyPromptValues(
	brief: Brief
): Record< string, string | number > {
	const notSet = ( value: string | undefined ) =>
		value?.trim() ? value.trim() : '(not set)';
	const industry = brief.site.industry
		? `${ brief.site.industry }${ brief.site.industry_description ? ` — ${ brief.site.industry_description }` : '' }`
		: '(not set)';
	return {
		site_name: brief.site.name,
		industry,
		sectors: brief.sectors.length ? brief.sectors.join( ', ' ) : '(none)',
		title: brief.page.title,
		page_type: brief.page.page_type,
		keywords: brief.page.target_keywords.length
			? brief.page.target_keywords.join( ', ' )
			: '(none)',
		cluster: brief.cluster
			? `${ brief.cluster.name }: ${ brief.cluster.keywords.join( ', ' ) || '(no keywords)' }`
			: '(none)',
		sections: brief.page.sections
			.map(
				( section, index ) =>
					`${ index + 1 }. ${ section.heading }${ section.summary.trim() ? ` — ${ section.summary.trim() }` : '' }`
			)
			.join( '\n' ),
		section_count: brief.page.sections.length,
		author_tone: notSet( brief.author?.tone ),
		author_audience: notSet( brief.author?.audience ),
		author_style: notSet( brief.author?.style ),
		language: brief.author?.language?.trim() || 'en',
	};
}

type PageRow = {
	id: number;
	site_id: number;
	blueprint_id: number;
	title: string;
	page_type: BlueprintPageType;
	sections: { heading: string; summary: string }[];
	target_keywords: string[];
	cluster_id: number | null;
	version: number;
};

type Result = { headings: string[]; summaries: string[] };

export const writePageCopy: AiFunctionDefinition<
	WritePageCopyInput,
	Brief,
	Result
> = {
	name: 'write_page_copy',
	input: inputSchema,

	async validate( input, principal, { db } ) {
		const confined = siteFilter( principal ).site_id;
		const [ page ] = await db.sequelize.query< {
			site_id: number;
			sections: unknown[];
			version: number;
		} >(
			`SELECT p.site_id::int AS site_id, p.sections, b.version
			 FROM site_blueprint_pages p JOIN site_blueprints b ON b.id = p.blueprint_id
			 WHERE p.id = $1 AND p.account_id = $2 ${ confined !== undefined ? 'AND p.site_id = $3' : '' }`,
			{
				bind: [
					input.page_id,
					principal.account.id,
					...( confined !== undefined ? [ confined ] : [] ),
				],
				type: QueryTypes.SELECT,
			}
		);
		if ( ! page ) {
			throw new ValidationError( 'Invalid input.', {
				page_id: [ `page ${ input.page_id } does not exist` ],
			} );
		}
		if ( page.sections.length === 0 ) {
			throw new ValidationError( 'Invalid input.', {
				page_id: [
					'the page has no sections: add the headings of its outline first',
				],
			} );
		}
		if (
			input.base_version !== undefined &&
			input.base_version !== page.version
		) {
			throw new ApiError(
				'conflict',
				`The site structure was saved since you opened it (it is at version ${ page.version }): reload it, then write the copy.`
			);
		}
		return { site_id: page.site_id, sector_id: null };
	},

	// One page, one request.
	estimate: () => ( { items: 1, requests: 1 } ),

	async prepare( input, run, { db, models } ) {
		const [ page ] = await db.sequelize.query< PageRow >(
			`SELECT p.id::int AS id, p.site_id::int AS site_id, p.blueprint_id::int AS blueprint_id, p.title,
			   p.page_type, p.sections, p.target_keywords, p.cluster_id::int AS cluster_id, b.version
			 FROM site_blueprint_pages p JOIN site_blueprints b ON b.id = p.blueprint_id
			 WHERE p.id = $1 AND p.account_id = $2`,
			{
				bind: [ input.page_id, run.account_id ],
				type: QueryTypes.SELECT,
			}
		);
		if ( ! page ) {
			throw new Error(
				'The page was removed from its site structure before its copy was written.'
			);
		}
		if ( page.sections.length === 0 ) {
			throw new Error(
				'The page has no sections any more: add the headings of its outline, then write the copy again.'
			);
		}
		const [ site ] = await db.sequelize.query< Brief[ 'site' ] >(
			`SELECT s.name, i.name AS industry, COALESCE(i.description, '') AS industry_description
			 FROM sites s LEFT JOIN industries i ON i.id = s.industry_id WHERE s.id = $1`,
			{ bind: [ page.site_id ], type: QueryTypes.SELECT }
		);
		const sectors = await db.sequelize.query< { name: string } >(
			`SELECT name FROM sectors WHERE site_id = $1 AND status = 'active' ORDER BY name`,
			{ bind: [ page.site_id ], type: QueryTypes.SELECT }
		);
		const [ cluster ] =
			page.cluster_id === null
				? []
				: await db.sequelize.query< {
						name: string;
						keywords: string[] | null;
					} >(
						`SELECT c.name,
						   (SELECT array_agg(k.keyword ORDER BY k.search_volume DESC, k.id)
						    FROM (SELECT k.keyword, k.search_volume, k.id FROM cluster_keywords ck
						          JOIN keywords k ON k.id = ck.keyword_id WHERE ck.cluster_id = c.id
						          ORDER BY k.search_volume DESC, k.id LIMIT ${ CLUSTER_KEYWORDS }) k) AS keywords
						 FROM clusters c WHERE c.id = $1 AND c.site_id = $2`,
						{
							bind: [ page.cluster_id, page.site_id ],
							type: QueryTypes.SELECT,
						}
					);
		const { author } = await profilesForRun( models, run.account_id, {} );
		return {
			page: {
				id: page.id,
				title: page.title,
				page_type: page.page_type,
				sections: page.sections,
				target_keywords: page.target_keywords,
			},
			// Asked for at the request: the version the editor saw.
			base_version: input.base_version ?? page.version,
			site: site ?? {
				name: '',
				industry: null,
				industry_description: '',
			},
			sectors: sectors.map( ( s ) => s.name ),
			cluster: cluster
				? { name: cluster.name, keywords: cluster.keywords ?? [] }
				: null,
			author,
		};
	},

	async execute( brief, _input, { ai, progress, checkpoint, prompt } ) {
		checkpoint();
		await progress(
			'writing',
			20,
			`Writing the copy of "${ brief.page.title }"`
		);
		const answer = await ai.structured(
			pageCopyAnswer( brief.page.sections.length ),
			prompt( pageCopyPromptDefinition, pageCopyPromptValues( brief ) )
		);
		return {
			// The page's own headings: what the copy was written for.
			headings: brief.page.sections.map( ( section ) => section.heading ),
			summaries: answer.sections.map( ( section ) => section.text ),
		};
	},

	async save( result, brief, run, { owners, transaction } ) {
		const saved = await owners.siteBuilder.saveWrittenCopy( transaction, {
			run_id: Number( run.id ),
			account_id: Number( run.account_id ),
			page_id: brief.page.id,
			base_version: brief.base_version,
			headings: result.headings,
			summaries: result.summaries,
			created_by:
				run.created_by === null ? null : Number( run.created_by ),
		} );
		return {
			summary: { ...saved, sections: result.summaries.length },
			items: 1,
		};
	},
};
