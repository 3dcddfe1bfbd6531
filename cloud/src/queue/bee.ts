import BeeQueue from 'bee-queue';
import type { Logger } from '../logger';
import { QUEUE_DEFAULTS } from './defaults';
import { withTimeout } from './inline';
import type {
	EnqueueOptions,
	JobDefinition,
	JobEvent,
	JobQueue,
} from './types';

type Options = {
	redisUrl: string;
	prefix: string;
	logger: Logger;
	/** Stalled-job checks run here too, so a crashed worker's jobs are picked up. */
	stallCheckMs?: number;
};

/**
 * bee-queue driver: one Redis-backed queue per job type. Any process can
 * enqueue; the processes that call `startWorkers()` run the handlers, and more
 * of them scale the work out. A job whose worker dies mid-run is retried by
 * the next stall check.
 */
export class BeeJobQueue implements JobQueue {
	readonly driver = 'bee' as const;
	private readonly definitions = new Map<
		string,
		JobDefinition< any, any >
	>();
	private readonly queues = new Map< string, BeeQueue >();
	private readonly listeners = new Set< ( event: JobEvent ) => void >();
	private readonly stallTimers: NodeJS.Timeout[] = [];

	constructor( private readonly options: Options ) {}

	define< T, R >( definition: JobDefinition< T, R > ): void {
		this.definitions.set(
			definition.type,
			definition as JobDefinition< any, any >
		);
	}

	async enqueue< T >(
		type: string,
		data: T,
		options: EnqueueOptions
	): Promise< { id: string } > {
		const definition = this.definitions.get( type );
		if ( ! definition ) {
			throw new Error( `Unknown job type: ${ type }` );
		}
		const id = options.jobId;
		const queue = await this.queueFor( type );
		const retries = definition.retries ?? QUEUE_DEFAULTS.retries;
		// bee-queue ignores a job whose id it already holds: enqueueing is idempotent.
		await queue
			.createJob( data )
			.setId( id )
			.retries( retries )
			.backoff( 'exponential', QUEUE_DEFAULTS.backoffMs )
			.timeout( definition.timeoutMs ?? QUEUE_DEFAULTS.timeoutMs )
			.save();
		return { id };
	}

	async startWorkers(): Promise< void > {
		for ( const definition of this.definitions.values() ) {
			const queue = await this.queueFor( definition.type );
			queue.process(
				definition.concurrency ?? 1,
				( job: BeeQueue.Job< any > ) => this.run( definition, job )
			);
			await queue.checkStalledJobs();
			const timer = setInterval( () => {
				queue
					.checkStalledJobs()
					.catch( ( error: Error ) =>
						this.options.logger.warn(
							{ err: error, type: definition.type },
							'stalled-job check failed'
						)
					);
			}, this.options.stallCheckMs ?? QUEUE_DEFAULTS.stallIntervalMs );
			timer.unref();
			this.stallTimers.push( timer );
		}
	}

	onEvent( listener: ( event: JobEvent ) => void ): () => void {
		this.listeners.add( listener );
		return () => this.listeners.delete( listener );
	}

	async ping(): Promise< boolean > {
		const queue =
			this.queues.values().next().value ?? ( await this.anyQueue() );
		if ( ! queue ) {
			return false;
		}
		try {
			await withTimeout( queue.checkHealth(), 2_000 );
			return true;
		} catch {
			return false;
		}
	}

	async close( timeoutMs: number ): Promise< void > {
		for ( const timer of this.stallTimers ) {
			clearInterval( timer );
		}
		await Promise.all(
			[ ...this.queues.values() ].map( ( queue ) =>
				queue
					.close( timeoutMs )
					.catch( ( error: Error ) =>
						this.options.logger.warn(
							{ err: error },
							'queue did not close cleanly'
						)
					)
			)
		);
		this.queues.clear();
	}

	private async anyQueue(): Promise< BeeQueue | undefined > {
		const type = this.definitions.keys().next().value;
		return type === undefined ? undefined : this.queueFor( type );
	}

	private async queueFor( type: string ): Promise< BeeQueue > {
		let queue = this.queues.get( type );
		if ( ! queue ) {
			queue = new BeeQueue( type, {
				prefix: this.options.prefix,
				redis: { url: this.options.redisUrl },
				isWorker: true,
				getEvents: false,
				sendEvents: false,
				// Retries wait out their backoff as delayed jobs; something must wake them.
				activateDelayedJobs: true,
				stallInterval: QUEUE_DEFAULTS.stallIntervalMs,
				removeOnSuccess: QUEUE_DEFAULTS.removeOnSuccess,
				removeOnFailure: QUEUE_DEFAULTS.removeOnFailure,
			} );
			queue.on( 'error', ( error: Error ) =>
				this.options.logger.error(
					{ err: error, type },
					'queue connection error'
				)
			);
			// Local events: outcomes of the jobs this process ran. bee-queue also
			// emits 'failed' before each retry; 'failed:fatal' is the final failure.
			queue.on(
				'succeeded',
				( job: BeeQueue.Job< unknown >, result: unknown ) =>
					this.emit( { kind: 'succeeded', id: job.id, type, result } )
			);
			queue.on(
				'failed:fatal' as 'failed',
				( job: BeeQueue.Job< unknown >, error: Error ) =>
					this.emit( {
						kind: 'failed',
						id: job.id,
						type,
						error: error.message,
					} )
			);
			this.queues.set( type, queue );
			await queue.ready();
		}
		return queue;
	}

	private async run(
		definition: JobDefinition< any, any >,
		job: BeeQueue.Job< any >
	): Promise< unknown > {
		const remaining = ( job.options as { retries?: number } ).retries ?? 0;
		return withTimeout(
			definition.handler( {
				id: job.id,
				type: definition.type,
				data: job.data,
				attempt:
					( definition.retries ?? QUEUE_DEFAULTS.retries ) -
					remaining +
					1,
				reportProgress: async ( progress ) => {
					this.emit( {
						kind: 'progress',
						id: job.id,
						type: definition.type,
						progress,
					} );
				},
			} ),
			definition.timeoutMs ?? QUEUE_DEFAULTS.timeoutMs
		);
	}

	private emit( event: JobEvent ): void {
		for ( const listener of this.listeners ) {
			listener( event );
		}
	}
}
