import {
	aiRunStartedSchema,
	contentSchema,
	idPathSchema,
	optimizerAnalysisSchema,
	optimizerAnalyzeSchema,
	optimizerBulkResultSchema,
	optimizerBulkSchema,
	optimizerFixSchema,
	optimizerHistoryEntrySchema,
	optimizerHistoryQuerySchema,
	optimizerRevisionListQuerySchema,
	optimizerRevisionSchema,
	optimizerScoreRowSchema,
	optimizerScoresQuerySchema,
	optimizerSummaryQuerySchema,
	optimizerSummarySchema,
} from '@igny8/shared-types';
import { route, type AnyRoute } from '../../http/route';
import type { OptimizerService } from './service';

const TAG = 'optimizer';
const FOLLOW = ' (202: follow the run at /system/ai-runs/{run_id}/events/)';

/** The seed's Optimizer module (`/api/v1/optimizer/`): analysis, score history, AI revisions. */
export function optimizerRoutes( optimizer: OptimizerService ): AnyRoute[] {
	return [
		route( {
			method: 'post',
			path: '/optimizer/analyze/',
			summary:
				'SEO and readability analysis of the given text (nothing kept), or of a saved draft (kept in its score history)',
			tag: TAG,
			auth: 'user',
			body: optimizerAnalyzeSchema,
			response: { data: optimizerAnalysisSchema },
			handler: async ( { body, principal } ) => ( {
				data: await optimizer.analyze( principal, body ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/optimizer/history/',
			summary:
				'The score of each saved revision of a content, newest first',
			tag: TAG,
			auth: 'user',
			query: optimizerHistoryQuerySchema,
			response: { list: optimizerHistoryEntrySchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await optimizer.history( principal, req, query ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/optimizer/scores/',
			summary:
				'Every content with its latest score and rating, and whether an AI revision waits for review',
			tag: TAG,
			auth: 'user',
			query: optimizerScoresQuerySchema,
			response: { list: optimizerScoreRowSchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await optimizer.scores( principal, req, query ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/optimizer/summary/',
			summary:
				'The dashboard’s figures: contents by rating, never analyzed, the average score, reviews pending',
			tag: TAG,
			auth: 'user',
			query: optimizerSummaryQuerySchema,
			response: { data: optimizerSummarySchema },
			handler: async ( { query, principal } ) => ( {
				data: await optimizer.summary( principal, query.site_id ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/optimizer/fix/',
			summary: `Rewrite a draft with AI to pass the named checks, as a revision to review${ FOLLOW }`,
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: optimizerFixSchema,
			response: {
				status: 202,
				data: aiRunStartedSchema,
				description: 'The run is queued and its credits reserved',
			},
			handler: async ( { body, principal } ) => ( {
				status: 202,
				data: await optimizer.fix( principal, body ),
				message: 'Optimizing the draft.',
			} ),
		} ),
		route( {
			method: 'post',
			path: '/optimizer/bulk/',
			summary: `Optimize a selection of drafts as one AI run within a credit cap; each becomes a revision to review${ FOLLOW }`,
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: optimizerBulkSchema,
			response: {
				status: 202,
				data: optimizerBulkResultSchema,
				description:
					'The run is queued with the drafts the cap covers; the others are listed',
			},
			handler: async ( { body, principal } ) => ( {
				status: 202,
				data: await optimizer.bulk( principal, body ),
				message: 'Optimizing drafts.',
			} ),
		} ),
		route( {
			method: 'get',
			path: '/optimizer/revisions/',
			summary: 'AI-proposed revisions, newest first',
			tag: TAG,
			auth: 'user',
			query: optimizerRevisionListQuerySchema,
			response: { list: optimizerRevisionSchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await optimizer.revisions( principal, req, query ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/optimizer/revisions/:id/',
			summary: 'One AI-proposed revision, with its full text',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			response: { data: optimizerRevisionSchema },
			handler: async ( { params, principal } ) => ( {
				data: await optimizer.revision( principal, params.id ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/optimizer/revisions/:id/accept/',
			summary:
				'Put the revision in place of the draft (409 when the draft changed since it was proposed)',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			response: { data: contentSchema },
			handler: async ( { params, principal } ) => ( {
				data: await optimizer.accept( principal, params.id ),
				message: 'The revision replaced the draft.',
			} ),
		} ),
		route( {
			method: 'post',
			path: '/optimizer/revisions/:id/reject/',
			summary: 'Dismiss the revision; the draft stays as it is',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			response: { data: optimizerRevisionSchema },
			handler: async ( { params, principal } ) => ( {
				data: await optimizer.reject( principal, params.id ),
			} ),
		} ),
	];
}
