import OpenAI, {
	APIConnectionError,
	APIConnectionTimeoutError,
	APIError,
	APIUserAbortError,
} from 'openai';
import type { Config } from '../../config';
import {
	OUTBOUND_LIMITS,
	outboundErrorOf,
	type OutboundClient,
} from '../../net/outbound';
import { AI_DEFAULTS, imageCostOf } from './defaults';
import {
	imageMimeOf,
	type GeneratedImage,
	type ImageGenerator,
	type ImageOptions,
} from './image-providers/types';
import {
	instructionOf,
	readAnswer,
	responseFormatOf,
	type StructuredAnswer,
	type StructuredMode,
} from './structured/answer';
import { jsonSchemaRefusal } from './structured/refusal';

/**
 * The one door to the AI provider (any OpenAI-compatible API). The client's
 * own retries are off: this loop decides, so every attempt is counted, a
 * `Retry-After` is honoured (capped), and a cancelled run stops waiting at once.
 */

export type ChatMessage = {
	role: 'system' | 'user' | 'assistant';
	content: string;
};

export type TokenUsage = { tokensIn: number; tokensOut: number };

export type CallOptions = {
	model?: string;
	/** Overrides the configured endpoint (e.g. an account's own key). */
	baseUrl?: string;
	apiKey?: string;
	timeoutMs?: number;
	maxAttempts?: number;
	temperature?: number;
	/** Sent as `max_completion_tokens` (the current OpenAI name; `max_tokens` is deprecated). */
	maxTokens?: number;
	/** Aborts the request in flight and any wait between attempts. */
	signal?: AbortSignal;
};

export type StructuredOptions = CallOptions & {
	/** How to ask; default json_schema (strict structured outputs). */
	mode?: StructuredMode;
	/**
	 * When the provider refuses json_schema, ask again at once in JSON mode
	 * (true: the account left the choice to us) or fail saying so (false:
	 * the account chose json_schema).
	 */
	fallback?: boolean;
};

export type EmbeddingOptions = CallOptions & {
	/** Shorter vectors where the model supports it (text-embedding-3-*). */
	dimensions?: number;
};

export type EmbeddingsResult = {
	vectors: number[][];
	model: string;
	tokensIn: number;
	attempts: number;
};

export type ChatResult = TokenUsage & {
	text: string;
	model: string;
	attempts: number;
	/** Set when the model declined to answer (strict structured outputs say so here). */
	refusal?: string;
};

type ResponseFormat = ReturnType< typeof responseFormatOf >;

export type StructuredResult< T > = TokenUsage & {
	value: T;
	model: string;
	/** Provider requests made, retries and the repair included. */
	attempts: number;
	repaired: boolean;
	/** The way the provider answered. */
	mode: StructuredMode;
	/** The provider's refusal of json_schema, when it answered in JSON mode instead. */
	refusal?: string;
};

export type ProviderSettings = {
	apiKey?: string;
	baseUrl?: string;
	model: string;
	requestTimeoutMs: number;
	maxAttempts: number;
	retryBaseMs: number;
	/** Longest `Retry-After` we wait out; a longer one waits this long. */
	maxRetryAfterMs: number;
	/** Images API model unless a call names another. */
	imageModel?: string;
	/** Every request goes through it: an account's base URL is the account's choice. */
	outbound: OutboundClient;
};

/** The provider failed for good (after retries, or not retryable). */
export class AiProviderError extends Error {
	constructor(
		message: string,
		readonly status?: number,
		options?: ErrorOptions
	) {
		super( message, options );
		this.name = 'AiProviderError';
	}
}

/**
 * The answer never matched the expected shape, even after one repair. The
 * message is for people (what was missing); `detail` is what the validation
 * said, for the logs. It carries what the calls cost, and how the provider
 * answered, since they count even though nothing came of them.
 */
export class AiInvalidOutputError extends Error {
	constructor(
		missing: string,
		readonly detail: string,
		readonly spent: TokenUsage & {
			model: string;
			mode: StructuredMode;
			refusal?: string;
		}
	) {
		super(
			`The model's answer ${ missing }, even after it was asked to correct it.`
		);
		this.name = 'AiInvalidOutputError';
	}
}

/** The caller's signal aborted the call. */
export class AiAbortedError extends Error {
	constructor( readonly reason: unknown ) {
		super( 'The AI request was aborted.' );
		this.name = 'AiAbortedError';
	}
}

/** Where the `openai` client goes when no base URL is set. */
const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export function providerSettings(
	config: Config,
	outbound: OutboundClient
): ProviderSettings {
	return {
		outbound,
		apiKey: config.openaiApiKey,
		baseUrl: config.openaiBaseUrl,
		model: config.ai.model,
		requestTimeoutMs: config.ai.requestTimeoutMs,
		maxAttempts: config.ai.maxAttempts,
		retryBaseMs: config.ai.retryBaseMs,
		maxRetryAfterMs: AI_DEFAULTS.maxRetryAfterMs,
		imageModel: config.images.model,
	};
}

export class AiProvider implements ImageGenerator {
	readonly name = 'openai' as const;
	private readonly clients = new Map< string, OpenAI >();

	constructor( readonly settings: ProviderSettings ) {}

	/** True when a key is configured: AI work can be accepted at all. */
	get configured(): boolean {
		return Boolean( this.settings.apiKey );
	}

	/** The API's base URL: what a model's abilities are known by. */
	get endpoint(): string {
		return ( this.settings.baseUrl ?? OPENAI_BASE_URL ).replace(
			/\/+$/,
			''
		);
	}

	async chat(
		messages: ChatMessage[],
		options: CallOptions & { responseFormat?: ResponseFormat } = {}
	): Promise< ChatResult > {
		const model = options.model ?? this.settings.model;
		const client = this.client( options );
		const { result, attempts } = await this.withRetries( options, () =>
			client.chat.completions.create(
				{
					model,
					messages,
					...( options.temperature !== undefined
						? { temperature: options.temperature }
						: {} ),
					...( options.maxTokens !== undefined
						? { max_completion_tokens: options.maxTokens }
						: {} ),
					...( options.responseFormat
						? { response_format: options.responseFormat }
						: {} ),
				},
				{
					timeout:
						options.timeoutMs ?? this.settings.requestTimeoutMs,
					signal: options.signal,
				}
			)
		);
		const choice = result.choices[ 0 ];
		return {
			text: choice?.message?.content ?? '',
			model: result.model ?? model,
			tokensIn: result.usage?.prompt_tokens ?? 0,
			tokensOut: result.usage?.completion_tokens ?? 0,
			attempts,
			...( choice?.message?.refusal
				? { refusal: choice.message.refusal }
				: {} ),
		};
	}

	/**
	 * Asks for `answer` — with a strict json_schema response format, or in
	 * JSON mode with the schema in the prompt — and validates it with its zod
	 * schema. A provider refusing json_schema is asked again at once in JSON
	 * mode when `fallback` allows (that request is not a failed attempt). An
	 * answer that is not JSON or does not match is sent back once, in the
	 * same mode, with the problem stated; a second bad one fails with
	 * AiInvalidOutputError.
	 */
	async structured< T >(
		answer: StructuredAnswer< T >,
		messages: ChatMessage[],
		options: StructuredOptions = {}
	): Promise< StructuredResult< T > > {
		const {
			mode: asked = 'json_schema',
			fallback = true,
			...call
		} = options;
		let mode = asked;
		let refusal: string | undefined;
		const spent = { tokensIn: 0, tokensOut: 0, attempts: 0 };
		const ask = async ( conversation: ChatMessage[] ) => {
			const once = () =>
				this.chat(
					[
						{
							role: 'system',
							content: instructionOf( answer, mode ),
						},
						...conversation,
					],
					{
						...call,
						responseFormat: responseFormatOf( answer, mode ),
					}
				);
			try {
				return await once();
			} catch ( error ) {
				const refused =
					mode === 'json_schema' && error instanceof AiProviderError
						? jsonSchemaRefusal( error.cause )
						: null;
				if ( ! refused ) {
					throw error;
				}
				if ( ! fallback ) {
					throw new AiProviderError(
						`The AI provider does not take structured output (json_schema) for this model: ${ refused.replace( /[.\s]*$/, '.' ) } Set "Structured output" to automatic or JSON mode in System → AI settings.`,
						( error as AiProviderError ).status
					);
				}
				spent.attempts += 1;
				mode = 'json_mode';
				refusal = refused;
				return once();
			}
		};
		const conversation = [ ...messages ];
		for ( let round = 1; ; round++ ) {
			const reply = await ask( conversation );
			spent.tokensIn += reply.tokensIn;
			spent.tokensOut += reply.tokensOut;
			spent.attempts += reply.attempts;
			const read = reply.refusal
				? {
						ok: false as const,
						problem: `the model declined (${ reply.refusal })`,
					}
				: readAnswer( answer, reply.text );
			if ( read.ok ) {
				return {
					value: read.value,
					model: reply.model,
					...spent,
					repaired: round > 1,
					mode,
					...( refusal ? { refusal } : {} ),
				};
			}
			if ( round >= 2 ) {
				throw new AiInvalidOutputError( answer.missing, read.problem, {
					model: reply.model,
					tokensIn: spent.tokensIn,
					tokensOut: spent.tokensOut,
					mode,
					...( refusal ? { refusal } : {} ),
				} );
			}
			conversation.push(
				{ role: 'assistant', content: reply.text },
				{
					role: 'user',
					content: `That answer is invalid: ${ read.problem }. Reply again with only the corrected JSON object.`,
				}
			);
		}
	}

	/**
	 * One image through the images API, as bytes: base64 is asked for where
	 * the model accepts the parameter (GPT image models always answer base64
	 * and refuse it); a URL answer is downloaded at once, since it expires.
	 */
	async generate(
		prompt: string,
		options: ImageOptions & Pick< CallOptions, 'apiKey' | 'baseUrl' > = {}
	): Promise< GeneratedImage > {
		const model = options.model ?? this.settings.imageModel ?? 'dall-e-3';
		const client = this.client( options );
		const timeout = options.timeoutMs ?? this.settings.requestTimeoutMs;
		const { result, attempts } = await this.withRetries( options, () =>
			client.images.generate(
				{
					model,
					prompt,
					n: 1,
					...( options.size ? { size: options.size } : {} ),
					...( model.startsWith( 'gpt-image' )
						? {}
						: { response_format: 'b64_json' as const } ),
				},
				{ timeout, signal: options.signal }
			)
		);
		const item = result.data?.[ 0 ];
		let bytes: Buffer;
		if ( item?.b64_json ) {
			bytes = Buffer.from( item.b64_json, 'base64' );
		} else if ( item?.url ) {
			bytes = await downloadImage(
				this.settings.outbound,
				item.url,
				timeout,
				options.signal
			);
		} else {
			throw new AiProviderError(
				'The image provider answered without an image.'
			);
		}
		const mime = imageMimeOf( bytes );
		if ( ! mime ) {
			throw new AiProviderError(
				'The image provider answered with bytes that are not a PNG, JPEG or WebP image.'
			);
		}
		return {
			bytes,
			mime,
			model,
			cost: imageCostOf( model, options.size ),
			attempts,
		};
	}

	/**
	 * Embedding vectors for `texts`, in their order, in one request (with the
	 * same retries as chat). The caller batches: the API caps inputs per call.
	 */
	async embeddings(
		texts: string[],
		options: EmbeddingOptions = {}
	): Promise< EmbeddingsResult > {
		const model = options.model ?? AI_DEFAULTS.embeddingModel;
		const client = this.client( options );
		const { result, attempts } = await this.withRetries( options, () =>
			client.embeddings.create(
				{
					model,
					input: texts,
					...( options.dimensions
						? { dimensions: options.dimensions }
						: {} ),
				},
				{
					timeout:
						options.timeoutMs ?? this.settings.requestTimeoutMs,
					signal: options.signal,
				}
			)
		);
		const vectors = new Array< number[] >( texts.length );
		for ( const item of result.data ) {
			vectors[ item.index ] = item.embedding;
		}
		// `some` skips the holes of a sparse array; count the filled slots instead.
		const filled = vectors.filter( Boolean ).length;
		if ( result.data.length !== texts.length || filled !== texts.length ) {
			throw new AiProviderError(
				`The embeddings answer has ${ result.data.length } vectors for ${ texts.length } texts.`
			);
		}
		return {
			vectors,
			model: result.model ?? model,
			tokensIn: result.usage?.prompt_tokens ?? 0,
			attempts,
		};
	}

	private client( options: CallOptions ): OpenAI {
		const apiKey = options.apiKey ?? this.settings.apiKey;
		if ( ! apiKey ) {
			throw new AiProviderError(
				'The AI provider is not configured (OPENAI_API_KEY is not set).'
			);
		}
		const baseURL = options.baseUrl ?? this.settings.baseUrl;
		const key = `${ baseURL ?? '' }\n${ apiKey }`;
		let client = this.clients.get( key );
		if ( ! client ) {
			client = new OpenAI( {
				apiKey,
				baseURL,
				maxRetries: 0,
				fetch: this.settings.outbound.fetchWith( {
					...OUTBOUND_LIMITS.ai,
					timeoutMs: this.settings.requestTimeoutMs,
				} ),
			} );
			this.clients.set( key, client );
		}
		return client;
	}

	private async withRetries< R >(
		options: CallOptions,
		call: () => Promise< R >
	): Promise< { result: R; attempts: number } > {
		const maxAttempts = options.maxAttempts ?? this.settings.maxAttempts;
		for ( let attempt = 1; ; attempt++ ) {
			if ( options.signal?.aborted ) {
				throw new AiAbortedError( options.signal.reason );
			}
			try {
				return { result: await call(), attempts: attempt };
			} catch ( error ) {
				if (
					error instanceof APIUserAbortError ||
					options.signal?.aborted
				) {
					throw new AiAbortedError( options.signal?.reason );
				}
				const verdict = classify( error );
				if ( ! verdict.retryable || attempt >= maxAttempts ) {
					throw new AiProviderError(
						`${ verdict.message }${ attempt > 1 ? ` (after ${ attempt } attempts)` : '' }`,
						verdict.status,
						{ cause: error }
					);
				}
				const backoff =
					this.settings.retryBaseMs *
					2 ** ( attempt - 1 ) *
					( 0.5 + Math.random() / 2 );
				const wait =
					verdict.retryAfterMs !== undefined
						? Math.min(
								verdict.retryAfterMs,
								this.settings.maxRetryAfterMs
							)
						: backoff;
				await sleep( wait, options.signal );
			}
		}
	}
}

type Verdict = {
	retryable: boolean;
	message: string;
	status?: number;
	retryAfterMs?: number;
};

function classify( error: unknown ): Verdict {
	const outbound = outboundErrorOf( error );
	if ( outbound ) {
		return {
			retryable: outbound.transient,
			message: outbound.answered
				? `The AI provider's answer could not be used: ${ outbound.reason }`
				: `The AI provider could not be reached: ${ outbound.reason }`,
		};
	}
	if ( error instanceof APIConnectionTimeoutError ) {
		return {
			retryable: true,
			message: 'The AI provider did not answer in time',
		};
	}
	if ( error instanceof APIConnectionError ) {
		return {
			retryable: true,
			message: `The AI provider could not be reached: ${ error.message }`,
		};
	}
	if ( error instanceof APIError ) {
		const status = error.status;
		const retryable =
			status === 429 || ( status !== undefined && status >= 500 );
		return {
			retryable,
			status,
			message: `The AI provider answered ${ status ?? 'an error' }: ${ error.message }`,
			retryAfterMs:
				status === 429 ? retryAfter( error.headers ) : undefined,
		};
	}
	return {
		retryable: false,
		message: error instanceof Error ? error.message : String( error ),
	};
}

/** `retry-after-ms` (OpenAI's own), else `Retry-After` in seconds or as a date. */
function retryAfter( headers: Headers | undefined ): number | undefined {
	const ms = Number( headers?.get( 'retry-after-ms' ) ?? NaN );
	if ( Number.isFinite( ms ) && ms >= 0 ) {
		return ms;
	}
	const value = headers?.get( 'retry-after' );
	if ( ! value ) {
		return undefined;
	}
	const seconds = Number( value );
	if ( Number.isFinite( seconds ) && seconds >= 0 ) {
		return seconds * 1000;
	}
	const date = Date.parse( value );
	return Number.isNaN( date ) ? undefined : Math.max( 0, date - Date.now() );
}

/**
 * Fetches an image a provider answered with as a link, through the guarded
 * client: the link comes from an endpoint an account may have chosen.
 */
export async function downloadImage(
	outbound: OutboundClient,
	url: string,
	timeoutMs: number,
	signal?: AbortSignal
): Promise< Buffer > {
	try {
		const response = await outbound.fetch(
			url,
			{ signal },
			{ ...OUTBOUND_LIMITS.image, timeoutMs }
		);
		if ( ! response.ok ) {
			await response.body?.cancel();
			throw new AiProviderError(
				`The generated image could not be downloaded (HTTP ${ response.status }).`,
				response.status
			);
		}
		return Buffer.from( await response.arrayBuffer() );
	} catch ( error ) {
		if ( signal?.aborted ) {
			throw new AiAbortedError( signal.reason );
		}
		const outboundError = outboundErrorOf( error );
		if ( outboundError ) {
			throw new AiProviderError(
				`The generated image could not be downloaded: ${ outboundError.reason }.`
			);
		}
		throw error;
	}
}

/** Waits, unless the signal aborts first (then rejects with AiAbortedError). */
export function sleep( ms: number, signal?: AbortSignal ): Promise< void > {
	return new Promise( ( resolve, reject ) => {
		if ( signal?.aborted ) {
			return reject( new AiAbortedError( signal.reason ) );
		}
		const onAbort = () => {
			clearTimeout( timer );
			reject( new AiAbortedError( signal?.reason ) );
		};
		const timer = setTimeout( () => {
			signal?.removeEventListener( 'abort', onAbort );
			resolve();
		}, ms );
		signal?.addEventListener( 'abort', onAbort, { once: true } );
	} );
}
