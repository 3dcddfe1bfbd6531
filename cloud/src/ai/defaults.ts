/** AI tunables that are not per-deployment settings (those live in config). */
export const AI_DEFAULTS = {
	/** A provider asking us to wait longer than this is waited out this long, then retried. */
	maxRetryAfterMs: 30_000,
	/** How often a running run re-reads its own row to notice a cancel from another process. */
	cancelPollMs: 250,
	/** How often an event stream re-reads a run it cannot hear in process (worker elsewhere). */
	streamPollMs: 500,
	/** Keeps idle event streams open through proxies. */
	streamHeartbeatMs: 15_000,
	/** Queue-level backstop above the run's own timeout. */
	jobTimeoutSlackMs: 30_000,
	/**
	 * Starts of one run before it is failed: a run that keeps killing its
	 * worker (out of memory, a native crash) must not take every worker down
	 * in turn. Stalled-job recovery restarts a run without counting a retry,
	 * so the run row counts its own starts.
	 */
	maxStarts: 3,
	/** Embeddings model for clustering unless a call names another. */
	embeddingModel: 'text-embedding-3-small',
	/** Runs of one type a worker process executes at once. */
	concurrency: 2,
} as const;

/** US dollars per million tokens (input, output); unknown models cost 0 here. */
export const MODEL_PRICES: Record< string, { input: number; output: number } > =
	{
		'gpt-4o-mini': { input: 0.15, output: 0.6 },
		'gpt-4o': { input: 2.5, output: 10 },
		'gpt-4.1': { input: 2, output: 8 },
		'gpt-4.1-mini': { input: 0.4, output: 1.6 },
	};

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
