import { performance } from 'node:perf_hooks';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { LinkerRebuildStatus } from '@igny8/shared-types';
import { NotFoundError } from '../../http/errors';
import type { Logger } from '../../logger';
import type { JobDefinition, JobQueue } from '../../queue';
import type { Principal } from '../auth';
import { siteFilter } from '../auth';
import type { LinkerSettingsStore } from './settings';
import type { PostSources } from './sources';
import { suggestionId, type SuggestionRow } from './placement';
import { RebuildThreads, slices } from './rebuild-threads';
import type {
	ProfileTask,
	SuggestDocument,
	SuggestTask,
} from './rebuild-worker';
import type { LinkerStore, RebuildEntry } from './store';

export const REBUILD_JOB = 'linker.rebuild';
type RebuildJob = { rebuild_id: number };

type Row = {
	id: number;
	site_id: number;
	status: LinkerRebuildStatus[ 'status' ];
	total: number;
	done: number;
	error: string | null;
	created_at: Date;
	finished_at: Date | null;
};

const COLUMNS =
	'id::int AS id, site_id::int AS site_id, status, total, done, error, created_at, finished_at';

export const serializeRebuild = ( row: Row ): LinkerRebuildStatus => ( {
	...row,
	created_at: new Date( row.created_at ).toISOString(),
	finished_at: row.finished_at
		? new Date( row.finished_at ).toISOString()
		: null,
} );

/**
 * A whole site indexed again, as a queued run: every post profiled first (so
 * the frequencies are the site's), then every post's suggestions from the
 * index held in memory for the run, computed while the index is written in
 * bulk (the posts' ids are reserved first). One per site at a
 * time; asking while one waits or runs answers that one. A run that dies is
 * taken again by the queue's retry and starts over: the index is written in
 * one transaction, and suggestions keep their ids (and so their status).
 */
export class LinkerRebuilds {
	constructor(
		private readonly deps: {
			sequelize: Sequelize;
			queue: JobQueue;
			store: LinkerStore;
			sources: PostSources;
			settings: LinkerSettingsStore;
			logger: Logger;
		}
	) {}

	async start(
		accountId: number,
		siteId: number
	): Promise< { rebuild: Row; created: boolean } > {
		const { sequelize } = this.deps;
		const [ inserted ] = await sequelize.query< Row >(
			`INSERT INTO linker_rebuilds (account_id, site_id) VALUES ($1, $2)
			 ON CONFLICT (site_id) WHERE status IN ('queued', 'running') DO NOTHING
			 RETURNING ${ COLUMNS }`,
			{ bind: [ accountId, siteId ], type: QueryTypes.SELECT }
		);
		if ( inserted ) {
			await this.deps.queue.enqueue< RebuildJob >(
				REBUILD_JOB,
				{ rebuild_id: inserted.id },
				{ jobId: `linker-rebuild-${ inserted.id }` }
			);
			return { rebuild: inserted, created: true };
		}
		const [ active ] = await sequelize.query< Row >(
			`SELECT ${ COLUMNS } FROM linker_rebuilds WHERE site_id = $1 AND status IN ('queued', 'running')`,
			{ bind: [ siteId ], type: QueryTypes.SELECT }
		);
		if ( ! active ) {
			// It finished between the two statements: start another.
			return this.start( accountId, siteId );
		}
		return { rebuild: active, created: false };
	}

	async find( principal: Principal, id: number ): Promise< Row > {
		const filter = siteFilter( principal );
		const [ row ] = await this.deps.sequelize.query< Row >(
			`SELECT ${ COLUMNS } FROM linker_rebuilds WHERE id = $1 AND account_id = $2
			 ${ filter.site_id !== undefined ? 'AND site_id = $3' : '' }`,
			{
				bind: [
					id,
					principal.account.id,
					...( filter.site_id !== undefined
						? [ filter.site_id ]
						: [] ),
				],
				type: QueryTypes.SELECT,
			}
		);
		if ( ! row ) {
			throw new NotFoundError( `Rebuild ${ id } does not exist.` );
		}
		return row;
	}

	job(): JobDefinition< RebuildJob, void > {
		return {
			type: REBUILD_JOB,
			concurrency: 1,
			retries: 2,
			timeoutMs: 30 * 60_000,
			handler: async ( job ) => {
				try {
					await this.run( job.data.rebuild_id );
				} catch ( error ) {
					await this.deps.sequelize.query(
						`UPDATE linker_rebuilds SET status = 'failed', error = $2, finished_at = NOW() WHERE id = $1`,
						{
							bind: [
								job.data.rebuild_id,
								error instanceof Error
									? error.message
									: String( error ),
							],
						}
					);
					throw error;
				}
			},
		};
	}

	/** Runs a rebuild; answers how long each phase took (seconds), for logs and the benchmark. */
	async run( rebuildId: number ): Promise< RebuildPhases | undefined > {
		const { sequelize, sources, store, settings } = this.deps;
		const phases = new PhaseClock();
		const [ row ] = await sequelize.query< Row & { account_id: number } >(
			`UPDATE linker_rebuilds SET status = 'running', done = 0, error = NULL
			 WHERE id = $1 AND status IN ('queued', 'running', 'failed')
			 RETURNING ${ COLUMNS }, account_id::int AS account_id`,
			{ bind: [ rebuildId ], type: QueryTypes.SELECT }
		);
		if ( ! row ) {
			return undefined;
		}
		const posts = await sources.ofSite( row.site_id );
		const sites = await sources.sitesOfAccount( row.account_id );
		phases.lap( 'read' );
		const total = posts.length * 2;
		const progress = ( done: number ) =>
			sequelize.query(
				'UPDATE linker_rebuilds SET done = $2, total = $3 WHERE id = $1',
				{ bind: [ rebuildId, done, total ] }
			);
		await progress( 0 );
		const threads = new RebuildThreads( posts.length );
		let rows: SuggestionRow[];
		try {
			// Every post first, so frequencies and inbound counts are the whole site's.
			const profiling = threads.run(
				slices( posts, threads.size ).map( ( part ): ProfileTask => ( {
					kind: 'profile',
					posts: part,
					sites,
				} ) )
			);
			// Copied to the threads as they were asked: the text, most of a post, may go from here.
			for ( const post of posts ) {
				post.html = '';
			}
			const [ profiled, reserved ] = await Promise.all( [
				profiling,
				store.reserveIds( row.site_id, posts ),
			] );
			const results = profiled.flatMap( ( part ) => part.posts );
			const entries: RebuildEntry[] = posts.map( ( source, i ) => ( {
				source,
				...results[ i ]!,
			} ) );
			const frequencies = new Map< string, number >();
			for ( const part of profiled ) {
				for ( const [ stem, count ] of part.frequencies ) {
					frequencies.set(
						stem,
						( frequencies.get( stem ) ?? 0 ) + count
					);
				}
			}
			phases.lap( 'profiles' );

			// Then every post's suggestions, from the whole index held by each
			// thread, while this thread writes the index: the threads' text work
			// and the database's index work take turns on the cores instead of
			// one waiting for the other.
			const { linked, inbound } = linkGraph( entries, reserved );
			const documents = entries.map( ( entry, i ): SuggestDocument => ( {
				id: reserved[ i ]!,
				title: entry.source.title,
				url: entry.source.url,
				terms: entry.terms,
				phrases: entry.phrases,
				length: entry.length,
				inbound: inbound.get( reserved[ i ]! ) ?? 0,
				linkable: entry.source.linkable,
			} ) );
			const caps = await settings.caps( row.site_id );
			const sourcesOf = reserved.map( ( id, i ) => ( {
				id,
				linkedTargets: [ ...linked[ i ]! ],
			} ) );
			const started = performance.now();
			const seconds = () =>
				Number(
					( ( performance.now() - started ) / 1000 ).toFixed( 2 )
				);
			const writing = store
				.replaceSite( row.site_id, entries, reserved, frequencies )
				.then( async ( written ) => {
					phases.note( 'index_write', seconds() );
					await progress( posts.length );
					// The tables were rewritten in bulk: without fresh statistics the
					// planner reads them as empty and the report's joins turn into
					// nested scans. Taken now, while the threads still work.
					await sequelize.query(
						'ANALYZE linker_documents, linker_links, linker_phrases, linker_term_counts'
					);
					return written;
				} );
			// A failed write fails the run: the threads are stopped, not waited for.
			writing.catch( () => threads.close() ).catch( () => undefined );
			const suggesting = threads
				.run(
					slices( sourcesOf, threads.size ).map(
						( part ): SuggestTask => ( {
							kind: 'suggest',
							documents,
							frequencies: [ ...frequencies ],
							sources: part,
							caps,
						} )
					)
				)
				.then( ( parts ) => {
					phases.note( 'suggestions', seconds() );
					return parts.flat();
				} );
			// Both settle before either's failure is thrown: the index's
			// transaction must not outlive the run that started it.
			const [ written, suggested ] = await Promise.allSettled( [
				writing,
				suggesting,
			] );
			if ( written.status === 'rejected' ) {
				throw written.reason;
			}
			if ( suggested.status === 'rejected' ) {
				throw suggested.reason;
			}
			rows = renumber( suggested.value, reserved, written.value );
			phases.lap( 'index_write_and_suggestions' );
		} finally {
			await threads.close();
		}
		await store.writeSuggestions( rows, { siteId: row.site_id } );
		phases.lap( 'suggestion_write' );
		await sequelize.query( 'ANALYZE linker_suggestions' );
		await sequelize.query(
			`UPDATE linker_rebuilds SET status = 'finished', done = $2, total = $2, finished_at = NOW() WHERE id = $1`,
			{ bind: [ rebuildId, total ] }
		);
		phases.lap( 'analyze' );
		this.deps.logger.info(
			{ rebuild_id: rebuildId, posts: posts.length, phases: phases.laps },
			'Linker rebuild finished'
		);
		return phases.laps;
	}
}

/**
 * The internal links between a site's posts, by the posts' ids: the
 * documents each post links to, and how many linkable posts link to each.
 */
function linkGraph(
	entries: RebuildEntry[],
	ids: number[]
): { linked: Array< Set< number > >; inbound: Map< number, number > } {
	const byPath = new Map< string, number >();
	entries.forEach( ( { source }, i ) => {
		if ( source.path ) {
			byPath.set( source.path, ids[ i ]! );
		}
	} );
	const linked = entries.map( ( { links } ) => {
		const targets = new Set< number >();
		for ( const link of links ) {
			const target = link.toSiteId ? undefined : byPath.get( link.path );
			if ( target !== undefined ) {
				targets.add( target );
			}
		}
		return targets;
	} );
	const inbound = new Map< number, number >();
	entries.forEach( ( { source }, i ) => {
		if ( source.linkable ) {
			for ( const target of linked[ i ]! ) {
				if ( target !== ids[ i ] ) {
					inbound.set( target, ( inbound.get( target ) ?? 0 ) + 1 );
				}
			}
		}
	} );
	return { linked, inbound };
}

/**
 * Suggestions made with the reserved ids, in the ids the posts got. They
 * differ only for a post another writer indexed between the reservation and
 * the write (it keeps that writer's document); a suggestion's id is made
 * from its source's and target's ids, so it is made again.
 */
function renumber(
	rows: SuggestionRow[],
	reserved: number[],
	ids: number[]
): SuggestionRow[] {
	const moved = new Map< number, number >();
	reserved.forEach( ( id, i ) => {
		if ( ids[ i ] !== id ) {
			moved.set( id, ids[ i ]! );
		}
	} );
	if ( moved.size === 0 ) {
		return rows;
	}
	return rows.map( ( row ) => {
		const sourceId = moved.get( row.source_id ) ?? row.source_id;
		const targetId = moved.get( row.target_id ) ?? row.target_id;
		return {
			...row,
			id: suggestionId(
				sourceId,
				targetId,
				row.start,
				row.anchor,
				row.source_hash
			),
			source_id: sourceId,
			target_id: targetId,
		};
	} );
}

/** Seconds per phase of a rebuild, in the order they ran. */
export type RebuildPhases = Record< string, number >;

/** Times consecutive phases: each lap is the time since the previous one. */
class PhaseClock {
	readonly laps: RebuildPhases = {};
	private last = performance.now();

	/** A phase that ran alongside another: its own duration, the clock not moved. */
	note( name: string, seconds: number ): void {
		this.laps[ name ] = seconds;
	}

	lap( name: string ): void {
		const now = performance.now();
		this.laps[ name ] = Number(
			( ( now - this.last ) / 1000 ).toFixed( 2 )
		);
		this.last = now;
	}
}
