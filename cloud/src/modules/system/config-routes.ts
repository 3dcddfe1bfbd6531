import type { Models } from '../../db/models';
import type { AnyRoute } from '../../http/route';
import { aiSettingsRoutes, type AiSettingsService } from './ai-settings';
import { profileRoutes, type ProfileService } from './profiles';
import { promptRoutes, type PromptService } from './prompts';

/** The account's AI configuration: prompts, author profiles, strategies, AI settings. */
export function systemConfigRoutes( deps: {
	models: Models;
	prompts: PromptService;
	profiles: ProfileService;
	aiSettings: AiSettingsService;
} ): AnyRoute[] {
	return [
		...promptRoutes( deps.prompts ),
		...profileRoutes( deps.profiles, deps.models ),
		...aiSettingsRoutes( deps.aiSettings ),
	];
}
