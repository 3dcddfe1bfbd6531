import { z } from 'zod';
import {
	accountSchema,
	accountUpdateSchema,
	createdSiteApiKeySchema,
	idParam,
	idPathSchema,
	industrySchema,
	planSchema,
	sectorCreateSchema,
	sectorSchema,
	sectorUpdateSchema,
	siteApiKeyCreateSchema,
	siteApiKeySchema,
	siteCreateSchema,
	siteSchema,
	siteUpdateSchema,
	userCreateSchema,
	userSchema,
	userUpdateSchema,
} from '@igny8/shared-types';
import { auditActor } from '../../audit';
import type { Models } from '../../db/models';
import { NotFoundError } from '../../http/errors';
import { paginate } from '../../http/pagination';
import { route, type AnyRoute } from '../../http/route';
import type { SiteApiKeyService } from '../auth';
import { confinedSiteId, siteFilter, type Principal } from '../auth';
import type { AccountService } from './accounts';
import { accountListQuerySchema, findOwned, scopedAccountId } from './scope';
import type { SectorService } from './sectors';
import {
	serializeAccount,
	serializeIndustry,
	serializePlan,
	serializeSector,
	serializeSite,
	serializeSiteApiKey,
	serializeUser,
} from './serializers';
import type { SiteService } from './sites';
import { inviteRoutes } from './invite-routes';
import type { InviteService } from './invites';
import type { UserService } from './users';

type Services = {
	models: Models;
	accounts: AccountService;
	invites: InviteService;
	sites: SiteService;
	sectors: SectorService;
	users: UserService;
	apiKeys: SiteApiKeyService;
};

const sectorListQuerySchema = accountListQuerySchema.extend( {
	site_id: idParam.optional(),
} );
const apiKeyPathSchema = z.object( { id: idParam, keyId: idParam } );

/** A site key or a WordPress user sees only its own site: everything else of its account is "not found". */
function siteRestriction( principal: Principal ): { id?: number } {
	return principal.kind !== 'user' ? { id: principal.site.id } : {};
}

export function tenancyRoutes( {
	models,
	accounts,
	sites,
	sectors,
	users,
	apiKeys,
	invites,
}: Services ): AnyRoute[] {
	return [
		// --- accounts --------------------------------------------------------------
		route( {
			method: 'get',
			path: '/auth/accounts/',
			summary: 'Your account (support staff: any account, by account_id)',
			tag: 'accounts',
			auth: 'account_user',
			query: accountListQuerySchema,
			response: { list: accountSchema },
			handler: async ( { query, principal, req } ) => {
				const where =
					principal.role === 'developer' &&
					query.account_id === undefined
						? {}
						: {
								id: scopedAccountId(
									principal,
									query.account_id
								),
							};
				return {
					list: await paginate(
						req,
						models.Account,
						query,
						where,
						{
							orderingFields: [ 'id', 'name', 'created_at' ],
							searchFields: [ 'name', 'slug' ],
							defaultOrdering: 'id',
						},
						serializeAccount
					),
				};
			},
		} ),
		route( {
			method: 'get',
			path: '/auth/accounts/:id/',
			summary: 'One account',
			tag: 'accounts',
			auth: 'account_user',
			params: idPathSchema,
			response: { data: accountSchema },
			handler: async ( { params, principal } ) => {
				const visible =
					principal.role === 'developer' ||
					params.id === principal.account.id;
				const account = visible
					? await models.Account.findByPk( params.id )
					: null;
				if ( ! account ) {
					throw new NotFoundError( 'Account not found.' );
				}
				return { data: serializeAccount( account ) };
			},
		} ),
		route( {
			method: 'patch',
			path: '/auth/accounts/:id/',
			summary: 'Rename your account',
			tag: 'accounts',
			auth: 'account_user',
			permission: 'manage_account',
			params: idPathSchema,
			body: accountUpdateSchema,
			response: { data: accountSchema },
			handler: async ( { params, body, principal, req } ) => {
				if ( params.id !== principal.account.id ) {
					throw new NotFoundError( 'Account not found.' );
				}
				return {
					data: serializeAccount(
						await accounts.rename(
							principal.account,
							body.name,
							auditActor( principal, req )
						)
					),
				};
			},
		} ),

		// --- users -----------------------------------------------------------------
		route( {
			method: 'get',
			path: '/auth/users/',
			summary: 'People of your account',
			tag: 'users',
			auth: 'account_user',
			query: accountListQuerySchema.extend( {
				role: z.string().optional(),
				is_active: z.enum( [ 'true', 'false' ] ).optional(),
			} ),
			response: { list: userSchema },
			handler: async ( { query, principal, req } ) => {
				const where = {
					account_id: scopedAccountId( principal, query.account_id ),
					...( query.role ? { role: query.role } : {} ),
					...( query.is_active
						? { is_active: query.is_active === 'true' }
						: {} ),
				};
				return {
					list: await paginate(
						req,
						models.User,
						query,
						where,
						{
							orderingFields: [
								'id',
								'email',
								'username',
								'role',
								'created_at',
							],
							searchFields: [ 'email', 'username' ],
							defaultOrdering: 'id',
						},
						serializeUser
					),
				};
			},
		} ),
		route( {
			method: 'post',
			path: '/auth/users/',
			summary: 'Add a person to your account',
			tag: 'users',
			auth: 'account_user',
			permission: 'manage_users',
			body: userCreateSchema,
			response: { status: 201, data: userSchema },
			handler: async ( { body, principal, req } ) => ( {
				status: 201,
				data: serializeUser(
					await users.create(
						principal,
						body,
						auditActor( principal, req )
					)
				),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/auth/users/:id/',
			summary: 'One person of your account',
			tag: 'users',
			auth: 'account_user',
			params: idPathSchema,
			response: { data: userSchema },
			handler: async ( { params, principal } ) => ( {
				data: serializeUser(
					await findOwned(
						models.User,
						params.id,
						principal.account.id
					)
				),
			} ),
		} ),
		route( {
			method: 'patch',
			path: '/auth/users/:id/',
			summary: 'Change a person’s role, username or active state',
			tag: 'users',
			auth: 'account_user',
			permission: 'manage_users',
			params: idPathSchema,
			body: userUpdateSchema,
			response: { data: userSchema },
			handler: async ( { params, body, principal, req } ) => ( {
				data: serializeUser(
					await users.update(
						principal,
						params.id,
						body,
						auditActor( principal, req )
					)
				),
			} ),
		} ),
		route( {
			method: 'delete',
			path: '/auth/users/:id/',
			summary:
				'Deactivate a person (their sessions end; their work stays)',
			tag: 'users',
			auth: 'account_user',
			permission: 'manage_users',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal, req } ) => {
				await users.update(
					principal,
					params.id,
					{ is_active: false },
					auditActor( principal, req )
				);
				return { status: 204 };
			},
		} ),

		...inviteRoutes( invites ),

		// --- sites -----------------------------------------------------------------
		route( {
			method: 'get',
			path: '/auth/sites/',
			summary: 'Sites of your account',
			tag: 'sites',
			auth: 'user_or_site_key',
			query: accountListQuerySchema.extend( {
				status: z
					.enum( [ 'active', 'inactive', 'suspended' ] )
					.optional(),
			} ),
			response: { list: siteSchema },
			handler: async ( { query, principal, req } ) => {
				const where = {
					account_id: scopedAccountId( principal, query.account_id ),
					...siteRestriction( principal ),
					...( query.status ? { status: query.status } : {} ),
				};
				return {
					list: await paginate(
						req,
						models.Site,
						query,
						where,
						{
							orderingFields: [
								'id',
								'name',
								'slug',
								'created_at',
								'updated_at',
							],
							searchFields: [
								'name',
								'slug',
								'domain',
								'wordpress_url',
							],
							defaultOrdering: 'name',
						},
						serializeSite
					),
				};
			},
		} ),
		route( {
			method: 'post',
			path: '/auth/sites/',
			summary: 'Add a site (within your plan’s site limit)',
			tag: 'sites',
			auth: 'account_user',
			permission: 'manage_sites',
			body: siteCreateSchema,
			response: { status: 201, data: siteSchema },
			handler: async ( { body, principal, req } ) => ( {
				status: 201,
				data: serializeSite(
					await sites.create(
						principal.account.id,
						body,
						auditActor( principal, req )
					)
				),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/auth/sites/:id/',
			summary: 'One site',
			tag: 'sites',
			auth: 'user_or_site_key',
			params: idPathSchema,
			response: { data: siteSchema },
			handler: async ( { params, principal } ) => ( {
				data: serializeSite(
					await findOwned(
						models.Site,
						params.id,
						principal.account.id,
						{ where: siteRestriction( principal ) }
					)
				),
			} ),
		} ),
		route( {
			method: 'put',
			path: '/auth/sites/:id/',
			summary: 'Replace a site’s settings',
			tag: 'sites',
			auth: 'account_user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: siteCreateSchema,
			response: { data: siteSchema },
			handler: async ( { params, body, principal, req } ) => ( {
				data: serializeSite(
					await sites.update(
						principal.account.id,
						params.id,
						body,
						auditActor( principal, req )
					)
				),
			} ),
		} ),
		route( {
			method: 'patch',
			path: '/auth/sites/:id/',
			summary: 'Change some of a site’s settings',
			tag: 'sites',
			auth: 'account_user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: siteUpdateSchema,
			response: { data: siteSchema },
			handler: async ( { params, body, principal, req } ) => ( {
				data: serializeSite(
					await sites.update(
						principal.account.id,
						params.id,
						body,
						auditActor( principal, req )
					)
				),
			} ),
		} ),
		route( {
			method: 'delete',
			path: '/auth/sites/:id/',
			summary: 'Delete a site with its sectors and keys',
			tag: 'sites',
			auth: 'account_user',
			permission: 'manage_sites',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal, req } ) => {
				await sites.remove(
					principal.account.id,
					params.id,
					auditActor( principal, req )
				);
				return { status: 204 };
			},
		} ),

		// --- site API keys ---------------------------------------------------------
		route( {
			method: 'get',
			path: '/auth/sites/:id/api-keys/',
			summary: 'API keys of a site (prefixes only)',
			tag: 'sites',
			auth: 'account_user',
			permission: 'manage_sites',
			params: idPathSchema,
			query: accountListQuerySchema,
			response: { list: siteApiKeySchema },
			handler: async ( { params, query, principal, req } ) => {
				const site = await findOwned(
					models.Site,
					params.id,
					principal.account.id
				);
				return {
					list: await paginate(
						req,
						models.SiteApiKey,
						query,
						{ site_id: site.id },
						{
							orderingFields: [
								'id',
								'name',
								'created_at',
								'last_used_at',
							],
							searchFields: [ 'name', 'prefix' ],
							defaultOrdering: '-created_at',
						},
						serializeSiteApiKey
					),
				};
			},
		} ),
		route( {
			method: 'post',
			path: '/auth/sites/:id/api-keys/',
			summary:
				'Create a site API key (the full key is in this answer only)',
			tag: 'sites',
			auth: 'account_user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: siteApiKeyCreateSchema,
			response: { status: 201, data: createdSiteApiKeySchema },
			handler: async ( { params, body, principal, req } ) => {
				const site = await findOwned(
					models.Site,
					params.id,
					principal.account.id
				);
				return {
					status: 201,
					data: await apiKeys.create(
						site,
						body.name,
						principal.user.id,
						auditActor( principal, req )
					),
					message: 'Copy this key now: it will not be shown again.',
				};
			},
		} ),
		route( {
			method: 'delete',
			path: '/auth/sites/:id/api-keys/:keyId/',
			summary: 'Revoke a site API key',
			tag: 'sites',
			auth: 'account_user',
			permission: 'manage_sites',
			params: apiKeyPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal, req } ) => {
				const key = await findOwned(
					models.SiteApiKey,
					params.keyId,
					principal.account.id,
					{ where: { site_id: params.id } }
				);
				await apiKeys.revoke( key, auditActor( principal, req ) );
				return { status: 204 };
			},
		} ),

		// --- sectors ---------------------------------------------------------------
		route( {
			method: 'get',
			path: '/auth/sectors/',
			summary: 'Sectors of your sites (filter by site_id)',
			tag: 'sectors',
			auth: 'user_or_site_key',
			query: sectorListQuerySchema,
			response: { list: sectorSchema },
			handler: async ( { query, principal, req } ) => {
				const restrictedSite =
					principal.kind !== 'user' ? principal.site.id : undefined;
				const where = {
					account_id: scopedAccountId( principal, query.account_id ),
					...( query.site_id !== undefined
						? { site_id: query.site_id }
						: {} ),
					...( restrictedSite !== undefined
						? { site_id: restrictedSite }
						: {} ),
				};
				if (
					restrictedSite !== undefined &&
					query.site_id !== undefined &&
					query.site_id !== restrictedSite
				) {
					return {
						list: {
							count: 0,
							next: null,
							previous: null,
							results: [],
						},
					};
				}
				return {
					list: await paginate(
						req,
						models.Sector,
						query,
						where,
						{
							orderingFields: [
								'id',
								'name',
								'site_id',
								'created_at',
							],
							searchFields: [ 'name' ],
							defaultOrdering: 'name',
						},
						serializeSector
					),
				};
			},
		} ),
		route( {
			method: 'post',
			path: '/auth/sectors/',
			summary:
				'Add a sector to a site (within your plan’s per-site limit)',
			tag: 'sectors',
			// A WordPress admin may add sectors to their own site.
			auth: 'user',
			permission: 'manage_sites',
			body: sectorCreateSchema,
			response: { status: 201, data: sectorSchema },
			handler: async ( { body, principal } ) => ( {
				status: 201,
				data: serializeSector(
					await sectors.create(
						principal.account.id,
						body,
						confinedSiteId( principal )
					)
				),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/auth/sectors/:id/',
			summary: 'One sector',
			tag: 'sectors',
			auth: 'user_or_site_key',
			params: idPathSchema,
			response: { data: sectorSchema },
			handler: async ( { params, principal } ) => ( {
				data: serializeSector(
					await findOwned(
						models.Sector,
						params.id,
						principal.account.id,
						{
							where: siteFilter( principal ),
						}
					)
				),
			} ),
		} ),
		route( {
			method: 'patch',
			path: '/auth/sectors/:id/',
			summary: 'Change a sector',
			tag: 'sectors',
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: sectorUpdateSchema,
			response: { data: sectorSchema },
			handler: async ( { params, body, principal } ) => ( {
				data: serializeSector(
					await sectors.update(
						principal.account.id,
						params.id,
						body,
						confinedSiteId( principal )
					)
				),
			} ),
		} ),
		route( {
			method: 'delete',
			path: '/auth/sectors/:id/',
			summary: 'Delete a sector',
			tag: 'sectors',
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal, req } ) => {
				await sectors.remove(
					principal.account.id,
					params.id,
					confinedSiteId( principal ),
					auditActor( principal, req )
				);
				return { status: 204 };
			},
		} ),

		// --- reference data --------------------------------------------------------
		route( {
			method: 'get',
			path: '/auth/industries/',
			summary: 'Industries and their sectors',
			tag: 'reference',
			auth: 'user_or_site_key',
			response: { data: z.array( industrySchema ) },
			handler: async () => {
				const [ industries, sectorsOf ] = await Promise.all( [
					models.Industry.findAll( { order: [ [ 'name', 'ASC' ] ] } ),
					models.IndustrySector.findAll( {
						order: [ [ 'name', 'ASC' ] ],
					} ),
				] );
				return {
					data: industries.map( ( industry ) =>
						serializeIndustry(
							industry,
							sectorsOf.filter(
								( s ) => s.industry_id === industry.id
							)
						)
					),
				};
			},
		} ),
		route( {
			method: 'get',
			path: '/auth/industries/:id/',
			summary: 'One industry and its sectors',
			tag: 'reference',
			auth: 'user_or_site_key',
			params: idPathSchema,
			response: { data: industrySchema },
			handler: async ( { params } ) => {
				const industry = await models.Industry.findByPk( params.id );
				if ( ! industry ) {
					throw new NotFoundError( 'Industry not found.' );
				}
				const sectorsOf = await models.IndustrySector.findAll( {
					where: { industry_id: industry.id },
					order: [ [ 'name', 'ASC' ] ],
				} );
				return { data: serializeIndustry( industry, sectorsOf ) };
			},
		} ),
		route( {
			method: 'get',
			path: '/auth/plans/',
			summary: 'Plans and their limits',
			tag: 'reference',
			auth: 'account_user',
			response: { data: z.array( planSchema ) },
			handler: async () => ( {
				data: (
					await models.Plan.findAll( {
						where: { is_active: true },
						order: [ [ 'monthly_credits', 'ASC' ] ],
					} )
				).map( serializePlan ),
			} ),
		} ),
	];
}
