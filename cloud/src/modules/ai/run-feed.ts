import { ApiError } from '../../http/errors';
import type { RunSnapshot } from './engine';

/**
 * Where the feed hears of runs: changes made in this process, signals of
 * changes made elsewhere, and a batch read of the rows.
 */
export interface RunSource {
	watch( runId: number, listener: ( run: RunSnapshot ) => void ): () => void;
	listenSignals( listener: ( runId: number ) => void ): () => void;
	/** Resolves once signals are heard; what changed before that is read once then. */
	signalsReady(): Promise< void >;
	loadMany( runIds: number[] ): Promise< RunSnapshot[] >;
	/** A run executing in this process, as its listeners here were last told (its row may lag); else null. */
	current( runId: number ): RunSnapshot | null;
}

export interface RunFeedLimits {
	/** Open event streams one user (or one site) may hold in this process. */
	perUser: number;
	/** How often every followed run is re-read anyway, in one query, in case a signal was lost. */
	fallbackMs: number;
}

type Listener = ( run: RunSnapshot ) => void;

interface Watched {
	listeners: Set< Listener >;
	unwatch: () => void;
}

/**
 * The one source every event stream of this process reads from. However many
 * clients follow however many runs, the process keeps one engine listener
 * per run (changes made here) and one signal subscription (changes made by a
 * worker elsewhere: the signalled runs are read together, once per burst),
 * plus one slow fallback read of every followed run in a single query; all
 * of it only while someone is listening. Streams are counted per holder so
 * one user cannot pin the process's sockets: the resource this guards is the
 * process's own, so the count is too.
 */
export class RunFeed {
	private readonly runs = new Map< number, Watched >();
	private readonly holders = new Map< string, number >();
	private timer: NodeJS.Timeout | null = null;
	private unlisten: ( () => void ) | null = null;
	/** Runs signalled since the last read; read together on the next turn. */
	private readonly dirty = new Set< number >();
	private flushing: Promise< void > | null = null;

	constructor(
		private readonly source: RunSource,
		private readonly limits: RunFeedLimits
	) {}

	/**
	 * Takes one of the holder's stream slots, or refuses with 429 when all
	 * are in use. Call the returned release exactly once when the stream ends.
	 */
	admit( holder: string ): () => void {
		const open = this.holders.get( holder ) ?? 0;
		if ( open >= this.limits.perUser ) {
			throw new ApiError(
				'throttled',
				`${ open } progress streams are already open for you. Close a tab that follows a run, or wait for one to finish.`,
				undefined,
				{ 'Retry-After': '5' }
			);
		}
		this.holders.set( holder, open + 1 );
		let released = false;
		return () => {
			if ( released ) {
				return;
			}
			released = true;
			const left = ( this.holders.get( holder ) ?? 1 ) - 1;
			if ( left > 0 ) {
				this.holders.set( holder, left );
			} else {
				this.holders.delete( holder );
			}
		};
	}

	/** Hears every change of a run until the returned function is called. */
	follow( runId: number, listener: Listener ): () => void {
		let watched = this.runs.get( runId );
		if ( ! watched ) {
			const listeners = new Set< Listener >();
			watched = {
				listeners,
				unwatch: this.source.watch( runId, ( run ) =>
					listeners.forEach( ( each ) => each( run ) )
				),
			};
			this.runs.set( runId, watched );
		}
		watched.listeners.add( listener );
		this.startListening();
		const entry = watched;
		// A run executing here may be further along than the row the caller
		// read: start from what listeners here were told (after the caller's
		// own first delivery; sequence numbers keep the order).
		queueMicrotask( () => {
			const now = entry.listeners.has( listener )
				? this.source.current( runId )
				: null;
			if ( now ) {
				listener( now );
			}
		} );
		return () => {
			entry.listeners.delete( listener );
			if (
				entry.listeners.size === 0 &&
				this.runs.get( runId ) === entry
			) {
				entry.unwatch();
				this.runs.delete( runId );
			}
			if ( this.runs.size === 0 ) {
				this.stopListening();
			}
		};
	}

	/** Streams open in this process, per holder (for tests and health). */
	openStreams(): number {
		let total = 0;
		this.holders.forEach( ( count ) => ( total += count ) );
		return total;
	}

	private startListening(): void {
		if ( this.timer ) {
			return;
		}
		this.unlisten = this.source.listenSignals( ( runId ) => {
			if ( this.runs.has( runId ) ) {
				this.dirty.add( runId );
				void this.flush();
			}
		} );
		// Changes between the first read of a run and the subscription: read once more.
		void this.source.signalsReady().then( () => {
			this.runs.forEach( ( _, runId ) => this.dirty.add( runId ) );
			void this.flush();
		} );
		this.timer = setInterval( () => {
			this.runs.forEach( ( _, runId ) => this.dirty.add( runId ) );
			void this.flush();
		}, this.limits.fallbackMs );
		this.timer.unref();
	}

	private stopListening(): void {
		if ( this.timer ) {
			clearInterval( this.timer );
			this.timer = null;
		}
		this.unlisten?.();
		this.unlisten = null;
		this.dirty.clear();
	}

	/** Reads the signalled runs in one query; signals arriving meanwhile wait for the next read. */
	private flush(): Promise< void > {
		if ( this.flushing ) {
			return this.flushing;
		}
		this.flushing = ( async () => {
			while ( this.dirty.size > 0 ) {
				const ids = [ ...this.dirty ];
				this.dirty.clear();
				try {
					const runs = await this.source.loadMany( ids );
					for ( const run of runs ) {
						this.runs
							.get( Number( run.id ) )
							?.listeners.forEach( ( listener ) =>
								listener( run )
							);
					}
				} catch {
					// The fallback reads again; a stream is never ended by a failed read.
					return;
				}
			}
		} )().finally( () => {
			this.flushing = null;
		} );
		return this.flushing;
	}
}
