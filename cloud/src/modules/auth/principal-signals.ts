import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';

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

/** One process (embedded mode, or no Redis): its own changes are seen in-process; others only by TTL. */
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
