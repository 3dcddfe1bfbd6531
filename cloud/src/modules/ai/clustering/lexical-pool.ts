import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LexicalOptions } from './lexical';
import type { LexicalReply, LexicalRequest } from './lexical-worker';
import type { Clustering } from './result';

/**
 * Lexical clustering off the main thread. Clustering a big sector is seconds
 * of pure CPU; on the main thread it would stall every request the process
 * serves, and in the embedded mode (API and inline queue in one process)
 * that is the API itself. So the work runs in a worker thread: a pool of
 * one per process, started on first use, kept for the next run, and
 * terminated on shutdown. Runs queue behind each other, so two big runs
 * never hold two copies of their working memory at once.
 *
 * Cancelling a run that is clustering terminates the thread (the only way
 * to stop synchronous work); the next run starts a fresh one.
 */

type Job = {
	request: LexicalRequest;
	resolve( result: Clustering ): void;
	reject( error: unknown ): void;
	signal?: AbortSignal;
	onAbort?: () => void;
};

/**
 * The worker's file next to this one: `.js` in the compiled `dist`, `.ts`
 * when running from source (ts-jest, tsx), where the thread needs tsx's
 * require hook to load TypeScript (a thread does not inherit ts-jest's or
 * tsx's in-process compilation).
 */
export function workerEntry(): { file: string; execArgv: string[] } {
	const extension = path.extname( __filename );
	const file = path.join( __dirname, `lexical-worker${ extension }` );
	return extension === '.ts'
		? { file, execArgv: [ '--require', require.resolve( 'tsx/cjs' ) ] }
		: { file, execArgv: [] };
}

export class LexicalWorkerPool {
	private worker: Worker | null = null;
	private current: Job | null = null;
	private readonly waiting: Job[] = [];
	private nextId = 1;

	/** Threads started so far (a restart after a cancel counts). */
	started = 0;

	run(
		keywords: readonly string[],
		options: LexicalOptions = {},
		signal?: AbortSignal
	): Promise< Clustering > {
		if ( signal?.aborted ) {
			return Promise.reject( signal.reason );
		}
		return new Promise< Clustering >( ( resolve, reject ) => {
			const job: Job = {
				request: {
					id: this.nextId++,
					keywords: [ ...keywords ],
					options,
				},
				resolve,
				reject,
				...( signal ? { signal } : {} ),
			};
			if ( signal ) {
				job.onAbort = () => this.abort( job, signal.reason );
				signal.addEventListener( 'abort', job.onAbort, { once: true } );
			}
			this.waiting.push( job );
			this.pump();
		} );
	}

	/**
	 * Stops the thread; runs still queued or working are rejected. A later
	 * run starts a new thread (several test clouds share one process).
	 */
	async close(): Promise< void > {
		const error = new Error( 'The clustering worker was shut down.' );
		for ( const job of this.waiting.splice( 0 ) ) {
			this.settle( job, () => job.reject( error ) );
		}
		if ( this.current ) {
			const job = this.current;
			this.current = null;
			this.settle( job, () => job.reject( error ) );
		}
		await this.stopThread();
	}

	private pump(): void {
		if ( this.current || this.waiting.length === 0 ) {
			return;
		}
		const job = this.waiting.shift()!;
		this.current = job;
		const worker = this.thread();
		// Held while working, so a process with nothing else to do still waits for the answer.
		worker.ref();
		worker.postMessage( job.request );
	}

	private thread(): Worker {
		if ( this.worker ) {
			return this.worker;
		}
		const { file, execArgv } = workerEntry();
		const worker = new Worker( file, { execArgv } );
		this.started++;
		worker.on( 'message', ( reply: LexicalReply ) => {
			const job = this.current;
			if ( ! job || job.request.id !== reply.id ) {
				return;
			}
			this.current = null;
			worker.unref();
			this.settle( job, () =>
				'error' in reply
					? job.reject( new Error( reply.error ) )
					: job.resolve( reply.result )
			);
			this.pump();
		} );
		const lost = ( error: Error ) => {
			if ( this.worker !== worker ) {
				return;
			}
			this.worker = null;
			const job = this.current;
			this.current = null;
			if ( job ) {
				this.settle( job, () => job.reject( error ) );
			}
			this.pump();
		};
		worker.on( 'error', lost );
		worker.on( 'exit', ( code ) =>
			lost(
				new Error(
					`The clustering worker stopped (exit code ${ code }).`
				)
			)
		);
		this.worker = worker;
		return worker;
	}

	private abort( job: Job, reason: unknown ): void {
		const queued = this.waiting.indexOf( job );
		if ( queued >= 0 ) {
			this.waiting.splice( queued, 1 );
			this.settle( job, () => job.reject( reason ) );
			return;
		}
		if ( this.current === job ) {
			this.current = null;
			this.settle( job, () => job.reject( reason ) );
			// Synchronous work cannot be interrupted: the thread goes, the next run gets a new one.
			void this.stopThread().then( () => this.pump() );
		}
	}

	private settle( job: Job, done: () => void ): void {
		if ( job.signal && job.onAbort ) {
			job.signal.removeEventListener( 'abort', job.onAbort );
		}
		done();
	}

	private async stopThread(): Promise< void > {
		const worker = this.worker;
		this.worker = null;
		if ( worker ) {
			await worker.terminate();
		}
	}
}

/** The process's one lexical clustering thread. */
export const lexicalPool = new LexicalWorkerPool();

/** For shutdown: stops the thread if one was started. */
export function closeLexicalPool(): Promise< void > {
	return lexicalPool.close();
}
