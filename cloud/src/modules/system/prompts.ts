import { QueryTypes, type Transaction } from 'sequelize';
import {
	promptKeyPathSchema,
	promptOverrideCreateSchema,
	promptOverrideSchema,
	promptSchema,
	type PromptOut,
} from '@igny8/shared-types';
import {
	promptCatalog,
	unknownVariables,
	variablesIn,
	type PromptDefinition,
	type PromptOverrides,
	type PromptSource,
	type PromptTemplate,
} from '../ai';
import { auditActor, recordAudit, type AuditActor } from '../../audit';
import type { Database } from '../../db/connection';
import type { Models } from '../../db/models';
import { NotFoundError, ValidationError } from '../../http/errors';
import { route, type AnyRoute } from '../../http/route';
import { actingUserId } from '../auth';
import type { ConfigAccess, ConfigActor } from './config-access';
import type { AiPromptRow } from './models';

/**
 * The prompt registry (the seed's AIPrompt): defaults live in code with the
 * functions, an account's replacement text lives in `ai_prompts`. Overrides
 * are checked when saved — only declared `{{variables}}` — so a run never
 * renders a name it cannot fill. Also the engine's PromptSource.
 */
export class PromptService implements PromptSource {
	constructor(
		private readonly db: Database,
		private readonly models: Models,
		private readonly catalog: readonly PromptDefinition[] = promptCatalog()
	) {}

	async overridesFor( accountId: number ): Promise< PromptOverrides > {
		const rows = await this.models.AiPrompt.findAll( {
			where: { account_id: accountId },
		} );
		return new Map(
			rows
				.filter( ( row ) => this.definition( row.prompt_key ) )
				.map( ( row ) => [
					row.prompt_key,
					{ system: row.system_template, user: row.user_template },
				] )
		);
	}

	async list( accountId: number ): Promise< PromptOut[] > {
		const rows = await this.models.AiPrompt.findAll( {
			where: { account_id: accountId },
		} );
		const byKey = new Map( rows.map( ( row ) => [ row.prompt_key, row ] ) );
		return this.catalog.map( ( definition ) =>
			serialize( definition, byKey.get( definition.key ) )
		);
	}

	async get( accountId: number, key: string ): Promise< PromptOut > {
		const definition = this.known( key );
		const row = await this.models.AiPrompt.findOne( {
			where: { account_id: accountId, prompt_key: key },
		} );
		return serialize( definition, row ?? undefined );
	}

	/** Creates or replaces the account's override of one prompt. */
	async save(
		principal: ConfigActor,
		definition: PromptDefinition,
		template: PromptTemplate,
		who: AuditActor
	): Promise< PromptOut > {
		assertVariables( definition, template );
		const row = await this.db.sequelize.transaction(
			async ( transaction ) => {
				const saved = await this.upsert(
					principal,
					definition,
					template,
					transaction
				);
				await recordAudit( this.db.sequelize, transaction, {
					account_id: principal.account.id,
					actor: who,
					action: 'prompt.updated',
					target_type: 'prompt',
					target_id: definition.key,
					target_label: definition.key,
				} );
				return saved;
			}
		);
		return serialize( definition, row );
	}

	private async upsert(
		principal: ConfigActor,
		definition: PromptDefinition,
		template: PromptTemplate,
		transaction: Transaction
	): Promise< AiPromptRow > {
		// One statement: two saves racing for a new key both end in one row.
		const [ row ] = await this.db.sequelize.query< AiPromptRow >(
			`INSERT INTO ai_prompts (account_id, prompt_key, system_template, user_template, updated_by, created_at, updated_at)
			 VALUES (:accountId, :key, :system, :user, :userId, NOW(), NOW())
			 ON CONFLICT (account_id, prompt_key) DO UPDATE SET
			   system_template = EXCLUDED.system_template, user_template = EXCLUDED.user_template,
			   updated_by = EXCLUDED.updated_by, updated_at = NOW()
			 RETURNING *`,
			{
				replacements: {
					accountId: principal.account.id,
					key: definition.key,
					system: template.system,
					user: template.user,
					userId: actingUserId( principal ),
				},
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		return row!;
	}

	/** Back to the default: the override is deleted (a no-op, unrecorded, when there is none). */
	async reset(
		accountId: number,
		key: string,
		who: AuditActor
	): Promise< PromptOut > {
		const definition = this.known( key );
		await this.db.sequelize.transaction( async ( transaction ) => {
			const deleted = await this.models.AiPrompt.destroy( {
				where: { account_id: accountId, prompt_key: key },
				transaction,
			} );
			if ( deleted > 0 ) {
				await recordAudit( this.db.sequelize, transaction, {
					account_id: accountId,
					actor: who,
					action: 'prompt.reset',
					target_type: 'prompt',
					target_id: key,
					target_label: key,
				} );
			}
		} );
		return serialize( definition, undefined );
	}

	definition( key: string ): PromptDefinition | undefined {
		return this.catalog.find( ( d ) => d.key === key );
	}

	/** A key from the path: unknown is 404. */
	known( key: string ): PromptDefinition {
		const definition = this.definition( key );
		if ( ! definition ) {
			throw new NotFoundError( `No prompt "${ key }".` );
		}
		return definition;
	}
}

function assertVariables(
	definition: PromptDefinition,
	template: PromptTemplate
): void {
	const unknown = unknownVariables( definition, template );
	if ( ! unknown.length ) {
		return;
	}
	const allowed = Object.keys( definition.variables )
		.map( ( name ) => `{{${ name }}}` )
		.join( ', ' );
	const errors: Record< string, string[] > = {};
	for ( const part of [ 'system', 'user' ] as const ) {
		const names = variablesIn( template[ part ] ).filter( ( name ) =>
			unknown.includes( name )
		);
		if ( names.length ) {
			errors[ part ] = [
				`unknown variable${ names.length === 1 ? '' : 's' } ${ names
					.map( ( name ) => `{{${ name }}}` )
					.join( ', ' ) }; allowed: ${ allowed }`,
			];
		}
	}
	throw new ValidationError(
		`The template uses variables the "${ definition.key }" prompt does not have: ${ [
			...new Set( unknown ),
		].join( ', ' ) }.`,
		errors
	);
}

function serialize(
	definition: PromptDefinition,
	row: AiPromptRow | undefined
): PromptOut {
	return {
		key: definition.key,
		function: definition.function,
		description: definition.description,
		variables: { ...definition.variables },
		default: { ...definition.template },
		override: row
			? {
					system: row.system_template,
					user: row.user_template,
					updated_at: new Date( row.updated_at ).toISOString(),
				}
			: null,
		is_customized: Boolean( row ),
	};
}

/**
 * Reading needs `read`; changing the account's prompts needs `manage_sites`
 * (owner, admin) and, from a WordPress site's session, an account of that
 * one site (ConfigAccess): they change what every run of the account writes
 * — account configuration, not content editing.
 */
export function promptRoutes(
	prompts: PromptService,
	access: ConfigAccess
): AnyRoute[] {
	return [
		route( {
			method: 'get',
			path: '/system/prompts/',
			summary:
				'Every AI prompt: its variables, default text and your account’s override',
			tag: 'system',
			auth: 'user',
			response: { data: promptSchema.array() },
			handler: async ( { principal } ) => ( {
				data: await prompts.list( principal.account.id ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/system/prompts/',
			summary:
				'Override a prompt for your account (templates may use only its declared {{variables}})',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			body: promptOverrideCreateSchema,
			response: { data: promptSchema },
			handler: async ( { body, principal, req } ) => {
				await access.assert( principal );
				const definition = prompts.definition( body.key );
				if ( ! definition ) {
					throw new ValidationError( 'Invalid body.', {
						key: [ `no prompt "${ body.key }"` ],
					} );
				}
				return {
					data: await prompts.save(
						principal,
						definition,
						body,
						auditActor( principal, req )
					),
					message: 'Prompt saved.',
				};
			},
		} ),
		route( {
			method: 'get',
			path: '/system/prompts/:key/',
			summary: 'One AI prompt with your account’s override',
			tag: 'system',
			auth: 'user',
			params: promptKeyPathSchema,
			response: { data: promptSchema },
			handler: async ( { params, principal } ) => ( {
				data: await prompts.get( principal.account.id, params.key ),
			} ),
		} ),
		route( {
			method: 'put',
			path: '/system/prompts/:key/',
			summary: 'Replace your account’s override of one prompt',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			params: promptKeyPathSchema,
			body: promptOverrideSchema,
			response: { data: promptSchema },
			handler: async ( { params, body, principal, req } ) => {
				await access.assert( principal );
				return {
					data: await prompts.save(
						principal,
						prompts.known( params.key ),
						body,
						auditActor( principal, req )
					),
					message: 'Prompt saved.',
				};
			},
		} ),
		route( {
			method: 'delete',
			path: '/system/prompts/:key/',
			summary: 'Reset a prompt to its default (deletes your override)',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			params: promptKeyPathSchema,
			response: { data: promptSchema },
			handler: async ( { params, principal, req } ) => {
				await access.assert( principal );
				return {
					data: await prompts.reset(
						principal.account.id,
						params.key,
						auditActor( principal, req )
					),
					message: 'Prompt reset to its default.',
				};
			},
		} ),
	];
}
