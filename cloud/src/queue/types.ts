/**
 * One queue API, two drivers: bee-queue on Redis for production and scale-out,
 * and an in-process driver for the embedded default. Job handlers are written
 * once against these types and run unchanged on either.
 */

export type QueueDriverName = 'bee' | 'inline';

export type JobProgress = { stage: string; percent: number; message?: string };

export type JobContext< T > = {
	id: string;
	type: string;
	data: T;
	/** 1 on the first run, 2 on the first retry, and so on. */
	attempt: number;
	reportProgress( progress: JobProgress ): Promise< void >;
};

export type JobHandler< T = unknown, R = unknown > = (
	job: JobContext< T >
) => Promise< R >;

export type JobDefinition< T = unknown, R = unknown > = {
	type: string;
	handler: JobHandler< T, R >;
	/** How many jobs of this type one process runs at once. */
	concurrency?: number;
	/** Extra runs after a failure, with exponential backoff. */
	retries?: number;
	/** A run that takes longer fails (and may be retried). */
	timeoutMs?: number;
};

export type EnqueueOptions = {
	/**
	 * Every job has a deterministic id, derived from what it works on: a
	 * second enqueue with the same id is a no-op while the first waits or
	 * runs (on both drivers), so a retried request or a second process
	 * enqueueing the same work never runs it twice at once. Once the job
	 * finished the id may be enqueued again.
	 */
	jobId: string;
};

export type JobEvent =
	| { kind: 'succeeded'; id: string; type: string; result: unknown }
	| { kind: 'failed'; id: string; type: string; error: string }
	| { kind: 'progress'; id: string; type: string; progress: JobProgress };

export interface JobQueue {
	readonly driver: QueueDriverName;
	/** Declares a job type; its handler runs only once `startWorkers()` was called. */
	define< T, R >( definition: JobDefinition< T, R > ): void;
	enqueue< T >(
		type: string,
		data: T,
		options: EnqueueOptions
	): Promise< { id: string } >;
	/** Begins taking jobs of every defined type in this process. */
	startWorkers(): Promise< void >;
	/** Observes outcomes of jobs processed in this process. */
	onEvent( listener: ( event: JobEvent ) => void ): () => void;
	/** True when the queue's backing store answers right now. */
	ping(): Promise< boolean >;
	/** Stops taking jobs, lets running ones finish up to the timeout, then releases resources. */
	close( timeoutMs: number ): Promise< void >;
}
