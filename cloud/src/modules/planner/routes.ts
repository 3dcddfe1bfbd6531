import { z } from 'zod';
import {
	bulkIdsSchema,
	bulkResultSchema,
	clusterCreateSchema,
	clusterListQuerySchema,
	clusterSchema,
	clusterUpdateSchema,
	idPathSchema,
	ideaCreateSchema,
	ideaListQuerySchema,
	ideaSchema,
	ideaUpdateSchema,
	keywordBulkAssignSchema,
	keywordBulkCreateResultSchema,
	keywordBulkCreateSchema,
	keywordBulkStatusSchema,
	keywordCreateSchema,
	keywordListQuerySchema,
	keywordSchema,
	keywordUpdateSchema,
	taskStatusSchema,
} from '@igny8/shared-types';
import type { Database } from '../../db/connection';
import type { Models } from '../../db/models';
import { createdBetween } from '../../http/pagination';
import { route, type AnyRoute, type HandlerInput } from '../../http/route';
import {
	scopedResourceRoutes,
	findScoped,
	resolveSector,
	scopeOf,
} from '../content';
import type { ClusterService } from './clusters';
import type { IdeaService } from './ideas';
import { KEYWORD_LIST_OPTIONS, KeywordList } from './keyword-list';
import type { KeywordService } from './keywords';
import {
	serializeClusters,
	serializeIdeas,
	serializeKeywords,
} from './serializers';

const KEYWORDS = '/planner/keywords/';

type Deps = {
	db: Database;
	models: Models;
	keywords: KeywordService;
	clusters: ClusterService;
	ideas: IdeaService;
};

const createdTasksSchema = z.object( {
	tasks: z.array(
		z.object( {
			id: z.number().int(),
			content_idea_id: z.number().int().nullable(),
			title: z.string(),
			status: taskStatusSchema,
		} )
	),
	not_found: z.array( z.number().int() ),
} );

export function plannerRoutes( {
	db,
	models,
	keywords,
	clusters,
	ideas,
}: Deps ): AnyRoute[] {
	const toTasksResult = (
		result: Awaited< ReturnType< IdeaService[ 'toTasks' ] > >
	) => ( {
		tasks: result.tasks.map( ( t ) => ( {
			id: t.id,
			content_idea_id: t.content_idea_id,
			title: t.title,
			status: t.status,
		} ) ),
		not_found: result.not_found,
	} );

	const keywordList = new KeywordList(
		db.sequelize,
		models,
		KEYWORD_LIST_OPTIONS
	);

	return [
		// --- keywords: bulk actions first, so `bulk_create/` never reads as an id ---
		route( {
			method: 'post',
			path: '/planner/keywords/bulk_create/',
			summary:
				'Add many keywords to a sector; ones already there are reported, not duplicated',
			tag: 'planner',
			auth: 'user',
			permission: 'write_content',
			body: keywordBulkCreateSchema,
			response: { status: 201, data: keywordBulkCreateResultSchema },
			handler: async ( { body, principal } ) => {
				const sector = await resolveSector(
					models,
					principal,
					body.sector_id
				);
				const result = await keywords.bulkCreate(
					scopeOf( sector ),
					body
				);
				return {
					status: 201,
					data: {
						created: await serializeKeywords(
							models,
							result.created
						),
						duplicates: result.duplicates,
					},
				};
			},
		} ),
		route( {
			method: 'post',
			path: '/planner/keywords/bulk_delete/',
			summary: 'Delete many keywords',
			tag: 'planner',
			auth: 'user',
			permission: 'write_content',
			body: bulkIdsSchema,
			response: { data: bulkResultSchema },
			handler: async ( { body, principal } ) => ( {
				data: await keywords.bulkDelete( principal, body.ids ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/planner/keywords/bulk_update_status/',
			summary: 'Change the status of many keywords (all or none)',
			tag: 'planner',
			auth: 'user',
			permission: 'write_content',
			body: keywordBulkStatusSchema,
			response: { data: bulkResultSchema },
			handler: async ( { body, principal } ) => ( {
				data: await keywords.bulkStatus(
					principal,
					body.ids,
					body.status
				),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/planner/keywords/bulk_assign_cluster/',
			summary:
				'Move many keywords into a cluster of their sector (cluster_id null: out of any cluster)',
			tag: 'planner',
			auth: 'user',
			permission: 'write_content',
			body: keywordBulkAssignSchema,
			response: { data: bulkResultSchema },
			handler: async ( { body, principal } ) => ( {
				data: await keywords.bulkAssign(
					principal,
					body.ids,
					body.cluster_id
				),
			} ),
		} ),
		...scopedResourceRoutes( models, {
			base: KEYWORDS,
			tag: 'planner',
			noun: 'Keyword',
			model: models.Keyword,
			output: keywordSchema,
			listQuery: keywordListQuerySchema,
			createBody: keywordCreateSchema,
			updateBody: keywordUpdateSchema,
			list: KEYWORD_LIST_OPTIONS,
			// Listing is KeywordList's (below): one statement instead of the generic list's filters.
			serialize: ( rows ) => serializeKeywords( models, rows ),
			create: ( scope, body ) => keywords.create( scope, body ),
			update: ( row, body ) => keywords.update( row, body ),
			// Nothing but the row goes (cluster membership cascades).
			destroy: ( row ) => row.destroy(),
		} ).map( ( spec ) =>
			// The same route (its schemas, its document), answered by KeywordList.
			spec.method === 'get' && spec.path === KEYWORDS
				? {
						...spec,
						handler: async ( {
							query,
							principal,
							req,
						}: HandlerInput<
							undefined,
							typeof keywordListQuerySchema,
							undefined,
							'user_or_site_key'
						> ) => ( {
							list: await keywordList.page(
								req,
								principal,
								query
							),
						} ),
					}
				: spec
		),

		// --- clusters --------------------------------------------------------------
		...scopedResourceRoutes( models, {
			base: '/planner/clusters/',
			tag: 'planner',
			noun: 'Cluster',
			model: models.Cluster,
			output: clusterSchema,
			listQuery: clusterListQuerySchema,
			createBody: clusterCreateSchema,
			updateBody: clusterUpdateSchema,
			list: {
				orderingFields: [
					'id',
					'name',
					'status',
					'created_at',
					'updated_at',
				],
				searchFields: [ 'name', 'description' ],
				defaultOrdering: 'name',
			},
			filters: ( query ) =>
				query.status ? [ { status: query.status } ] : [],
			serialize: ( rows ) => serializeClusters( db.sequelize, rows ),
			create: ( scope, body ) => clusters.create( scope, body ),
			update: ( row, body ) => clusters.update( row, body ),
			destroy: ( row ) => clusters.remove( row ),
		} ),

		// --- ideas -----------------------------------------------------------------
		route( {
			method: 'post',
			path: '/planner/ideas/bulk_to_tasks/',
			summary:
				'Turn many ideas into writer tasks (an idea keeps the task it already has)',
			tag: 'planner',
			auth: 'user',
			permission: 'write_content',
			body: bulkIdsSchema,
			response: { data: createdTasksSchema },
			handler: async ( { body, principal } ) => ( {
				data: toTasksResult(
					await ideas.toTasks( principal, body.ids )
				),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/planner/ideas/:id/to_task/',
			summary: 'Turn one idea into a writer task (idempotent)',
			tag: 'planner',
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			response: { data: createdTasksSchema },
			handler: async ( { params, principal } ) => {
				await findScoped(
					models.Idea,
					principal,
					params.id,
					'Content idea'
				);
				return {
					data: toTasksResult(
						await ideas.toTasks( principal, [ params.id ] )
					),
				};
			},
		} ),
		...scopedResourceRoutes( models, {
			base: '/planner/ideas/',
			tag: 'planner',
			noun: 'Content idea',
			model: models.Idea,
			output: ideaSchema,
			listQuery: ideaListQuerySchema,
			createBody: ideaCreateSchema,
			updateBody: ideaUpdateSchema,
			list: {
				orderingFields: [
					'id',
					'title',
					'status',
					'content_type',
					'created_at',
					'updated_at',
				],
				searchFields: [ 'title', 'description' ],
				defaultOrdering: '-created_at',
			},
			filters: ( query ) => [
				...( query.status ? [ { status: query.status } ] : [] ),
				...( query.cluster_id
					? [ { cluster_id: query.cluster_id } ]
					: [] ),
				...( query.content_type
					? [ { content_type: query.content_type } ]
					: [] ),
				...createdBetween( query ),
			],
			serialize: ( rows ) => serializeIdeas( models, rows ),
			create: ( scope, body ) => ideas.create( scope, body ),
			update: ( row, body ) => ideas.update( row, body ),
			destroy: ( row ) => ideas.remove( row ),
		} ),
	];
}
