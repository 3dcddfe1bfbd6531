import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import pg from 'pg';

/**
 * Tells the other processes that principals changed (a key revoked, a
 * role, membership or account changed, a user, site or account switched
 * off), so their caches drop what they hold instead of waiting out its TTL.
 */
export interface PrincipalSignals {
	/** Best effort: a signal that is lost is covered by the cache's TTL. */
	publish(): void;
	/** `listener` runs on every other process's signal, and whenever signals may have been missed. */
	subscribe( listener: () => void ): void;
	close(): Promise< void >;
}

/** One process (embedded mode): its own changes are seen in-process; there is no other to tell. */
export class LocalPrincipalSignals implements PrincipalSignals {
	publish(): void {}

	subscribe(): void {}

	async close(): Promise< void > {}
}

/** Redis pub/sub, on the connection the auth module already holds plus one subscriber connection. */
export class RedisPrincipalSignals implements PrincipalSignals {
	/** Each process hears its own messages too; it already emptied its cache. */
	private readonly origin = randomUUID();
	private subscriber?: Redis;

	constructor(
		private readonly client: Redis,
		private readonly channel: string
	) {}

	publish(): void {
		this.client
			.publish( this.channel, this.origin )
			.catch( () => undefined );
	}

	subscribe( listener: () => void ): void {
		if ( this.subscriber ) {
			throw new Error( 'Principal signals have one subscriber.' );
		}
		const subscriber = this.client.duplicate( {
			// Offline, nothing is heard: queueing the SUBSCRIBE until Redis is back is what we want.
			enableOfflineQueue: true,
			maxRetriesPerRequest: null,
		} );
		this.subscriber = subscriber;
		subscriber.on( 'error', () => undefined );
		subscriber.on( 'message', ( channel: string, origin: string ) => {
			if ( channel === this.channel && origin !== this.origin ) {
				listener();
			}
		} );
		// Whatever was published while the connection was down went unheard.
		subscriber.on( 'ready', listener );
		subscriber.subscribe( this.channel ).catch( () => undefined );
	}

	async close(): Promise< void > {
		await this.subscriber?.quit().catch( () => undefined );
		this.subscriber = undefined;
	}
}

/** How long a lost LISTEN connection waits before it connects again. */
const RECONNECT_MS = 1_000;

/**
 * PostgreSQL LISTEN/NOTIFY, for processes sharing a database without Redis
 * (the inline queue on PostgreSQL). One connection per process, opened on
 * first use, carries both: NOTIFY from any process that changes principals,
 * LISTEN in those that serve requests. Not for the embedded PGlite, whose
 * one process hears its own changes directly.
 */
export class PostgresPrincipalSignals implements PrincipalSignals {
	/** Each process hears its own notifications too; it already emptied its cache. */
	private readonly origin = randomUUID();
	private client?: Promise< pg.Client >;
	private listener?: () => void;
	private retry?: NodeJS.Timeout;
	private closed = false;
	private notifying = false;
	private again = false;

	constructor(
		private readonly databaseUrl: string,
		private readonly channel: string
	) {}

	/**
	 * Credit movements write `accounts`, so a busy worker changes principals
	 * many times a second: while one NOTIFY is on its way, the changes after
	 * it share the next one (a listener empties its whole cache on any).
	 */
	publish(): void {
		if ( this.notifying ) {
			this.again = true;
			return;
		}
		this.notifying = true;
		this.connection()
			.then( ( client ) =>
				client.query( 'SELECT pg_notify($1, $2)', [
					this.channel,
					this.origin,
				] )
			)
			.catch( () => undefined )
			.finally( () => {
				this.notifying = false;
				if ( this.again ) {
					this.again = false;
					this.publish();
				}
			} );
	}

	subscribe( listener: () => void ): void {
		if ( this.listener ) {
			throw new Error( 'Principal signals have one subscriber.' );
		}
		this.listener = listener;
		this.connection().catch( () => this.reconnectLater() );
	}

	async close(): Promise< void > {
		this.closed = true;
		clearTimeout( this.retry );
		const client = this.client;
		this.client = undefined;
		await client
			?.then( ( connected ) => connected.end() )
			.catch( () => undefined );
	}

	/** The connection, opened (and listening, once subscribed) on first use. */
	private connection(): Promise< pg.Client > {
		if ( this.closed ) {
			return Promise.reject( new Error( 'Principal signals closed.' ) );
		}
		if ( ! this.client ) {
			const client = new pg.Client( {
				connectionString: this.databaseUrl,
			} );
			const opened = ( async () => {
				client.on( 'notification', ( message ) => {
					if (
						message.channel === this.channel &&
						message.payload !== this.origin
					) {
						this.listener?.();
					}
				} );
				client.on( 'error', () => this.lost( opened ) );
				client.on( 'end', () => this.lost( opened ) );
				await client.connect();
				if ( this.listener ) {
					await client.query(
						`LISTEN ${ client.escapeIdentifier( this.channel ) }`
					);
					// Whatever was notified while no connection listened went unheard.
					this.listener();
				}
				return client;
			} )();
			this.client = opened;
			opened.catch( () => this.lost( opened ) );
		}
		return this.client;
	}

	/** Drops a connection that failed or ended; a subscriber listens again on a new one. */
	private lost( which: Promise< pg.Client > ): void {
		if ( this.client !== which ) {
			return;
		}
		this.client = undefined;
		void which.then( ( client ) => client.end() ).catch( () => undefined );
		this.reconnectLater();
	}

	private reconnectLater(): void {
		if ( this.closed || ! this.listener || this.retry ) {
			return;
		}
		this.retry = setTimeout( () => {
			this.retry = undefined;
			this.connection().catch( () => this.reconnectLater() );
		}, RECONNECT_MS );
		this.retry.unref();
	}
}
