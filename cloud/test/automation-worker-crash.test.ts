import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import {
	outboundAllow,
	startFakeOpenAI,
	type FakeOpenAI,
	type FakeRequest,
} from '@igny8/test-harness';
import { addTenant, bearer, type Tenant } from './fixtures';
import {
	deliverEvents,
	startTestCloud,
	waitFor,
	type TestCloud,
} from './support';

/**
 * A worker process is killed (SIGKILL) in the middle of an automation run,
 * while the run's "generate content" step waits on the AI run the worker is
 * executing. The API runs in this process without workers; the runs are
 * taken by real worker processes (the server entry point with
 * `IGNY8_ROLE=worker`) on one PostgreSQL and one Redis prefix, and this
 * process does the scheduler's part (event delivery, the reconciler). On a
 * new worker the run resumes at the step it was in and nothing is done
 * twice: no second draft, idea or charge.
 */

const SERVER = path.resolve( __dirname, '../src/server.ts' );

let openai: FakeOpenAI;
let cloud: TestCloud;
let tenant: Tenant;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
	const { config } = cloud.context;
	const child = spawn( process.execPath, [ '--import', 'tsx', SERVER ], {
		env: {
			PATH: process.env.PATH,
			HOME: process.env.HOME,
			NODE_ENV: 'test',
			IGNY8_ROLE: 'worker',
			LOG_LEVEL: 'warn',
			IGNY8_DATA_DIR: config.dataDir,
			DATABASE_URL: config.databaseUrl,
			REDIS_URL: config.redisUrl,
			QUEUE_PREFIX: config.queuePrefix,
			OPENAI_API_KEY: 'sk-test',
			OPENAI_BASE_URL: openai.url,
			IGNY8_OUTBOUND_ALLOW: outboundAllow( openai.url ),
			AI_REQUEST_TIMEOUT_MS: '60000',
		},
		stdio: [ 'ignore', 'ignore', 'pipe' ],
	} );
	let stderr = '';
	child.stderr!.on( 'data', ( chunk: Buffer ) => ( stderr += chunk ) );
	child.on( 'exit', ( code, signal ) => {
		if ( code !== 0 && signal !== 'SIGKILL' && stderr ) {
			process.stderr.write( `worker exited ${ code }: ${ stderr }\n` );
		}
	} );
	workers.push( child );
	return child;
}

function exited( child: ChildProcess ): Promise< number | null > {
	if ( child.exitCode !== null || child.signalCode !== null ) {
		return Promise.resolve( child.exitCode );
	}
	return new Promise( ( resolve ) =>
		child.once( 'exit', ( code ) => resolve( code ) )
	);
}

const isArticle = ( r: FakeRequest ) =>
	r.body?.response_format?.json_schema?.name !== 'content_ideas' &&
	! /content ideas/i.test( JSON.stringify( r.body?.messages ?? [] ) );

const count = async ( sql: string, bind: unknown[] ) =>
	Number(
		(
			( await cloud.context.db.sequelize.query( sql, {
				bind,
				plain: true,
			} ) ) as { n: string }
		 ).n
	);

beforeAll( async () => {
	openai = await startFakeOpenAI();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'bee' },
		{ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url },
		{ workers: false }
	);
	tenant = await addTenant( cloud, 'Automation crash' );
	await cloud.context.services.credits.add(
		tenant.accountId,
		500,
		'grant',
		'Test credits',
		'automation-crash-grant'
	);
	await request( cloud.app )
		.post( '/api/v1/planner/keywords/bulk_create/' )
		.set( bearer( tenant.owner ) )
		.send( {
			sector_id: tenant.sectorId,
			keywords: [
				{ keyword: 'trail running shoes', search_volume: 900 },
				{ keyword: 'trail running shoes women', search_volume: 500 },
			],
		} )
		.expect( 201 );
}, 60_000 );

afterAll( async () => {
	for ( const worker of workers.splice( 0 ) ) {
		if ( worker.exitCode === null && worker.signalCode === null ) {
			worker.kill( 'SIGKILL' );
			await exited( worker );
		}
	}
	await cloud?.stop();
	await openai?.close();
} );

it( 'a run whose worker is killed mid-step resumes at that step on the next worker, and does nothing twice', async () => {
	openai.fallback( 'chat', ( r ) =>
		isArticle( r )
			? {
					// The first article request never gets an answer (its worker dies); the next one does.
					...( openai.received( 'chat' ).filter( isArticle )
						.length === 1
						? { hang: true as const }
						: {} ),
					content: {
						title: 'Choosing trail running shoes',
						content_html:
							'<h2>Fit</h2><p>Try them on in the afternoon.</p>',
						excerpt: 'How to choose.',
						meta_description: 'How to choose trail running shoes.',
						categories: [ 'Guides' ],
						tags: [ 'running' ],
					},
				}
			: {
					content: {
						ideas: [
							{
								title: 'Choosing trail running shoes',
								description: 'An angle',
								content_type: 'post',
								target_word_count: 1200,
								suggested_keywords: [ 'trail running shoes' ],
							},
						],
					},
				}
	);
	const rule = (
		await request( cloud.app )
			.post( '/api/v1/automation/rules/' )
			.set( bearer( tenant.owner ) )
			.send( {
				name: 'Trail pipeline',
				site_id: tenant.siteId,
				sector_id: tenant.sectorId,
				trigger: { kind: 'event', event: 'keywords.imported' },
				actions: [
					{ type: 'cluster_keywords', method: 'lexical' },
					{ type: 'generate_ideas', ideas_per_cluster: 1 },
					{ type: 'approve_ideas' },
					{ type: 'create_tasks' },
					{ type: 'generate_content' },
				],
			} )
			.expect( 201 )
	).body.data;
	const first = startWorker();
	const started = (
		await request( cloud.app )
			.post( `/api/v1/automation/rules/${ rule.id }/run/` )
			.set( bearer( tenant.owner ) )
			.expect( 202 )
	).body.data;
	// What the scheduler does meanwhile: deliver events, reconcile.
	const schedulerTick = async () => {
		await deliverEvents( cloud, 5_000 ).catch( () => undefined );
		await cloud.context.services.automationExecutor.reconcile();
	};
	await waitFor( async () => {
		await schedulerTick();
		return openai.received( 'chat' ).some( isArticle ) ? true : undefined;
	}, 60_000 );
	const stepOf = async () =>
		(
			( await cloud.context.db.sequelize.query(
				'SELECT status FROM automation_steps WHERE run_id = $1 AND position = 4',
				{ bind: [ started.id ], plain: true }
			) ) as { status: string }
		 ).status;
	expect( await stepOf() ).toBe( 'waiting' );
	first.kill( 'SIGKILL' );
	await exited( first );
	expect(
		await count( 'SELECT count(*) AS n FROM content WHERE sector_id = $1', [
			tenant.sectorId,
		] )
	).toBe( 0 );

	startWorker();
	const run = await waitFor( async () => {
		await schedulerTick();
		const response = await request( cloud.app )
			.get( `/api/v1/automation/tasks/${ started.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		const data = response.body.data;
		return [ 'succeeded', 'failed', 'capped' ].includes( data.status )
			? data
			: undefined;
	}, 90_000 );
	expect( run.error ).toBeNull();
	expect( run.status ).toBe( 'succeeded' );
	// One content AI run (started once, run by the second worker), one draft, one idea.
	const contentRuns = await cloud.context.db.sequelize.query(
		`SELECT id::int, status, credits_charged, attempts FROM ai_task_runs
		 WHERE function_name = 'generate_content' AND origin_key LIKE $1`,
		{ bind: [ `automation:${ started.id }:%` ], type: 'SELECT' }
	);
	expect( contentRuns ).toHaveLength( 1 );
	expect( contentRuns[ 0 ] ).toMatchObject( {
		status: 'succeeded',
		attempts: 2,
	} );
	expect(
		await count( 'SELECT count(*) AS n FROM content WHERE sector_id = $1', [
			tenant.sectorId,
		] )
	).toBe( 1 );
	expect(
		await count(
			'SELECT count(*) AS n FROM content_ideas WHERE sector_id = $1',
			[ tenant.sectorId ]
		)
	).toBe( 1 );
	// Charged once per AI run: what the run says it used is what the ledger took.
	const charged = await count(
		`SELECT COALESCE(-SUM(amount), 0) AS n FROM credit_transactions
		 WHERE job_id IN (SELECT 'ai-run-' || id FROM ai_task_runs WHERE origin_key LIKE $1)`,
		[ `automation:${ started.id }:%` ]
	);
	expect( charged ).toBe( run.credits_used );
	expect( run.credits_used ).toBeGreaterThan( 0 );
}, 180_000 );
