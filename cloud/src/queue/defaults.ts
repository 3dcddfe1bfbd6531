/** Every queue tunable in one place, with why it has the value it has. */
export const QUEUE_DEFAULTS = {
	/** Extra attempts after a failure, unless a job type says otherwise. */
	retries: 2,
	/** First retry delay; doubles per attempt. Long enough to ride out a blip. */
	backoffMs: 1_000,
	/** A job silent this long is presumed dead (worker crash) and is retried by bee-queue. */
	stallIntervalMs: 5_000,
	/** Per-run limit unless a job type says otherwise; AI calls set their own. */
	timeoutMs: 10 * 60_000,
	/**
	 * Finished jobs, failed ones too, are dropped from Redis: outcomes live in
	 * the database. Both drivers thus de-duplicate alike: a job id is ignored
	 * while its job waits or runs, and may be enqueued again once it finished.
	 */
	removeOnSuccess: true,
	removeOnFailure: true,
} as const;
