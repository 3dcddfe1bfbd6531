/** The ai module's public face: the only file other modules and the composition root import from it (npm run lint checks). It owns the runs (ai_task_runs) and the providers' structured-output modes; what a run produces is saved by the module that owns it. */
export {
	serverRunSettings,
	type AccountAi,
	type AiSettingsSource,
} from './account-settings';

export { closeLexicalPool } from './clustering/lexical-pool';

export { AiEngine } from './engine';

export { ModelPolicy } from './model-policy';

export { promptCatalog } from './prompt-catalog';

export {
	unknownVariables,
	variablesIn,
	type PromptDefinition,
	type PromptOverrides,
	type PromptSource,
	type PromptTemplate,
} from './prompts';

export { AiProvider, AiProviderError, providerSettings } from './provider';

export { defaultRegistry } from './registry';

export { aiRoutes } from './routes';

export { LocalRunSignals, RedisRunSignals } from './run-signals';

export {
	chooseMode,
	StructuredOutputModes,
	type DetectedMode,
} from './structured/modes';

export type { Metered, RunSettings } from './types';

export { textModelFor } from './types';
