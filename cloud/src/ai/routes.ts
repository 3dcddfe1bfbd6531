import {
	aiRunListQuerySchema,
	aiRunSchema,
	aiRunStartedSchema,
	generateIdeasRequestSchema,
	idPathSchema,
} from '@igny8/shared-types';
import type { Models } from '../db/models';
import { paginate } from '../http/pagination';
import { route, type AnyRoute } from '../http/route';
import type { AiEngine } from './engine';
import { serializeRun } from './serialize';
import { streamRun } from './stream';

/**
 * AI actions (202 with the run's id) and the runs themselves: list, read,
 * cancel and a live event stream. Starting work and cancelling it need
 * `write_content`; reading runs needs `read`, within the caller's scope.
 */
export function aiRoutes( engine: AiEngine, models: Models ): AnyRoute[] {
	return [
		route( {
			method: 'post',
			path: '/planner/clusters/generate_ideas/',
			summary:
				'Generate content ideas for clusters with AI (202: follow the run at /system/ai-runs/{run_id}/events/)',
			tag: 'planner',
			auth: 'user',
			permission: 'write_content',
			body: generateIdeasRequestSchema,
			response: {
				status: 202,
				data: aiRunStartedSchema,
				description: 'The run is queued and its credits reserved',
			},
			handler: async ( { body, principal } ) => {
				const run = await engine.runAiTask(
					'generate_ideas',
					{
						cluster_ids: [ ...new Set( body.ids ) ],
						ideas_per_cluster: body.ideas_per_cluster,
					},
					principal
				);
				return {
					status: 202,
					data: { run_id: Number( run.id ) },
					message: 'Generating ideas.',
				};
			},
		} ),
		route( {
			method: 'get',
			path: '/system/ai-runs/',
			summary:
				'List AI runs, newest first (filter by site, status, function)',
			tag: 'system',
			auth: 'user_or_site_key',
			query: aiRunListQuerySchema,
			response: { list: aiRunSchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await paginate(
					req,
					models.AiTaskRun,
					query,
					engine.listWhere( principal, query ),
					{
						orderingFields: [ 'created_at', 'id', 'status' ],
						searchFields: [ 'function_name' ],
						defaultOrdering: '-created_at',
					},
					serializeRun
				),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/system/ai-runs/:id/',
			summary: 'One AI run: status, progress, tokens, cost and credits',
			tag: 'system',
			auth: 'user_or_site_key',
			params: idPathSchema,
			response: { data: aiRunSchema },
			handler: async ( { params, principal } ) => ( {
				data: serializeRun( await engine.find( principal, params.id ) ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/system/ai-runs/:id/cancel/',
			summary:
				'Cancel a queued or running AI run: nothing it made is saved and its credits are refunded',
			tag: 'system',
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			response: { data: aiRunSchema },
			handler: async ( { params, principal } ) => ( {
				data: serializeRun(
					await engine.cancel( principal, params.id )
				),
				message: 'Cancelled.',
			} ),
		} ),
		route( {
			method: 'get',
			path: '/system/ai-runs/:id/events/',
			summary:
				'Server-Sent Events of one run: `state` now, `progress` as it happens, `done` with the final state, then the stream ends',
			tag: 'system',
			auth: 'user_or_site_key',
			params: idPathSchema,
			response: {
				file: 'text/event-stream',
				description: 'An event stream',
			},
			handler: async ( { params, principal, req, res } ) => {
				const run = await engine.find( principal, params.id );
				streamRun( engine, req, res, run.get( { plain: true } ) );
				return { sent: true };
			},
		} ),
	];
}
