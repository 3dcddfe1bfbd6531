import type { Config } from '../../config';
import type { AiProvider } from './provider';
import type { RunSettings } from './types';

/**
 * The AI a run of one account uses: the provider (the server's, or one
 * built on the account's own key) and its model and sampling settings.
 */
export type AccountAi = {
	provider: AiProvider;
	settings: RunSettings;
	/** True when the provider runs on the account's own API key. */
	ownKey: boolean;
};

export interface AiSettingsSource {
	forAccount( accountId: number ): Promise< AccountAi >;
}

/**
 * The server's defaults (environment), as a run sees them: on the server's
 * key every answer is capped (IGNY8_AI_MAX_TOKENS), so its price is bounded.
 */
export function serverRunSettings( config: Config ): RunSettings {
	return {
		textModel: config.ai.model,
		functionModels: {},
		imageModel:
			config.images.provider === 'runware'
				? config.images.runwareModel
				: config.images.model,
		imageProvider: config.images.provider,
		temperature: null,
		maxTokens: config.ai.maxTokens,
		structuredOutput: 'auto',
	};
}

/** Every account on the server's settings: the engine's default source. */
export function serverAiSettings(
	config: Config,
	provider: AiProvider
): AiSettingsSource {
	const settings = serverRunSettings( config );
	return {
		forAccount: async () => ( { provider, settings, ownKey: false } ),
	};
}
