import {
	clusterNamingPromptDefinition,
	clusterPromptDefinition,
} from './functions/auto-cluster';
import { contentPromptDefinition } from './functions/generate-content';
import { ideasPromptDefinition } from './functions/generate-ideas';
import { imagePromptsDefinition } from './functions/generate-image-prompts';
import type { PromptDefinition } from './prompts';

/**
 * Every prompt of every AI function, in one list: what the prompt registry
 * (`/system/prompts/`) shows and what an override may be saved for. Each
 * function module exports its own definitions; they are listed here so a
 * prompt cannot exist without appearing in the registry.
 */
export const PROMPT_CATALOG: readonly PromptDefinition[] = [
	clusterPromptDefinition,
	clusterNamingPromptDefinition,
	ideasPromptDefinition,
	contentPromptDefinition,
	imagePromptsDefinition,
];
