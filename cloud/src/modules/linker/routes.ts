import { z } from 'zod';
import {
	linkerApplyResultSchema,
	linkerApplySchema,
	linkerGraphSchema,
	linkerPostQuerySchema,
	linkerPostRowSchema,
	linkerPostsQuerySchema,
	linkerRebuildPathSchema,
	linkerRebuildSchema,
	linkerRebuildStatusSchema,
	linkerRejectSchema,
	linkerRemoveResultSchema,
	linkerRemoveSchema,
	linkerReportQuerySchema,
	linkerReportSchema,
	linkerSettingsQuerySchema,
	linkerSettingsSchema,
	linkSuggestionSchema,
} from '@igny8/shared-types';
import { route, type AnyRoute } from '../../http/route';
import type { LinkerRebuilds } from './rebuild';
import { serializeRebuild } from './rebuild';
import type { LinkerService } from './service';
import type { LinkerSettingsStore } from './settings';

const TAG = 'linker';

/** The seed's Linker module (`/api/v1/linker/`): suggestions, applying them, the link graph. */
export function linkerRoutes( deps: {
	linker: LinkerService;
	rebuilds: LinkerRebuilds;
	settings: LinkerSettingsStore;
} ): AnyRoute[] {
	const { linker, rebuilds, settings } = deps;
	return [
		...(
			[
				[
					'outbound',
					'/linker/suggestions/',
					'Internal links this post could add: anchor text found in it, the post to link to, ranked',
				],
				[
					'inbound',
					'/linker/inbound/',
					'Posts that should link to this one, with the anchor in each',
				],
			] as const
		 ).map( ( [ direction, path, summary ] ) =>
			route( {
				method: 'get',
				path,
				summary,
				tag: TAG,
				auth: 'user',
				query: linkerPostQuerySchema,
				response: { list: linkSuggestionSchema },
				handler: async ( { query, principal } ) => {
					const results = await linker.suggestionsFor(
						principal,
						query,
						query.limit,
						direction
					);
					return {
						list: {
							count: results.length,
							next: null,
							previous: null,
							results,
						},
					};
				},
			} )
		),
		route( {
			method: 'post',
			path: '/linker/apply/',
			summary:
				'Add suggested links to the post (IGNY8’s copy, and the WordPress post when it is published); twice is once',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: linkerApplySchema,
			response: { data: linkerApplyResultSchema },
			handler: async ( { body, principal } ) => ( {
				data: await linker.apply( principal, body ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/linker/reject/',
			summary:
				'Dismiss suggestions: they are not offered again for the same text',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: linkerRejectSchema,
			response: { data: z.object( { rejected: z.array( z.string() ) } ) },
			handler: async ( { body, principal } ) => ( {
				data: await linker.reject( principal, body.suggestion_ids ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/linker/remove/',
			summary:
				'Remove links IGNY8 added to a post (the named ones, or all)',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: linkerRemoveSchema,
			response: { data: linkerRemoveResultSchema },
			handler: async ( { body, principal } ) => ( {
				data: await linker.remove( principal, body ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/linker/report/',
			summary:
				'The site’s internal links: counts, orphans, broken links and links to old addresses',
			tag: TAG,
			auth: 'user',
			query: linkerReportQuerySchema,
			response: { data: linkerReportSchema },
			handler: async ( { query, principal } ) => ( {
				data: await linker.report( principal, query.site_id ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/linker/posts/',
			summary:
				'The indexed posts of a site with inbound, outbound and suggestion counts',
			tag: TAG,
			auth: 'user',
			query: linkerPostsQuerySchema,
			response: { list: linkerPostRowSchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await linker.posts( principal, req, query ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/linker/graph/',
			summary:
				'Across the account’s sites: links between them, and posts competing for one keyword',
			tag: TAG,
			auth: 'user',
			response: { data: linkerGraphSchema },
			handler: async ( { principal } ) => ( {
				data: await linker.graph( principal ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/linker/rebuild/',
			summary:
				'Index the whole site again (queued; one at a time per site)',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: linkerRebuildSchema,
			response: {
				status: 202,
				data: linkerRebuildStatusSchema,
				description: 'The rebuild, queued or already under way',
			},
			handler: async ( { body, principal } ) => {
				const siteId = await linker.siteOf( principal, body.site_id );
				const { rebuild } = await rebuilds.start(
					principal.account.id,
					siteId
				);
				return { status: 202, data: serializeRebuild( rebuild ) };
			},
		} ),
		route( {
			method: 'get',
			path: '/linker/rebuild/:id/',
			summary: 'How far a rebuild has got',
			tag: TAG,
			auth: 'user',
			params: linkerRebuildPathSchema,
			response: { data: linkerRebuildStatusSchema },
			handler: async ( { params, principal } ) => ( {
				data: serializeRebuild(
					await rebuilds.find( principal, params.id )
				),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/linker/settings/',
			summary:
				'How many links the linker suggests per post and per paragraph',
			tag: TAG,
			auth: 'user',
			query: linkerSettingsQuerySchema,
			response: { data: linkerSettingsSchema },
			handler: async ( { query, principal } ) => ( {
				data: await settings.get(
					await linker.siteOf( principal, query.site_id )
				),
			} ),
		} ),
		route( {
			method: 'put',
			path: '/linker/settings/',
			summary:
				'Change how many links the linker suggests per post and per paragraph',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			query: linkerSettingsQuerySchema,
			body: linkerSettingsSchema,
			response: { data: linkerSettingsSchema },
			handler: async ( { query, body, principal } ) => ( {
				data: await settings.put(
					principal.account.id,
					await linker.siteOf( principal, query.site_id ),
					body
				),
			} ),
		} ),
	];
}
