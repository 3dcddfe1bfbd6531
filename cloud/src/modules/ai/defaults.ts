/** AI tunables that are not per-deployment settings (those live in config). */
export const AI_DEFAULTS = {
	/** A provider asking us to wait longer than this is waited out this long, then retried. */
	maxRetryAfterMs: 30_000,
	/**
	 * Changes made in another process (a cancel, a worker's progress) arrive
	 * as signals; in case one is lost, the runs a process executes or streams
	 * are also re-read this often, all in one query.
	 */
	signalFallbackMs: 5_000,
	/** Keeps idle event streams open through proxies. */
	streamHeartbeatMs: 15_000,
	/** A run still queued this long after its last change is put on the queue again (its job may be gone). */
	requeueQueuedAfterMs: 60_000,
	/** A run still queued this long after it was created fails and is refunded. */
	abandonQueuedAfterMs: 60 * 60_000,
	/** Queue-level backstop above the run's own timeout. */
	jobTimeoutSlackMs: 30_000,
	/**
	 * Starts of one run before it is failed: a run that keeps killing its
	 * worker (out of memory, a native crash) must not take every worker down
	 * in turn. Stalled-job recovery restarts a run without counting a retry,
	 * so the run row counts its own starts.
	 */
	maxStarts: 3,
	/** Embeddings model for clustering; the only one a run on the server's key may use. */
	embeddingModel: 'text-embedding-3-small',
	/**
	 * Prompt tokens a text request is reserved for (our prompts: a batch of
	 * keywords, a brief, an article's first 4,000 characters, plus the answer's
	 * schema). Prompts are the one part of a run's tokens no setting caps, so
	 * this is an allowance, not a limit: the charge never exceeds the
	 * reservation even if a prompt does.
	 */
	promptTokensPerRequest: 4_000,
	/** Tokens one embedded text is reserved for (a keyword: a few words; 64 tokens is ~250 characters of English). */
	embeddingTokensPerText: 64,
	/**
	 * A run's progress reaches the row (what other processes stream) at most
	 * this often, the latest report winning; this process's listeners hear
	 * every report at once. Four updates a second is as fast as anyone reads
	 * a progress bar, and a run shorter than this writes no progress at all.
	 */
	progressWriteMs: 250,
} as const;

/** US dollars per million tokens (input, output); unknown models cost 0 here. */
export const MODEL_PRICES: Record< string, { input: number; output: number } > =
	{
		'gpt-4o-mini': { input: 0.15, output: 0.6 },
		'gpt-4o': { input: 2.5, output: 10 },
		'gpt-4.1': { input: 2, output: 8 },
		'gpt-4.1-mini': { input: 0.4, output: 1.6 },
		'text-embedding-3-small': { input: 0.02, output: 0 },
		'text-embedding-3-large': { input: 0.13, output: 0 },
	};

/** The model the price table's per-1k-token rates are for: its tokens weigh 1. */
export const REFERENCE_MODEL = 'gpt-4o-mini';

/**
 * What a token of `model` weighs in the per-1k-token price, by list price
 * (input and output together) against the reference model: a gpt-4o token
 * weighs about 17, an embedding token a fortieth. A model without a list
 * price here weighs 1.
 */
export function tokenWeight( model: string ): number {
	const price = MODEL_PRICES[ model ];
	const reference = MODEL_PRICES[ REFERENCE_MODEL ]!;
	if ( ! price ) {
		return 1;
	}
	return (
		( price.input + price.output ) / ( reference.input + reference.output )
	);
}

/** US dollars per generated image at 1024×1024 (larger sizes cost about double). */
export const IMAGE_PRICES: Record< string, number > = {
	'dall-e-3': 0.04,
	'dall-e-2': 0.02,
	'gpt-image-1': 0.042,
};

export function imageCostOf( model: string, size?: string ): number {
	const price = IMAGE_PRICES[ model ] ?? 0;
	return size && size !== '1024x1024' ? price * 2 : price;
}

export function costOf( model: string, tokensIn: number, tokensOut: number ) {
	const price = MODEL_PRICES[ model ];
	if ( ! price ) {
		return 0;
	}
	return ( tokensIn * price.input + tokensOut * price.output ) / 1_000_000;
}
