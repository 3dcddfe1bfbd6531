import { Op, QueryTypes } from 'sequelize';
import { z } from 'zod';
import { clusterMethodSchema, type ClusterMethod } from '@igny8/shared-types';
import { ValidationError } from '../../../http/errors';
import { resolveSector } from '../../content';
import { clusterEmbeddings } from '../clustering/embeddings';
import { lexicalPool } from '../clustering/lexical-pool';
import {
	applyBatchAnswer,
	batchesOf,
	finishLlmClustering,
	startLlmClustering,
} from '../clustering/llm';
import type { Clustering } from '../clustering/result';
import { definePrompt } from '../prompts';
import { defineAnswer } from '../structured/answer';
import type {
	AiFunctionDefinition,
	ExecuteContext,
	RunScope,
	Workload,
} from '../types';
import { siteFilter } from '../../auth';

/**
 * auto_cluster: keywords → topic clusters, by one of three methods.
 *
 * - `lexical`: stems, word pairs and trigrams with average-linkage
 *   clustering (clustering/lexical.ts). No provider call, so it runs without
 *   an AI key, and it is free (it costs no credits, reserves none).
 * - `embeddings`: the embeddings API in batches, the same clustering over
 *   cosine similarity, then the model names the clusters in batches.
 * - `llm`: the model sorts the keywords a batch at a time into the clusters
 *   made so far or new ones; no prompt ever holds every keyword.
 *
 * Scope: the named keywords (one sector; any already in a cluster are
 * re-clustered, leaving their old cluster), or every keyword of a sector
 * that is in no cluster. Each keyword ends in exactly one new cluster, or is
 * reported unclustered (and then in none). Clusters and memberships are
 * written in the run's one transaction.
 */

const inputSchema = z
	.object( {
		keyword_ids: z
			.array( z.number().int().positive() )
			.min( 1 )
			.max( 100_000 )
			.optional(),
		sector_id: z.number().int().positive().optional(),
		method: clusterMethodSchema,
		min_cluster_size: z.number().int().min( 1 ).max( 100 ).default( 2 ),
	} )
	.refine(
		( i ) => i.keyword_ids !== undefined || i.sector_id !== undefined,
		{
			message: 'name keyword_ids or a sector_id',
		}
	);
export type AutoClusterInput = z.infer< typeof inputSchema >;

/** Keywords one run may take, per method (the exact cosine search and the prompts cost more). */
export const CLUSTER_LIMITS: Record< ClusterMethod, number > = {
	lexical: 100_000,
	embeddings: 10_000,
	llm: 3_000,
};

/**
 * Priced per keyword through the price table's `auto_cluster` row (credits
 * per item): a keyword weighs nothing by `lexical` (it calls no model: a run
 * is free, whatever the plan's rate), 0.5 of an item by `embeddings` (cheap
 * API calls plus naming prompts) and a whole item by `llm` (every keyword
 * goes through a chat prompt).
 */
export const CLUSTER_ITEM_WEIGHT: Record< ClusterMethod, number > = {
	lexical: 0,
	embeddings: 0.5,
	llm: 1,
};

export const clusterItems = ( method: ClusterMethod, keywords: number ) =>
	Math.ceil( keywords * CLUSTER_ITEM_WEIGHT[ method ] );

/**
 * The most a run does: its items, and the provider requests that bound its
 * tokens. `llm`: one request per batch of keywords. `embeddings`: every
 * keyword embedded, then one naming request per batch of clusters (a cluster
 * has at least `min_cluster_size` keywords). `lexical`: none.
 */
export function clusterWorkload(
	input: AutoClusterInput,
	keywords: number
): Workload {
	const items = clusterItems( input.method, keywords );
	if ( input.method === 'llm' ) {
		return { items, requests: Math.ceil( keywords / LLM_BATCH ) };
	}
	if ( input.method === 'embeddings' ) {
		const clusters = Math.floor( keywords / input.min_cluster_size );
		return {
			items,
			requests: Math.ceil( clusters / NAMING_BATCH ),
			embeddingTexts: keywords,
		};
	}
	return { items };
}

/**
 * The method when the request names none: `embeddings` when the provider is
 * configured (meaning, not spelling, at a fraction of `llm`'s cost, and any
 * number of keywords up to the limit), `lexical` when it is not.
 */
export const defaultClusterMethod = ( providerConfigured: boolean ) =>
	providerConfigured ? 'embeddings' : 'lexical';

export const EMBEDDING_BATCH = 256;
/** Sized so a batch's prompt and answer stay well inside any chat model's limits. */
export const LLM_BATCH = 150;
export const NAMING_BATCH = 25;
/** Clusters the llm prompt lists (the biggest); a new one past this is still fine. */
const LLM_KNOWN_CLUSTERS = 200;
const EMBEDDING_DIMENSIONS = 256;

type KeywordItem = { id: number; keyword: string; search_volume: number };
type Prepared = {
	scope: { account_id: number; site_id: number; sector_id: number };
	keywords: KeywordItem[];
};
type Result = {
	method: ClusterMethod;
	clusters: { name: string; description: string; keyword_ids: number[] }[];
	unclustered: number[];
};

export const clusterPromptDefinition = definePrompt( {
	key: 'auto_cluster',
	function: 'auto_cluster',
	description: 'Sorts one batch of keywords into topic clusters (llm method)',
	variables: {
		clusters: 'The clusters so far, one per line ("(none yet)" at first)',
		keywords: "The batch's keywords, numbered from 1, one per line",
		count: 'How many keywords the batch has',
	},
	template: {
		system: 'You are an SEO strategist. You group search keywords into topic clusters: keywords one article or page could target together.',
		user: [
			'Existing clusters:',
			'{{clusters}}',
			'',
			'Keywords ({{count}}):',
			'{{keywords}}',
			'',
			'Put every keyword number into exactly one cluster. Reuse an existing cluster by its exact name when a keyword fits it; otherwise create a new cluster with a short name and a one-sentence description.',
			'Answer with "clusters": a list of {name, description, keywords: [numbers]}.',
		].join( '\n' ),
	},
} );

export const clusterNamingPromptDefinition = definePrompt( {
	key: 'auto_cluster_naming',
	function: 'auto_cluster',
	description: 'Names keyword clusters found by embeddings',
	variables: {
		clusters:
			'The clusters, numbered from 1, each with its biggest keywords',
	},
	template: {
		system: 'You are an SEO strategist naming topic clusters of search keywords.',
		user: [
			'Give each cluster a short, specific name (2 to 5 words) and a one-sentence description of the topic its keywords share.',
			'',
			'{{clusters}}',
			'',
			'Answer with "clusters": a list of {number, name, description}, one per cluster.',
		].join( '\n' ),
	},
} );

export const clusterBatchAnswer = defineAnswer( {
	name: 'keyword_clusters',
	schema: z.object( {
		clusters: z.array(
			z.object( {
				name: z.string().trim().min( 1 ).max( 255 ),
				description: z.string().max( 2000 ).default( '' ),
				keywords: z.array( z.number().int() ),
			} )
		),
	} ),
	missing: 'did not sort the keywords into clusters',
} );

export const clusterNamesAnswer = defineAnswer( {
	name: 'cluster_names',
	schema: z.object( {
		clusters: z.array(
			z.object( {
				number: z.number().int(),
				name: z.string().trim().min( 1 ).max( 255 ),
				description: z.string().max( 2000 ).default( '' ),
			} )
		),
	} ),
	missing: 'did not name the clusters',
} );

export const autoCluster: AiFunctionDefinition<
	AutoClusterInput,
	Prepared,
	Result
> = {
	name: 'auto_cluster',
	input: inputSchema,

	needsProvider: ( input ) => input.method !== 'lexical',

	async validate( input, principal, { models, db } ): Promise< RunScope > {
		const limit = CLUSTER_LIMITS[ input.method ];
		if ( input.keyword_ids ) {
			const ids = [ ...new Set( input.keyword_ids ) ];
			if ( ids.length > limit ) {
				throw new ValidationError( 'Invalid body.', {
					ids: [
						`the ${ input.method } method takes at most ${ limit } keywords per run`,
					],
				} );
			}
			const rows = await models.Keyword.findAll( {
				attributes: [ 'id', 'site_id', 'sector_id' ],
				where: {
					id: { [ Op.in ]: ids },
					account_id: principal.account.id,
					...siteFilter( principal ),
				},
			} );
			const found = new Set( rows.map( ( r ) => Number( r.id ) ) );
			const missing = ids.filter( ( id ) => ! found.has( id ) );
			if ( missing.length ) {
				throw new ValidationError( 'Invalid body.', {
					ids: missing
						.slice( 0, 20 )
						.map( ( id ) => `keyword ${ id } does not exist` ),
				} );
			}
			const sectors = new Set(
				rows.map( ( r ) => Number( r.sector_id ) )
			);
			if ( sectors.size > 1 ) {
				throw new ValidationError( 'Invalid body.', {
					ids: [
						'the keywords of one run must belong to one sector',
					],
				} );
			}
			const sectorId = Number( rows[ 0 ]!.sector_id );
			if (
				input.sector_id !== undefined &&
				input.sector_id !== sectorId
			) {
				throw new ValidationError( 'Invalid body.', {
					sector_id: [
						`the keywords are in sector ${ sectorId }, not ${ input.sector_id }`,
					],
				} );
			}
			return {
				site_id: Number( rows[ 0 ]!.site_id ),
				sector_id: sectorId,
				items: ids.length,
			};
		}
		const sector = await resolveSector(
			models,
			principal,
			input.sector_id!
		);
		const [ row ] = await db.sequelize.query< { n: string | number } >(
			`SELECT COUNT(*) AS n FROM keywords k
			 WHERE k.sector_id = :sectorId
			   AND NOT EXISTS (SELECT 1 FROM cluster_keywords ck WHERE ck.keyword_id = k.id)`,
			{
				replacements: { sectorId: sector.id },
				type: QueryTypes.SELECT,
			}
		);
		const count = Number( row?.n ?? 0 );
		if ( count === 0 ) {
			throw new ValidationError( 'Invalid body.', {
				sector_id: [
					`sector ${ sector.id } has no keywords outside a cluster`,
				],
			} );
		}
		if ( count > limit ) {
			throw new ValidationError( 'Invalid body.', {
				sector_id: [
					`sector ${ sector.id } has ${ count } unclustered keywords; the ${ input.method } method takes at most ${ limit } per run (name the keywords with ids, or use lexical)`,
				],
			} );
		}
		return {
			site_id: Number( sector.site_id ),
			sector_id: Number( sector.id ),
			items: count,
		};
	},

	estimate: ( input, scope ) =>
		clusterWorkload( input, scope.items ?? input.keyword_ids?.length ?? 0 ),

	async prepare( input, run, { db, models } ) {
		const scope = {
			account_id: Number( run.account_id ),
			site_id: Number( run.site_id ),
			sector_id: Number( run.sector_id ),
		};
		const limit = CLUSTER_LIMITS[ input.method ];
		const rows = input.keyword_ids
			? await models.Keyword.findAll( {
					attributes: [ 'id', 'keyword', 'search_volume' ],
					where: {
						id: { [ Op.in ]: [ ...new Set( input.keyword_ids ) ] },
						...scope,
					},
					order: [ [ 'id', 'ASC' ] ],
					raw: true,
				} )
			: await db.sequelize.query< KeywordItem >(
					`SELECT k.id, k.keyword, k.search_volume FROM keywords k
					 WHERE k.sector_id = :sector_id AND k.account_id = :account_id
					   AND NOT EXISTS (SELECT 1 FROM cluster_keywords ck WHERE ck.keyword_id = k.id)
					 ORDER BY k.id ASC LIMIT :limit`,
					{
						replacements: { ...scope, limit },
						type: QueryTypes.SELECT,
					}
				);
		if ( rows.length === 0 ) {
			throw new Error( 'None of the keywords exist any more.' );
		}
		return {
			scope,
			keywords: rows.map( ( r ) => ( {
				id: Number( r.id ),
				keyword: r.keyword,
				search_volume: Number( r.search_volume ),
			} ) ),
		};
	},

	async execute( { keywords }, input, context ) {
		const texts = keywords.map( ( k ) => k.keyword );
		let clustering: Clustering;
		if ( input.method === 'lexical' ) {
			await context.progress(
				'clustering',
				20,
				`Clustering ${ texts.length } keywords (lexical)`
			);
			// In a worker thread: seconds of CPU here would stall the process's API.
			clustering = await lexicalPool.run(
				texts,
				{
					minClusterSize: input.min_cluster_size,
					// The most searched central keyword names each cluster.
					volumes: keywords.map( ( k ) => k.search_volume ),
				},
				context.signal
			);
		} else if ( input.method === 'embeddings' ) {
			clustering = await byEmbeddings( texts, input, context );
		} else {
			clustering = await byLlm( texts, input, context );
		}
		context.checkpoint();
		return {
			method: input.method,
			clusters: clustering.clusters.map( ( c ) => ( {
				name: c.name,
				description: c.description,
				keyword_ids: c.members.map( ( m ) => keywords[ m ]!.id ),
			} ) ),
			unclustered: clustering.unclustered.map(
				( m ) => keywords[ m ]!.id
			),
		};
	},

	async save( result, prepared, _run, { owners, transaction } ) {
		const ids = prepared.keywords.map( ( k ) => k.id );
		const { created, alive } = await owners.clusters.replaceFromRun(
			transaction,
			prepared.scope,
			ids,
			result.clusters
		);
		const unclustered = result.unclustered.filter( ( id ) =>
			alive.has( id )
		);
		return {
			summary: {
				method: result.method,
				clusters_created: created.length,
				keywords_clustered: created.reduce(
					( n, c ) => n + c.keywords,
					0
				),
				unclustered_count: unclustered.length,
				clusters: created,
				unclustered_keyword_ids: unclustered,
			},
			items: clusterItems( result.method, ids.length ),
		};
	},
};

async function byEmbeddings(
	texts: string[],
	input: AutoClusterInput,
	{ ai, progress, checkpoint, prompt }: ExecuteContext
): Promise< Clustering > {
	const vectors: number[][] = [];
	const batches = batchesOf( texts.length, EMBEDDING_BATCH );
	for ( const [ b, batch ] of batches.entries() ) {
		await progress(
			'embedding',
			10 + Math.round( ( 50 * b ) / batches.length ),
			`Embedding keywords (batch ${ b + 1 } of ${ batches.length })`
		);
		vectors.push(
			...( await ai.embeddings(
				batch.map( ( i ) => texts[ i ]! ),
				{ dimensions: EMBEDDING_DIMENSIONS }
			) )
		);
	}
	await progress( 'clustering', 60, `Clustering ${ texts.length } keywords` );
	const clustering = clusterEmbeddings( texts, vectors, {
		minClusterSize: input.min_cluster_size,
	} );
	const naming = batchesOf( clustering.clusters.length, NAMING_BATCH );
	for ( const [ b, batch ] of naming.entries() ) {
		checkpoint();
		await progress(
			'naming',
			65 + Math.round( ( 25 * b ) / naming.length ),
			`Naming clusters (batch ${ b + 1 } of ${ naming.length })`
		);
		const listed = batch.map( ( c, i ) => {
			const cluster = clustering.clusters[ c ]!;
			const sample = cluster.members
				.slice( 0, 12 )
				.map( ( m ) => texts[ m ]! )
				.join( '; ' );
			return `${ i + 1 }. ${ sample }`;
		} );
		const answer = await ai.structured(
			clusterNamesAnswer,
			prompt( clusterNamingPromptDefinition, {
				clusters: listed.join( '\n' ),
			} )
		);
		// A cluster the answer skips keeps the name of its most representative keyword.
		for ( const named of answer.clusters ) {
			const c = batch[ named.number - 1 ];
			if ( c !== undefined ) {
				clustering.clusters[ c ]!.name = named.name;
				if ( named.description.trim() ) {
					clustering.clusters[ c ]!.description =
						named.description.trim();
				}
			}
		}
	}
	return clustering;
}

async function byLlm(
	texts: string[],
	input: AutoClusterInput,
	{ ai, progress, checkpoint, prompt }: ExecuteContext
): Promise< Clustering > {
	const state = startLlmClustering();
	const batches = batchesOf( texts.length, LLM_BATCH );
	for ( const [ b, batch ] of batches.entries() ) {
		checkpoint();
		await progress(
			'clustering',
			10 + Math.round( ( 80 * b ) / batches.length ),
			`Clustering keywords (batch ${ b + 1 } of ${ batches.length })`
		);
		const known = state.names
			.map( ( name, i ) => ( {
				name,
				size: state.members[ i ]!.length,
			} ) )
			.sort( ( x, y ) => y.size - x.size )
			.slice( 0, LLM_KNOWN_CLUSTERS )
			.map( ( c ) => `- ${ c.name }` );
		const answer = await ai.structured(
			clusterBatchAnswer,
			prompt( clusterPromptDefinition, {
				clusters: known.length ? known.join( '\n' ) : '(none yet)',
				keywords: batch
					.map( ( index, i ) => `${ i + 1 }. ${ texts[ index ]! }` )
					.join( '\n' ),
				count: batch.length,
			} )
		);
		applyBatchAnswer( state, batch, answer );
	}
	return finishLlmClustering( state, texts, input.min_cluster_size );
}
