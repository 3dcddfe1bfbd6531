import {
	contentTypesSchema,
	eventBatchResultSchema,
	eventBatchSchema,
	idPathSchema,
	integrationCreateSchema,
	integrationListQuerySchema,
	integrationSchema,
	integrationUpdateSchema,
	syncRequestSchema,
	testConnectionSchema,
	updateStructureSchema,
} from '@igny8/shared-types';
import { auditActor } from '../../audit';
import type { Models } from '../../db/models';
import { PermissionDeniedError, ValidationError } from '../../http/errors';
import { paginate } from '../../http/pagination';
import { route, type AnyRoute } from '../../http/route';
import {
	confinedSiteId,
	siteFilter,
	type Principal,
	type SiteKeyPrincipal,
} from '../auth';
import type { EventService } from './events';
import { serializeIntegration, type IntegrationService } from './service';

const TAG = 'integration';
const BASE = '/integration/integrations/';

/** Routes only a WordPress site calls, with its own key (the policy gives users no `site_sync`). */
function siteOnly( principal: Principal ): SiteKeyPrincipal {
	if ( principal.kind !== 'site_key' ) {
		throw new PermissionDeniedError(
			'Only a WordPress site, with its API key, may call this.'
		);
	}
	return principal;
}

/** The seed's Integration module (`/integration/`) and the plugin's event endpoint. */
export function integrationRoutes( deps: {
	models: Models;
	integrations: IntegrationService;
	events: EventService;
} ): AnyRoute[] {
	const { models, integrations, events } = deps;
	return [
		route( {
			method: 'get',
			path: BASE,
			summary: 'Your sites’ integrations (a site key: its own)',
			tag: TAG,
			auth: 'user_or_site_key',
			query: integrationListQuerySchema,
			response: { list: integrationSchema },
			handler: async ( { query, principal, req } ) => {
				const where = {
					account_id: principal.account.id,
					...( query.site_id !== undefined
						? { site_id: query.site_id }
						: {} ),
					...( query.platform ? { platform: query.platform } : {} ),
					...siteFilter( principal ),
				};
				const confined = confinedSiteId( principal );
				if (
					confined !== null &&
					query.site_id !== undefined &&
					query.site_id !== confined
				) {
					throw new ValidationError( 'Invalid query.', {
						site_id: [ `site ${ query.site_id } does not exist` ],
					} );
				}
				return {
					list: await paginate(
						req,
						models.SiteIntegration,
						query,
						where,
						{
							orderingFields: [
								'id',
								'created_at',
								'last_sync_at',
							],
							searchFields: [],
							defaultOrdering: 'id',
						},
						serializeIntegration
					),
				};
			},
		} ),
		route( {
			method: 'post',
			path: BASE,
			summary: 'Create a site’s integration',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			body: integrationCreateSchema,
			response: { status: 201, data: integrationSchema },
			handler: async ( { body, principal, req } ) => ( {
				status: 201,
				data: serializeIntegration(
					await integrations.create(
						principal,
						body,
						auditActor( principal, req )
					)
				),
			} ),
		} ),
		route( {
			method: 'post',
			path: `${ BASE }test-connection/`,
			summary:
				'The plugin connects: pairs a new site key (sent in plain, once) or, signed, refreshes its site’s WordPress integration (site only)',
			tag: TAG,
			auth: 'user_or_site_key',
			sitePairing: true,
			permission: 'site_sync',
			body: testConnectionSchema,
			response: { data: integrationSchema },
			handler: async ( { body, principal, req } ) => {
				const site = siteOnly( principal );
				const row = await integrations.testConnection(
					site,
					body,
					// Present only when the site pairs a key (the gate refused it on a signed call).
					req.get( 'x-igny8-api-key' ),
					auditActor( site, req )
				);
				return {
					data: serializeIntegration( row ),
					message: 'Connected.',
				};
			},
		} ),
		route( {
			method: 'get',
			path: `${ BASE }:id/`,
			summary: 'One integration',
			tag: TAG,
			auth: 'user_or_site_key',
			params: idPathSchema,
			response: { data: integrationSchema },
			handler: async ( { params, principal } ) => ( {
				data: serializeIntegration(
					await integrations.find( principal, params.id )
				),
			} ),
		} ),
		route( {
			method: 'patch',
			path: `${ BASE }:id/`,
			summary: 'Change an integration (settings, on/off)',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: integrationUpdateSchema,
			response: { data: integrationSchema },
			handler: async ( { params, body, principal, req } ) => ( {
				data: serializeIntegration(
					await integrations.update(
						await integrations.find( principal, params.id ),
						body,
						auditActor( principal, req )
					)
				),
			} ),
		} ),
		route( {
			method: 'delete',
			path: `${ BASE }:id/`,
			summary: 'Remove an integration and its stored credential',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal, req } ) => {
				await integrations.remove(
					await integrations.find( principal, params.id ),
					auditActor( principal, req )
				);
				return { status: 204 };
			},
		} ),
		route( {
			method: 'post',
			path: `${ BASE }:id/update-structure/`,
			summary:
				'Store the site’s structure (post types, taxonomies): the given metadata, or asked from the site',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: updateStructureSchema,
			response: { data: integrationSchema },
			handler: async ( { params, body, principal } ) => ( {
				data: serializeIntegration(
					await integrations.updateStructure(
						await integrations.find( principal, params.id ),
						body.metadata
					)
				),
			} ),
		} ),
		route( {
			method: 'get',
			path: `${ BASE }:id/content-types/`,
			summary:
				'The site’s post types and taxonomies, and which are synced',
			tag: TAG,
			auth: 'user_or_site_key',
			params: idPathSchema,
			response: { data: contentTypesSchema },
			handler: async ( { params, principal } ) => ( {
				data: integrations.contentTypes(
					await integrations.find( principal, params.id )
				),
			} ),
		} ),
		route( {
			method: 'post',
			path: `${ BASE }:id/sync/`,
			summary:
				'Pull the site’s posts (full or incremental) as a queued job; progress is on the integration',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: syncRequestSchema,
			response: {
				status: 202,
				data: integrationSchema,
				description:
					'The pull is queued (or already queued or running)',
			},
			handler: async ( { params, body, principal } ) => ( {
				status: 202,
				data: serializeIntegration(
					await integrations.startSync(
						await integrations.find( principal, params.id ),
						body.mode
					)
				),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/integration/events/',
			summary:
				'The plugin’s outbox: a batch of at most 100 events, each applied once ever, with the site’s health; no events and only the health: a heartbeat (site key only)',
			tag: TAG,
			auth: 'user_or_site_key',
			permission: 'site_sync',
			body: eventBatchSchema,
			response: { data: eventBatchResultSchema },
			handler: async ( { body, principal } ) => {
				const site = siteOnly( principal );
				const result = await events.applyBatch( site, body.events );
				if ( body.health ) {
					await integrations.recordHealth( site, body.health );
				}
				return { data: result };
			},
		} ),
	];
}
