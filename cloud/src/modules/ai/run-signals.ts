import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Logger } from '../../logger';

/**
 * "Run N changed" between processes: a worker saves progress, a final state
 * or a cancel, and every other process hears the id at once instead of
 * polling. Only the id travels; listeners read the row, so a lost or
 * repeated signal can delay or repeat a read, never corrupt anything (the
 * few slow fallback reads cover a lost one).
 */
export interface RunSignals {
	send( runId: number ): void;
	/**
	 * Hears the signals other processes send until the returned function is
	 * called. A process's own changes already reach its listeners through
	 * the engine, so its own signals would only cost each listener a read.
	 */
	listen( listener: ( runId: number ) => void ): () => void;
	/** Resolves once signals sent from now on are heard (the subscription is in place). */
	ready(): Promise< void >;
	close(): Promise< void >;
}

/**
 * One process (the embedded default, the in-process queue): every change is
 * already heard through the engine's own listeners, so nothing travels.
 */
export class LocalRunSignals implements RunSignals {
	send(): void {}

	listen(): () => void {
		return () => undefined;
	}

	async ready(): Promise< void > {}

	async close(): Promise< void > {}
}

/**
 * Redis pub/sub on one channel per deployment (the queue prefix). Connects
 * on first use. A message is `<run id>:<sender>`; a bare run id (a sender
 * from before senders were named) is heard as another process's.
 */
export class RedisRunSignals implements RunSignals {
	private publisher: Redis | null = null;
	private subscriber: Redis | null = null;
	private readonly listeners = new Set< ( runId: number ) => void >();
	private readonly channel: string;
	private readonly sender = randomUUID();
	private subscribed: Promise< void > = Promise.resolve();

	constructor(
		private readonly url: string,
		prefix: string,
		private readonly logger: Logger
	) {
		this.channel = `${ prefix }:ai-run-signals`;
	}

	send( runId: number ): void {
		this.publisher ??= this.connect( 'publisher' );
		this.publisher
			.publish( this.channel, `${ runId }:${ this.sender }` )
			.catch( ( error: Error ) =>
				this.logger.warn(
					{ err: error, run_id: runId },
					'run signal not sent; listeners fall back to reading'
				)
			);
	}

	listen( listener: ( runId: number ) => void ): () => void {
		if ( ! this.subscriber ) {
			const subscriber = this.connect( 'subscriber' );
			subscriber.on( 'message', ( channel: string, message: string ) => {
				const [ id, sender ] = message.split( ':' );
				const runId = Number( id );
				if (
					channel === this.channel &&
					sender !== this.sender &&
					Number.isSafeInteger( runId )
				) {
					this.listeners.forEach( ( each ) => each( runId ) );
				}
			} );
			this.subscribed = subscriber.subscribe( this.channel ).then(
				() => undefined,
				( error: Error ) =>
					this.logger.warn(
						{ err: error },
						'run signals not subscribed; listeners fall back to reading'
					)
			);
			this.subscriber = subscriber;
		}
		this.listeners.add( listener );
		return () => this.listeners.delete( listener );
	}

	ready(): Promise< void > {
		return this.subscribed;
	}

	async close(): Promise< void > {
		this.listeners.clear();
		await Promise.all(
			[ this.publisher, this.subscriber ].map( ( client ) =>
				client?.quit().catch( () => client.disconnect() )
			)
		);
		this.publisher = null;
		this.subscriber = null;
	}

	private connect( name: string ): Redis {
		const client = new Redis( this.url, {
			connectionName: `igny8-run-signals-${ name }`,
			// Never queue a signal for long: a late one is worth less than the fallback read.
			maxRetriesPerRequest: 1,
		} );
		client.on( 'error', ( error: Error ) =>
			this.logger.warn( { err: error }, 'run signals connection error' )
		);
		return client;
	}
}
