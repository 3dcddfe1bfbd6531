import type { Models } from '../../db/models';
import type { AnyRoute } from '../../http/route';
import { aiSettingsRoutes, type AiSettingsService } from './ai-settings';
import { ConfigAccess } from './config-access';
import { profileRoutes, type ProfileService } from './profiles';
import { promptRoutes, type PromptService } from './prompts';

/** The account's AI configuration: prompts, author profiles, strategies, AI settings. */
export function systemConfigRoutes( deps: {
	models: Models;
	prompts: PromptService;
	profiles: ProfileService;
	aiSettings: AiSettingsService;
} ): AnyRoute[] {
	const access = new ConfigAccess( deps.models );
	return [
		...promptRoutes( deps.prompts, access ),
		...profileRoutes( deps.profiles, deps.models, access ),
		...aiSettingsRoutes( deps.aiSettings, access ),
	];
}
