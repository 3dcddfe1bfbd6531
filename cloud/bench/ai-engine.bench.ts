import BeeQueue from 'bee-queue';
import { z } from 'zod';
import { AI_DEFAULTS } from '../src/ai/defaults';
import type { AiFunction } from '../src/ai/types';
import type { UserPrincipal } from '../src/modules/auth/principal';
import { benchOwner, report, runBench, startBenchCloud } from './support';

/**
 * The engine's price per job: no-op AI runs (validate, reserve credits,
 * queue, claim, progress, save, settle — everything but a provider call)
 * against raw bee-queue jobs with a no-op handler, on the same Redis with
 * the same worker concurrency, in alternating rounds. Jobs per second, from
 * the first submit to the last completion.
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
	let rawDone = 0;
	raw.process( AI_DEFAULTS.concurrency, async () => {
		rawDone++;
		return null;
	} );
	await raw.ready();

	const rawRound = async () => {
		rawDone = 0;
		const started = performance.now();
		await inParallel( JOBS, () => raw.createJob( {} ).save() );
		while ( rawDone < JOBS ) {
			await new Promise( ( resolve ) => setTimeout( resolve, 5 ) );
		}
		return JOBS / ( ( performance.now() - started ) / 1000 );
	};

	const engineRound = async () => {
		const ids: number[] = [];
		const started = performance.now();
		await inParallel( JOBS, async () => {
			const run = await services.ai.runAiTask( noop.name, {}, principal );
			ids.push( Number( run.id ) );
		} );
		for (;;) {
			const [ row ] = ( await cloud.context.db.sequelize.query(
				`SELECT COUNT(*)::int AS open FROM ai_task_runs WHERE id IN (:ids) AND status IN ('queued', 'running')`,
				{ replacements: { ids }, plain: false, raw: true }
			) ) as unknown as [ { open: number }[] ];
			if ( row[ 0 ]!.open === 0 ) {
				break;
			}
			await new Promise( ( resolve ) => setTimeout( resolve, 5 ) );
		}
		const elapsed = ( performance.now() - started ) / 1000;
		const failed = await models.AiTaskRun.count( {
			where: { id: ids, status: 'failed' },
		} );
		if ( failed ) {
			throw new Error( `${ failed } no-op runs failed` );
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
			baseline: `raw bee-queue no-op jobs, same Redis and concurrency (${ JOBS } jobs, median of ${ ROUNDS } alternating rounds)`,
			baseline_value: Math.round( median( baseline ) ),
		} );
	} finally {
		await raw.close();
		await cloud.stop();
	}
} );
