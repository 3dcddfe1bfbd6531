import type { AiProgress } from '@igny8/shared-types';
import type { RunSnapshot } from './engine';

export type ProgressReport = Omit< AiProgress, 'seq' >;

type Io = {
	/** Writes a progress to the run row if it still runs; the row, or null when it no longer runs. */
	write( progress: AiProgress ): Promise< RunSnapshot | null >;
	/** Tells this process's listeners (no write, no signal). */
	emit( row: RunSnapshot ): void;
	/** Tells the other processes the row changed (listeners here heard the report already). */
	signal(): void;
	/** The run ended elsewhere (a cancel from another process, a racing delivery). */
	ended(): void;
	/** A held progress could not be written; the next write or the run's end says it again. */
	failed( error: Error ): void;
};

/**
 * The progress of one run executing in this process. Listeners here hear
 * every report at once; the row (what other processes read) is written at
 * most once per `intervalMs`, the latest report winning, so a run reporting
 * faster than anyone can watch costs a write per interval, and a short run
 * none beyond its claim and its end. Sequence numbers count every report,
 * written or not, so the row's final state is always numbered above what
 * any listener here was told.
 */
export class RunProgress {
	private row: RunSnapshot;
	private seq: number;
	/** The highest sequence number the row holds. */
	private written: number;
	private lastWriteAt: number;
	private held: AiProgress | null = null;
	private timer: NodeJS.Timeout | null = null;
	/** Writes of one run go one after another, so the row never goes back. */
	private writing: Promise< void > = Promise.resolve();
	private stopped = false;

	constructor(
		claimed: RunSnapshot,
		private readonly intervalMs: number,
		private readonly io: Io
	) {
		this.row = claimed;
		this.seq = Number( claimed.progress.seq );
		this.written = this.seq;
		// The claim just wrote the row.
		this.lastWriteAt = Date.now();
	}

	/** What a final write of this process numbers its state: above anything told here. */
	get nextSeq(): number {
		return this.seq + 1;
	}

	/** The run as listeners here were last told. */
	get snapshot(): RunSnapshot {
		return this.row;
	}

	/** Where listeners here last saw the run. */
	get percent(): number {
		return Number( this.row.progress.percent );
	}

	/** True when listeners here were told more than the row holds. */
	get ahead(): boolean {
		return this.seq > this.written;
	}

	/** Resolves once the report is told here, and written when it is its turn. */
	report( progress: ProgressReport ): Promise< void > {
		if ( this.stopped ) {
			return Promise.resolve();
		}
		this.seq += 1;
		const entry = { ...progress, seq: this.seq };
		this.row = { ...this.row, progress: entry, updated_at: new Date() };
		this.io.emit( this.row );
		this.held = entry;
		const wait = this.lastWriteAt + this.intervalMs - Date.now();
		if ( wait <= 0 && ! this.timer ) {
			return this.flush();
		}
		if ( ! this.timer ) {
			this.timer = setTimeout( () => {
				this.flush().catch( ( error: Error ) =>
					this.io.failed( error )
				);
			}, wait );
			this.timer.unref();
		}
		return Promise.resolve();
	}

	/** Drops what is held (the run's end says more) and waits out a write in flight. */
	async stop(): Promise< void > {
		this.stopped = true;
		this.held = null;
		if ( this.timer ) {
			clearTimeout( this.timer );
			this.timer = null;
		}
		await this.writing.catch( () => undefined );
	}

	private flush(): Promise< void > {
		if ( this.timer ) {
			clearTimeout( this.timer );
			this.timer = null;
		}
		const entry = this.held;
		this.held = null;
		if ( ! entry || this.stopped ) {
			return this.writing;
		}
		this.lastWriteAt = Date.now();
		this.writing = this.writing
			.catch( () => undefined )
			.then( async () => {
				if ( this.stopped ) {
					return;
				}
				const row = await this.io.write( entry );
				if ( ! row ) {
					this.io.ended();
					return;
				}
				this.written = Math.max(
					this.written,
					Number( row.progress.seq )
				);
				this.io.signal();
			} );
		return this.writing;
	}
}
