import OpenAI, {
	APIConnectionError,
	APIConnectionTimeoutError,
	APIError,
	APIUserAbortError,
} from 'openai';
import { z } from 'zod';
import type { Config } from '../config';
import { AI_DEFAULTS, imageCostOf } from './defaults';
import {
	imageMimeOf,
	type GeneratedImage,
	type ImageGenerator,
	type ImageOptions,
} from './image-providers/types';

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
};

export type StructuredResult< T > = TokenUsage & {
	value: T;
	model: string;
	/** Provider requests made, retries and the repair included. */
	attempts: number;
	repaired: boolean;
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
};

/** The provider failed for good (after retries, or not retryable). */
export class AiProviderError extends Error {
	constructor(
		message: string,
		readonly status?: number
	) {
		super( message );
		this.name = 'AiProviderError';
	}
}

/** The answer never matched the expected shape, even after one repair. */
export class AiInvalidOutputError extends Error {
	constructor( message: string ) {
		super( message );
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

export function providerSettings( config: Config ): ProviderSettings {
	return {
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

	async chat(
		messages: ChatMessage[],
		options: CallOptions & { json?: boolean } = {}
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
					...( options.json
						? { response_format: { type: 'json_object' as const } }
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
		};
	}

	/**
	 * Asks for a JSON object and validates it. An answer that is not JSON or
	 * does not match is sent back once with the problem stated; a second bad
	 * answer fails with a message naming what was wrong.
	 */
	async structured< T >(
		schema: z.ZodType< T >,
		messages: ChatMessage[],
		options: CallOptions = {}
	): Promise< StructuredResult< T > > {
		const conversation: ChatMessage[] = [
			{
				role: 'system',
				content: `Answer with one JSON object and nothing else. It must match this JSON Schema:\n${ JSON.stringify( z.toJSONSchema( schema, { io: 'input' } ) ) }`,
			},
			...messages,
		];
		const usage = { tokensIn: 0, tokensOut: 0, attempts: 0 };
		for ( let round = 1; ; round++ ) {
			const answer = await this.chat( conversation, {
				...options,
				json: true,
			} );
			usage.tokensIn += answer.tokensIn;
			usage.tokensOut += answer.tokensOut;
			usage.attempts += answer.attempts;
			const problem = checkJson( schema, answer.text );
			if ( problem.ok ) {
				return {
					value: problem.value,
					model: answer.model,
					...usage,
					repaired: round > 1,
				};
			}
			if ( round >= 2 ) {
				throw new AiInvalidOutputError(
					`The AI answer did not match the expected format, even after one correction: ${ problem.error }`
				);
			}
			conversation.push(
				{ role: 'assistant', content: answer.text },
				{
					role: 'user',
					content: `That answer is invalid: ${ problem.error }. Reply again with only the corrected JSON object.`,
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
			bytes = await downloadImage( item.url, timeout, options.signal );
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
			client = new OpenAI( { apiKey, baseURL, maxRetries: 0 } );
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
						verdict.status
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

function checkJson< T >(
	schema: z.ZodType< T >,
	text: string
): { ok: true; value: T } | { ok: false; error: string } {
	const unfenced = text
		.trim()
		.replace( /^```(?:json)?\s*/i, '' )
		.replace( /\s*```$/, '' );
	let parsed: unknown;
	try {
		parsed = JSON.parse( unfenced );
	} catch ( error ) {
		return {
			ok: false,
			error: `it is not valid JSON (${ ( error as Error ).message })`,
		};
	}
	const result = schema.safeParse( parsed );
	if ( result.success ) {
		return { ok: true, value: result.data };
	}
	return {
		ok: false,
		error: result.error.issues
			.slice( 0, 5 )
			.map(
				( issue ) =>
					`${ issue.path.length ? issue.path.join( '.' ) : '(root)' }: ${ issue.message }`
			)
			.join( '; ' ),
	};
}

/** Fetches an image a provider answered with as a link. */
export async function downloadImage(
	url: string,
	timeoutMs: number,
	signal?: AbortSignal
): Promise< Buffer > {
	const signals = [ AbortSignal.timeout( timeoutMs ) ];
	if ( signal ) {
		signals.push( signal );
	}
	let response: Response;
	try {
		response = await fetch( url, { signal: AbortSignal.any( signals ) } );
	} catch ( error ) {
		if ( signal?.aborted ) {
			throw new AiAbortedError( signal.reason );
		}
		throw new AiProviderError(
			`The generated image could not be downloaded: ${ ( error as Error ).message }`
		);
	}
	if ( ! response.ok ) {
		throw new AiProviderError(
			`The generated image could not be downloaded (HTTP ${ response.status }).`,
			response.status
		);
	}
	return Buffer.from( await response.arrayBuffer() );
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
