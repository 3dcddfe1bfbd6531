import {
	clusterNamingPromptDefinition,
	clusterPromptDefinition,
} from './functions/auto-cluster';
import {
	contentPromptDefinition,
	productPromptDefinition,
} from './functions/generate-content';
import { ideasPromptDefinition } from './functions/generate-ideas';
import { imagePromptsDefinition } from './functions/generate-image-prompts';
import { optimizePromptDefinition } from './functions/optimize-content';
import { sectionPromptDefinition } from './functions/regenerate-section';
import { siteStructurePromptDefinition } from './functions/generate-site-structure';
import { pageCopyPromptDefinition } from './functions/write-page-copy';
import type { PromptDefinition } from './prompts';

/**
 * Every prompt of every AI function, in one list: what the prompt registry
 * (`/system/prompts/`) shows and what an override may be saved for. Each
 * function module exports its own definitions; they are listed here so a
 * prompt cannot exist without appearing in the registry.
 *
 * A function, not a constant: the functions import the system module (for
 * profiles), which imports this file, so the list is built on first use,
 * once every function module has finished loading.
 */
export function promptCatalog(): readonly PromptDefinition[] {
	return [
		clusterPromptDefinition,
		clusterNamingPromptDefinition,
		ideasPromptDefinition,
		contentPromptDefinition,
		productPromptDefinition,
		imagePromptsDefinition,
		sectionPromptDefinition,
		optimizePromptDefinition,
		siteStructurePromptDefinition,
		pageCopyPromptDefinition,
	];
}
