import type { Sequelize } from 'sequelize';
import { watchPrincipalChanges } from './principal-changes';
import type { PrincipalSignals } from './principal-signals';

/** Long enough to spare the database on a busy screen, short enough to bound a missed signal. */
export const PRINCIPAL_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * The rows behind recent callers, kept a few seconds so an authenticated
 * request need not query for them. Emptied whenever anything they were
 * read from may have changed: at once by this process's own writes, and by
 * the signal from other processes' writes; a lost signal is bounded by the
 * TTL. Holds plain values, never model instances: every request builds its
 * own, so one request's changes cannot leak into another's.
 */
export class PrincipalCache {
	private entries = new Map< string, { expires: number; value: unknown } >();
	/** Moves on every change: a read that started before one must not be stored after it. */
	private generation = 0;
	private listening = false;

	constructor(
		sequelize: Sequelize,
		private readonly signals: PrincipalSignals,
		private readonly ttlMs = PRINCIPAL_TTL_MS,
		private readonly now: () => number = Date.now
	) {
		watchPrincipalChanges( sequelize, ( committed ) => {
			this.forget();
			if ( committed ) {
				this.signals.publish();
			}
		} );
	}

	/** The cached value under `key`, or `load()`'s (stored unless it is null or a change happened meanwhile). */
	async get< T >(
		key: string,
		load: () => Promise< T | null >
	): Promise< T | null > {
		const hit = this.entries.get( key );
		if ( hit && hit.expires > this.now() ) {
			return hit.value as T;
		}
		// Only processes that serve requests listen: workers and the CLI open no subscriber.
		if ( ! this.listening ) {
			this.listening = true;
			this.signals.subscribe( () => this.forget() );
		}
		const generation = this.generation;
		const value = await load();
		if ( value !== null && generation === this.generation ) {
			this.entries.delete( key );
			if ( this.entries.size >= MAX_ENTRIES ) {
				// Oldest first: a Map iterates in insertion order.
				this.entries.delete(
					this.entries.keys().next().value as string
				);
			}
			this.entries.set( key, {
				expires: this.now() + this.ttlMs,
				value,
			} );
		}
		return value;
	}

	forget(): void {
		this.generation += 1;
		this.entries.clear();
	}
}
