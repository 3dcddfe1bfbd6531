import { randomUUID } from 'node:crypto';
import {
	OUTBOUND_LIMITS,
	outboundErrorOf,
	type OutboundClient,
} from '../../../net/outbound';
import { AiAbortedError, AiProviderError, sleep } from '../provider';
import {
	imageMimeOf,
	type GeneratedImage,
	type ImageGenerator,
	type ImageOptions,
} from './types';

/**
 * Runware's HTTP task API (https://runware.ai/docs): one POST of a JSON
 * array of tasks to the base URL, `Authorization: Bearer <key>`. We send one
 * `imageInference` task asking for base64 output and its cost; the answer is
 * `{data: [{taskUUID, imageUUID, imageBase64Data, cost}]}` or
 * `{errors: [{code, message, parameter?, taskUUID?}]}`. 429 and 5xx are
 * retried with backoff, honouring `Retry-After`, like the OpenAI calls.
 */

export type RunwareSettings = {
	apiKey?: string;
	baseUrl: string;
	model: string;
	requestTimeoutMs: number;
	maxAttempts: number;
	retryBaseMs: number;
	maxRetryAfterMs: number;
	/** The guarded client every request goes through. */
	outbound: OutboundClient;
};

type RunwareAnswer = {
	data?: {
		taskType?: string;
		taskUUID?: string;
		imageUUID?: string;
		imageBase64Data?: string;
		imageURL?: string;
		cost?: number;
	}[];
	errors?: { code?: string; message?: string; parameter?: string }[];
};

const SIZES: Record< string, [ number, number ] > = {
	'1024x1024': [ 1024, 1024 ],
	'1792x1024': [ 1792, 1024 ],
	'1024x1792': [ 1024, 1792 ],
};

export class RunwareImages implements ImageGenerator {
	readonly name = 'runware' as const;

	constructor( private readonly settings: RunwareSettings ) {}

	get configured(): boolean {
		return Boolean( this.settings.apiKey );
	}

	async generate(
		prompt: string,
		options: ImageOptions = {}
	): Promise< GeneratedImage > {
		if ( ! this.settings.apiKey ) {
			throw new AiProviderError(
				'Runware is not configured (RUNWARE_API_KEY is not set).'
			);
		}
		const model = options.model ?? this.settings.model;
		const [ width, height ] = SIZES[ options.size ?? '1024x1024' ]!;
		const taskUUID = randomUUID();
		const body = JSON.stringify( [
			{
				taskType: 'imageInference',
				taskUUID,
				model,
				positivePrompt: prompt,
				width,
				height,
				numberResults: 1,
				outputType: 'base64Data',
				outputFormat: 'PNG',
				includeCost: true,
			},
		] );
		const maxAttempts = options.maxAttempts ?? this.settings.maxAttempts;
		for ( let attempt = 1; ; attempt++ ) {
			const outcome = await this.post(
				body,
				options.timeoutMs ?? this.settings.requestTimeoutMs,
				options.signal
			);
			if ( outcome.kind === 'ok' ) {
				const item = outcome.answer.data?.find(
					( d ) => d.taskUUID === taskUUID
				);
				if ( ! item?.imageBase64Data ) {
					throw new AiProviderError(
						'Runware answered without an image.'
					);
				}
				const bytes = Buffer.from( item.imageBase64Data, 'base64' );
				const mime = imageMimeOf( bytes );
				if ( ! mime ) {
					throw new AiProviderError(
						'Runware answered with bytes that are not a PNG, JPEG or WebP image.'
					);
				}
				return {
					bytes,
					mime,
					model,
					cost: typeof item.cost === 'number' ? item.cost : 0,
					attempts: attempt,
				};
			}
			if ( ! outcome.retryable || attempt >= maxAttempts ) {
				throw new AiProviderError(
					`${ outcome.message }${ attempt > 1 ? ` (after ${ attempt } attempts)` : '' }`,
					outcome.status
				);
			}
			const backoff =
				this.settings.retryBaseMs *
				2 ** ( attempt - 1 ) *
				( 0.5 + Math.random() / 2 );
			await sleep(
				outcome.retryAfterMs !== undefined
					? Math.min(
							outcome.retryAfterMs,
							this.settings.maxRetryAfterMs
						)
					: backoff,
				options.signal
			);
		}
	}

	private async post(
		body: string,
		timeoutMs: number,
		signal?: AbortSignal
	): Promise<
		| { kind: 'ok'; answer: RunwareAnswer }
		| {
				kind: 'error';
				retryable: boolean;
				message: string;
				status?: number;
				retryAfterMs?: number;
		  }
	> {
		if ( signal?.aborted ) {
			throw new AiAbortedError( signal.reason );
		}
		let response: Response;
		let answer: RunwareAnswer;
		try {
			response = await this.settings.outbound.fetch(
				this.settings.baseUrl,
				{
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						authorization: `Bearer ${ this.settings.apiKey }`,
					},
					body,
					signal,
				},
				{ ...OUTBOUND_LIMITS.ai, timeoutMs }
			);
			// Read whole (capped) before parsing: a cut-off answer is an error, not an empty one.
			answer = answerOf( await response.text() );
		} catch ( error ) {
			if ( signal?.aborted ) {
				throw new AiAbortedError( signal.reason );
			}
			const outbound = outboundErrorOf( error );
			if ( ! outbound ) {
				throw error;
			}
			return {
				kind: 'error',
				retryable: outbound.transient,
				message:
					outbound.kind === 'timeout'
						? 'Runware did not answer in time'
						: outbound.answered
							? `Runware's answer could not be used: ${ outbound.reason }`
							: `Runware could not be reached: ${ outbound.reason }`,
			};
		}
		if ( response.ok && ! answer.errors?.length ) {
			return { kind: 'ok', answer };
		}
		const status = response.status;
		const detail =
			answer.errors
				?.map( ( e ) =>
					[ e.code, e.message ].filter( Boolean ).join( ': ' )
				)
				.join( '; ' ) || response.statusText;
		const seconds = Number( response.headers.get( 'retry-after' ) ?? NaN );
		return {
			kind: 'error',
			retryable: status === 429 || status >= 500,
			status,
			message: `Runware answered ${ status }: ${ detail }`,
			retryAfterMs:
				status === 429 && Number.isFinite( seconds ) && seconds >= 0
					? seconds * 1000
					: undefined,
		};
	}
}

/** Runware's JSON, or nothing usable when it is not JSON. */
function answerOf( text: string ): RunwareAnswer {
	try {
		return JSON.parse( text ) as RunwareAnswer;
	} catch {
		return {};
	}
}
