import type { FieldErrors } from '@igny8/shared-types';
import type { Config } from '../../config';
import { AI_DEFAULTS } from './defaults';
import type { ImageProviderName } from './image-providers/types';

/**
 * What an account may ask of the server's AI keys. The operator pays for
 * those requests, so the operator decides: which text models
 * (IGNY8_AI_ALLOWED_MODELS), which image models, and the longest answer a
 * request may ask for (IGNY8_AI_MAX_TOKENS). An account on its own OpenAI
 * key pays its own bill and may choose any model and max_tokens — except for
 * Runware images, which always run on the server's Runware key.
 *
 * Checked twice: when settings are saved (400 naming the field and what is
 * allowed), and on every request a run makes, since settings may predate
 * the policy and a function may name its own model. At run time a
 * max_tokens above the cap is lowered to it (it is a ceiling; a lower one
 * only shortens answers), while a model outside the list is refused before
 * anything is sent: the run fails, refunded, saying what to choose.
 */

/** A run asked for a model the server's key does not offer; nothing was sent. */
export class ModelNotAllowedError extends Error {
	constructor(
		readonly kind: 'text' | 'image' | 'embeddings',
		readonly model: string,
		readonly allowed: readonly string[],
		ownKeyHelps: boolean
	) {
		super(
			`This server's AI key does not offer the ${ kind } model "${ model }" (it offers ${ allowed.join(
				', '
			) }). Choose one of those in System → AI settings${
				ownKeyHelps ? ', or add your own API key there' : ''
			}.`
		);
		this.name = 'ModelNotAllowedError';
	}
}

/** An account's choices as they would be stored, to check before they are. */
export type StoredChoices = {
	ownKey: boolean;
	textModel: string | null;
	imageProvider: ImageProviderName;
	imageModel: string | null;
	maxTokens: number | null;
};

/** What one run may send, for its account's key. */
export type RunLimits = {
	/** The call as it may be sent: max tokens lowered to the cap; throws on a model not offered. */
	text< T extends { model: string; maxTokens?: number } >( call: T ): T;
	/** Throws when the image model (undefined: the provider's default) is not offered. */
	image( provider: ImageProviderName, model: string | undefined ): void;
	/** The embeddings model to use; throws when a function named one not offered. */
	embeddings( model: string | undefined ): string;
};

export class ModelPolicy {
	constructor(
		readonly textModels: readonly string[],
		readonly imageModels: readonly string[],
		readonly embeddingModels: readonly string[],
		/** The longest answer a request on the server's key asks for. */
		readonly maxTokens: number
	) {}

	static of( config: Config ): ModelPolicy {
		return new ModelPolicy(
			config.ai.allowedModels,
			config.images.allowedModels,
			[ AI_DEFAULTS.embeddingModel ],
			config.ai.maxTokens
		);
	}

	/**
	 * The longest answer each text request of a run asks for: on the server's
	 * key the account's setting up to the cap (the cap when it has none); on
	 * its own key its setting, or none (the provider's own limit).
	 */
	answerCap( ownKey: boolean, maxTokens: number | null ): number | null {
		if ( ownKey ) {
			return maxTokens;
		}
		return Math.min( maxTokens ?? this.maxTokens, this.maxTokens );
	}

	/** What a save would store that the server's keys do not offer, by field; null when all is fine. */
	violations( choices: StoredChoices ): FieldErrors | null {
		const errors: FieldErrors = {};
		const ownKeyHint = ' (or add your own API key)';
		if ( ! choices.ownKey ) {
			if (
				choices.textModel !== null &&
				! this.textModels.includes( choices.textModel )
			) {
				errors.text_model = [
					`"${ choices.textModel }" is not offered on this server's AI key; choose one of: ${ this.textModels.join(
						', '
					) }${ ownKeyHint }`,
				];
			}
			if (
				choices.maxTokens !== null &&
				choices.maxTokens > this.maxTokens
			) {
				errors.max_tokens = [
					`may be at most ${ this.maxTokens } on this server's AI key${ ownKeyHint }`,
				];
			}
		}
		// Runware images always draw on the server's key; OpenAI's on the account's own when it has one.
		const imagesOnServerKey =
			choices.imageProvider === 'runware' || ! choices.ownKey;
		if (
			imagesOnServerKey &&
			choices.imageModel !== null &&
			! this.imageModels.includes( choices.imageModel )
		) {
			errors.image_model = [
				`"${ choices.imageModel }" is not offered on this server's image keys; choose one of: ${ this.imageModels.join(
					', '
				) }${ choices.imageProvider === 'openai' ? ownKeyHint : '' }`,
			];
		}
		return Object.keys( errors ).length ? errors : null;
	}

	/** The limits of one run whose account does (or does not) use its own OpenAI key. */
	forRun( ownKey: boolean ): RunLimits {
		return {
			text: ( call ) => {
				if ( ownKey ) {
					return call;
				}
				if ( ! this.textModels.includes( call.model ) ) {
					throw new ModelNotAllowedError(
						'text',
						call.model,
						this.textModels,
						true
					);
				}
				return {
					...call,
					maxTokens: this.answerCap( false, call.maxTokens ?? null )!,
				};
			},
			image: ( provider, model ) => {
				const onServerKey = provider === 'runware' || ! ownKey;
				if (
					onServerKey &&
					model !== undefined &&
					! this.imageModels.includes( model )
				) {
					throw new ModelNotAllowedError(
						'image',
						model,
						this.imageModels,
						provider === 'openai'
					);
				}
			},
			embeddings: ( model ) => {
				const chosen = model ?? AI_DEFAULTS.embeddingModel;
				if ( ! ownKey && ! this.embeddingModels.includes( chosen ) ) {
					throw new ModelNotAllowedError(
						'embeddings',
						chosen,
						this.embeddingModels,
						true
					);
				}
				return chosen;
			},
		};
	}
}
