/** The system module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { AiSettingsService } from './ai-settings';

export { systemConfigRoutes } from './config-routes';

export { HealthService } from './health';

export { type SystemModels, defineSystemModels } from './models';

export { ProfileService, profilesForRun } from './profiles';

export { PromptService } from './prompts';

export { healthRoutes } from './routes';
