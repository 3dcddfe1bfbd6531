import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { createApp } from '../src/app';
import { boot, shutdown } from '../src/boot';
import type { AppContext } from '../src/context';
import { createLogger } from '../src/logger';
import type { JobEvent } from '../src/queue';
import {
	AI_ENV,
	balance,
	closedLedger,
	finished,
	ledgerOf,
	promptOf,
	readEvents,
} from './ai-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * The AI engine end to end: real PostgreSQL, real queue drivers, the real
 * `openai` client, and a fake OpenAI-compatible server as the only stand-in.
 */

async function addCluster(
	cloud: TestCloud,
	tenant: Tenant,
	name: string,
	description: string,
	keywords: [ string, number ][]
): Promise< number > {
	const auth = bearer( tenant.owner );
	const ids: number[] = [];
	for ( const [ keyword, volume ] of keywords ) {
		const response = await request( cloud.app )
			.post( '/api/v1/planner/keywords/' )
			.set( auth )
			.send( {
				sector_id: tenant.sectorId,
				keyword,
				search_volume: volume,
				intent: 'informational',
			} )
			.expect( 201 );
		ids.push( response.body.data.id );
	}
	const cluster = await request( cloud.app )
		.post( '/api/v1/planner/clusters/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			name,
			description,
			keyword_ids: ids,
		} )
		.expect( 201 );
	return cluster.body.data.id;
}

/*
 * Prices (the default row, migration 0016): 0.8 per idea + 0.1 per 1k tokens.
 * A run reserves its ideas and, per request (one per cluster), the most the
 * server's answer cap (8,000) allows: 2 × 4,000 prompt + 3 × 8,000 answer
 * tokens (one repair included) = 32,000 → 3.2 credits. It is charged the
 * ideas made and the tokens the fake server reports (a few hundred here).
 */
const RESERVED_ONE_CLUSTER_THREE_IDEAS = 6; // 2.4 + 3.2 = 5.6 → 6

const ideasAnswer = ( ...titles: string[] ) => ( {
	ideas: titles.map( ( title ) => ( {
		title,
		description: `Why ${ title.toLowerCase() } matters`,
		content_type: 'post',
		target_word_count: 1500,
		suggested_keywords: [ 'trail shoes' ],
	} ) ),
} );

describe.each( [
	{ db: 'postgres', queue: 'bee' },
	{ db: 'postgres', queue: 'inline' },
	// The embedded default: one PGlite connection shared by API, worker and streams.
	{ db: 'pglite', queue: 'inline' },
] as const )( 'AI runs on $db with the $queue queue', ( { db, queue } ) => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;
	let trail: number;
	let road: number;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud( { db, queue }, AI_ENV( openai ) );
		tenant = await addTenant( cloud, `AI ${ db } ${ queue }` );
		await cloud.context.services.credits.add(
			tenant.accountId,
			100,
			'grant',
			'Test credits',
			'test-grant'
		);
		trail = await addCluster(
			cloud,
			tenant,
			'Trail running',
			'Running off-road: shoes, technique, races',
			[
				[ 'trail running shoes', 9000 ],
				[ 'trail running for beginners', 2400 ],
			]
		);
		road = await addCluster(
			cloud,
			tenant,
			'Road racing',
			'Marathons and 10k races',
			[ [ 'marathon training plan', 12000 ] ]
		);
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'generates ideas from clusters end to end, streaming progress in order', async () => {
		// The answer depends on the prompt, so each cluster gets its own ideas.
		openai.fallback( 'chat', ( req ) => ( {
			latencyMs: 400,
			content: promptOf( req.body ).includes( 'Cluster: Trail running' )
				? ideasAnswer(
						'How to choose trail running shoes',
						'Your first trail race'
					)
				: ideasAnswer( 'A 16-week marathon plan', 'Pacing a 10k' ),
		} ) );
		const before = await balance( cloud, tenant );
		const started = await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ trail, road ], ideas_per_cluster: 2 } )
			.expect( 202 );
		const runId: number = started.body.data.run_id;
		const events = await readEvents( cloud, tenant, runId );

		// The stream: where the run is, every change in order, the final state, the end.
		expect( events[ 0 ]!.event ).toBe( 'state' );
		expect( events.at( -1 )!.event ).toBe( 'done' );
		expect( events.at( -1 )!.data.status ).toBe( 'succeeded' );
		expect(
			events.slice( 1, -1 ).every( ( e ) => e.event === 'progress' )
		).toBe( true );
		const seqs = events.map( ( e ) => e.data.progress.seq );
		expect( seqs ).toEqual( [ ...seqs ].sort( ( a, b ) => a - b ) );
		expect( new Set( seqs ).size ).toBe( seqs.length );
		const percents = events.map( ( e ) => e.data.progress.percent );
		expect( percents ).toEqual( [ ...percents ].sort( ( a, b ) => a - b ) );
		const stages = events.map( ( e ) => e.data.progress.stage );
		expect( stages ).toContain( 'generating' );
		expect( stages.indexOf( 'saving' ) ).toBeGreaterThan(
			stages.lastIndexOf( 'generating' )
		);
		expect( stages.at( -1 ) ).toBe( 'done' );
		expect(
			events
				.filter( ( e ) => e.data.progress.stage === 'generating' )
				.map( ( e ) => e.data.progress.message )
		).toContain( 'Ideas for "Road racing" (2 of 2)' );

		// What the provider was asked: the cluster's name, description and keywords, as JSON.
		const chats = openai.received( 'chat' );
		expect( chats ).toHaveLength( 2 );
		const first = promptOf( chats[ 0 ]!.body );
		expect( first ).toContain( 'Cluster: Trail running' );
		expect( first ).toContain(
			'Description: Running off-road: shoes, technique, races'
		);
		expect( first ).toContain(
			'- trail running shoes (volume 9000, informational)'
		);
		expect( first ).toContain( 'Propose 2 content ideas' );
		// Strict structured output, its schema made from the zod schema that validates the answer.
		expect( chats[ 0 ]!.body.response_format ).toMatchObject( {
			type: 'json_schema',
			json_schema: {
				name: 'content_ideas',
				strict: true,
				schema: { type: 'object', additionalProperties: false },
			},
		} );
		expect( chats[ 0 ]!.headers.authorization ).toBe( 'Bearer sk-test' );

		// The ideas, saved and linked to their clusters.
		const ideas = await request( cloud.app )
			.get( `/api/v1/planner/ideas/?cluster_id=${ trail }&ordering=id` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect(
			ideas.body.results.map( ( i: { title: string } ) => i.title )
		).toEqual( [
			'How to choose trail running shoes',
			'Your first trail race',
		] );
		expect( ideas.body.results[ 0 ] ).toMatchObject( {
			cluster_id: trail,
			sector_id: tenant.sectorId,
			status: 'draft',
			content_type: 'post',
			target_word_count: 1500,
		} );
		const roadIdeas = await cloud.context.models.Idea.findAll( {
			where: { cluster_id: road },
			order: [ [ 'id', 'ASC' ] ],
		} );
		expect( roadIdeas.map( ( i ) => i.title ) ).toEqual( [
			'A 16-week marathon plan',
			'Pacing a 10k',
		] );

		// The run's record and its one charge: 4 ideas (3.2) and their tokens (< 8,000) → 4 credits;
		// reserved: 3.2 + 2 requests × 3.2 = 9.6 → 10.
		const run = await finished( cloud, tenant, runId );
		expect( run ).toMatchObject( {
			status: 'succeeded',
			function_name: 'generate_ideas',
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
			credits_reserved: 10,
			credits_charged: 4,
			attempts: 1,
			error: null,
			output_summary: { ideas_created: 4 },
		} );
		expect( run.tokens_in ).toBeGreaterThan( 0 );
		expect( run.tokens_out ).toBeGreaterThan( 0 );
		expect( run.cost ).toBeGreaterThan( 0 );
		expect( await closedLedger( cloud, runId ) ).toEqual( [
			[ 'reserve', -10 ],
			[ 'settle', 6 ],
		] );
		expect( await balance( cloud, tenant ) ).toBe( before - 4 );

		const list = await request( cloud.app )
			.get( '/api/v1/system/ai-runs/?status=succeeded' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect(
			list.body.results.map( ( r: { id: number } ) => r.id )
		).toContain( runId );

		// A stream opened after the end gives the final state and closes.
		const late = await readEvents( cloud, tenant, runId );
		expect( late.map( ( e ) => e.event ) ).toEqual( [ 'state', 'done' ] );

		// Redelivery of a finished run neither re-runs nor re-charges it.
		await cloud.context.services.ai.execute( runId );
		expect( openai.received( 'chat' ) ).toHaveLength( 2 );
		expect( await closedLedger( cloud, runId ) ).toHaveLength( 2 );
		expect(
			await cloud.context.models.Idea.count( {
				where: { cluster_id: trail },
			} )
		).toBe( 2 );
	} );

	it( 'cancels a run mid-call: nothing is saved and the credits come back', async () => {
		openai.fallback( 'chat', {
			latencyMs: 10_000,
			content: ideasAnswer( 'Never saved' ),
		} );
		const before = await balance( cloud, tenant );
		const ideasBefore = await cloud.context.models.Idea.count();
		const outcomes: JobEvent[] = [];
		const off = cloud.context.queue.onEvent( ( e ) => outcomes.push( e ) );
		const started = await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ trail ] } )
			.expect( 202 );
		const runId: number = started.body.data.run_id;
		const stream = readEvents( cloud, tenant, runId );
		await waitFor( () =>
			openai.received( 'chat' ).length === 1 ? true : undefined
		);
		expect( await balance( cloud, tenant ) ).toBe(
			before - RESERVED_ONE_CLUSTER_THREE_IDEAS
		);

		const cancelledAt = Date.now();
		const cancelled = await request( cloud.app )
			.post( `/api/v1/system/ai-runs/${ runId }/cancel/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( cancelled.body.data.status ).toBe( 'cancelled' );

		const events = await stream;
		expect( events.at( -1 ) ).toMatchObject( {
			event: 'done',
			data: { status: 'cancelled' },
		} );
		const run = await finished( cloud, tenant, runId );
		expect( run ).toMatchObject( {
			status: 'cancelled',
			credits_charged: 0,
			output_summary: null,
		} );
		// The engine let go of the call at once (no 10 s wait) and saved nothing.
		await waitFor(
			() =>
				outcomes.some(
					( e ) =>
						e.id === `ai-run-${ runId }` && e.kind !== 'progress'
				)
					? true
					: undefined,
			5_000
		);
		expect( Date.now() - cancelledAt ).toBeLessThan( 5_000 );
		expect( openai.received( 'chat' )[ 0 ]!.abandonedAt ).toBeDefined();
		off();
		expect( await cloud.context.models.Idea.count() ).toBe( ideasBefore );
		expect( await closedLedger( cloud, runId ) ).toEqual( [
			[ 'reserve', -RESERVED_ONE_CLUSTER_THREE_IDEAS ],
			[ 'refund', RESERVED_ONE_CLUSTER_THREE_IDEAS ],
		] );
		expect( await balance( cloud, tenant ) ).toBe( before );

		// A finished run cannot be cancelled again into something else.
		const again = await request( cloud.app )
			.post( `/api/v1/system/ai-runs/${ runId }/cancel/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( again.body.data.status ).toBe( 'cancelled' );
	} );
} );

describe( 'AI runs when the provider misbehaves (bee queue)', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;
	let cluster: number;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			AI_ENV( openai )
		);
		tenant = await addTenant( cloud, 'Flaky' );
		await cloud.context.services.credits.add(
			tenant.accountId,
			50,
			'grant',
			'Test credits',
			'test-grant'
		);
		cluster = await addCluster(
			cloud,
			tenant,
			'Trail running',
			'Running off-road',
			[ [ 'trail running shoes', 9000 ] ]
		);
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	async function start( body: object = { ids: [ cluster ] } ) {
		const response = await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( tenant.owner ) )
			.send( body );
		return response;
	}

	it( 'rides out a 429 (honouring Retry-After) and charges once', async () => {
		openai.script(
			'chat',
			{ status: 429, retryAfterMs: '50', message: 'Slow down' },
			{ content: ideasAnswer( 'After the rate limit' ) }
		);
		const before = await balance( cloud, tenant );
		const started = await start( {
			ids: [ cluster ],
			ideas_per_cluster: 2,
		} );
		expect( started.status ).toBe( 202 );
		const runId = started.body.data.run_id;
		const run = await finished( cloud, tenant, runId );
		// Reserved 2 ideas and one request's tokens: 1.6 + 3.2 → 5; charged 1 idea and its tokens → 1.
		expect( run ).toMatchObject( {
			status: 'succeeded',
			credits_reserved: 5,
			credits_charged: 1,
		} );
		const chats = openai.received( 'chat' );
		expect( chats ).toHaveLength( 2 );
		expect( chats[ 1 ]!.at - chats[ 0 ]!.at ).toBeGreaterThanOrEqual( 45 );
		// One reservation, one settlement returning the unused credits: one charge.
		expect( await closedLedger( cloud, runId ) ).toEqual( [
			[ 'reserve', -5 ],
			[ 'settle', 4 ],
		] );
		expect( await balance( cloud, tenant ) ).toBe( before - 1 );
		const titles = (
			await cloud.context.models.Idea.findAll( {
				where: { cluster_id: cluster },
			} )
		).map( ( i ) => i.title );
		expect( titles ).toContain( 'After the rate limit' );

		// The same job delivered again through bee-queue: skipped, not re-run or re-charged.
		const outcomes: JobEvent[] = [];
		const off = cloud.context.queue.onEvent( ( e ) => outcomes.push( e ) );
		await cloud.context.queue.enqueue(
			'ai.run',
			{ run_id: runId },
			{ jobId: `ai-run-${ runId }` }
		);
		const redelivered = await waitFor( () =>
			outcomes.find(
				( e ) => e.id === `ai-run-${ runId }` && e.kind === 'succeeded'
			)
		);
		off();
		expect( redelivered ).toMatchObject( {
			result: { skipped: 'succeeded' },
		} );
		expect( openai.received( 'chat' ) ).toHaveLength( 2 );
		expect( await ledgerOf( cloud, runId ) ).toHaveLength( 2 );
		expect( await balance( cloud, tenant ) ).toBe( before - 1 );
	} );

	it( 'fails after repeated 500s and refunds every credit', async () => {
		openai.fallback( 'chat', { status: 500, message: 'Upstream broke' } );
		const before = await balance( cloud, tenant );
		const ideasBefore = await cloud.context.models.Idea.count();
		const started = await start();
		expect( started.status ).toBe( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'failed' );
		expect( run.error ).toMatch( /answered 500.*after 3 attempts/ );
		expect( run.credits_charged ).toBe( 0 );
		expect( openai.received( 'chat' ) ).toHaveLength( 3 );
		expect( await closedLedger( cloud, run.id ) ).toEqual( [
			[ 'reserve', -RESERVED_ONE_CLUSTER_THREE_IDEAS ],
			[ 'refund', RESERVED_ONE_CLUSTER_THREE_IDEAS ],
		] );
		expect( await balance( cloud, tenant ) ).toBe( before );
		expect( await cloud.context.models.Idea.count() ).toBe( ideasBefore );
	} );

	it( 'sends an invalid answer back once with the validation error, then accepts the repair', async () => {
		openai.script(
			'chat',
			{ content: { ideas: 'none today' } },
			{ content: ideasAnswer( 'Repaired idea' ) }
		);
		const started = await start( {
			ids: [ cluster ],
			ideas_per_cluster: 1,
		} );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		const chats = openai.received( 'chat' );
		expect( chats ).toHaveLength( 2 );
		const repair = chats[ 1 ]!.body.messages as {
			role: string;
			content: string;
		}[];
		expect( repair.at( -2 ) ).toEqual( {
			role: 'assistant',
			content: '{"ideas":"none today"}',
		} );
		expect( repair.at( -1 )!.role ).toBe( 'user' );
		expect( repair.at( -1 )!.content ).toMatch(
			/^That answer is invalid: ideas: Invalid input: expected array, received string\./
		);
		expect(
			await cloud.context.models.Idea.count( {
				where: { title: 'Repaired idea' },
			} )
		).toBe( 1 );
	} );

	it( 'fails with a clear message when the repair is invalid too (exactly one repair)', async () => {
		openai.fallback( 'chat', { content: 'not json at all' } );
		const before = await balance( cloud, tenant );
		const started = await start();
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'failed' );
		// Said for people: what was missing and what to do; the zod details stay in the log.
		expect( run.error ).toBe(
			"The model's answer had no usable ideas, even after it was asked to correct it. Nothing was charged: try again, or choose another text model in System → AI settings."
		);
		await closedLedger( cloud, run.id );
		expect( openai.received( 'chat' ) ).toHaveLength( 2 );
		expect( await balance( cloud, tenant ) ).toBe( before );
	} );

	it( 'refuses with 402 before any provider call when credits are short', async () => {
		const poor = await addTenant( cloud, 'Poor' );
		const poorCluster = await addCluster( cloud, poor, 'Budget', '', [
			[ 'cheap shoes', 10 ],
		] );
		const response = await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( poor.owner ) )
			.send( { ids: [ poorCluster ], ideas_per_cluster: 5 } )
			.expect( 402 );
		expect( response.body ).toMatchObject( {
			success: false,
			code: 'insufficient_credits',
		} );
		// 5 ideas and one request's tokens: 4 + 3.2 → 8.
		expect( response.body.error ).toMatch( /needs 8, the account has 0/ );
		await new Promise( ( resolve ) => setTimeout( resolve, 300 ) );
		expect( openai.requests ).toHaveLength( 0 );
		const runs = await cloud.context.models.AiTaskRun.findAll( {
			where: { account_id: poor.accountId },
		} );
		expect( runs.map( ( r ) => [ r.status, r.credits_charged ] ) ).toEqual(
			[ [ 'failed', 0 ] ]
		);
	} );

	it( 'refuses clusters the caller cannot see, and functions that do not exist', async () => {
		const other = await addTenant( cloud, 'Other' );
		const response = await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( other.owner ) )
			.send( { ids: [ cluster ] } )
			.expect( 400 );
		expect( response.body.errors ).toEqual( {
			ids: [ `cluster ${ cluster } does not exist` ],
		} );
		const theirs = await request( cloud.app )
			.get( '/api/v1/system/ai-runs/' )
			.set( bearer( other.owner ) )
			.expect( 200 );
		expect( theirs.body.count ).toBe( 0 );
		const ours = await request( cloud.app )
			.get( '/api/v1/system/ai-runs/?function_name=generate_ideas' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( ours.body.count ).toBeGreaterThan( 0 );
		expect(
			ours.body.results.every(
				( r: { account_id: number } ) =>
					r.account_id === tenant.accountId
			)
		).toBe( true );
		const { models, services } = cloud.context;
		const user = await models.User.findByPk( tenant.owner.id );
		const account = await models.Account.findByPk( tenant.accountId );
		await expect(
			services.ai.runAiTask(
				'write_poetry',
				{},
				{
					kind: 'user',
					user: user!,
					account: account!,
					role: 'owner',
				}
			)
		).rejects.toMatchObject( {
			status: 400,
			message: 'Unknown AI function "write_poetry".',
		} );
		expect( openai.requests ).toHaveLength( 0 );
	} );
} );

describe( 'AI runs with the worker in another process (bee queue)', () => {
	let openai: FakeOpenAI;
	/** Runs the workers; its in-process listeners are out of the API's reach. */
	let worker: TestCloud;
	/** API only: never takes a job, hears runs only through the database. */
	let api: AppContext;
	let apiApp: TestCloud;
	let tenant: Tenant;
	let trail: number;
	let road: number;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		worker = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{ ...AI_ENV( openai ), AI_RUN_TIMEOUT_MS: '3000' }
		);
		api = await boot(
			worker.context.config,
			createLogger( worker.context.config.logLevel )
		);
		apiApp = { context: api, app: createApp( api ), stop: async () => {} };
		tenant = await addTenant( apiApp, 'Remote' );
		await api.services.credits.add(
			tenant.accountId,
			100,
			'grant',
			'Test credits',
			'test-grant'
		);
		trail = await addCluster( apiApp, tenant, 'Trail running', 'Off-road', [
			[ 'trail running shoes', 9000 ],
		] );
		road = await addCluster( apiApp, tenant, 'Road racing', 'Marathons', [
			[ 'marathon training plan', 12000 ],
		] );
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		if ( api ) {
			await shutdown( api );
		}
		await worker?.stop();
		await openai?.close();
	} );

	it( 'streams progress read from the run row, in order, to the end', async () => {
		openai.fallback( 'chat', {
			latencyMs: 700,
			content: ideasAnswer( 'Remote idea' ),
		} );
		const started = await request( apiApp.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ trail, road ], ideas_per_cluster: 1 } )
			.expect( 202 );
		const events = await readEvents(
			apiApp,
			tenant,
			started.body.data.run_id
		);
		expect( events[ 0 ]!.event ).toBe( 'state' );
		expect( events.at( -1 ) ).toMatchObject( {
			event: 'done',
			data: { status: 'succeeded', credits_charged: 2 },
		} );
		const seqs = events.map( ( e ) => e.data.progress.seq );
		expect( seqs ).toEqual( [ ...seqs ].sort( ( a, b ) => a - b ) );
		expect( new Set( seqs ).size ).toBe( seqs.length );
		expect(
			events.filter( ( e ) => e.event === 'progress' ).length
		).toBeGreaterThanOrEqual( 1 );
		expect( events.map( ( e ) => e.data.progress.stage ) ).toContain(
			'generating'
		);
	} );

	it( 'follows runs a worker elsewhere executes through signals: no reads while nothing changes, one read per change for all streams', async () => {
		openai.fallback( 'chat', {
			// Within the 3 s run timeout of these tests.
			latencyMs: 2_400,
			content: ideasAnswer( 'Shared idea' ),
		} );
		const engine = api.services.ai;
		const single = jest.spyOn( engine, 'load' );
		const batched = jest.spyOn( engine, 'loadMany' );
		try {
			const started = await request( apiApp.app )
				.post( '/api/v1/planner/clusters/generate_ideas/' )
				.set( bearer( tenant.owner ) )
				.send( { ids: [ trail ], ideas_per_cluster: 1 } )
				.expect( 202 );
			const runId = started.body.data.run_id as number;
			const streams = Promise.all(
				[ 1, 2, 3 ].map( () => readEvents( apiApp, tenant, runId ) )
			);
			// The worker waits on the provider: nothing changes, so nothing is read.
			await waitFor( () =>
				openai.received( 'chat' ).length === 1 ? true : undefined
			);
			await waitFor( () =>
				engine.feed.openStreams() === 3 ? true : undefined
			);
			// Progress reported just before the call reaches the row within a
			// write interval (AI_DEFAULTS.progressWriteMs); its one read follows.
			await waitFor( async () => {
				const row = await api.models.AiTaskRun.findByPk( runId );
				return ( row?.progress as { stage: string } ).stage ===
					'generating'
					? true
					: undefined;
			} );
			await new Promise( ( resolve ) => setTimeout( resolve, 300 ) );
			batched.mockClear();
			await new Promise( ( resolve ) => setTimeout( resolve, 1_000 ) );
			expect( batched ).not.toHaveBeenCalled();
			for ( const events of await streams ) {
				expect( events.at( -1 ) ).toMatchObject( {
					event: 'done',
					data: { status: 'succeeded' },
				} );
			}
			expect( single ).not.toHaveBeenCalled();
			// Each read served all three streams: far fewer reads than events sent.
			expect( batched.mock.calls.length ).toBeGreaterThanOrEqual( 1 );
			expect( batched.mock.calls.length ).toBeLessThanOrEqual( 4 );
			expect( engine.feed.openStreams() ).toBe( 0 );
		} finally {
			single.mockRestore();
			batched.mockRestore();
		}
	} );

	it( 'refuses a stream over the per-user limit in the envelope, and admits one again when a stream closes', async () => {
		const capped = await boot(
			{ ...worker.context.config, streamsPerUser: 2 },
			createLogger( worker.context.config.logLevel )
		);
		const server = createApp( capped ).listen( 0, '127.0.0.1' );
		await new Promise( ( resolve ) => server.once( 'listening', resolve ) );
		const { port } = server.address() as AddressInfo;
		const open: http.ClientRequest[] = [];
		const openStream = ( runId: number ) =>
			new Promise< { status: number; body: string } >(
				( resolve, reject ) => {
					const req = http.get(
						{
							host: '127.0.0.1',
							port,
							path: `/api/v1/system/ai-runs/${ runId }/events/`,
							headers: bearer( tenant.owner ),
						},
						( res ) => {
							if ( res.statusCode === 200 ) {
								// Held open: the answer is the stream itself.
								resolve( { status: 200, body: '' } );
								return;
							}
							let body = '';
							res.setEncoding( 'utf8' );
							res.on( 'data', ( chunk ) => ( body += chunk ) );
							res.on( 'end', () =>
								resolve( { status: res.statusCode ?? 0, body } )
							);
						}
					);
					req.on( 'error', reject );
					open.push( req );
				}
			);
		try {
			openai.fallback( 'chat', { hang: true } );
			const started = await request( apiApp.app )
				.post( '/api/v1/planner/clusters/generate_ideas/' )
				.set( bearer( tenant.owner ) )
				.send( { ids: [ trail ] } )
				.expect( 202 );
			const runId = started.body.data.run_id as number;
			expect( ( await openStream( runId ) ).status ).toBe( 200 );
			expect( ( await openStream( runId ) ).status ).toBe( 200 );
			const refused = await openStream( runId );
			expect( refused.status ).toBe( 429 );
			expect( JSON.parse( refused.body ) ).toMatchObject( {
				success: false,
				error: expect.stringContaining(
					'2 progress streams are already open'
				),
			} );
			expect( capped.services.ai.feed.openStreams() ).toBe( 2 );
			open[ 0 ]!.destroy();
			await waitFor( () =>
				capped.services.ai.feed.openStreams() === 1 ? true : undefined
			);
			expect( ( await openStream( runId ) ).status ).toBe( 200 );
			await finished( apiApp, tenant, runId );
		} finally {
			open.forEach( ( req ) => req.destroy() );
			await new Promise( ( resolve ) => server.close( resolve ) );
			await shutdown( capped );
		}
	} );

	it( 'cancels from the API process: the worker notices and saves nothing', async () => {
		openai.fallback( 'chat', {
			latencyMs: 8_000,
			content: ideasAnswer( 'Never saved remotely' ),
		} );
		const started = await request( apiApp.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ trail ] } )
			.expect( 202 );
		const runId = started.body.data.run_id;
		await waitFor( () =>
			openai.received( 'chat' ).length === 1 ? true : undefined
		);
		const cancelledAt = Date.now();
		await request( apiApp.app )
			.post( `/api/v1/system/ai-runs/${ runId }/cancel/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		// The worker hears of it through a signal (its fallback read is 5 s away) and hangs up on the provider.
		const call = openai.received( 'chat' )[ 0 ]!;
		await waitFor( () => call.abandonedAt, 2_000 );
		expect( call.abandonedAt! - cancelledAt ).toBeLessThan( 1_500 );
		expect(
			await api.models.Idea.count( {
				where: { title: 'Never saved remotely' },
			} )
		).toBe( 0 );
		const run = await finished( apiApp, tenant, runId );
		expect( run.status ).toBe( 'cancelled' );
		expect( await closedLedger( apiApp, runId ) ).toEqual( [
			[ 'reserve', -RESERVED_ONE_CLUSTER_THREE_IDEAS ],
			[ 'refund', RESERVED_ONE_CLUSTER_THREE_IDEAS ],
		] );
	} );

	it( 'stops a run that outlives its timeout, and refunds it', async () => {
		openai.fallback( 'chat', { hang: true } );
		const before = await balance( apiApp, tenant );
		const started = await request( apiApp.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ trail ] } )
			.expect( 202 );
		const run = await finished( apiApp, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'failed' );
		expect( run.error ).toBe(
			'The run took longer than 3 s and was stopped.'
		);
		expect( await closedLedger( apiApp, run.id ) ).toEqual( [
			[ 'reserve', -RESERVED_ONE_CLUSTER_THREE_IDEAS ],
			[ 'refund', RESERVED_ONE_CLUSTER_THREE_IDEAS ],
		] );
		expect( await balance( apiApp, tenant ) ).toBe( before );
	} );

	it( 'saves and charges once when two deliveries of one job race', async () => {
		openai.fallback( 'chat', {
			latencyMs: 200,
			content: ideasAnswer( 'Raced idea' ),
		} );
		const run = await api.models.AiTaskRun.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
			function_name: 'generate_ideas',
			input: { cluster_ids: [ trail ], ideas_per_cluster: 1 },
			credits_reserved: 1,
			output_summary: null,
			error: null,
			created_by: null,
			started_at: null,
			finished_at: null,
		} );
		await api.services.credits.reserve( {
			accountId: tenant.accountId,
			jobId: `ai-run-${ run.id }`,
			amount: 1,
			description: 'test',
		} );
		const { ai } = worker.context.services;
		await Promise.all( [ ai.execute( run.id ), ai.execute( run.id ) ] );
		await run.reload();
		expect( run ).toMatchObject( {
			status: 'succeeded',
			credits_charged: 1,
		} );
		expect(
			await api.models.Idea.count( { where: { title: 'Raced idea' } } )
		).toBe( 1 );
		expect( await closedLedger( apiApp, run.id ) ).toEqual( [
			[ 'reserve', -1 ],
			[ 'settle', 0 ],
		] );
	} );

	it( 're-runs a run whose worker died mid-run, and charges it once', async () => {
		// As a crashed worker leaves it: running, reserved, nothing saved.
		openai.fallback( 'chat', { content: ideasAnswer( 'Second attempt' ) } );
		const run = await api.models.AiTaskRun.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
			function_name: 'generate_ideas',
			status: 'running',
			attempts: 1,
			input: { cluster_ids: [ road ], ideas_per_cluster: 2 },
			credits_reserved: 2,
			output_summary: null,
			error: null,
			created_by: null,
			started_at: new Date(),
			finished_at: null,
		} );
		await api.services.credits.reserve( {
			accountId: tenant.accountId,
			jobId: `ai-run-${ run.id }`,
			amount: 2,
			description: 'test',
		} );
		// What bee-queue's stalled-job check does: deliver the job again.
		await worker.context.services.ai.execute( run.id );
		await worker.context.services.ai.execute( run.id );
		await run.reload();
		expect( run ).toMatchObject( {
			status: 'succeeded',
			attempts: 2,
			credits_charged: 1,
		} );
		expect( openai.received( 'chat' ) ).toHaveLength( 1 );
		expect(
			await api.models.Idea.count( {
				where: { title: 'Second attempt' },
			} )
		).toBe( 1 );
		expect( await closedLedger( apiApp, run.id ) ).toEqual( [
			[ 'reserve', -2 ],
			[ 'settle', 1 ],
		] );
	} );
} );
