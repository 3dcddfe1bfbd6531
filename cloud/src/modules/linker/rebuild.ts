import { QueryTypes, type Sequelize } from 'sequelize';
import type { LinkerRebuildStatus } from '@igny8/shared-types';
import { NotFoundError } from '../../http/errors';
import type { Logger } from '../../logger';
import type { JobDefinition, JobQueue } from '../../queue';
import type { Principal } from '../auth';
import { siteFilter } from '../auth';
import type { LinkerSettingsStore } from './settings';
import type { PostSources } from './sources';
import type { SuggestionRow } from './placement';
import { RebuildThreads, slices } from './rebuild-threads';
import type { ProfileTask, SuggestTask } from './rebuild-worker';
import type { LinkerStore } from './store';

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
 * A whole site indexed again, as a queued run: every post first (so the
 * frequencies are the site's), written in bulk, then every post's
 * suggestions from the index held in memory for the run. One per site at a
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

	async run( rebuildId: number ): Promise< void > {
		const { sequelize, sources, store, settings } = this.deps;
		const [ row ] = await sequelize.query< Row & { account_id: number } >(
			`UPDATE linker_rebuilds SET status = 'running', done = 0, error = NULL
			 WHERE id = $1 AND status IN ('queued', 'running', 'failed')
			 RETURNING ${ COLUMNS }, account_id::int AS account_id`,
			{ bind: [ rebuildId ], type: QueryTypes.SELECT }
		);
		if ( ! row ) {
			return;
		}
		const posts = await sources.ofSite( row.site_id );
		const sites = await sources.sitesOfAccount( row.account_id );
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
			const parts = slices( posts, threads.size );
			const profiled = (
				await threads.run(
					parts.map( ( part ): ProfileTask => ( {
						kind: 'profile',
						posts: part,
						sites,
					} ) )
				)
			).flat();
			const entries = posts.map( ( source, i ) => ( {
				source,
				...profiled[ i ]!,
			} ) );
			const ids = await store.replaceSite( row.site_id, entries );
			await progress( posts.length );

			// Then every post's suggestions, from the whole index held by each thread.
			const byPath = new Map< string, number >();
			entries.forEach( ( { source }, i ) => {
				if ( source.path ) {
					byPath.set( source.path, ids[ i ]! );
				}
			} );
			const linked = entries.map( ( { links } ) => {
				const targets = new Set< number >();
				for ( const link of links ) {
					const target = link.toSiteId
						? undefined
						: byPath.get( link.path );
					if ( target !== undefined ) {
						targets.add( target );
					}
				}
				return targets;
			} );
			const inbound = new Map< number, number >();
			const frequencies = new Map< string, number >();
			entries.forEach( ( { source, profile }, i ) => {
				for ( const stem of profile.stems ) {
					frequencies.set(
						stem,
						( frequencies.get( stem ) ?? 0 ) + 1
					);
				}
				if ( source.linkable ) {
					for ( const target of linked[ i ]! ) {
						if ( target !== ids[ i ] ) {
							inbound.set(
								target,
								( inbound.get( target ) ?? 0 ) + 1
							);
						}
					}
				}
			} );
			const documents = entries.map( ( { source, profile }, i ) => ( {
				id: ids[ i ]!,
				title: source.title,
				url: source.url,
				profile: {
					terms: profile.terms,
					phrases: profile.phrases,
					length: profile.length,
					stems: [],
				},
				inbound: inbound.get( ids[ i ]! ) ?? 0,
				linkable: source.linkable,
			} ) );
			// Written and counted: every post's stems may go before the second pass.
			entries.forEach( ( entry ) => {
				entry.profile.stems = [];
				entry.source.html = '';
			} );
			const caps = await settings.caps( row.site_id );
			const sourcesOf = ids.map( ( id, i ) => ( {
				id,
				linkedTargets: [ ...linked[ i ]! ],
			} ) );
			rows = (
				await threads.run(
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
			).flat();
		} finally {
			await threads.close();
		}
		await store.writeSuggestions( rows, { siteId: row.site_id } );
		// The tables were rewritten in bulk: without fresh statistics the planner
		// reads them as empty and the report's joins turn into nested scans.
		await sequelize.query(
			'ANALYZE linker_documents, linker_links, linker_phrases, linker_suggestions, linker_term_counts'
		);
		await sequelize.query(
			`UPDATE linker_rebuilds SET status = 'finished', done = $2, total = $2, finished_at = NOW() WHERE id = $1`,
			{ bind: [ rebuildId, total ] }
		);
	}
}
