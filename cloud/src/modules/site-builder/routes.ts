import {
	aiRunStartedSchema,
	blueprintApplyReportSchema,
	blueprintApplyRunSchema,
	blueprintApplySchema,
	blueprintGenerateSchema,
	blueprintPageCreateSchema,
	blueprintPageListQuerySchema,
	blueprintPageSchema,
	blueprintPageUpdateSchema,
	blueprintPageWriteSchema,
	blueprintPlanQuerySchema,
	blueprintPreviewSchema,
	blueprintRevertSchema,
	blueprintStatusSchema,
	blueprintVersionDetailSchema,
	blueprintVersionPathSchema,
	blueprintVersionSchema,
	idPathSchema,
	listQuerySchema,
	siteBlueprintCreateSchema,
	siteBlueprintListQuerySchema,
	siteBlueprintReplaceSchema,
	siteBlueprintSchema,
	siteBlueprintSummarySchema,
	siteBlueprintUpdateSchema,
} from '@igny8/shared-types';
import { route, type AnyRoute } from '../../http/route';
import type { SiteBuilderService } from './service';

const TAG = 'site-builder';
const BLUEPRINTS = '/site-builder/blueprints';
const PAGES = '/site-builder/pages';

/**
 * The seed's Site Builder (`/api/v1/site-builder/`): SiteBlueprintViewSet
 * and PageBlueprintViewSet, plus what the wp-admin screen needs around
 * them — versions and revert, AI generation, the plan (a dry run on the
 * site), the apply and its status, and the Playground preview.
 *
 * Editing a blueprint is writing content (`write_content`); applying it
 * changes the site's pages, categories and menus (`manage_sites`).
 */
export function siteBuilderRoutes(
	siteBuilder: SiteBuilderService
): AnyRoute[] {
	return [
		route( {
			method: 'get',
			path: `${ BLUEPRINTS }/`,
			summary: 'Blueprints of site structures, newest change first',
			tag: TAG,
			auth: 'user',
			query: siteBlueprintListQuerySchema,
			response: { list: siteBlueprintSummarySchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await siteBuilder.list( principal, req, query ),
			} ),
		} ),
		route( {
			method: 'post',
			path: `${ BLUEPRINTS }/`,
			summary: 'A blueprint written by hand (version 1)',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: siteBlueprintCreateSchema,
			response: { status: 201, data: siteBlueprintSchema },
			handler: async ( { body, principal } ) => ( {
				status: 201,
				data: await siteBuilder.create( principal, body ),
			} ),
		} ),
		// Before `:id`: "generate" is not a blueprint id.
		route( {
			method: 'post',
			path: `${ BLUEPRINTS }/generate/`,
			summary:
				"Generate a blueprint with AI from the site's industry, sectors and clusters (202: follow the run at /system/ai-runs/{run_id}/events/)",
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: blueprintGenerateSchema,
			response: {
				status: 202,
				data: aiRunStartedSchema,
				description: 'The run is queued and its credits reserved',
			},
			handler: async ( { body, principal } ) => ( {
				status: 202,
				data: await siteBuilder.generate( principal, body ),
				message: 'Generating the site structure.',
			} ),
		} ),
		route( {
			method: 'get',
			path: `${ BLUEPRINTS }/:id/`,
			summary: 'A blueprint with its pages, categories and menus',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			response: { data: siteBlueprintSchema },
			handler: async ( { params, principal } ) => ( {
				data: await siteBuilder.get( principal, params.id ),
			} ),
		} ),
		route( {
			method: 'put',
			path: `${ BLUEPRINTS }/:id/`,
			summary:
				'Replace the structure (a new version; 409 when `expected_version` is not the current one)',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			body: siteBlueprintReplaceSchema,
			response: { data: siteBlueprintSchema },
			handler: async ( { params, body, principal } ) => ( {
				data: await siteBuilder.replace( principal, params.id, body ),
			} ),
		} ),
		route( {
			method: 'patch',
			path: `${ BLUEPRINTS }/:id/`,
			summary:
				'Change the name, description, or replace the lists named (a new version)',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			body: siteBlueprintUpdateSchema,
			response: { data: siteBlueprintSchema },
			handler: async ( { params, body, principal } ) => ( {
				data: await siteBuilder.update( principal, params.id, body ),
			} ),
		} ),
		route( {
			method: 'delete',
			path: `${ BLUEPRINTS }/:id/`,
			summary:
				'Delete the blueprint and its versions (WordPress keeps what was applied)',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal } ) => {
				await siteBuilder.remove( principal, params.id );
				return { status: 204 };
			},
		} ),
		route( {
			method: 'get',
			path: `${ BLUEPRINTS }/:id/versions/`,
			summary: 'Every saved version, newest first',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			query: listQuerySchema,
			response: { list: blueprintVersionSchema },
			handler: async ( { params, query, principal, req } ) => ( {
				list: await siteBuilder.versions(
					principal,
					req,
					params.id,
					query
				),
			} ),
		} ),
		route( {
			method: 'get',
			path: `${ BLUEPRINTS }/:id/versions/:version/`,
			summary: 'One saved version with its whole structure',
			tag: TAG,
			auth: 'user',
			params: blueprintVersionPathSchema,
			response: { data: blueprintVersionDetailSchema },
			handler: async ( { params, principal } ) => ( {
				data: await siteBuilder.version(
					principal,
					params.id,
					params.version
				),
			} ),
		} ),
		route( {
			method: 'post',
			path: `${ BLUEPRINTS }/:id/revert/`,
			summary:
				'Make an earlier version the current one, as a new version',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			body: blueprintRevertSchema,
			response: { data: siteBlueprintSchema },
			handler: async ( { params, body, principal } ) => ( {
				data: await siteBuilder.revert( principal, params.id, body ),
				message: `Reverted to version ${ body.version }.`,
			} ),
		} ),
		route( {
			method: 'get',
			path: `${ BLUEPRINTS }/:id/plan/`,
			summary:
				'What applying the current version would create, update, leave, report as edited in WordPress or offer for removal — a dry run on the site that changes nothing',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			query: blueprintPlanQuerySchema,
			response: { data: blueprintApplyReportSchema },
			handler: async ( { params, query, principal } ) => ( {
				data: await siteBuilder.plan( principal, params.id, query ),
			} ),
		} ),
		route( {
			method: 'post',
			path: `${ BLUEPRINTS }/:id/apply/`,
			summary:
				'Apply the current version to WordPress (202: follow it at the status route); while one is waiting or running, that one is answered',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: blueprintApplySchema,
			response: {
				status: 202,
				data: blueprintApplyRunSchema,
				description: 'The apply is queued',
			},
			handler: async ( { params, body, principal } ) => {
				const { apply, created } = await siteBuilder.apply(
					principal,
					params.id,
					body
				);
				return {
					status: 202,
					data: apply,
					message: created
						? 'Applying the blueprint to WordPress.'
						: 'This blueprint is being applied already.',
				};
			},
		} ),
		route( {
			method: 'get',
			path: `${ BLUEPRINTS }/:id/status/`,
			summary:
				'The applies of the blueprint (the newest first, with their reports) and whether it changed since WordPress got it',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			response: { data: blueprintStatusSchema },
			handler: async ( { params, principal } ) => ( {
				data: await siteBuilder.status( principal, params.id ),
			} ),
		} ),
		route( {
			method: 'get',
			path: `${ BLUEPRINTS }/:id/preview/`,
			summary:
				'A WordPress Playground blueprint that builds the structure in a disposable site, and a link that opens it',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			response: { data: blueprintPreviewSchema },
			handler: async ( { params, principal } ) => ( {
				data: await siteBuilder.preview( principal, params.id ),
			} ),
		} ),
		route( {
			method: 'get',
			path: `${ PAGES }/`,
			summary: 'Pages of blueprints, in each blueprint’s order',
			tag: TAG,
			auth: 'user',
			query: blueprintPageListQuerySchema,
			response: { list: blueprintPageSchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await siteBuilder.pages( principal, req, query ),
			} ),
		} ),
		route( {
			method: 'post',
			path: `${ PAGES }/`,
			summary: 'Add a page to a blueprint (a new version)',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: blueprintPageCreateSchema,
			response: { status: 201, data: blueprintPageSchema },
			handler: async ( { body, principal } ) => ( {
				status: 201,
				data: await siteBuilder.createPage( principal, body ),
			} ),
		} ),
		route( {
			method: 'get',
			path: `${ PAGES }/:id/`,
			summary: 'One page of a blueprint',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			response: { data: blueprintPageSchema },
			handler: async ( { params, principal } ) => ( {
				data: await siteBuilder.page( principal, params.id ),
			} ),
		} ),
		...( [ 'put', 'patch' ] as const ).map( ( method ) =>
			route( {
				method,
				path: `${ PAGES }/:id/`,
				summary:
					'Change a page: rename, move (parent, position), outline, keywords (a new version of its blueprint)',
				tag: TAG,
				auth: 'user',
				permission: 'write_content',
				params: idPathSchema,
				body: blueprintPageUpdateSchema,
				response: { data: blueprintPageSchema },
				handler: async ( { params, body, principal } ) => ( {
					data: await siteBuilder.updatePage(
						principal,
						params.id,
						body
					),
				} ),
			} )
		),
		route( {
			method: 'post',
			path: `${ PAGES }/:id/write/`,
			summary:
				"Write the paragraph under each of the page's section headings with AI, saved as the next version of its blueprint (202: follow the run at /system/ai-runs/{run_id}/events/; 409 when the blueprint was saved since `expected_version`)",
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			body: blueprintPageWriteSchema,
			response: {
				status: 202,
				data: aiRunStartedSchema,
				description: 'The run is queued and its credits reserved',
			},
			handler: async ( { params, body, principal } ) => ( {
				status: 202,
				data: await siteBuilder.writePage( principal, params.id, body ),
				message: 'Writing the copy of the page.',
			} ),
		} ),
		route( {
			method: 'delete',
			path: `${ PAGES }/:id/`,
			summary:
				'Remove a page from its blueprint: its children move up, menu items to it go (WordPress keeps the page until an apply offers it for removal)',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal } ) => {
				await siteBuilder.removePage( principal, params.id );
				return { status: 204 };
			},
		} ),
	];
}
