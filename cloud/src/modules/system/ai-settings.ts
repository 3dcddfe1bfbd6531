import {
	aiSettingsSchema,
	aiSettingsUpdateSchema,
	type AiSettingsOut,
	type AiSettingsUpdate,
} from '@igny8/shared-types';
import {
	AiProvider,
	chooseMode,
	ModelPolicy,
	serverRunSettings,
	type AccountAi,
	type AiSettingsSource,
	type DetectedMode,
	type RunSettings,
	type StructuredOutputModes,
} from '../ai';
import type { Config } from '../../config';
import type { Models } from '../../db/models';
import { ValidationError } from '../../http/errors';
import { route, type AnyRoute } from '../../http/route';
import { OutboundError, type OutboundClient } from '../../net/outbound';
import { decryptSecret, encryptSecret } from '../auth';
import type { UserPrincipal } from '../auth';
import type { Secrets } from '../auth';
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

	async get( accountId: number ): Promise< AiSettingsOut > {
		const row = await this.models.AiSettings.findByPk( accountId );
		const ai = await this.forAccount( accountId );
		const detected = await this.structuredModes.detected(
			accountId,
			ai.provider.endpoint
		);
		return this.serialize( row, ai, detected );
	}

	/** Applies the fields given; null puts a field back to the server default. */
	async update(
		principal: UserPrincipal,
		input: AiSettingsUpdate
	): Promise< AiSettingsOut > {
		const accountId = principal.account.id;
		const current = await this.models.AiSettings.findByPk( accountId );
		const changes: Partial< AiSettingsRow[ '_creationAttributes' ] > = {};
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
				updated_by: principal.user.id,
			},
		} );
		if ( input.structured_output !== undefined ) {
			// Choosing again (even automatic) starts over: the next runs find out afresh.
			// First: should the save fail after it, only a finding is lost, found again.
			await this.structuredModes.forget( accountId );
		}
		await row.update( { ...changes, updated_by: principal.user.id } );
		this.invalidate( accountId );
		return this.get( accountId );
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
		const refused = this.policy.violations( {
			ownKey,
			textModel: after( 'text_model' ),
			imageProvider:
				after( 'image_provider' ) ?? this.defaults.imageProvider,
			imageModel: after( 'image_model' ),
			maxTokens: after( 'max_tokens' ),
		} );
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
			updated_at: row ? new Date( row.updated_at ).toISOString() : null,
		};
	}
}

/**
 * Reading needs `read`. Changing them needs `manage_account` (the owner) and
 * an account user (not a WordPress user's site session): they decide which
 * provider account pays for every run, and may hold a key.
 */
export function aiSettingsRoutes( settings: AiSettingsService ): AnyRoute[] {
	return [
		route( {
			method: 'get',
			path: '/system/settings/ai/',
			summary:
				'Your account’s AI settings: models, sampling, image provider, own API key (never shown: has_api_key and its last 4)',
			tag: 'system',
			auth: 'user',
			response: { data: aiSettingsSchema },
			handler: async ( { principal } ) => ( {
				data: await settings.get( principal.account.id ),
			} ),
		} ),
		route( {
			method: 'put',
			path: '/system/settings/ai/',
			summary:
				'Change your account’s AI settings (fields given replace, null goes back to the server default)',
			tag: 'system',
			auth: 'account_user',
			permission: 'manage_account',
			body: aiSettingsUpdateSchema,
			response: { data: aiSettingsSchema },
			handler: async ( { body, principal } ) => ( {
				data: await settings.update( principal, body ),
				message: 'AI settings saved.',
			} ),
		} ),
	];
}
