import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import {
	outboundAllow,
	startFakeOpenAI,
	type FakeOpenAI,
} from '@igny8/test-harness';
import { AI_DEFAULTS } from '../src/modules/ai/defaults';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * A worker process dies (SIGKILL) in the middle of an AI run. The API runs
 * in this process without workers; the runs are taken by real worker
 * processes (the server entry point with `IGNY8_ROLE=worker`) on the same PostgreSQL database and Redis prefix. bee-queue's
 * stalled-job check hands the job to the next worker, and the run row makes
 * sure it completes, and is charged, exactly once.
 */

const SERVER = path.resolve( __dirname, '../src/server.ts' );

let openai: FakeOpenAI;
let cloud: TestCloud;
let tenant: Tenant;
let clusterId: number;
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
			// The fake server, and only it, on loopback (as the test cloud allows it).
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

const ideasAnswer = {
	ideas: [ 'Choosing trail shoes', 'Your first trail race' ].map(
		( title ) => ( {
			title,
			description: 'An angle',
			content_type: 'post',
			target_word_count: 1200,
			suggested_keywords: [ 'trail running shoes' ],
		} )
	),
};

async function startRun(): Promise< number > {
	const response = await request( cloud.app )
		.post( '/api/v1/planner/clusters/generate_ideas/' )
		.set( bearer( tenant.owner ) )
		.send( { ids: [ clusterId ], ideas_per_cluster: 2 } )
		.expect( 202 );
	return response.body.data.run_id;
}

async function runRow( runId: number ) {
	const run = await cloud.context.models.AiTaskRun.findByPk( runId );
	return run!;
}

async function ledgerRows( runId: number ) {
	return cloud.context.models.CreditTransaction.findAll( {
		where: { job_id: `ai-run-${ runId }` },
		order: [ [ 'id', 'ASC' ] ],
	} );
}

async function ledgerOf( runId: number ) {
	return ( await ledgerRows( runId ) ).map( ( r ) => r.type );
}

/** What the run cost the account, from its own ledger rows (a worker may also grant the month's credits meanwhile). */
async function netCost( runId: number ) {
	return ( await ledgerRows( runId ) ).reduce(
		( sum, r ) => sum - r.amount,
		0
	);
}

async function ideaCount() {
	return cloud.context.models.Idea.count( {
		where: { cluster_id: clusterId },
	} );
}

async function finalStatus( runId: number ) {
	return waitFor( async () => {
		const run = await runRow( runId );
		return [ 'succeeded', 'failed', 'cancelled' ].includes( run.status )
			? run
			: undefined;
	}, 60_000 );
}

/** Kills the worker once the provider has the run's request in hand. */
async function killMidRequest( worker: ChildProcess, runId: number ) {
	await waitFor(
		() => ( openai.received( 'chat' ).length > 0 ? true : undefined ),
		30_000
	);
	expect( ( await runRow( runId ) ).status ).toBe( 'running' );
	worker.kill( 'SIGKILL' );
	await exited( worker );
}

beforeAll( async () => {
	openai = await startFakeOpenAI();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'bee' },
		{ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url },
		{ workers: false }
	);
	tenant = await addTenant( cloud, 'Crashing workers' );
	await cloud.context.services.credits.add(
		tenant.accountId,
		100,
		'grant',
		'Test credits',
		'crash-grant'
	);
	const auth = bearer( tenant.owner );
	const keyword = await request( cloud.app )
		.post( '/api/v1/planner/keywords/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			keyword: 'trail running shoes',
			search_volume: 9000,
		} )
		.expect( 201 );
	const cluster = await request( cloud.app )
		.post( '/api/v1/planner/clusters/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			name: 'Trail running',
			keyword_ids: [ keyword.body.data.id ],
		} )
		.expect( 201 );
	clusterId = cluster.body.data.id;
}, 60_000 );

afterEach( async () => {
	for ( const worker of workers.splice( 0 ) ) {
		if ( worker.exitCode === null && worker.signalCode === null ) {
			worker.kill( 'SIGKILL' );
			await exited( worker );
		}
	}
	openai.reset();
} );

afterAll( async () => {
	await cloud?.stop();
	await openai?.close();
} );

it( 'a run whose worker is killed mid-request completes once, on the next worker, and is charged once', async () => {
	// The first worker's request never gets an answer; the next one does.
	openai.script( 'chat', { hang: true } );
	openai.fallback( 'chat', { content: ideasAnswer } );
	const first = startWorker();
	const runId = await startRun();
	await killMidRequest( first, runId );
	expect( await ideaCount() ).toBe( 0 );
	expect( await ledgerOf( runId ) ).toEqual( [ 'reserve' ] );

	const second = startWorker();
	const run = await finalStatus( runId );

	expect( run.status ).toBe( 'succeeded' );
	expect( run.attempts ).toBe( 2 );
	expect( await ideaCount() ).toBe( 2 );
	expect( await ledgerOf( runId ) ).toEqual( [ 'reserve', 'settle' ] );
	expect( await netCost( runId ) ).toBe( run.credits_charged );
	expect( run.credits_charged ).toBeGreaterThan( 0 );
	// The killed worker's request, then exactly one more.
	expect( openai.received( 'chat' ) ).toHaveLength( 2 );

	// Later stall checks must not run it again.
	await new Promise( ( resolve ) => setTimeout( resolve, 6_000 ) );
	expect( await ideaCount() ).toBe( 2 );
	expect( openai.received( 'chat' ) ).toHaveLength( 2 );

	second.kill( 'SIGTERM' );
	expect( await exited( second ) ).toBe( 0 );
}, 120_000 );

it( `a run that keeps killing its workers is failed after ${ AI_DEFAULTS.maxStarts } starts and refunded`, async () => {
	await cloud.context.models.Idea.destroy( {
		where: { cluster_id: clusterId },
	} );
	openai.fallback( 'chat', { hang: true } );
	const first = startWorker();
	const runId = await startRun();
	await killMidRequest( first, runId );
	// Two more crashes like that one, counted as the run row counts them.
	await cloud.context.db.sequelize.query(
		'UPDATE ai_task_runs SET attempts = :starts WHERE id = :id',
		{ replacements: { starts: AI_DEFAULTS.maxStarts, id: runId } }
	);

	startWorker();
	const run = await finalStatus( runId );

	expect( run.status ).toBe( 'failed' );
	expect( run.error ).toMatch( /given up/ );
	expect( await ideaCount() ).toBe( 0 );
	// The refund follows the final status.
	await waitFor( async () =>
		( await ledgerOf( runId ) ).length > 1 ? true : undefined
	);
	expect( await ledgerOf( runId ) ).toEqual( [ 'reserve', 'refund' ] );
	expect( await netCost( runId ) ).toBe( 0 );
	// Given up before calling the provider again.
	expect( openai.received( 'chat' ) ).toHaveLength( 1 );
}, 120_000 );
