import { z } from 'zod';
import { aiFunctionSchema } from './ai';
import { idParam, idSchema, listQuerySchema, timestampSchema } from './common';

/**
 * The System module: the prompt registry (defaults in code, per-account
 * overrides), author profiles and content strategies (the voice and brief of
 * generated content), and the account's AI settings.
 */

// --- prompts -------------------------------------------------------------------

export const promptKeySchema = z
	.string()
	.trim()
	.min( 1 )
	.max( 100 )
	.regex( /^[a-z0-9_.-]+$/, 'must be a prompt key like generate_ideas' );

export const promptKeyPathSchema = z.object( { key: promptKeySchema } );

const templateText = ( part: string ) =>
	z
		.string()
		.max( 20_000, `the ${ part } template may be at most 20000 characters` )
		.refine(
			( value ) => value.trim().length > 0,
			`the ${ part } template may not be blank`
		);

export const promptTemplateSchema = z.strictObject( {
	system: templateText( 'system' ),
	user: templateText( 'user' ),
} );

/** PUT /system/prompts/{key}/ */
export const promptOverrideSchema = promptTemplateSchema;
/** POST /system/prompts/: the same, naming the prompt in the body. */
export const promptOverrideCreateSchema = promptTemplateSchema.extend( {
	key: promptKeySchema,
} );

export const promptSchema = z.object( {
	key: z.string(),
	function: aiFunctionSchema,
	description: z.string(),
	/** Variable name → what the function fills in. Templates may use `{{name}}` for these only. */
	variables: z.record( z.string(), z.string() ),
	default: promptTemplateSchema,
	/** The account's replacement, or null when it uses the default. */
	override: promptTemplateSchema
		.extend( { updated_at: timestampSchema } )
		.nullable(),
	is_customized: z.boolean(),
} );

// --- author profiles and strategies ------------------------------------------------

const shortText = ( max: number ) => z.string().trim().max( max );

export const authorProfileCreateSchema = z.strictObject( {
	name: z.string().trim().min( 1, 'may not be blank' ).max( 255 ),
	description: shortText( 5000 ).default( '' ),
	tone: shortText( 255 ).default( '' ),
	audience: shortText( 500 ).default( '' ),
	style: shortText( 5000 ).default( '' ),
	language: z
		.string()
		.trim()
		.regex(
			/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/,
			'must be a language tag like en or pt-BR'
		)
		.max( 35 )
		.default( 'en' ),
	/** Setting it un-defaults the account's other profiles. */
	is_default: z.boolean().default( false ),
} );
export const authorProfileUpdateSchema = z
	.strictObject( {
		name: authorProfileCreateSchema.shape.name,
		description: shortText( 5000 ),
		tone: shortText( 255 ),
		audience: shortText( 500 ),
		style: shortText( 5000 ),
		language: authorProfileCreateSchema.shape.language.unwrap(),
		is_default: z.boolean(),
	} )
	.partial();

export const authorProfileSchema = z.object( {
	id: idSchema,
	name: z.string(),
	description: z.string(),
	tone: z.string(),
	audience: z.string(),
	style: z.string(),
	language: z.string(),
	is_default: z.boolean(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

export const strategyCreateSchema = z.strictObject( {
	name: z.string().trim().min( 1, 'may not be blank' ).max( 255 ),
	description: shortText( 5000 ).default( '' ),
	/** What generate_content is told to follow, in the writer's words. */
	instructions: shortText( 20_000 ).default( '' ),
	/** Optional: the sector the strategy is meant for. */
	sector_id: idSchema.nullable().default( null ),
} );
export const strategyUpdateSchema = z
	.strictObject( {
		name: strategyCreateSchema.shape.name,
		description: shortText( 5000 ),
		instructions: shortText( 20_000 ),
		sector_id: idSchema.nullable(),
	} )
	.partial();

export const strategySchema = z.object( {
	id: idSchema,
	name: z.string(),
	description: z.string(),
	instructions: z.string(),
	sector_id: idSchema.nullable(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

export const systemListQuerySchema = listQuerySchema;
export const strategyListQuerySchema = listQuerySchema.extend( {
	sector_id: idParam.optional(),
} );

// --- AI settings ---------------------------------------------------------------------

export const imageProviderSchema = z.enum( [ 'openai', 'runware' ] );

/** How structured AI answers are asked for: strict json_schema, or JSON mode with the schema in the prompt. */
export const structuredModeSchema = z.enum( [ 'json_schema', 'json_mode' ] );
/** `auto`: json_schema until the provider refuses it for a model, then JSON mode for that model. */
export const structuredOutputSchema = z.enum( [
	'auto',
	'json_schema',
	'json_mode',
] );

const modelName = z
	.string()
	.trim()
	.min( 1, 'may not be blank' )
	.max( 100 )
	.regex( /^[\w.:@/-]+$/, 'must be a model name like gpt-4o-mini' );

/** The AI functions that write with a text model: each may use its own. */
export const TEXT_MODEL_FUNCTIONS = [
	'auto_cluster',
	'generate_ideas',
	'generate_content',
	'generate_image_prompts',
] as const;
export type TextModelFunction = ( typeof TEXT_MODEL_FUNCTIONS )[ number ];

/** Per function: the text model it writes with (null: the account's text model). */
export const functionModelsUpdateSchema = z
	.object( {
		auto_cluster: modelName.nullable(),
		generate_ideas: modelName.nullable(),
		generate_content: modelName.nullable(),
		generate_image_prompts: modelName.nullable(),
	} )
	.partial()
	.strict();
const functionModelsSchema = z.object( {
	auto_cluster: z.string().nullable(),
	generate_ideas: z.string().nullable(),
	generate_content: z.string().nullable(),
	generate_image_prompts: z.string().nullable(),
} );

/** PUT: each field given replaces the stored one; null goes back to the server default. */
export const aiSettingsUpdateSchema = z
	.object( {
		text_model: modelName.nullable(),
		/** Functions given replace their model; null puts one back to text_model. */
		function_models: functionModelsUpdateSchema,
		image_model: modelName.nullable(),
		image_provider: imageProviderSchema.nullable(),
		temperature: z.number().min( 0 ).max( 2 ).nullable(),
		max_tokens: z.number().int().min( 1 ).max( 1_000_000 ).nullable(),
		/** Stored encrypted and never returned; null removes it. */
		api_key: z
			.string()
			.trim()
			.min( 8, 'is too short to be an API key' )
			.max( 500 )
			.regex( /^\S+$/, 'may not contain spaces' )
			.nullable(),
		/** An OpenAI-compatible endpoint for the account's own key; null: the server's. */
		base_url: z
			.string()
			.trim()
			.max( 2000 )
			.url( 'must be a valid http(s) URL' )
			.refine(
				( value ) => /^https?:\/\//i.test( value ),
				'must be a valid http(s) URL'
			)
			.nullable(),
		/** null is `auto`. Setting it (to anything) forgets what earlier runs found out. */
		structured_output: structuredOutputSchema.nullable(),
	} )
	.partial()
	.strict();

const effectiveSettings = z.object( {
	text_model: z.string(),
	/** The model each text function's next run asks for. */
	function_models: z.object( {
		auto_cluster: z.string(),
		generate_ideas: z.string(),
		generate_content: z.string(),
		generate_image_prompts: z.string(),
	} ),
	image_model: z.string(),
	image_provider: imageProviderSchema,
	temperature: z.number().nullable(),
	max_tokens: z.number().int().nullable(),
	/** How the next run asks for structured answers with the text model. */
	structured_output: structuredModeSchema,
} );

/** What the server lets an account choose while its runs use the server's AI key. */
const aiLimitsSchema = z.object( {
	/** False: the account's own key pays, and any text model and max_tokens may be chosen. */
	enforced: z.boolean(),
	/** Text models offered on the server's key. */
	text_models: z.array( z.string() ),
	/** Image models offered on the server's keys (Runware's always, OpenAI's without an own key). */
	image_models: z.array( z.string() ),
	/** The most max_tokens on the server's key, and what its runs ask for when none is set. */
	max_tokens: z.number().int(),
	/** The above, said for people. */
	note: z.string(),
} );

export const aiSettingsSchema = z.object( {
	/** The account's own choices; null: the server default applies. */
	text_model: z.string().nullable(),
	function_models: functionModelsSchema,
	image_model: z.string().nullable(),
	image_provider: imageProviderSchema.nullable(),
	temperature: z.number().nullable(),
	max_tokens: z.number().int().nullable(),
	base_url: z.string().nullable(),
	has_api_key: z.boolean(),
	/** The last 4 characters of the stored key, to recognise it. */
	api_key_last4: z.string().nullable(),
	structured_output: structuredOutputSchema,
	/**
	 * What the account's runs found out at its current endpoint, per model:
	 * `json_mode` after the provider refused json_schema (its message is the
	 * reason), `json_schema` once it answered one.
	 */
	structured_output_detected: z.array(
		z.object( {
			model: z.string(),
			mode: structuredModeSchema,
			reason: z.string().nullable(),
			detected_at: timestampSchema,
		} )
	),
	/** What runs use: the account's choices over the server defaults. */
	effective: effectiveSettings,
	limits: aiLimitsSchema,
	/** True when AI work can run: the account's own key or the server's. */
	configured: z.boolean(),
	/**
	 * Whether the caller may change the account's AI configuration (these
	 * settings, prompts, author profiles, strategies), and if not why:
	 * `role` (owners and admins only), `several_sites` (a WordPress site's
	 * session, in an account that holds other sites: the console decides).
	 */
	can_change: z.boolean(),
	cannot_change_reason: z.enum( [ 'role', 'several_sites' ] ).nullable(),
	updated_at: timestampSchema.nullable(),
} );

/** `POST /system/settings/ai/test/`: one small real call with the saved settings. */
export const aiTestResultSchema = z.object( {
	ok: z.boolean(),
	/**
	 * `ok`; `refused_key` (401/403); `model_not_found` (404); `rate_limited`
	 * (429); `unreachable` (no answer); `not_configured` (no key at all);
	 * `error` (anything else; `status` says what the provider answered).
	 */
	outcome: z.enum( [
		'ok',
		'refused_key',
		'model_not_found',
		'rate_limited',
		'unreachable',
		'not_configured',
		'error',
	] ),
	status: z.number().int().nullable(),
	model: z.string(),
	endpoint: z.string(),
	/** The provider's own words, for the curious (never contains the key). */
	detail: z.string().nullable(),
	ms: z.number().int(),
} );
export type AiTestResult = z.infer< typeof aiTestResultSchema >;

export type PromptOut = z.infer< typeof promptSchema >;
export type AuthorProfileOut = z.infer< typeof authorProfileSchema >;
export type StrategyOut = z.infer< typeof strategySchema >;
export type AiSettingsOut = z.infer< typeof aiSettingsSchema >;
export type AiSettingsUpdate = z.infer< typeof aiSettingsUpdateSchema >;
