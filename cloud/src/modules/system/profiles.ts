import {
	Op,
	UniqueConstraintError,
	literal,
	type Transaction,
	type WhereOptions,
} from 'sequelize';
import type { z } from 'zod';
import {
	authorProfileCreateSchema,
	authorProfileSchema,
	authorProfileUpdateSchema,
	idPathSchema,
	strategyCreateSchema,
	strategyListQuerySchema,
	strategySchema,
	strategyUpdateSchema,
	systemListQuerySchema,
	type AuthorProfileOut,
	type StrategyOut,
} from '@igny8/shared-types';
import { auditActor, recordAudit, type AuditActor } from '../../audit';
import type { Database } from '../../db/connection';
import type { Models } from '../../db/models';
import { ApiError, NotFoundError, ValidationError } from '../../http/errors';
import { paginate } from '../../http/pagination';
import { route, type AnyRoute } from '../../http/route';
import { confinedSiteId } from '../auth';
import type { ConfigAccess } from './config-access';
import type { AuthorProfileRow, ContentStrategyRow } from './models';

/**
 * Author profiles (the voice: tone, audience, style, language) and content
 * strategies (the brief generate_content follows), account-wide. At most one
 * profile is the account's default; a run that names none writes with it.
 */

type ProfileCreate = z.infer< typeof authorProfileCreateSchema >;
type ProfileUpdate = z.infer< typeof authorProfileUpdateSchema >;
type StrategyCreate = z.infer< typeof strategyCreateSchema >;
type StrategyUpdate = z.infer< typeof strategyUpdateSchema >;

/** What a run needs of a profile: the words that go into its prompt. */
export type AuthorVoice = {
	id: number;
	name: string;
	description: string;
	tone: string;
	audience: string;
	style: string;
	language: string;
};
export type StrategyBrief = {
	id: number;
	name: string;
	description: string;
	instructions: string;
	sector_id: number | null;
};

/**
 * The strategies one site may use: the account's shared ones (no sector) and
 * those of its own sectors. `siteId` null (an account user) means all of the
 * account's.
 */
export function strategyScope(
	accountId: number,
	siteId: number | null
): WhereOptions {
	if ( siteId === null ) {
		return { account_id: accountId };
	}
	return {
		account_id: accountId,
		[ Op.or ]: [
			{ sector_id: null },
			{
				sector_id: {
					[ Op.in ]: literal(
						`(SELECT id FROM sectors WHERE site_id = ${ Number( siteId ) })`
					),
				},
			},
		],
	};
}

/**
 * The voice and strategy of one run, for an AI function's `validate` or
 * `prepare`. Without `author_profile_id` it is the account's default profile
 * (or none); an id that is not the account's — or, for a caller confined to
 * one site (`siteId`), a strategy of another site's sector — is a 400 naming
 * the field.
 */
export async function profilesForRun(
	models: Models,
	accountId: number,
	ids: { author_profile_id?: number | null; strategy_id?: number | null },
	siteId: number | null = null
): Promise< { author: AuthorVoice | null; strategy: StrategyBrief | null } > {
	const author = ids.author_profile_id
		? await models.AuthorProfile.findOne( {
				where: { id: ids.author_profile_id, account_id: accountId },
			} )
		: await models.AuthorProfile.findOne( {
				where: { account_id: accountId, is_default: true },
			} );
	if ( ids.author_profile_id && ! author ) {
		throw new ValidationError( 'Invalid input.', {
			author_profile_id: [
				`author profile ${ ids.author_profile_id } does not exist`,
			],
		} );
	}
	const strategy = ids.strategy_id
		? await models.ContentStrategy.findOne( {
				where: {
					[ Op.and ]: [
						{ id: ids.strategy_id },
						strategyScope( accountId, siteId ),
					],
				},
			} )
		: null;
	if ( ids.strategy_id && ! strategy ) {
		throw new ValidationError( 'Invalid input.', {
			strategy_id: [ `strategy ${ ids.strategy_id } does not exist` ],
		} );
	}
	return {
		author: author
			? {
					id: Number( author.id ),
					name: author.name,
					description: author.description,
					tone: author.tone,
					audience: author.audience,
					style: author.style,
					language: author.language,
				}
			: null,
		strategy: strategy
			? {
					id: Number( strategy.id ),
					name: strategy.name,
					description: strategy.description,
					instructions: strategy.instructions,
					sector_id:
						strategy.sector_id === null
							? null
							: Number( strategy.sector_id ),
				}
			: null,
	};
}

export function serializeProfile( row: AuthorProfileRow ): AuthorProfileOut {
	return {
		id: Number( row.id ),
		name: row.name,
		description: row.description,
		tone: row.tone,
		audience: row.audience,
		style: row.style,
		language: row.language,
		is_default: row.is_default,
		created_at: row.created_at.toISOString(),
		updated_at: row.updated_at.toISOString(),
	};
}

export function serializeStrategy( row: ContentStrategyRow ): StrategyOut {
	return {
		id: Number( row.id ),
		name: row.name,
		description: row.description,
		instructions: row.instructions,
		sector_id: row.sector_id === null ? null : Number( row.sector_id ),
		created_at: row.created_at.toISOString(),
		updated_at: row.updated_at.toISOString(),
	};
}

export class ProfileService {
	constructor(
		private readonly db: Database,
		private readonly models: Models
	) {}

	forRun(
		accountId: number,
		ids: { author_profile_id?: number | null; strategy_id?: number | null },
		siteId: number | null = null
	) {
		return profilesForRun( this.models, accountId, ids, siteId );
	}

	async findProfile(
		accountId: number,
		id: number,
		transaction?: Transaction
	): Promise< AuthorProfileRow > {
		const row = await this.models.AuthorProfile.findOne( {
			where: { id, account_id: accountId },
			transaction,
		} );
		if ( ! row ) {
			throw new NotFoundError( 'Author profile not found.' );
		}
		return row;
	}

	async createProfile(
		accountId: number,
		input: ProfileCreate
	): Promise< AuthorProfileRow > {
		return this.named( 'profile', () =>
			this.db.sequelize.transaction( async ( transaction ) => {
				if ( input.is_default ) {
					await this.clearDefault( accountId, transaction );
				}
				return this.models.AuthorProfile.create(
					{ ...input, account_id: accountId },
					{ transaction }
				);
			} )
		);
	}

	async updateProfile(
		accountId: number,
		id: number,
		input: ProfileUpdate
	): Promise< AuthorProfileRow > {
		return this.named( 'profile', () =>
			this.db.sequelize.transaction( async ( transaction ) => {
				const row = await this.findProfile(
					accountId,
					id,
					transaction
				);
				if ( input.is_default ) {
					await this.clearDefault( accountId, transaction );
				}
				return row.update( input, { transaction } );
			} )
		);
	}

	async deleteProfile(
		accountId: number,
		id: number,
		who: AuditActor
	): Promise< void > {
		const row = await this.findProfile( accountId, id );
		await this.db.sequelize.transaction( async ( transaction ) => {
			await row.destroy( { transaction } );
			await recordAudit( this.db.sequelize, transaction, {
				account_id: accountId,
				actor: who,
				action: 'author_profile.deleted',
				target_type: 'author_profile',
				target_id: Number( row.id ),
				target_label: row.name,
			} );
		} );
	}

	/** `siteId`: the one site the caller is confined to (another site's strategy is "not found"), or null. */
	async findStrategy(
		accountId: number,
		id: number,
		siteId: number | null = null
	): Promise< ContentStrategyRow > {
		const row = await this.models.ContentStrategy.findOne( {
			where: {
				[ Op.and ]: [ { id }, strategyScope( accountId, siteId ) ],
			},
		} );
		if ( ! row ) {
			throw new NotFoundError( 'Strategy not found.' );
		}
		return row;
	}

	async createStrategy(
		accountId: number,
		input: StrategyCreate
	): Promise< ContentStrategyRow > {
		await this.assertSector( accountId, input.sector_id );
		return this.named( 'strategy', () =>
			this.models.ContentStrategy.create( {
				...input,
				account_id: accountId,
			} )
		);
	}

	/** `siteId`: as findStrategy's — a strategy the caller cannot see is "not found". */
	async updateStrategy(
		accountId: number,
		id: number,
		input: StrategyUpdate,
		siteId: number | null = null
	): Promise< ContentStrategyRow > {
		const row = await this.findStrategy( accountId, id, siteId );
		await this.assertSector( accountId, input.sector_id );
		return this.named( 'strategy', () => row.update( input ) );
	}

	async deleteStrategy(
		accountId: number,
		id: number,
		siteId: number | null,
		who: AuditActor
	): Promise< void > {
		const row = await this.findStrategy( accountId, id, siteId );
		await this.db.sequelize.transaction( async ( transaction ) => {
			await row.destroy( { transaction } );
			await recordAudit( this.db.sequelize, transaction, {
				account_id: accountId,
				actor: who,
				action: 'strategy.deleted',
				target_type: 'strategy',
				target_id: Number( row.id ),
				target_label: row.name,
			} );
		} );
	}

	private async clearDefault(
		accountId: number,
		transaction: Transaction
	): Promise< void > {
		await this.models.AuthorProfile.update(
			{ is_default: false },
			{
				where: { account_id: accountId, is_default: true },
				transaction,
			}
		);
	}

	private async assertSector(
		accountId: number,
		sectorId: number | null | undefined
	): Promise< void > {
		if ( ! sectorId ) {
			return;
		}
		const sector = await this.models.Sector.findOne( {
			where: { id: sectorId, account_id: accountId },
		} );
		if ( ! sector ) {
			throw new ValidationError( 'Invalid body.', {
				sector_id: [ `sector ${ sectorId } does not exist` ],
			} );
		}
	}

	/** Names are unique per account (case-insensitively); the index decides races. */
	private async named< T >(
		noun: 'profile' | 'strategy',
		write: () => Promise< T >
	): Promise< T > {
		try {
			return await write();
		} catch ( error ) {
			const constraint =
				error instanceof UniqueConstraintError
					? ( ( error.parent as { constraint?: string } | undefined )
							?.constraint ?? '' )
					: '';
			if ( constraint.endsWith( '_name' ) ) {
				throw new ValidationError( 'Invalid body.', {
					name: [
						`your account already has a ${ noun } by this name`,
					],
				} );
			}
			if ( constraint.endsWith( '_one_default' ) ) {
				throw new ApiError(
					'conflict',
					'Another profile was made the default at the same time; try again.'
				);
			}
			throw error;
		}
	}
}

/**
 * Reads need `read`; writes need `manage_sites` (owner, admin) and, from a
 * WordPress site's session, an account of that one site (ConfigAccess): a
 * profile or strategy shapes what every writer of the account generates, on
 * every site. A WordPress site's session reads the
 * account's profiles, the shared strategies and its own sectors' strategies.
 */
export function profileRoutes(
	profiles: ProfileService,
	models: Models,
	access: ConfigAccess
): AnyRoute[] {
	const profileBase = '/system/author-profiles/';
	const strategyBase = '/system/strategies/';
	return [
		route( {
			method: 'get',
			path: profileBase,
			summary: 'Your account’s author profiles (the default first)',
			tag: 'system',
			auth: 'user',
			query: systemListQuerySchema,
			response: { list: authorProfileSchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await paginate(
					req,
					models.AuthorProfile,
					query,
					{ account_id: principal.account.id },
					{
						orderingFields: [
							'is_default',
							'name',
							'created_at',
							'id',
						],
						searchFields: [
							'name',
							'description',
							'tone',
							'audience',
						],
						defaultOrdering: '-is_default,name',
					},
					serializeProfile
				),
			} ),
		} ),
		route( {
			method: 'post',
			path: profileBase,
			summary:
				'Create an author profile (is_default: the one runs use when they name none)',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			body: authorProfileCreateSchema,
			response: { status: 201, data: authorProfileSchema },
			handler: async ( { body, principal } ) => {
				await access.assert( principal );
				return {
					status: 201,
					data: serializeProfile(
						await profiles.createProfile(
							principal.account.id,
							body
						)
					),
				};
			},
		} ),
		route( {
			method: 'get',
			path: `${ profileBase }:id/`,
			summary: 'One author profile',
			tag: 'system',
			auth: 'user',
			params: idPathSchema,
			response: { data: authorProfileSchema },
			handler: async ( { params, principal } ) => ( {
				data: serializeProfile(
					await profiles.findProfile(
						principal.account.id,
						params.id
					)
				),
			} ),
		} ),
		route( {
			method: 'patch',
			path: `${ profileBase }:id/`,
			summary: 'Change an author profile',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: authorProfileUpdateSchema,
			response: { data: authorProfileSchema },
			handler: async ( { params, body, principal } ) => {
				await access.assert( principal );
				return {
					data: serializeProfile(
						await profiles.updateProfile(
							principal.account.id,
							params.id,
							body
						)
					),
				};
			},
		} ),
		route( {
			method: 'delete',
			path: `${ profileBase }:id/`,
			summary: 'Delete an author profile',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal, req } ) => {
				await access.assert( principal );
				await profiles.deleteProfile(
					principal.account.id,
					params.id,
					auditActor( principal, req )
				);
				return { status: 204 };
			},
		} ),
		route( {
			method: 'get',
			path: strategyBase,
			summary: 'Your account’s content strategies (filter by sector_id)',
			tag: 'system',
			auth: 'user',
			query: strategyListQuerySchema,
			response: { list: strategySchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await paginate(
					req,
					models.ContentStrategy,
					query,
					{
						[ Op.and ]: [
							strategyScope(
								principal.account.id,
								confinedSiteId( principal )
							),
							query.sector_id
								? { sector_id: query.sector_id }
								: {},
						],
					},
					{
						orderingFields: [ 'name', 'created_at', 'id' ],
						searchFields: [ 'name', 'description' ],
						defaultOrdering: 'name',
					},
					serializeStrategy
				),
			} ),
		} ),
		route( {
			method: 'post',
			path: strategyBase,
			summary: 'Create a content strategy (optionally for one sector)',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			body: strategyCreateSchema,
			response: { status: 201, data: strategySchema },
			handler: async ( { body, principal } ) => {
				await access.assert( principal );
				return {
					status: 201,
					data: serializeStrategy(
						await profiles.createStrategy(
							principal.account.id,
							body
						)
					),
				};
			},
		} ),
		route( {
			method: 'get',
			path: `${ strategyBase }:id/`,
			summary: 'One content strategy',
			tag: 'system',
			auth: 'user',
			params: idPathSchema,
			response: { data: strategySchema },
			handler: async ( { params, principal } ) => ( {
				data: serializeStrategy(
					await profiles.findStrategy(
						principal.account.id,
						params.id,
						confinedSiteId( principal )
					)
				),
			} ),
		} ),
		route( {
			method: 'patch',
			path: `${ strategyBase }:id/`,
			summary: 'Change a content strategy',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: strategyUpdateSchema,
			response: { data: strategySchema },
			handler: async ( { params, body, principal } ) => {
				// Another site's strategy is "not found" before any refusal says it exists.
				const siteId = confinedSiteId( principal );
				await profiles.findStrategy(
					principal.account.id,
					params.id,
					siteId
				);
				await access.assert( principal );
				return {
					data: serializeStrategy(
						await profiles.updateStrategy(
							principal.account.id,
							params.id,
							body,
							siteId
						)
					),
				};
			},
		} ),
		route( {
			method: 'delete',
			path: `${ strategyBase }:id/`,
			summary: 'Delete a content strategy',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal, req } ) => {
				const siteId = confinedSiteId( principal );
				await profiles.findStrategy(
					principal.account.id,
					params.id,
					siteId
				);
				await access.assert( principal );
				await profiles.deleteStrategy(
					principal.account.id,
					params.id,
					siteId,
					auditActor( principal, req )
				);
				return { status: 204 };
			},
		} ),
	];
}
