import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { outboundAllow, startFakeOpenAI } from '@igny8/test-harness';
import type { Principal } from '../src/modules/auth';
import { benchOwner, report, runBench, startBenchCloud } from './support';

/**
 * Automation at scale, on PostgreSQL and Redis:
 * - the scheduler's tick with 10,000 enabled schedule rules of which none
 *   is due (target ≤ 100 ms), against one PostgreSQL round trip;
 * - 100 rules firing on the same tick, each generating ideas for its own
 *   cluster, executed by 2 worker processes with the fake provider: time
 *   until every run completed, against the same 100 AI runs started
 *   directly on the same workers (what automation adds: its steps, the
 *   `run.finished` event round, the scheduler).
 */

const SERVER = path.resolve( __dirname, '../src/server.ts' );
const IDLE_RULES = Number( process.env.BENCH_AUTOMATION_RULES ?? 10_000 );
const FIRING = Number( process.env.BENCH_AUTOMATION_FIRING ?? 100 );
const ROUNDS = Number( process.env.BENCH_ROUNDS ?? 15 );

const median = ( values: number[] ) =>
	[ ...values ].sort( ( a, b ) => a - b )[ Math.floor( values.length / 2 ) ]!;

async function timed( fn: () => Promise< unknown > ): Promise< number > {
	const started = process.hrtime.bigint();
	await fn();
	return Number( process.hrtime.bigint() - started ) / 1e6;
}

runBench( async () => {
	const openai = await startFakeOpenAI();
	openai.fallback( 'chat', () => ( {
		content: {
			ideas: [
				{
					title: 'A guide',
					description: 'An angle',
					content_type: 'post',
					target_word_count: 1000,
					suggested_keywords: [ 'guide' ],
				},
			],
		},
	} ) );
	const env = {
		OPENAI_API_KEY: 'sk-bench',
		OPENAI_BASE_URL: openai.url,
		IGNY8_OUTBOUND_ALLOW: outboundAllow( openai.url ),
	};
	const cloud = await startBenchCloud( { env } );
	const { models, services, db, config } = cloud.context;
	const { sequelize } = db;
	const workers: ChildProcess[] = [];
	try {
		const owner = await benchOwner( cloud, 'Automation bench' );
		const user = ( await models.User.findOne( {
			where: { account_id: owner.accountId },
		} ) )!;
		const account = ( await models.Account.findByPk( owner.accountId ) )!;
		const principal: Principal = {
			kind: 'user',
			user,
			account,
			role: 'owner',
		};
		await services.credits.add(
			owner.accountId,
			1_000_000,
			'grant',
			'Bench',
			'automation-bench'
		);

		// One sector and one cluster per firing rule; a keyword in each.
		const sectors: number[] = [];
		const clusters: number[] = [];
		for ( let i = 0; i < FIRING; i++ ) {
			const sector = await models.Sector.create( {
				account_id: owner.accountId,
				site_id: owner.siteId,
				name: `Sector ${ i }`,
				industry_sector_id: null,
			} );
			const scope = {
				account_id: owner.accountId,
				site_id: owner.siteId,
				sector_id: sector.id,
			};
			const keyword = await models.Keyword.create( {
				...scope,
				keyword: `topic ${ i }`,
				normalized: `topic ${ i }`,
				search_volume: 100,
				difficulty: null,
				intent: null,
				cpc: null,
			} );
			const cluster = await models.Cluster.create( {
				...scope,
				name: `Topic ${ i }`,
			} as never );
			await models.ClusterKeyword.create( {
				cluster_id: cluster.id,
				keyword_id: keyword.id,
			} );
			sectors.push( Number( sector.id ) );
			clusters.push( Number( cluster.id ) );
		}

		// The idle tick: 10,000 enabled rules due tomorrow.
		await sequelize.query(
			`INSERT INTO automation_rules (account_id, site_id, sector_id, name, trigger, actions, caps, acts_as, next_fire_at)
			 SELECT $1, $2, $3, 'Idle ' || n, '{"kind":"schedule","cron":"0 6 * * *","timezone":"UTC"}',
				'[{"type":"cluster_keywords","method":"lexical","min_cluster_size":2}]',
				'{"per_run":null,"per_day":null,"per_month":null}', $4, NOW() + interval '1 day'
			 FROM generate_series(1, $5) AS n`,
			{
				bind: [
					owner.accountId,
					owner.siteId,
					sectors[ 0 ],
					JSON.stringify( { kind: 'user', user_id: user.id } ),
					IDLE_RULES,
				],
			}
		);
		await sequelize.query( 'ANALYZE automation_rules' );
		const ticks: number[] = [];
		const trips: number[] = [];
		for ( let round = 0; round < ROUNDS; round++ ) {
			trips.push(
				await timed( () =>
					sequelize.query( 'SELECT 1', { type: QueryTypes.SELECT } )
				)
			);
			ticks.push(
				await timed( () => services.automationTriggers.tick() )
			);
		}
		report( {
			name: `cloud.automation_tick_${ IDLE_RULES }_idle_rules.ms`,
			value: Number( median( ticks ).toFixed( 2 ) ),
			unit: 'ms',
			baseline: 'postgres_select_1.ms',
			baseline_value: Number( median( trips ).toFixed( 2 ) ),
		} );

		// 100 rules due on the same tick, run by 2 worker processes.
		for ( let i = 0; i < 2; i++ ) {
			const child = spawn(
				process.execPath,
				[ '--import', 'tsx', SERVER ],
				{
					env: {
						PATH: process.env.PATH,
						HOME: process.env.HOME,
						IGNY8_ROLE: 'worker',
						LOG_LEVEL: 'warn',
						IGNY8_DATA_DIR: config.dataDir,
						DATABASE_URL: config.databaseUrl,
						REDIS_URL: config.redisUrl,
						QUEUE_PREFIX: config.queuePrefix,
						...env,
					},
					stdio: [ 'ignore', 'ignore', 'inherit' ],
				}
			);
			workers.push( child );
		}
		// Both workers up and warm before anything is timed: one run each way.
		const warm = await services.ai.runAiTask(
			'generate_ideas',
			{ cluster_ids: [ clusters[ 0 ] ], ideas_per_cluster: 1 },
			principal
		);
		await waitUntil( async () => {
			const run = await models.AiTaskRun.findByPk( warm.id );
			return run!.status === 'succeeded';
		} );
		// The baseline first: the same AI work, started directly.
		const direct = await timed( async () => {
			const runs = await Promise.all(
				clusters.map( ( id ) =>
					services.ai.runAiTask(
						'generate_ideas',
						{ cluster_ids: [ id ], ideas_per_cluster: 1 },
						principal
					)
				)
			);
			await waitUntil( async () => {
				const [ row ] = await sequelize.query< { n: number } >(
					`SELECT count(*)::int AS n FROM ai_task_runs WHERE id = ANY($1::bigint[]) AND status IN ('queued', 'running')`,
					{
						bind: [ runs.map( ( r ) => r.id ) ],
						type: QueryTypes.SELECT,
					}
				);
				return row!.n === 0;
			} );
		} );
		// Fresh clusters for the rules: the direct runs filled the first ones with ideas.
		await sequelize.query( 'DELETE FROM content_ideas' );
		const due = new Date( Date.now() - 1000 );
		for ( const sector of sectors ) {
			await sequelize.query(
				`INSERT INTO automation_rules (account_id, site_id, sector_id, name, trigger, actions, caps, acts_as, next_fire_at)
				 VALUES ($1, $2, $3, 'Firing', '{"kind":"schedule","cron":"0 6 * * *","timezone":"UTC"}',
					'[{"type":"generate_ideas","ideas_per_cluster":1}]',
					'{"per_run":null,"per_day":null,"per_month":null}', $4, $5)`,
				{
					bind: [
						owner.accountId,
						owner.siteId,
						sector,
						JSON.stringify( { kind: 'user', user_id: user.id } ),
						due,
					],
				}
			);
		}
		cloud.context.scheduler.start();
		const automated = await timed( async () => {
			await services.automationTriggers.tick();
			await waitUntil( async () => {
				const [ row ] = await sequelize.query< {
					done: number;
					failed: number;
				} >(
					`SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS done,
						count(*) FILTER (WHERE status IN ('failed', 'capped', 'cancelled'))::int AS failed
					 FROM automation_runs`,
					{ type: QueryTypes.SELECT }
				);
				if ( row!.failed > 0 ) {
					throw new Error(
						`${ row!.failed } automation runs did not succeed`
					);
				}
				return row!.done === FIRING;
			} );
		} );
		report( {
			name: `cloud.automation_${ FIRING }_rules_one_tick_2_workers.ms`,
			value: Math.round( automated ),
			unit: 'ms',
			baseline: `ai_${ FIRING }_runs_started_directly_2_workers.ms`,
			baseline_value: Math.round( direct ),
		} );
	} finally {
		await cloud.context.scheduler.stop();
		for ( const child of workers ) {
			child.kill( 'SIGTERM' );
		}
		await cloud.stop();
		await openai.close();
	}
} );

async function waitUntil(
	probe: () => Promise< boolean >,
	timeoutMs = 300_000
): Promise< void > {
	const started = Date.now();
	while ( ! ( await probe() ) ) {
		if ( Date.now() - started > timeoutMs ) {
			throw new Error( `not done within ${ timeoutMs / 1000 } s` );
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 50 ) );
	}
}
