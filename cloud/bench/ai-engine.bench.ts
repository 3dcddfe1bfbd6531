import BeeQueue from 'bee-queue';
import { z } from 'zod';
import { AI_RUN_JOB } from '../src/modules/ai/engine';
import type { AiFunction } from '../src/modules/ai/types';
import type { UserPrincipal } from '../src/modules/auth/principal';
import { benchOwner, report, runBench, startBenchCloud } from './support';

/**
 * The engine's price per job: no-op AI runs (validate, price, record the run
 * and reserve its credits, queue, claim, progress, save, settle and record
 * run.finished — everything but a provider call) against raw bee-queue jobs
 * with a no-op handler, on the same Redis with the same worker concurrency,
 * in alternating rounds. Both sides submit N jobs from the same number of
 * concurrent submitters (the engine through its service, as an API request
 * would, without HTTP) while the workers run, and count a job done at the
 * same point: when the queue reports it succeeded. Jobs per second, from the
 * first submit to the last completion. The engine's database round trips
 * per run are the product's own cost and are what the ratio shows.
 */

const JOBS = Number( process.env.BENCH_AI_JOBS ?? 400 );
const ROUNDS = 3;
/** Submitters in flight at once, as many API requests would be. */
const SUBMITTERS = 10;

const noop: AiFunction = {
	name: 'bench_noop' as AiFunction[ 'name' ],
	input: z.object( {} ),
	validate: async () => ( { site_id: benchSiteId, sector_id: null } ),
	estimate: () => ( { items: 1 } ),
	needsProvider: () => false,
	prepare: async () => null,
	execute: async () => null,
	save: async () => ( { summary: {}, items: 1 } ),
};
let benchSiteId = 0;

async function inParallel(
	count: number,
	task: ( index: number ) => Promise< unknown >
) {
	let next = 0;
	await Promise.all(
		Array.from( { length: SUBMITTERS }, async () => {
			while ( next < count ) {
				await task( next++ );
			}
		} )
	);
}

function median( values: number[] ): number {
	const sorted = [ ...values ].sort( ( a, b ) => a - b );
	return sorted[ Math.floor( sorted.length / 2 ) ]!;
}

runBench( async () => {
	const cloud = await startBenchCloud( {
		workers: true,
		// The deployment's default unless a run of the bench asks for another.
		env: process.env.QUEUE_CONCURRENCY
			? { QUEUE_CONCURRENCY: process.env.QUEUE_CONCURRENCY }
			: {},
	} );
	const { models, services, config } = cloud.context;
	const owner = await benchOwner( cloud, 'AI engine bench' );
	benchSiteId = owner.siteId;
	await services.credits.add(
		owner.accountId,
		JOBS * ROUNDS * 2,
		'grant',
		'Bench credits',
		'bench-grant'
	);
	services.ai.registry.register( noop );
	await cloud.context.db.sequelize.query(
		`INSERT INTO ai_function_prices (plan_id, function_name, credits_per_item, min_credits)
		 VALUES (NULL, :name, 1, 0)`,
		{ replacements: { name: noop.name } }
	);
	const principal: UserPrincipal = {
		kind: 'user',
		user: ( await models.User.findOne( {
			where: { account_id: owner.accountId },
		} ) )!,
		account: ( await models.Account.findByPk( owner.accountId ) )!,
		role: 'owner',
	};

	const raw = new BeeQueue( 'bench-raw', {
		prefix: config.queuePrefix,
		redis: { url: config.redisUrl },
		isWorker: true,
		getEvents: false,
		sendEvents: false,
		removeOnSuccess: true,
	} );
	const concurrency = services.ai.job().concurrency ?? 1;
	raw.process( concurrency, async () => null );
	await raw.ready();

	/** Resolves once `count` jobs succeeded, counted by `listen`'s callback, at the same point on both sides. */
	const done = (
		count: number,
		listen: ( onSucceeded: () => void ) => () => void
	) =>
		new Promise< void >( ( resolve ) => {
			let succeeded = 0;
			const unlisten = listen( () => {
				if ( ++succeeded === count ) {
					unlisten();
					resolve();
				}
			} );
		} );

	const rawRound = async () => {
		const finished = done( JOBS, ( onSucceeded ) => {
			raw.on( 'succeeded', onSucceeded );
			return () => raw.off( 'succeeded', onSucceeded );
		} );
		const started = performance.now();
		await inParallel( JOBS, () => raw.createJob( {} ).save() );
		await finished;
		return JOBS / ( ( performance.now() - started ) / 1000 );
	};

	const engineRound = async () => {
		const ids: number[] = [];
		const finished = done( JOBS, ( onSucceeded ) =>
			cloud.context.queue.onEvent( ( event ) => {
				if ( event.kind === 'succeeded' && event.type === AI_RUN_JOB ) {
					onSucceeded();
				}
			} )
		);
		const started = performance.now();
		await inParallel( JOBS, async () => {
			const run = await services.ai.runAiTask( noop.name, {}, principal );
			ids.push( Number( run.id ) );
		} );
		await finished;
		const elapsed = ( performance.now() - started ) / 1000;
		// Outside the clock: every run must have succeeded and been charged.
		const succeeded = await models.AiTaskRun.count( {
			where: { id: ids, status: 'succeeded', credits_charged: 1 },
		} );
		if ( succeeded !== JOBS ) {
			throw new Error(
				`${ JOBS - succeeded } of ${ JOBS } no-op runs did not succeed`
			);
		}
		return JOBS / elapsed;
	};

	try {
		const baseline: number[] = [];
		const engine: number[] = [];
		for ( let round = 0; round < ROUNDS; round++ ) {
			baseline.push( await rawRound() );
			engine.push( await engineRound() );
		}
		report( {
			name: 'cloud.ai_noop_jobs.jobs_per_second',
			value: Math.round( median( engine ) ),
			unit: 'jobs/s',
			baseline: `raw bee-queue no-op jobs, same Redis and concurrency ${ concurrency } (${ JOBS } jobs, median of ${ ROUNDS } alternating rounds)`,
			baseline_value: Math.round( median( baseline ) ),
		} );
	} finally {
		await raw.close();
		await cloud.stop();
	}
} );
