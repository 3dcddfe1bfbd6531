import request from 'supertest';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import type { JobEvent } from '../src/queue';
import {
	AI_ENV,
	balance,
	closedLedger,
	expectOrderedStream,
	finished,
	grant,
	ledgerOf,
	promptOf,
	readEvents,
} from './ai-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * generate_content end to end: from `POST writer/tasks/generate_content/`
 * to the saved content and task, on real PostgreSQL with the bee-queue and
 * the inline drivers, the real `openai` client and the fake provider.
 * Priced at the default 4.5 credits per article + 0.1 per 1k tokens
 * (migration 0016): the fake's short articles come to 5 credits each. The
 * reservation covers each article's request at the server's answer cap
 * (8,000): 2 × 4,000 prompt + 3 × 8,000 answer tokens (one repair) = 3.2
 * credits more per article.
 */

const PER_ARTICLE = 5;
const reservedFor = ( articles: number ) =>
	Math.ceil( articles * ( 4.5 + 3.2 ) );

const article = ( title: string, extra: Record< string, unknown > = {} ) => ( {
	title,
	content_html: `<h2>Why ${ title }</h2><p>Trail shoes grip loose ground.</p><script>alert(1)</script><p onclick="x()">Pick a <a href="javascript:alert(1)">pair</a> that fits.</p>`,
	excerpt: `All about ${ title }.`,
	meta_description: `<b>Learn</b> about ${ title }`,
	categories: [ 'Running' ],
	tags: [ 'trail', 'shoes', 'Trail' ],
	...extra,
} );

async function addTask(
	cloud: TestCloud,
	tenant: Tenant,
	title: string,
	fields: Record< string, unknown > = {}
): Promise< number > {
	const response = await request( cloud.app )
		.post( '/api/v1/writer/tasks/' )
		.set( bearer( tenant.owner ) )
		.send( { sector_id: tenant.sectorId, title, ...fields } )
		.expect( 201 );
	return response.body.data.id;
}

async function addCluster( cloud: TestCloud, tenant: Tenant ) {
	const response = await request( cloud.app )
		.post( '/api/v1/planner/clusters/' )
		.set( bearer( tenant.owner ) )
		.send( {
			sector_id: tenant.sectorId,
			name: 'Trail running',
			description: 'Running off-road: shoes, technique, races',
		} )
		.expect( 201 );
	return response.body.data.id as number;
}

function start( cloud: TestCloud, tenant: Tenant, body: object ) {
	return request( cloud.app )
		.post( '/api/v1/writer/tasks/generate_content/' )
		.set( bearer( tenant.owner ) )
		.send( body );
}

describe.each( [
	{ db: 'postgres', queue: 'bee' },
	{ db: 'postgres', queue: 'inline' },
] as const )( 'generate_content on $db with the $queue queue', ( modes ) => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud( modes, AI_ENV( openai ) );
		tenant = await addTenant( cloud, `Writer ${ modes.queue }` );
		await grant( cloud, tenant, 100 );
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'writes one sanitized article per task, in the author voice, streaming progress in order', async () => {
		const cluster = await addCluster( cloud, tenant );
		const profile = await cloud.context.models.AuthorProfile.create( {
			account_id: tenant.accountId,
			name: `Coach ${ modes.queue }`,
			tone: 'warm and direct',
			audience: 'new trail runners',
			style: 'short paragraphs, second person',
			language: 'en',
		} );
		const shoes = await addTask( cloud, tenant, 'Choosing trail shoes', {
			brief: 'Cover grip, drop and fit.',
			target_keywords: [ 'trail running shoes', 'trail shoe fit' ],
			cluster_id: cluster,
		} );
		const race = await addTask( cloud, tenant, 'Your first trail race', {
			status: 'in_progress',
		} );
		openai.fallback( 'chat', ( req ) => ( {
			latencyMs: 300,
			content: promptOf( req.body ).includes( 'Choosing trail shoes' )
				? article( 'How to choose trail shoes' )
				: article( 'Your first trail race, step by step' ),
		} ) );
		const before = await balance( cloud, tenant );
		const started = await start( cloud, tenant, {
			ids: [ shoes, race, shoes ],
			author_profile_id: profile.id,
		} ).expect( 202 );
		const runId: number = started.body.data.run_id;
		const events = await readEvents( cloud, tenant, runId );
		expectOrderedStream( events, 'writing' );
		expect(
			events
				.filter( ( e ) => e.data.progress.stage === 'writing' )
				.map( ( e ) => e.data.progress.message )
		).toContain( 'Writing "Your first trail race" (2 of 2)' );

		// What the provider was asked: the task, its cluster, the target length and the voice.
		const chats = openai.received( 'chat' );
		expect( chats ).toHaveLength( 2 );
		const first = promptOf( chats[ 0 ]!.body );
		expect( first ).toContain( 'titled "Choosing trail shoes"' );
		expect( first ).toContain( 'Brief: Cover grip, drop and fit.' );
		expect( first ).toContain(
			'Target keywords: trail running shoes, trail shoe fit'
		);
		expect( first ).toContain(
			'Topic cluster: Trail running — Running off-road: shoes, technique, races'
		);
		expect( first ).toContain( 'about 1500 words' );
		expect( first ).toContain(
			'tone: warm and direct; audience: new trail runners; style: short paragraphs, second person'
		);
		expect( promptOf( chats[ 1 ]!.body ) ).toContain(
			'Topic cluster: (none) — (none)'
		);

		// The article: sanitized HTML, derived text and counts, excerpt, meta, terms.
		const { models } = cloud.context;
		const content = await models.Content.findOne( {
			where: { task_id: shoes },
		} );
		expect( content ).toMatchObject( {
			title: 'How to choose trail shoes',
			content_html:
				'<h2>Why How to choose trail shoes</h2><p>Trail shoes grip loose ground.</p><p>Pick a <a>pair</a> that fits.</p>',
			content_plain:
				'Why How to choose trail shoes\nTrail shoes grip loose ground.\nPick a pair that fits.',
			word_count: 16,
			excerpt: 'All about How to choose trail shoes.',
			meta_description: 'Learn about How to choose trail shoes',
			entity_type: 'post',
			sector_id: tenant.sectorId,
			sync_status: 'draft',
			taxonomies: {
				category: [ 'Running' ],
				post_tag: [ 'Trail', 'shoes' ],
			},
		} );
		// Both tasks are done: pending → completed and in_progress → completed.
		for ( const id of [ shoes, race ] ) {
			const task = await request( cloud.app )
				.get( `/api/v1/writer/tasks/${ id }/` )
				.set( bearer( tenant.owner ) )
				.expect( 200 );
			expect( task.body.data.status ).toBe( 'completed' );
			expect( task.body.data.content_id ).toEqual( expect.any( Number ) );
		}

		const run = await finished( cloud, tenant, runId );
		expect( run ).toMatchObject( {
			status: 'succeeded',
			function_name: 'generate_content',
			credits_reserved: reservedFor( 2 ),
			credits_charged: 2 * PER_ARTICLE,
			output_summary: { articles_written: 2 },
		} );
		expect( run.tokens_in ).toBeGreaterThan( 0 );
		expect( await closedLedger( cloud, runId ) ).toEqual( [
			[ 'reserve', -reservedFor( 2 ) ],
			[ 'settle', reservedFor( 2 ) - 2 * PER_ARTICLE ],
		] );
		expect( await balance( cloud, tenant ) ).toBe(
			before - 2 * PER_ARTICLE
		);

		// Again: the same content row is rewritten in place, never a second one.
		openai.reset();
		openai.fallback( 'chat', {
			content: article( 'Trail shoes, revised' ),
		} );
		const again = await start( cloud, tenant, { ids: [ shoes ] } ).expect(
			202
		);
		expect(
			( await finished( cloud, tenant, again.body.data.run_id ) ).status
		).toBe( 'succeeded' );
		const rows = await models.Content.findAll( {
			where: { task_id: shoes },
		} );
		expect( rows.map( ( r ) => [ r.id, r.title ] ) ).toEqual( [
			[ content!.id, 'Trail shoes, revised' ],
		] );
		// Without a profile named, the account has no default: the voice is "not set".
		expect( promptOf( openai.received( 'chat' )[ 0 ]!.body ) ).toContain(
			'tone: (not set)'
		);
	} );

	it( 'cancels mid-call: no content, the task unchanged, the credits back', async () => {
		const task = await addTask( cloud, tenant, 'Never written' );
		openai.fallback( 'chat', {
			latencyMs: 10_000,
			content: article( 'Never saved' ),
		} );
		const before = await balance( cloud, tenant );
		const outcomes: JobEvent[] = [];
		const off = cloud.context.queue.onEvent( ( e ) => outcomes.push( e ) );
		const started = await start( cloud, tenant, { ids: [ task ] } ).expect(
			202
		);
		const runId: number = started.body.data.run_id;
		const stream = readEvents( cloud, tenant, runId );
		await waitFor( () =>
			openai.received( 'chat' ).length === 1 ? true : undefined
		);
		expect( await balance( cloud, tenant ) ).toBe(
			before - reservedFor( 1 )
		);
		await request( cloud.app )
			.post( `/api/v1/system/ai-runs/${ runId }/cancel/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		const events = await stream;
		expect( events.at( -1 ) ).toMatchObject( {
			event: 'done',
			data: { status: 'cancelled' },
		} );
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
		off();
		expect( openai.received( 'chat' )[ 0 ]!.abandonedAt ).toBeDefined();
		const { models } = cloud.context;
		expect(
			await models.Content.count( { where: { task_id: task } } )
		).toBe( 0 );
		expect( ( await models.Task.findByPk( task ) )!.status ).toBe(
			'pending'
		);
		expect( await closedLedger( cloud, runId ) ).toEqual( [
			[ 'reserve', -reservedFor( 1 ) ],
			[ 'refund', reservedFor( 1 ) ],
		] );
		expect( await balance( cloud, tenant ) ).toBe( before );
	} );
} );

describe( 'generate_content when the provider misbehaves (bee queue)', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			AI_ENV( openai )
		);
		tenant = await addTenant( cloud, 'Flaky writer' );
		await grant( cloud, tenant, 50 );
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'rides out a 429 (honouring Retry-After) and charges once', async () => {
		const task = await addTask( cloud, tenant, 'Rate limited' );
		openai.script(
			'chat',
			{ status: 429, retryAfter: '1', message: 'Slow down' },
			{ content: article( 'After the rate limit' ) }
		);
		const before = await balance( cloud, tenant );
		const started = await start( cloud, tenant, { ids: [ task ] } ).expect(
			202
		);
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run ).toMatchObject( {
			status: 'succeeded',
			credits_charged: PER_ARTICLE,
		} );
		const chats = openai.received( 'chat' );
		expect( chats ).toHaveLength( 2 );
		// Retry-After: 1 (seconds) was waited out before the second request.
		expect( chats[ 1 ]!.at - chats[ 0 ]!.at ).toBeGreaterThanOrEqual( 950 );
		expect( await closedLedger( cloud, run.id ) ).toEqual( [
			[ 'reserve', -reservedFor( 1 ) ],
			[ 'settle', reservedFor( 1 ) - PER_ARTICLE ],
		] );
		expect( await balance( cloud, tenant ) ).toBe( before - PER_ARTICLE );
		expect(
			await cloud.context.models.Content.count( {
				where: { task_id: task },
			} )
		).toBe( 1 );
	} );

	it( 'fails after repeated 500s, refunds every credit and leaves the task as it was', async () => {
		const task = await addTask( cloud, tenant, 'Upstream broke' );
		openai.fallback( 'chat', { status: 500, message: 'Upstream broke' } );
		const before = await balance( cloud, tenant );
		const started = await start( cloud, tenant, { ids: [ task ] } ).expect(
			202
		);
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'failed' );
		expect( run.error ).toMatch( /answered 500.*after 3 attempts/ );
		expect( openai.received( 'chat' ) ).toHaveLength( 3 );
		expect( await closedLedger( cloud, run.id ) ).toEqual( [
			[ 'reserve', -reservedFor( 1 ) ],
			[ 'refund', reservedFor( 1 ) ],
		] );
		expect( await balance( cloud, tenant ) ).toBe( before );
		const { models } = cloud.context;
		expect(
			await models.Content.count( { where: { task_id: task } } )
		).toBe( 0 );
		expect( ( await models.Task.findByPk( task ) )!.status ).toBe(
			'pending'
		);
	} );

	it( 'sends an article without text back once with the reason, then saves the repair', async () => {
		const task = await addTask( cloud, tenant, 'Needs a repair' );
		openai.script(
			'chat',
			{
				content: article( 'Only a script', {
					content_html: '<script>alert(1)</script>',
				} ),
			},
			{ content: article( 'Repaired article' ) }
		);
		const started = await start( cloud, tenant, { ids: [ task ] } ).expect(
			202
		);
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		const chats = openai.received( 'chat' );
		expect( chats ).toHaveLength( 2 );
		const repair = chats[ 1 ]!.body.messages as {
			role: string;
			content: string;
		}[];
		expect( repair.at( -1 )!.content ).toMatch(
			/^That answer is invalid: content_html: the article HTML has no text/
		);
		const content = await cloud.context.models.Content.findOne( {
			where: { task_id: task },
		} );
		expect( content!.title ).toBe( 'Repaired article' );
		expect( await ledgerOf( cloud, run.id ) ).toHaveLength( 2 );
	} );

	it( 'refuses bad requests before any charge or provider call', async () => {
		const other = await addTenant( cloud, 'Other writer' );
		const theirs = await addTask( cloud, other, 'Not yours' );
		const published = await addTask( cloud, tenant, 'Live post', {
			status: 'published',
		} );
		const before = await balance( cloud, tenant );
		const refused = await start( cloud, tenant, {
			ids: [ theirs, published ],
		} ).expect( 400 );
		expect( refused.body ).toMatchObject( {
			success: false,
			errors: {
				ids: [
					`task ${ theirs } does not exist`,
					`task ${ published } is published: move it back to completed to rewrite it`,
				],
			},
		} );
		const badProfile = await start( cloud, tenant, {
			ids: [ await addTask( cloud, tenant, 'Fine' ) ],
			author_profile_id: 999_999,
		} ).expect( 400 );
		expect( badProfile.body.errors ).toEqual( {
			author_profile_id: [ 'author profile 999999 does not exist' ],
		} );
		const empty = await start( cloud, tenant, { ids: [] } ).expect( 400 );
		expect( empty.body.errors.ids ).toEqual( [ 'name at least one task' ] );
		expect( openai.requests ).toHaveLength( 0 );
		expect( await balance( cloud, tenant ) ).toBe( before );
	} );
} );
