import { pipeline } from 'node:stream/promises';
import {
	aiRunListQuerySchema,
	aiRunSchema,
	aiRunStartedSchema,
	autoClusterRequestSchema,
	generateContentRequestSchema,
	generateIdeasRequestSchema,
	generateImagePromptsRequestSchema,
	generateImagesRequestSchema,
	idPathSchema,
	regenerateImageRequestSchema,
	regenerateSectionRequestSchema,
} from '@igny8/shared-types';
import { z } from 'zod';
import type { Models } from '../../db/models';
import type { SiteUserPrincipal, UserPrincipal } from '../auth';
import { NotFoundError } from '../../http/errors';
import { paginate } from '../../http/pagination';
import { route, type AnyRoute } from '../../http/route';
import { IMAGE_FILE_PATH } from '../../storage/image-store';
import type { AiEngine } from './engine';
import { defaultClusterMethod } from './functions/auto-cluster';
import {
	liveRunDrawing,
	pendingImagesOf,
	redrawableImage,
} from './functions/generate-images';
import { serializeRun } from './serialize';
import { streamRun } from './stream';

/**
 * AI actions (202 with the run's id) and the runs themselves: list, read,
 * cancel and a live event stream. Starting work and cancelling it need
 * `write_content`; reading runs needs `read`, within the caller's scope.
 */
type ActionPrincipal = UserPrincipal | SiteUserPrincipal;

/** What an action starts, or the live run that already does the same work. */
type ActionStart =
	| { fn: string; input: unknown; message: string }
	| { running: number; message: string };

/**
 * One AI action: the body (and path) turned into a function's input, then
 * the seed's `run_ai_task` (validated, priced, reserved, queued) and 202
 * with the run.
 */
function aiAction< B extends z.ZodType, P extends z.ZodType | undefined >(
	engine: AiEngine,
	spec: {
		path: string;
		summary: string;
		tag: 'planner' | 'writer';
		body: B;
		params?: P;
		start(
			body: z.infer< B >,
			principal: ActionPrincipal,
			params: P extends z.ZodType ? z.infer< P > : undefined
		): Promise< ActionStart >;
	}
): AnyRoute {
	return route( {
		method: 'post',
		path: spec.path,
		summary: `${ spec.summary } (202: follow the run at /system/ai-runs/{run_id}/events/)`,
		tag: spec.tag,
		auth: 'user',
		permission: 'write_content',
		...( spec.params ? { params: spec.params as z.ZodType } : {} ),
		body: spec.body as z.ZodType,
		response: {
			status: 202,
			data: aiRunStartedSchema,
			description: 'The run is queued and its credits reserved',
		},
		handler: async ( { body, principal, params } ) => {
			const started = await spec.start(
				body as z.infer< B >,
				principal,
				params as P extends z.ZodType ? z.infer< P > : undefined
			);
			if ( 'running' in started ) {
				return {
					status: 202,
					data: { run_id: started.running },
					message: started.message,
				};
			}
			const run = await engine.runAiTask(
				started.fn,
				started.input,
				principal
			);
			return {
				status: 202,
				data: { run_id: Number( run.id ) },
				message: started.message,
			};
		},
	} );
}

export function aiRoutes( engine: AiEngine, models: Models ): AnyRoute[] {
	const unique = ( ids: number[] ) => [ ...new Set( ids ) ];
	return [
		aiAction( engine, {
			path: '/planner/keywords/auto_cluster/',
			summary:
				"Cluster keywords (the named ones, or a sector's unclustered ones) by lexical, embeddings or llm",
			tag: 'planner',
			body: autoClusterRequestSchema,
			start: async ( body, principal ) => {
				const method =
					body.method ??
					defaultClusterMethod(
						(
							await engine.aiSettings.forAccount(
								principal.account.id
							)
						).provider.configured
					);
				return {
					fn: 'auto_cluster',
					input: {
						...( body.ids
							? { keyword_ids: unique( body.ids ) }
							: {} ),
						...( body.sector_id !== undefined
							? { sector_id: body.sector_id }
							: {} ),
						method,
						min_cluster_size: body.min_cluster_size,
					},
					message: `Clustering keywords (${ method }).`,
				};
			},
		} ),
		aiAction( engine, {
			path: '/planner/clusters/generate_ideas/',
			summary: 'Generate content ideas for clusters with AI',
			tag: 'planner',
			body: generateIdeasRequestSchema,
			start: async ( body ) => ( {
				fn: 'generate_ideas',
				input: {
					cluster_ids: unique( body.ids ),
					ideas_per_cluster: body.ideas_per_cluster,
				},
				message: 'Generating ideas.',
			} ),
		} ),
		aiAction( engine, {
			path: '/writer/tasks/generate_content/',
			summary:
				'Write the article of each task with AI: one content per task, rewritten in place when it exists; the task becomes completed',
			tag: 'writer',
			body: generateContentRequestSchema,
			start: async ( body ) => ( {
				fn: 'generate_content',
				input: {
					task_ids: unique( body.ids ),
					author_profile_id: body.author_profile_id ?? null,
					strategy_id: body.strategy_id ?? null,
				},
				message: 'Writing content.',
			} ),
		} ),
		aiAction( engine, {
			path: '/writer/content/regenerate_section/',
			summary:
				"Rewrite one section of a draft with AI (the heading's position among its headings); the rest of the article stays as it is and the run's summary carries the new section",
			tag: 'writer',
			body: regenerateSectionRequestSchema,
			start: async ( body ) => ( {
				fn: 'regenerate_section',
				input: {
					content_id: body.content_id,
					heading_index: body.heading_index,
					instructions: body.instructions ?? '',
				},
				message: 'Rewriting the section.',
			} ),
		} ),
		aiAction( engine, {
			path: '/writer/tasks/generate_image_prompts/',
			summary:
				"Describe a featured and N in-article images for each task's content with AI, replacing its prompts not yet drawn",
			tag: 'writer',
			body: generateImagePromptsRequestSchema,
			start: async ( body ) => ( {
				fn: 'generate_image_prompts',
				input: {
					task_ids: unique( body.ids ),
					in_article_images: body.in_article_images,
				},
				message: 'Writing image prompts.',
			} ),
		} ),
		aiAction( engine, {
			path: '/writer/tasks/generate_images/',
			summary:
				"Draw every image prompt of the tasks that has no picture yet; the cloud stores the files and serves them at each image's image_url",
			tag: 'writer',
			body: generateImagesRequestSchema,
			start: async ( body, principal ) => ( {
				fn: 'generate_images',
				input: {
					image_ids: await pendingImagesOf(
						models,
						principal,
						unique( body.ids )
					),
					size: body.size,
					provider: body.provider ?? null,
				},
				message: 'Generating images.',
			} ),
		} ),
		aiAction( engine, {
			path: '/writer/images/:id/regenerate/',
			summary:
				'Draw one image again from its prompt, priced as one picture; the new file replaces the old one once stored. A repeat while it is being drawn answers the same run',
			tag: 'writer',
			params: idPathSchema,
			body: regenerateImageRequestSchema,
			start: async ( body, principal, params ) => {
				const image = await redrawableImage(
					models,
					principal,
					params.id
				);
				const running = await liveRunDrawing(
					models,
					principal,
					image.id
				);
				if ( running !== null ) {
					return {
						running,
						message: 'This image is already being drawn.',
					};
				}
				return {
					fn: 'generate_images',
					input: {
						image_ids: [ Number( image.id ) ],
						size: body.size,
						provider: body.provider ?? null,
					},
					message: 'Redrawing the image.',
				};
			},
		} ),
		route( {
			method: 'get',
			path: `${ IMAGE_FILE_PATH }:file`,
			summary:
				'A generated image file. No credentials: the unguessable file name is the key, so WordPress can sideload it by URL',
			tag: 'writer',
			auth: 'public',
			// A site sideloads every image of a bulk publish from one address;
			// a 122-bit random name cannot be guessed, so the throttle guards nothing here.
			throttled: false,
			params: z.object( { file: z.string().max( 64 ) } ),
			response: {
				file: 'image/png',
				description: 'The image bytes (PNG, JPEG or WebP)',
			},
			handler: async ( { params, res } ) => {
				const key = engine.files.keyOf( params.file );
				// Only files a live image row points at are served.
				const image = key
					? await models.Image.findOne( {
							attributes: [ 'id' ],
							where: { storage_path: key },
						} )
					: null;
				if ( ! key || ! image ) {
					throw new NotFoundError( 'Image not found.' );
				}
				const size = await engine.files.size( key ).catch( () => null );
				if ( size === null ) {
					throw new NotFoundError( 'Image not found.' );
				}
				res.status( 200 );
				res.setHeader( 'Content-Type', engine.files.mimeOf( key ) );
				res.setHeader( 'Content-Length', String( size ) );
				// Files never change under a key: cache for good.
				res.setHeader(
					'Cache-Control',
					'public, max-age=31536000, immutable'
				);
				// Loadable from the plugin's screens on the site's own origin.
				res.setHeader( 'Cross-Origin-Resource-Policy', 'cross-origin' );
				await pipeline( engine.files.open( key ), res );
				return { sent: true };
			},
		} ),
		route( {
			method: 'get',
			path: '/system/ai-runs/',
			summary:
				'List AI runs, newest first (filter by site, status, function, day added)',
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
				streamRun(
					engine,
					principal,
					req,
					res,
					run.get( { plain: true } )
				);
				return { sent: true };
			},
		} ),
	];
}
