import { Op, QueryTypes } from 'sequelize';
import { z } from 'zod';
import type { ClusterRow } from '../../../db/content-models';
import { ValidationError } from '../../../http/errors';
import { definePrompt } from '../prompts';
import { defineAnswer } from '../structured/answer';
import type { AiFunctionDefinition } from '../types';
import { siteFilter } from '../../auth';

/**
 * generate_ideas: clusters → content ideas. One structured request per
 * cluster (its name, description and keywords in the prompt); the ideas of
 * every cluster are written together at the end, each linked to its cluster
 * and in the cluster's sector. Priced per idea saved (an item: one idea).
 */

const inputSchema = z.object( {
	cluster_ids: z.array( z.number().int().positive() ).min( 1 ),
	ideas_per_cluster: z.number().int().min( 1 ).max( 10 ),
} );
export type GenerateIdeasInput = z.infer< typeof inputSchema >;

/** What the model must answer, per cluster. */
export const ideasAnswerSchema = z.object( {
	ideas: z
		.array(
			z.object( {
				title: z.string().trim().min( 1 ).max( 500 ),
				description: z.string().max( 5000 ).default( '' ),
				content_type: z
					.enum( [ 'post', 'page', 'product', 'service' ] )
					.default( 'post' ),
				target_word_count: z
					.number()
					.int()
					.min( 100 )
					.max( 20000 )
					.nullable()
					.default( null ),
				suggested_keywords: z
					.array( z.string().trim().min( 1 ).max( 255 ) )
					.max( 20 )
					.default( [] ),
			} )
		)
		.min( 1, 'give at least one idea' ),
} );
type Answer = z.infer< typeof ideasAnswerSchema >;

export const ideasAnswer = defineAnswer( {
	name: 'content_ideas',
	schema: ideasAnswerSchema,
	missing: 'had no usable ideas',
} );

type ClusterBrief = {
	cluster: ClusterRow;
	keywords: {
		keyword: string;
		search_volume: number;
		intent: string | null;
	}[];
};
type Result = { cluster: ClusterRow; ideas: Answer[ 'ideas' ] }[];

/** Keywords per cluster that go into the prompt, biggest search volume first. */
const PROMPT_KEYWORDS = 50;

export const ideasPromptDefinition = definePrompt( {
	key: 'generate_ideas',
	function: 'generate_ideas',
	description: 'Content ideas for one topic cluster',
	variables: {
		count: 'How many ideas to propose',
		cluster_name: "The cluster's name",
		cluster_description: 'The cluster\'s description, or "(none)"',
		keywords:
			"The cluster's keywords, one per line with volume and intent, biggest volume first",
	},
	template: {
		system: 'You are an SEO content strategist. You propose distinct, specific articles that together cover a topic cluster and target its keywords.',
		user: [
			'Propose {{count}} content ideas for this topic cluster.',
			'Cluster: {{cluster_name}}',
			'Description: {{cluster_description}}',
			'Keywords:',
			'{{keywords}}',
			'',
			'For each idea give a title, a short description of the angle, the content_type (post, page, product or service), a target_word_count and the suggested_keywords it targets.',
		].join( '\n' ),
	},
} );

export function ideasPromptValues(
	brief: ClusterBrief,
	count: number
): Record< string, string | number > {
	const { cluster, keywords } = brief;
	const lines = keywords.map(
		( k ) =>
			`- ${ k.keyword } (volume ${ k.search_volume }${ k.intent ? `, ${ k.intent }` : '' })`
	);
	return {
		count,
		cluster_name: cluster.name,
		cluster_description: cluster.description || '(none)',
		keywords: lines.length ? lines.join( '\n' ) : '(none yet)',
	};
}

export const generateIdeas: AiFunctionDefinition<
	GenerateIdeasInput,
	ClusterBrief[],
	Result
> = {
	name: 'generate_ideas',
	input: inputSchema,

	async validate( input, principal, { models } ) {
		const clusters = await models.Cluster.findAll( {
			where: {
				id: { [ Op.in ]: input.cluster_ids },
				account_id: principal.account.id,
				...siteFilter( principal ),
			},
		} );
		const found = new Set( clusters.map( ( c ) => Number( c.id ) ) );
		const missing = input.cluster_ids.filter( ( id ) => ! found.has( id ) );
		if ( missing.length ) {
			throw new ValidationError( 'Invalid body.', {
				ids: missing.map( ( id ) => `cluster ${ id } does not exist` ),
			} );
		}
		const sites = new Set( clusters.map( ( c ) => Number( c.site_id ) ) );
		if ( sites.size > 1 ) {
			throw new ValidationError( 'Invalid body.', {
				ids: [ 'the clusters of one run must belong to one site' ],
			} );
		}
		const sectors = new Set(
			clusters.map( ( c ) => Number( c.sector_id ) )
		);
		return {
			site_id: Number( clusters[ 0 ]!.site_id ),
			sector_id: sectors.size === 1 ? [ ...sectors ][ 0 ]! : null,
		};
	},

	estimate: ( input ) => ( {
		items: new Set( input.cluster_ids ).size * input.ideas_per_cluster,
		// One request per cluster.
		requests: new Set( input.cluster_ids ).size,
	} ),

	async prepare( input, run, { db, models } ) {
		const clusters = await models.Cluster.findAll( {
			where: {
				id: { [ Op.in ]: input.cluster_ids },
				account_id: run.account_id,
				site_id: run.site_id,
			},
			order: [ [ 'id', 'ASC' ] ],
		} );
		if ( clusters.length === 0 ) {
			throw new Error( 'None of the clusters exist any more.' );
		}
		const keywords = await db.sequelize.query< {
			cluster_id: string | number;
			keyword: string;
			search_volume: number;
			intent: string | null;
		} >(
			`SELECT ck.cluster_id, k.keyword, k.search_volume, k.intent
			 FROM cluster_keywords ck JOIN keywords k ON k.id = ck.keyword_id
			 WHERE ck.cluster_id IN (:ids)
			 ORDER BY k.search_volume DESC, k.id ASC`,
			{
				replacements: { ids: clusters.map( ( c ) => c.id ) },
				type: QueryTypes.SELECT,
			}
		);
		return clusters.map( ( cluster ) => ( {
			cluster,
			keywords: keywords
				.filter(
					( k ) => Number( k.cluster_id ) === Number( cluster.id )
				)
				.slice( 0, PROMPT_KEYWORDS )
				.map( ( { keyword, search_volume, intent } ) => ( {
					keyword,
					search_volume,
					intent,
				} ) ),
		} ) );
	},

	async execute( briefs, input, { ai, progress, checkpoint, prompt } ) {
		const result: Result = [];
		for ( const [ index, brief ] of briefs.entries() ) {
			checkpoint();
			await progress(
				'generating',
				10 + Math.round( ( 80 * index ) / briefs.length ),
				`Ideas for "${ brief.cluster.name }" (${ index + 1 } of ${ briefs.length })`
			);
			const answer = await ai.structured(
				ideasAnswer,
				prompt(
					ideasPromptDefinition,
					ideasPromptValues( brief, input.ideas_per_cluster )
				)
			);
			result.push( {
				cluster: brief.cluster,
				ideas: answer.ideas.slice( 0, input.ideas_per_cluster ),
			} );
		}
		return result;
	},

	async save( result, _briefs, _run, { owners, transaction } ) {
		const created: { cluster_id: number; idea_ids: number[] }[] = [];
		for ( const { cluster, ideas } of result ) {
			created.push( {
				cluster_id: Number( cluster.id ),
				idea_ids: await owners.ideas.saveGenerated(
					transaction,
					cluster,
					ideas
				),
			} );
		}
		const total = created.reduce( ( n, c ) => n + c.idea_ids.length, 0 );
		return {
			summary: { ideas_created: total, clusters: created },
			items: total,
		};
	},
};
