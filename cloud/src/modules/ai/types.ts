import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import type { AiFunctionName } from '@igny8/shared-types';
import type { Database } from '../../db/connection';
import type { Models } from '../../db/models';
import type { Principal } from '../auth';
import type { ClusterService, IdeaService } from '../planner';
import type { OptimizerStore } from '../optimizer';
import type { SiteBuilderStore } from '../site-builder';
import type { WriterPipeline } from '../writer';
import type { ImageStore } from '../../storage/image-store';
import type { GeneratedImage, ImageOptions } from './image-providers/types';
import type { PromptDefinition } from './prompts';
import type { StructuredAnswer } from './structured/answer';
import type { StructuredOutputSetting } from './structured/modes';
import type {
	CallOptions,
	ChatMessage,
	ChatResult,
	EmbeddingOptions,
} from './provider';
import type { AiTaskRunRow } from '../../db/ai-models';

/**
 * The contract of one AI function (the seed's BaseAIFunction). The engine
 * calls the steps in order; only `execute` talks to the provider, only `save`
 * writes, and `save` runs inside the one transaction that also marks the run
 * succeeded — so a cancelled or failed run leaves nothing behind.
 */

/** Where a run's work lives: every run belongs to one site. */
export type RunScope = {
	site_id: number;
	sector_id: number | null;
	/** How many records the run covers, when validate counted them (its estimate may use it). */
	items?: number;
};

export type AiDeps = { db: Database; models: Models };

/**
 * The services that own what functions make: a function saves clusters,
 * ideas, content and images through them, never by writing those tables
 * (the registry binds them; services.ts wires them).
 */
export type AiOwners = {
	clusters: ClusterService;
	ideas: IdeaService;
	writer: WriterPipeline;
	optimizer: OptimizerStore;
	siteBuilder: SiteBuilderStore;
};

export type SaveDeps = AiDeps & { transaction: Transaction };

/** The provider as a function sees it: usage is counted, cancellation is wired in. */
export type RunProvider = {
	chat(
		messages: ChatMessage[],
		options?: CallOptions
	): Promise< ChatResult >;
	/**
	 * A validated answer, asked for the way the account's settings and what
	 * its earlier runs found out say (see structured/modes.ts).
	 */
	structured< T >(
		answer: StructuredAnswer< T >,
		messages: ChatMessage[],
		options?: CallOptions
	): Promise< T >;
	/** One image as bytes, from the chosen (or the account's) image provider. */
	images( prompt: string, options?: ImageOptions ): Promise< GeneratedImage >;
	/** One embedding vector per text, in order (one request; the caller batches). */
	embeddings(
		texts: string[],
		options?: EmbeddingOptions
	): Promise< number[][] >;
};

export type ExecuteContext = {
	ai: RunProvider;
	/** Records and publishes progress; `percent` is of the whole run. */
	progress(
		stage: string,
		percent: number,
		message?: string
	): Promise< void >;
	/** Throws when the run was cancelled or timed out; call between steps. */
	checkpoint(): void;
	signal: AbortSignal;
	/** Where generated files go; a run that fails removes what it wrote. */
	files: ImageStore;
	/** The account's models and sampling settings (already applied to `ai` calls). */
	settings: RunSettings;
	/** The prompt's messages: the account's override when it has one, else the default. */
	prompt(
		definition: PromptDefinition,
		values: Readonly< Record< string, string | number > >
	): ChatMessage[];
};

/**
 * What a run is priced on. Functions never compute credits: they count their
 * own unit of work ("items": ideas, articles, images, keywords…) and the
 * engine prices it with the account's plan price table (PriceBook):
 * `max(min_credits, ceil(items × credits_per_item + tokens / 1000 ×
 * credits_per_1k_tokens))`. So a price change per plan needs no code change.
 */
export type Metered = {
	items: number;
	/** Tokens, weighted by their model's price (see tokenWeight); none on an account's own key. */
	tokens?: number;
};

/**
 * The most a run may do, as its function says before it starts: the items,
 * and the provider requests that bound its tokens (each text request may
 * answer at most the account's max_tokens cap). The engine prices it into
 * the reservation (see ai/metering.ts).
 */
export type Workload = {
	items: number;
	/** Chat or structured requests at most (a structured request's one repair is counted by the engine). */
	requests?: number;
	/** Texts sent to the embeddings model at most. */
	embeddingTexts?: number;
};

export type SaveOutcome = {
	/** Stored on the run as `output_summary`. */
	summary: Record< string, unknown >;
	/** Items actually made; priced with the tokens the engine counted, capped by the reservation. */
	items: number;
};

/** The account's AI settings over the server defaults, as a run sees them. */
export type RunSettings = {
	textModel: string;
	/** A text function's own model, over `textModel` (see `textModelFor`). */
	functionModels: Partial< Record< string, string > >;
	imageModel: string;
	imageProvider: 'openai' | 'runware';
	temperature: number | null;
	/** The longest answer a request asks for: capped on the server's key; null only on an account's own key that set none. */
	maxTokens: number | null;
	/** How structured answers are asked for; `auto`: json_schema unless the provider refuses it. */
	structuredOutput: StructuredOutputSetting;
};

/** The text model a function's run writes with: its own, else the account's. */
export function textModelFor( settings: RunSettings, fn: string ): string {
	return settings.functionModels[ fn ] ?? settings.textModel;
}

export interface AiFunction< Input = any, Prepared = any, Result = any > {
	name: AiFunctionName;
	/** The run's input as stored on the row (and read back by the worker). */
	input: z.ZodType< Input >;
	/** Checks the input against what the caller may touch; answers the run's scope. */
	validate(
		input: Input,
		principal: Principal,
		deps: AiDeps
	): Promise< RunScope >;
	/** The most work the run may do; priced and reserved before any provider call. */
	estimate( input: Input, scope: RunScope ): Workload;
	/**
	 * Whether this input calls the AI provider at all; when false the run is
	 * accepted without an API key (e.g. lexical clustering, or images that
	 * go to Runware by the request or the account's setting). Default: true.
	 */
	needsProvider?( input: Input, settings: RunSettings ): boolean;
	/** Loads the records the run works on (worker side). */
	prepare(
		input: Input,
		run: AiTaskRunRow,
		deps: AiDeps
	): Promise< Prepared >;
	execute(
		prepared: Prepared,
		input: Input,
		context: ExecuteContext
	): Promise< Result >;
	save(
		result: Result,
		prepared: Prepared,
		run: AiTaskRunRow,
		deps: SaveDeps
	): Promise< SaveOutcome >;
	/**
	 * Lets go of what `execute` made outside the database (files) when its
	 * result is not saved: the run was cancelled or failed after execute,
	 * up to and including its save's transaction rolling back.
	 */
	discard?( result: Result ): Promise< void >;
}

/**
 * An AI function as its file declares it: its save is also handed the
 * owning services. The registry binds them, so the engine sees a plain
 * AiFunction (and a function that needs no owners is one of these too).
 */
export type AiFunctionDefinition<
	Input = any,
	Prepared = any,
	Result = any,
> = Omit< AiFunction< Input, Prepared, Result >, 'save' > & {
	save(
		result: Result,
		prepared: Prepared,
		run: AiTaskRunRow,
		deps: SaveDeps & { owners: AiOwners }
	): Promise< SaveOutcome >;
};
