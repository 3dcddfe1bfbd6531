import { ApiError } from '../http/errors';
import type { RunSnapshot } from './engine';

/** Where the feed hears of runs: changes made in this process, and a batch read for the rest. */
export interface RunSource {
	watch( runId: number, listener: ( run: RunSnapshot ) => void ): () => void;
	loadMany( runIds: number[] ): Promise< RunSnapshot[] >;
}

export interface RunFeedLimits {
	/** Open event streams one user (or one site) may hold in this process. */
	perUser: number;
	/** How often runs that are not changed in this process are re-read, all in one query. */
	pollMs: number;
}

type Listener = ( run: RunSnapshot ) => void;

interface Watched {
	listeners: Set< Listener >;
	unwatch: () => void;
}

/**
 * The one source every event stream of this process reads from. However many
 * clients follow however many runs, the process keeps one engine listener
 * per run and one timer that re-reads every followed run in a single query
 * (a worker elsewhere changes the row, not our listeners); the timer runs
 * only while someone is listening. Streams are counted per holder so one
 * user cannot pin the process's sockets: the resource this guards is the
 * process's own, so the count is too.
 */
export class RunFeed {
	private readonly runs = new Map< number, Watched >();
	private readonly holders = new Map< string, number >();
	private timer: NodeJS.Timeout | null = null;
	private polling = false;

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
		this.startPolling();
		const entry = watched;
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
				this.stopPolling();
			}
		};
	}

	/** Streams open in this process, per holder (for tests and health). */
	openStreams(): number {
		let total = 0;
		this.holders.forEach( ( count ) => ( total += count ) );
		return total;
	}

	private startPolling(): void {
		if ( this.timer ) {
			return;
		}
		this.timer = setInterval( () => void this.poll(), this.limits.pollMs );
		this.timer.unref();
	}

	private stopPolling(): void {
		if ( this.timer ) {
			clearInterval( this.timer );
			this.timer = null;
		}
	}

	private async poll(): Promise< void > {
		// A slow read is not stacked on: the next tick after it finishes reads again.
		if ( this.polling || this.runs.size === 0 ) {
			return;
		}
		this.polling = true;
		try {
			const runs = await this.source.loadMany( [ ...this.runs.keys() ] );
			for ( const run of runs ) {
				this.runs
					.get( Number( run.id ) )
					?.listeners.forEach( ( listener ) => listener( run ) );
			}
		} catch {
			// The next tick reads again; a stream is never ended by a failed read.
		} finally {
			this.polling = false;
		}
	}
}
