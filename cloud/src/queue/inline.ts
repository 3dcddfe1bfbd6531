import type { Logger } from '../logger';
import { QUEUE_DEFAULTS } from './defaults';
import type {
	EnqueueOptions,
	JobDefinition,
	JobEvent,
	JobQueue,
} from './types';

type Pending = { id: string; type: string; data: unknown; attempt: number };

/**
 * The embedded driver: jobs run in this process with bounded concurrency per
 * type, the same handlers, retries and timeouts as on bee-queue. Jobs live in
 * memory, so work queued when the process dies is lost: production uses Redis.
 */
export class InlineQueue implements JobQueue {
	readonly driver = 'inline' as const;
	private readonly definitions = new Map<
		string,
		JobDefinition< any, any >
	>();
	private readonly waiting = new Map< string, Pending[] >();
	private readonly running = new Map< string, number >();
	private readonly known = new Set< string >();
	private readonly active = new Set< Promise< void > >();
	private readonly listeners = new Set< ( event: JobEvent ) => void >();
	private working = false;
	private closing = false;

	constructor( private readonly logger: Logger ) {}

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
		if ( ! this.definitions.has( type ) ) {
			throw new Error( `Unknown job type: ${ type }` );
		}
		if ( this.closing ) {
			throw new Error( 'The queue is shutting down.' );
		}
		const id = options.jobId;
		if ( this.known.has( id ) ) {
			return { id };
		}
		this.known.add( id );
		// Payloads cross a serialization boundary on bee-queue; do the same here
		// so a handler never depends on sharing objects with its caller.
		const payload = JSON.parse( JSON.stringify( data ?? null ) );
		this.queueFor( type ).push( { id, type, data: payload, attempt: 1 } );
		this.pump( type );
		return { id };
	}

	async startWorkers(): Promise< void > {
		this.working = true;
		for ( const type of this.definitions.keys() ) {
			this.pump( type );
		}
	}

	onEvent( listener: ( event: JobEvent ) => void ): () => void {
		this.listeners.add( listener );
		return () => this.listeners.delete( listener );
	}

	async ping(): Promise< boolean > {
		return ! this.closing;
	}

	async close( timeoutMs: number ): Promise< void > {
		this.closing = true;
		this.working = false;
		const finished = await withTimeout(
			Promise.all( [ ...this.active ] ),
			timeoutMs
		).then(
			() => true,
			() => false
		);
		if ( ! finished ) {
			this.logger.warn(
				{ running: this.active.size },
				'inline queue closed with jobs still running'
			);
		}
	}

	private queueFor( type: string ): Pending[] {
		let list = this.waiting.get( type );
		if ( ! list ) {
			list = [];
			this.waiting.set( type, list );
		}
		return list;
	}

	private pump( type: string ): void {
		const definition = this.definitions.get( type );
		if ( ! this.working || ! definition ) {
			return;
		}
		const limit = definition.concurrency ?? 1;
		const list = this.queueFor( type );
		while ( ( this.running.get( type ) ?? 0 ) < limit && list.length > 0 ) {
			const next = list.shift() as Pending;
			this.running.set( type, ( this.running.get( type ) ?? 0 ) + 1 );
			const run = this.run( definition, next ).finally( () => {
				this.active.delete( run );
				this.running.set( type, ( this.running.get( type ) ?? 1 ) - 1 );
				this.pump( type );
			} );
			this.active.add( run );
		}
	}

	private async run(
		definition: JobDefinition< any, any >,
		job: Pending
	): Promise< void > {
		const timeoutMs = definition.timeoutMs ?? QUEUE_DEFAULTS.timeoutMs;
		const retries = definition.retries ?? QUEUE_DEFAULTS.retries;
		try {
			const result = await withTimeout(
				definition.handler( {
					id: job.id,
					type: job.type,
					data: job.data,
					attempt: job.attempt,
					reportProgress: async ( progress ) =>
						this.emit( {
							kind: 'progress',
							id: job.id,
							type: job.type,
							progress,
						} ),
				} ),
				timeoutMs
			);
			this.known.delete( job.id );
			this.emit( {
				kind: 'succeeded',
				id: job.id,
				type: job.type,
				result,
			} );
		} catch ( error ) {
			const message =
				error instanceof Error ? error.message : String( error );
			if ( job.attempt <= retries && ! this.closing ) {
				this.logger.warn(
					{
						job_id: job.id,
						type: job.type,
						attempt: job.attempt,
						error: message,
					},
					'job failed, retrying'
				);
				const delay =
					QUEUE_DEFAULTS.backoffMs * 2 ** ( job.attempt - 1 );
				setTimeout( () => {
					this.queueFor( job.type ).push( {
						...job,
						attempt: job.attempt + 1,
					} );
					this.pump( job.type );
				}, delay ).unref();
				return;
			}
			this.logger.error(
				{ job_id: job.id, type: job.type, error: message },
				'job failed'
			);
			this.known.delete( job.id );
			this.emit( {
				kind: 'failed',
				id: job.id,
				type: job.type,
				error: message,
			} );
		}
	}

	private emit( event: JobEvent ): void {
		for ( const listener of this.listeners ) {
			listener( event );
		}
	}
}

export async function withTimeout< T >(
	work: Promise< T >,
	ms: number
): Promise< T > {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise< never >( ( _, reject ) => {
		timer = setTimeout(
			() => reject( new Error( `Job timed out after ${ ms } ms.` ) ),
			ms
		);
	} );
	try {
		return await Promise.race( [ work, timeout ] );
	} finally {
		clearTimeout( timer );
	}
}
