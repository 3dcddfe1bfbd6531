import {
	aiSettingsSchema,
	aiSettingsUpdateSchema,
	aiTestResultSchema,
	TEXT_MODEL_FUNCTIONS,
	type AiSettingsOut,
	type AiSettingsUpdate,
	type AiTestResult,
} from '@igny8/shared-types';
import {
	AiProvider,
	AiProviderError,
	textModelFor,
	chooseMode,
	ModelPolicy,
	serverRunSettings,
	type AccountAi,
	type AiSettingsSource,
	type DetectedMode,
	type RunSettings,
	type StructuredOutputModes,
} from '../ai';
import { auditActor, recordAudit, type AuditActor } from '../../audit';
import type { Config } from '../../config';
import type { Models } from '../../db/models';
import { ValidationError } from '../../http/errors';
import { route, type AnyRoute } from '../../http/route';
import { OutboundError, type OutboundClient } from '../../net/outbound';
import { actingUserId, decryptSecret, encryptSecret } from '../auth';
import type { Secrets } from '../auth';
import type { ConfigAccess, ConfigActor } from './config-access';
import type { AiSettingsRow } from './models';

/** Where an account's own key goes when it names no endpoint: OpenAI itself, never the server's endpoint. */
export const OPENAI_API_URL = 'https://api.openai.com/v1';

/** Accounts whose resolved AI is kept in memory; the least recently built go first. */
const CACHE_LIMIT = 1_000;

type Cached = { stamp: string; ai: AccountAi };

/**
 * Per-account AI settings (`ai_settings`): models, sampling, image provider
 * and an optional own OpenAI key (AES-256-GCM with the server's key; the API
 * only ever shows its last 4 characters).
 *
 * It is also the engine's AiSettingsSource. What a run resolves is cached per
 * account and keyed by the row's `updated_at`: each run still reads that one
 * row (so a change made by the API process reaches a separate worker at its
 * next run), but a provider — and its HTTP client — is only built again when
 * the settings changed.
 */
export class AiSettingsService implements AiSettingsSource {
	private readonly cache = new Map< number, Cached >();
	private readonly defaults: RunSettings;
	/** What may be chosen on the server's key (IGNY8_AI_ALLOWED_MODELS, IGNY8_AI_MAX_TOKENS…). */
	private readonly policy: ModelPolicy;

	constructor(
		private readonly config: Config,
		private readonly models: Models,
		private readonly secrets: Secrets,
		/** The server's provider, shared by every account without its own key. */
		private readonly serverProvider: AiProvider,
		/** What the account's runs found out about structured output (shown, and reset on change). */
		private readonly structuredModes: StructuredOutputModes,
		/** Checks an account's base URL before it is stored. */
		private readonly outbound: OutboundClient
	) {
		this.defaults = serverRunSettings( config );
		this.policy = ModelPolicy.of( config );
	}

	async forAccount( accountId: number ): Promise< AccountAi > {
		const row = await this.models.AiSettings.findByPk( accountId );
		const stamp = row ? new Date( row.updated_at ).toISOString() : 'none';
		const cached = this.cache.get( accountId );
		if ( cached?.stamp === stamp ) {
			return cached.ai;
		}
		const ai = this.build( row );
		this.cache.delete( accountId );
		this.cache.set( accountId, { stamp, ai } );
		if ( this.cache.size > CACHE_LIMIT ) {
			this.cache.delete( this.cache.keys().next().value! );
		}
		return ai;
	}

	invalidate( accountId: number ): void {
		this.cache.delete( accountId );
	}

	/** `access`: whether the caller may change them, shown so a screen can say who may. */
	async get(
		accountId: number,
		access: Pick< AiSettingsOut, 'can_change' | 'cannot_change_reason' >
	): Promise< AiSettingsOut > {
		const row = await this.models.AiSettings.findByPk( accountId );
		const ai = await this.forAccount( accountId );
		const detected = await this.structuredModes.detected(
			accountId,
			ai.provider.endpoint
		);
		return { ...this.serialize( row, ai, detected ), ...access };
	}

	/**
	 * One small real call with the saved settings (the account's text model,
	 * its key and endpoint), told as an outcome a screen can put in words.
	 * One attempt, short timeout: a person is waiting for the answer.
	 */
	async test( accountId: number ): Promise< AiTestResult > {
		const ai = await this.forAccount( accountId );
		const model = ai.settings.textModel;
		const base = { model, endpoint: ai.provider.endpoint };
		const started = Date.now();
		const ms = () => Date.now() - started;
		if ( ! ai.provider.configured ) {
			return {
				...base,
				ok: false,
				outcome: 'not_configured',
				status: null,
				detail: null,
				ms: 0,
			};
		}
		try {
			await ai.provider.chat(
				[ { role: 'user', content: 'Reply with the single word OK.' } ],
				{ model, maxTokens: 16, maxAttempts: 1, timeoutMs: 20_000 }
			);
			return {
				...base,
				ok: true,
				outcome: 'ok',
				status: 200,
				detail: null,
				ms: ms(),
			};
		} catch ( error ) {
			if ( ! ( error instanceof AiProviderError ) ) {
				throw error;
			}
			const status = error.status ?? null;
			const outcome: AiTestResult[ 'outcome' ] =
				status === 401 || status === 403
					? 'refused_key'
					: status === 404
						? 'model_not_found'
						: status === 429
							? 'rate_limited'
							: status === null
								? 'unreachable'
								: 'error';
			return {
				...base,
				ok: false,
				outcome,
				status,
				detail: error.message.slice( 0, 500 ),
				ms: ms(),
			};
		}
	}

	/** Applies the fields given; null puts a field back to the server default. */
	async update(
		principal: ConfigActor,
		input: AiSettingsUpdate,
		who: AuditActor
	): Promise< AiSettingsOut > {
		const accountId = principal.account.id;
		const current = await this.models.AiSettings.findByPk( accountId );
		const changes: Partial< AiSettingsRow[ '_creationAttributes' ] > = {};
		if ( input.function_models !== undefined ) {
			const merged: Partial< Record< string, string > > = {
				...( current?.function_models ?? {} ),
			};
			for ( const [ fn, model ] of Object.entries(
				input.function_models
			) ) {
				if ( model === null ) {
					delete merged[ fn ];
				} else if ( model !== undefined ) {
					merged[ fn ] = model;
				}
			}
			changes.function_models = merged;
		}
		for ( const field of [
			'text_model',
			'image_model',
			'image_provider',
			'temperature',
			'max_tokens',
			'base_url',
		] as const ) {
			if ( input[ field ] !== undefined ) {
				( changes as Record< string, unknown > )[ field ] =
					input[ field ];
			}
		}
		if ( input.structured_output !== undefined ) {
			changes.structured_output =
				input.structured_output === 'auto'
					? null
					: input.structured_output;
		}
		if ( input.api_key !== undefined ) {
			changes.api_key_encrypted =
				input.api_key === null
					? null
					: encryptSecret(
							this.secrets.encryptionKey,
							input.api_key
						);
			changes.api_key_last4 =
				input.api_key === null ? null : input.api_key.slice( -4 );
			if ( input.api_key === null && input.base_url === undefined ) {
				// The endpoint belonged to the key: keeping it would send the server's key there.
				changes.base_url = null;
			}
		}
		const hasKey =
			changes.api_key_encrypted !== undefined
				? changes.api_key_encrypted !== null
				: Boolean( current?.api_key_encrypted );
		const baseUrl =
			changes.base_url !== undefined
				? changes.base_url
				: ( current?.base_url ?? null );
		if ( baseUrl && ! hasKey ) {
			// Never send the server's own key to an endpoint an account chose.
			throw new ValidationError( 'Invalid body.', {
				base_url: [ 'needs your own api_key' ],
			} );
		}
		this.checkPolicy( current, changes, hasKey );
		if ( typeof changes.base_url === 'string' ) {
			await this.checkBaseUrl( changes.base_url );
		}
		if ( input.structured_output !== undefined ) {
			// Choosing again (even automatic) starts over: the next runs find out afresh.
			// First: should the save fail after it, only a finding is lost, found again.
			await this.structuredModes.forget( accountId );
		}
		const sequelize = this.models.AiSettings.sequelize!;
		await sequelize.transaction( async ( transaction ) => {
			// findOrCreate: two first saves racing end in one row, not a key violation.
			const [ row ] = await this.models.AiSettings.findOrCreate( {
				where: { account_id: accountId },
				defaults: {
					account_id: accountId,
					text_model: null,
					image_model: null,
					image_provider: null,
					temperature: null,
					max_tokens: null,
					api_key_encrypted: null,
					api_key_last4: null,
					base_url: null,
					structured_output: null,
					updated_by: actingUserId( principal ),
				},
				transaction,
			} );
			await row.update(
				{ ...changes, updated_by: actingUserId( principal ) },
				{ transaction }
			);
			const fields = Object.keys( input ).filter(
				( field ) =>
					input[ field as keyof AiSettingsUpdate ] !== undefined
			);
			if ( fields.length ) {
				// Which settings changed, by name; an own key only as set or removed.
				await recordAudit( sequelize, transaction, {
					account_id: accountId,
					actor: who,
					action: 'settings.ai_updated',
					target_type: 'ai_settings',
					target_id: accountId,
					details: {
						fields,
						...( input.api_key !== undefined
							? { own_key: input.api_key ? 'set' : 'removed' }
							: {} ),
					},
				} );
			}
		} );
		this.invalidate( accountId );
		return this.get( accountId, {
			can_change: true,
			cannot_change_reason: null,
		} );
	}

	/**
	 * On the server's key the choices stay within the operator's policy. The
	 * settings as this save would leave them are checked, so removing an own
	 * key while keeping a model only it could use is refused too.
	 */
	private checkPolicy(
		current: AiSettingsRow | null,
		changes: Partial< AiSettingsRow[ '_creationAttributes' ] >,
		ownKey: boolean
	): void {
		const after = <
			K extends
				'text_model' | 'image_model' | 'image_provider' | 'max_tokens',
		>(
			field: K
		): AiSettingsRow[ K ] | null =>
			changes[ field ] !== undefined
				? ( changes[ field ] as AiSettingsRow[ K ] )
				: ( current?.[ field ] ?? null );
		let refused = this.policy.violations( {
			ownKey,
			textModel: after( 'text_model' ),
			imageProvider:
				after( 'image_provider' ) ?? this.defaults.imageProvider,
			imageModel: after( 'image_model' ),
			maxTokens: after( 'max_tokens' ),
		} );
		const functionModels =
			changes.function_models ?? current?.function_models ?? {};
		for ( const [ fn, model ] of Object.entries( functionModels ) ) {
			const text = this.policy.violations( {
				ownKey,
				textModel: model ?? null,
				imageProvider: 'openai',
				imageModel: null,
				maxTokens: null,
			} )?.text_model;
			if ( text ) {
				refused = { ...refused, [ `function_models.${ fn }` ]: text };
			}
		}
		if ( refused ) {
			throw new ValidationError(
				'This server does not offer these AI settings: each field below says what it offers.',
				refused
			);
		}
	}

	/** An endpoint on an internal address is refused before it is stored (and so before any key is sent there). */
	private async checkBaseUrl( url: string ): Promise< void > {
		try {
			await this.outbound.check( url );
		} catch ( error ) {
			if ( error instanceof OutboundError ) {
				throw new ValidationError(
					`The AI base URL is not allowed: ${ error.reason }.`,
					{ base_url: [ error.reason ] }
				);
			}
			throw error;
		}
	}

	private build( row: AiSettingsRow | null ): AccountAi {
		const imageProvider =
			row?.image_provider ?? this.defaults.imageProvider;
		const settings: RunSettings = {
			textModel: row?.text_model ?? this.defaults.textModel,
			functionModels: { ...( row?.function_models ?? {} ) },
			imageProvider,
			imageModel:
				row?.image_model ??
				( imageProvider === 'runware'
					? this.config.images.runwareModel
					: this.config.images.model ),
			temperature:
				row?.temperature === null || row?.temperature === undefined
					? null
					: Number( row.temperature ),
			maxTokens: this.policy.answerCap(
				Boolean( row?.api_key_encrypted ),
				row?.max_tokens ?? null
			),
			structuredOutput: row?.structured_output ?? 'auto',
		};
		if ( ! row?.api_key_encrypted ) {
			return { provider: this.serverProvider, settings, ownKey: false };
		}
		const provider = new AiProvider( {
			...this.serverProvider.settings,
			apiKey: decryptSecret(
				this.secrets.encryptionKey,
				row.api_key_encrypted
			),
			baseUrl: row.base_url ?? OPENAI_API_URL,
		} );
		return { provider, settings, ownKey: true };
	}

	/** What the account may choose, and why, for the settings screen. */
	private limits( ownKey: boolean ): AiSettingsOut[ 'limits' ] {
		const { policy } = this;
		return {
			enforced: ! ownKey,
			text_models: [ ...policy.textModels ],
			image_models: [ ...policy.imageModels ],
			max_tokens: policy.maxTokens,
			note: ownKey
				? 'Your runs use your own API key: you may choose any text model and max tokens (your provider bills you for the tokens; credits price the work done). Runware images still use this server’s key and the image models it offers.'
				: `Your runs use this server’s AI key: choose a text model and an image model from those it offers, and max tokens up to ${ policy.maxTokens }. Credits price the work done and the tokens used. With your own API key you may choose any model and max tokens.`,
		};
	}

	private serialize(
		row: AiSettingsRow | null,
		ai: AccountAi,
		detected: DetectedMode[]
	): AiSettingsOut {
		const choice = ai.settings.structuredOutput;
		return {
			text_model: row?.text_model ?? null,
			function_models: Object.fromEntries(
				TEXT_MODEL_FUNCTIONS.map( ( fn ) => [
					fn,
					row?.function_models?.[ fn ] ?? null,
				] )
			) as AiSettingsOut[ 'function_models' ],
			image_model: row?.image_model ?? null,
			image_provider: row?.image_provider ?? null,
			temperature:
				row?.temperature === null || row?.temperature === undefined
					? null
					: Number( row.temperature ),
			max_tokens: row?.max_tokens ?? null,
			base_url: row?.base_url ?? null,
			has_api_key: Boolean( row?.api_key_encrypted ),
			api_key_last4: row?.api_key_last4 ?? null,
			structured_output: choice,
			structured_output_detected: detected.map( ( d ) => ( {
				model: d.model,
				mode: d.mode,
				reason: d.reason,
				detected_at: new Date( d.detected_at ).toISOString(),
			} ) ),
			effective: {
				text_model: ai.settings.textModel,
				function_models: Object.fromEntries(
					TEXT_MODEL_FUNCTIONS.map( ( fn ) => [
						fn,
						textModelFor( ai.settings, fn ),
					] )
				) as AiSettingsOut[ 'effective' ][ 'function_models' ],
				image_model: ai.settings.imageModel,
				image_provider: ai.settings.imageProvider,
				temperature: ai.settings.temperature,
				max_tokens: ai.settings.maxTokens,
				structured_output: chooseMode(
					choice,
					detected.find( ( d ) => d.model === ai.settings.textModel )
						?.mode ?? null
				).mode,
			},
			limits: this.limits( ai.ownKey ),
			configured: ai.provider.configured,
			can_change: false,
			cannot_change_reason: null,
			updated_at: row ? new Date( row.updated_at ).toISOString() : null,
		};
	}
}

/**
 * Reading needs `read`. Changing them (and the test call, which spends the
 * saved key) needs `manage_sites` — the account's owners and admins — and,
 * from a WordPress site's session, an account of that one site (see
 * ConfigAccess): they decide which provider receives every run's content
 * and who pays for it.
 */
export function aiSettingsRoutes(
	settings: AiSettingsService,
	access: ConfigAccess
): AnyRoute[] {
	const accessOf = async ( principal: ConfigActor ) => {
		const reason = await access.reason( principal );
		return { can_change: reason === null, cannot_change_reason: reason };
	};
	return [
		route( {
			method: 'get',
			path: '/system/settings/ai/',
			summary:
				'Your account’s AI settings: models (per function), sampling, image provider, own API key (never shown: has_api_key and its last 4), and whether you may change them',
			tag: 'system',
			auth: 'user',
			response: { data: aiSettingsSchema },
			handler: async ( { principal } ) => ( {
				data: await settings.get(
					principal.account.id,
					await accessOf( principal )
				),
			} ),
		} ),
		route( {
			method: 'put',
			path: '/system/settings/ai/',
			summary:
				'Change your account’s AI settings (fields given replace, null goes back to the server default)',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			body: aiSettingsUpdateSchema,
			response: { data: aiSettingsSchema },
			handler: async ( { body, principal, req } ) => {
				await access.assert( principal );
				return {
					data: await settings.update(
						principal,
						body,
						auditActor( principal, req )
					),
					message: 'AI settings saved.',
				};
			},
		} ),
		route( {
			method: 'post',
			path: '/system/settings/ai/test/',
			summary:
				'Make one small real call with the saved AI settings and say how the provider answered',
			tag: 'system',
			auth: 'user',
			permission: 'manage_sites',
			response: { data: aiTestResultSchema },
			handler: async ( { principal } ) => {
				await access.assert( principal );
				return { data: await settings.test( principal.account.id ) };
			},
		} ),
	];
}
