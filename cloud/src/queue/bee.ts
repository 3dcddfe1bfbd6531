import { randomUUID } from 'node:crypto';
import BeeQueue from 'bee-queue';
import type { Logger } from '../logger';
import { QUEUE_DEFAULTS } from './defaults';
import { withTimeout } from './inline';
import type { EnqueueOptions, JobDefinition, JobEvent, JobQueue } from './types';

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
	private readonly definitions = new Map< string, JobDefinition< any, any > >();
	private readonly queues = new Map< string, BeeQueue >();
	private readonly listeners = new Set< ( event: JobEvent ) => void >();
	private readonly stallTimers: NodeJS.Timeout[] = [];
	private working = false;

	constructor( private readonly options: Options ) {}

	define< T, R >( definition: JobDefinition< T, R > ): void {
		this.definitions.set( definition.type, definition as JobDefinition< any, any > );
	}

	async enqueue< T >( type: string, data: T, options: EnqueueOptions = {} ): Promise< { id: string } > {
		const definition = this.definitions.get( type );
		if ( ! definition ) {
			throw new Error( `Unknown job type: ${ type }` );
		}
		const id = options.jobId ?? randomUUID();
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
		this.working = true;
		for ( const definition of this.definitions.values() ) {
			const queue = await this.queueFor( definition.type );
			queue.process( definition.concurrency ?? 1, ( job: BeeQueue.Job< any > ) => this.run( definition, job ) );
			await queue.checkStalledJobs();
			const timer = setInterval( () => {
				queue.checkStalledJobs().catch( ( error: Error ) =>
					this.options.logger.warn( { err: error, type: definition.type }, 'stalled-job check failed' )
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
		const queue = this.queues.values().next().value ?? ( await this.anyQueue() );
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
		this.working = false;
		for ( const timer of this.stallTimers ) {
			clearInterval( timer );
		}
		await Promise.all(
			[ ...this.queues.values() ].map( ( queue ) =>
				queue.close( timeoutMs ).catch( ( error: Error ) =>
					this.options.logger.warn( { err: error }, 'queue did not close cleanly' )
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
				stallInterval: QUEUE_DEFAULTS.stallIntervalMs,
				removeOnSuccess: QUEUE_DEFAULTS.removeOnSuccess,
				removeOnFailure: QUEUE_DEFAULTS.removeOnFailure,
			} );
			queue.on( 'error', ( error: Error ) =>
				this.options.logger.error( { err: error, type }, 'queue connection error' )
			);
			this.queues.set( type, queue );
			await queue.ready();
		}
		return queue;
	}

	private async run( definition: JobDefinition< any, any >, job: BeeQueue.Job< any > ): Promise< unknown > {
		const retries = ( job.options as { retries?: number } ).retries ?? 0;
		const attempt = ( definition.retries ?? QUEUE_DEFAULTS.retries ) - retries + 1;
		try {
			const result = await definition.handler( {
				id: job.id,
				type: definition.type,
				data: job.data,
				attempt,
				reportProgress: async ( progress ) => {
					this.emit( { kind: 'progress', id: job.id, type: definition.type, progress } );
				},
			} );
			this.emit( { kind: 'succeeded', id: job.id, type: definition.type, result } );
			return result;
		} catch ( error ) {
			const message = error instanceof Error ? error.message : String( error );
			if ( retries <= 0 || ! this.working ) {
				this.emit( { kind: 'failed', id: job.id, type: definition.type, error: message } );
			}
			throw error;
		}
	}

	private emit( event: JobEvent ): void {
		for ( const listener of this.listeners ) {
			listener( event );
		}
	}
}
