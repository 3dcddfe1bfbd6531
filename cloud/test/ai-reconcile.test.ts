import { randomBytes } from 'node:crypto';
import request from 'supertest';
import {
	createTestDatabase,
	createTestRedis,
	startFakeOpenAI,
	type FakeOpenAI,
	type TestDatabase,
} from '@igny8/test-harness';
import { AI_ENV, finished, ledgerOf } from './ai-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * Runs whose queue job is gone are put back on the queue by the reconciler
 * (the scheduler's `ai.reconcile`): the process that queued them stopped
 * (the inline queue lives in its memory), Redis was flushed, a worker died
 * with a run in hand. Each completes once and is charged once; a run that
 * waited past the abandon limit fails and is refunded. Two clouds on one
 * database stand for a process before and after a restart.
 */

const MINUTE = 60_000;

const ideasAnswer = {
	ideas: [
		{
			title: 'Reconciled idea',
			description: 'An angle',
			content_type: 'post',
			target_word_count: 1200,
			suggested_keywords: [ 'trail shoes' ],
		},
	],
};

async function addCluster( cloud: TestCloud, tenant: Tenant ) {
	const auth = bearer( tenant.owner );
	const keyword = await request( cloud.app )
		.post( '/api/v1/planner/keywords/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			keyword: `trail shoes ${ randomBytes( 3 ).toString( 'hex' ) }`,
			search_volume: 900,
		} )
		.expect( 201 );
	const cluster = await request( cloud.app )
		.post( '/api/v1/planner/clusters/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			name: `Trail ${ randomBytes( 3 ).toString( 'hex' ) }`,
			keyword_ids: [ keyword.body.data.id ],
		} )
		.expect( 201 );
	return cluster.body.data.id as number;
}

async function startRun( cloud: TestCloud, tenant: Tenant, cluster: number ) {
	const started = await request( cloud.app )
		.post( '/api/v1/planner/clusters/generate_ideas/' )
		.set( bearer( tenant.owner ) )
		.send( { ids: [ cluster ], ideas_per_cluster: 1 } )
		.expect( 202 );
	return started.body.data.run_id as number;
}

/** The run's ledger: one reservation, then exactly one settle or refund. */
async function closedOnce( cloud: TestCloud, runId: number ) {
	await waitFor( async () =>
		( await ledgerOf( cloud, runId ) ).length >= 2 ? true : undefined
	);
	// A late duplicate would add a row: give one the time to appear.
	await new Promise( ( resolve ) => setTimeout( resolve, 300 ) );
	return ( await ledgerOf( cloud, runId ) ).map( ( [ type ] ) => type );
}

describe( 'reconciling AI runs with the queue', () => {
	let openai: FakeOpenAI;
	let database: TestDatabase;
	const clouds: TestCloud[] = [];
	/** What both "processes" share: the database and the secrets tokens are signed with. */
	let shared: NodeJS.ProcessEnv;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		database = await createTestDatabase( 'reconcile' );
		shared = {
			...AI_ENV( openai ),
			DATABASE_URL: database.url,
			JWT_SECRET: randomBytes( 32 ).toString( 'hex' ),
			IGNY8_ENCRYPTION_KEY: randomBytes( 32 ).toString( 'base64' ),
			AI_RUN_TIMEOUT_MS: String( MINUTE ),
		};
	} );
	beforeEach( () => {
		openai.reset();
		openai.fallback( 'chat', { content: ideasAnswer } );
	} );
	afterEach( async () => {
		for ( const cloud of clouds.splice( 0 ) ) {
			await cloud.stop( { keepDatabase: true } );
		}
	} );
	afterAll( async () => {
		await database?.drop();
		await openai?.close();
	} );

	const start = async (
		queue: 'inline' | 'bee',
		env: NodeJS.ProcessEnv,
		workers: boolean
	) => {
		const cloud = await startTestCloud(
			{ db: 'postgres', queue },
			{ ...shared, ...env },
			// The test calls the reconciler itself, at a chosen time.
			{ workers, scheduler: false }
		);
		clouds.push( cloud );
		return cloud;
	};

	it( 'after a restart, runs the inline queue lost complete once; a stale running run restarts; one waiting too long is refunded', async () => {
		const before = await start( 'inline', {}, false );
		const tenant = await addTenant( before, 'Restarted Co' );
		await before.context.services.credits.add(
			tenant.accountId,
			100,
			'grant',
			'Test credits',
			'reconcile-grant'
		);
		const cluster = await addCluster( before, tenant );
		const lost = [
			await startRun( before, tenant, cluster ),
			await startRun( before, tenant, cluster ),
		];
		const dead = await startRun( before, tenant, cluster );
		const stale = await startRun( before, tenant, cluster );
		// The process stops with the runs in its memory only.
		await before.stop( { keepDatabase: true } );
		clouds.splice( clouds.indexOf( before ), 1 );

		const after = await start( 'inline', {}, true );
		const { sequelize } = after.context.db;
		// One was taken by a worker that died; one has waited for two hours.
		await sequelize.query(
			`UPDATE ai_task_runs SET status = 'running', attempts = 1 WHERE id = :dead`,
			{ replacements: { dead } }
		);
		await sequelize.query(
			`UPDATE ai_task_runs SET created_at = NOW() - INTERVAL '2 hours' WHERE id = :stale`,
			{ replacements: { stale } }
		);
		await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );
		expect( openai.received( 'chat' ) ).toHaveLength( 0 );

		const result = await after.context.services.ai.reconcile(
			new Date( Date.now() + 2 * MINUTE )
		);
		expect( result ).toEqual( { requeued: 3, abandoned: 1 } );
		for ( const runId of [ ...lost, dead ] ) {
			expect( await finished( after, tenant, runId ) ).toMatchObject( {
				status: 'succeeded',
			} );
			expect( await closedOnce( after, runId ) ).toEqual( [
				'reserve',
				'settle',
			] );
		}
		const refunded = await finished( after, tenant, stale );
		expect( refunded ).toMatchObject( {
			status: 'failed',
			error: 'The run could not be started; nothing was charged. Start it again.',
		} );
		expect( await closedOnce( after, stale ) ).toEqual( [
			'reserve',
			'refund',
		] );
		expect( openai.received( 'chat' ) ).toHaveLength( 3 );

		// Reconciling again finds nothing: nothing runs or is charged twice.
		expect(
			await after.context.services.ai.reconcile(
				new Date( Date.now() + 2 * MINUTE )
			)
		).toEqual( { requeued: 0, abandoned: 0 } );
	} );

	it( 'after Redis lost its jobs, the runs still complete once', async () => {
		const redis = createTestRedis( 'reconcile' );
		const env = { REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix };
		try {
			const api = await start( 'bee', env, false );
			const tenant = await addTenant( api, 'Flushed Co' );
			await api.context.services.credits.add(
				tenant.accountId,
				100,
				'grant',
				'Test credits',
				'flushed-grant'
			);
			const cluster = await addCluster( api, tenant );
			const runs = [
				await startRun( api, tenant, cluster ),
				await startRun( api, tenant, cluster ),
			];
			// Redis is flushed (or fails over empty) before a worker took them.
			await redis.cleanup();
			const worker = await start( 'bee', env, true );
			await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );
			expect( openai.received( 'chat' ) ).toHaveLength( 0 );

			const result = await worker.context.services.ai.reconcile(
				new Date( Date.now() + 2 * MINUTE )
			);
			expect( result ).toEqual( { requeued: 2, abandoned: 0 } );
			for ( const runId of runs ) {
				expect( await finished( api, tenant, runId ) ).toMatchObject( {
					status: 'succeeded',
				} );
				expect( await closedOnce( api, runId ) ).toEqual( [
					'reserve',
					'settle',
				] );
			}
			expect( openai.received( 'chat' ) ).toHaveLength( 2 );
		} finally {
			await redis.cleanup();
		}
	} );
} );
