import type { AiFunctionName } from '@igny8/shared-types';
import type { ChatMessage } from './provider';

/**
 * Prompts are data, not code: each AI function declares its prompts with
 * the variables it fills in, and an account may replace a prompt's text (the
 * seed's prompt registry). A template names variables as `{{name}}`; an
 * override may use any of the declared variables and nothing else, which is
 * checked when it is saved, so rendering never meets an unknown name.
 */

export type PromptTemplate = { system: string; user: string };

export type PromptDefinition = {
	/** Stable key, e.g. `generate_ideas`; what overrides are stored under. */
	key: string;
	function: AiFunctionName;
	description: string;
	/** Every variable the function fills in, with what it holds. */
	variables: Readonly< Record< string, string > >;
	template: PromptTemplate;
};

const VARIABLE = /\{\{\s*([a-z0-9_]+)\s*\}\}/g;

export function definePrompt( definition: PromptDefinition ): PromptDefinition {
	const unknown = unknownVariables( definition, definition.template );
	if ( unknown.length ) {
		throw new Error(
			`Prompt "${ definition.key }" uses undeclared variables: ${ unknown.join( ', ' ) }`
		);
	}
	return definition;
}

/** The `{{names}}` a text uses, in order of first use. */
export function variablesIn( text: string ): string[] {
	return [
		...new Set( [ ...text.matchAll( VARIABLE ) ].map( ( m ) => m[ 1 ]! ) ),
	];
}

/** Variables a template uses that its definition does not declare. */
export function unknownVariables(
	definition: PromptDefinition,
	template: PromptTemplate
): string[] {
	return [
		...variablesIn( template.system ),
		...variablesIn( template.user ),
	].filter( ( name ) => ! ( name in definition.variables ) );
}

export function renderPrompt(
	template: PromptTemplate,
	values: Readonly< Record< string, string | number > >
): ChatMessage[] {
	const fill = ( text: string ) =>
		text.replace( VARIABLE, ( _, name: string ) =>
			name in values ? String( values[ name ] ) : ''
		);
	return [
		{ role: 'system', content: fill( template.system ) },
		{ role: 'user', content: fill( template.user ) },
	];
}

/** An account's replacement templates, by prompt key. */
export type PromptOverrides = ReadonlyMap< string, PromptTemplate >;

/** Where the engine finds an account's overrides (the prompt registry's store). */
export interface PromptSource {
	overridesFor( accountId: number ): Promise< PromptOverrides >;
}

export const NO_OVERRIDES: PromptSource = {
	overridesFor: async () => new Map(),
};
