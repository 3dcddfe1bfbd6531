import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type {
	ProfileResult,
	ProfileTask,
	SuggestResult,
	SuggestTask,
	WorkerReply,
} from './rebuild-worker';

/**
 * Worker threads for one rebuild: as many as the machine has cores (at
 * most 4), started with the run and stopped when it ends. A site's text
 * work is seconds of pure CPU; on the main thread it would stall every
 * request the process serves (in the embedded mode the API itself), and
 * split across cores it takes a fraction of the time.
 */
export class RebuildThreads {
	private readonly workers: Worker[];
	private nextId = 1;

	/** @param posts How many posts the site has: each thread's heap is sized for them. */
	constructor( posts: number ) {
		const count = Math.max( 1, Math.min( 4, os.availableParallelism() ) );
		const extension = path.extname( __filename );
		const file = path.join( __dirname, `rebuild-worker${ extension }` );
		// From source (ts-jest, tsx) a thread needs tsx's hook to load TypeScript.
		const execArgv =
			extension === '.ts'
				? [ '--require', require.resolve( 'tsx/cjs' ) ]
				: [];
		// A heap sized to the work makes a thread collect as it goes instead of
		// growing: each holds the whole index (about 22 KB a post) and the text
		// of its share (about 17 KB a post), with a margin.
		const heapMb = Math.ceil(
			40 + 0.022 * posts + ( 0.017 * posts ) / count
		);
		this.workers = Array.from(
			{ length: count },
			() =>
				new Worker( file, {
					execArgv,
					resourceLimits: {
						maxOldGenerationSizeMb: Math.max( 128, heapMb ),
					},
				} )
		);
	}

	get size(): number {
		return this.workers.length;
	}

	/**
	 * Runs one task per thread, task i on thread i, and answers in the same
	 * order: a thread's suggest task reads the posts of its profile task.
	 */
	run( tasks: ProfileTask[] ): Promise< ProfileResult[] >;
	run( tasks: SuggestTask[] ): Promise< SuggestResult[] >;
	run(
		tasks: Array< ProfileTask | SuggestTask >
	): Promise< Array< ProfileResult | SuggestResult > > {
		return Promise.all(
			tasks.map( ( task, i ) =>
				this.ask( this.workers[ i % this.workers.length ]!, task )
			)
		);
	}

	private ask(
		worker: Worker,
		task: ProfileTask | SuggestTask
	): Promise< ProfileResult | SuggestResult > {
		const id = this.nextId++;
		return new Promise( ( resolve, reject ) => {
			const onMessage = ( reply: WorkerReply ) => {
				if ( reply.id !== id ) {
					return;
				}
				done();
				if ( 'error' in reply ) {
					reject( new Error( reply.error ) );
				} else {
					resolve( reply.result );
				}
			};
			const onError = ( error: Error ) => {
				done();
				reject( error );
			};
			const onExit = ( code: number ) =>
				onError(
					new Error(
						`A rebuild thread stopped (exit code ${ code }).`
					)
				);
			const done = () => {
				worker.off( 'message', onMessage );
				worker.off( 'error', onError );
				worker.off( 'exit', onExit );
			};
			worker.on( 'message', onMessage );
			worker.on( 'error', onError );
			worker.on( 'exit', onExit );
			worker.postMessage( { id, task } );
		} );
	}

	async close(): Promise< void > {
		await Promise.all(
			this.workers.map( ( worker ) => worker.terminate() )
		);
	}
}

/** Cuts a list into `parts` slices of nearly equal length, in order. */
export function slices< T >( items: T[], parts: number ): T[][] {
	const size = Math.ceil( items.length / parts );
	return Array.from( { length: parts }, ( _, i ) =>
		items.slice( i * size, ( i + 1 ) * size )
	);
}
