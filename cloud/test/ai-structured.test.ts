import request from 'supertest';
import { Op } from 'sequelize';
import {
	JSON_SCHEMA_REFUSALS,
	startFakeOpenAI,
	type FakeOpenAI,
	type FakeRequest,
} from '@igny8/test-harness';
import { createApp } from '../src/app';
import { boot, shutdown } from '../src/boot';
import type { AppContext } from '../src/context';
import { createLogger } from '../src/logger';
import { AI_ENV, balance, closedLedger, finished, grant } from './ai-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type Modes, type TestCloud } from './support';

/**
 * Structured AI answers end to end, for every function that asks for one:
 * generate_ideas, auto_cluster by `llm`, the naming step of auto_cluster by
 * `embeddings`, generate_image_prompts and generate_content. Against the
 * fake provider (real `openai` client, real HTTP), on real PostgreSQL with
 * bee-queue, and on PGlite with the inline queue:
 *
 * (a) a provider with json_schema: asked with the strict schema, succeeds,
 *     charged once;
 * (b) a provider with JSON mode only (it answers json_schema requests with a
 *     real provider's 400): the same call goes out again at once in JSON
 *     mode, succeeds, charged once, and the account's next run asks in JSON
 *     mode straight away;
 * (c) a wrong shape once, then a right one — in either mode: succeeds,
 *     charged once;
 * (d) always a wrong shape — in either mode: fails saying what was missing,
 *     in words, and the reservation is refunded.
 */

type Setup = {
	path: string;
	body: object;
	/** What the function saved so far, as text: unchanged by a failed run. */
	state(): Promise< string[] >;
};

type Case = {
	fn: string;
	/** `response_format.json_schema.name`. */
	format: string;
	/** Which provider's refusal of json_schema this case meets. */
	refusal: keyof typeof JSON_SCHEMA_REFUSALS;
	setup( cloud: TestCloud, tenant: Tenant ): Promise< Setup >;
	/** The provider's other endpoints, when the function uses them. */
	prime?( openai: FakeOpenAI ): void;
	/**
	 * A right answer to this request. Strict-style for a json_schema request
	 * (every key, null where there is nothing), JSON-mode style otherwise
	 * (optional keys left out): both must be read the same.
	 */
	right( request: FakeRequest ): object;
	/** A slightly different shape, as a model gets it wrong. */
	wrong: object;
	/** Appears in what was saved after a successful run. */
	marker: string;
	/** The run's error when the answer stays wrong. */
	message: string;
};

const strictRequest = ( request: FakeRequest ) =>
	request.body.response_format?.type === 'json_schema';

/** What a strict model sends for "nothing": null; a JSON-mode one leaves the key out. */
const optional = ( request: FakeRequest, key: string, value: unknown ) =>
	strictRequest( request ) ? { [ key ]: value } : {};

/** The numbered lines of the prompt (its first user message: a correction follows it). */
const numbered = ( request: FakeRequest ) =>
	[
		...( request.body.messages as { role: string; content: string }[] )
			.find( ( m ) => m.role === 'user' )!
			.content.matchAll( /^(\d+)\. (.+)$/gm ),
	].map( ( m ) => ( { n: Number( m[ 1 ] ), text: m[ 2 ]! } ) );

const topicOf = ( keyword: string ) => keyword.split( ' ' )[ 0 ]!;

async function post(
	cloud: TestCloud,
	tenant: Tenant,
	path: string,
	body: object
) {
	const response = await request( cloud.app )
		.post( `/api/v1${ path }` )
		.set( bearer( tenant.owner ) )
		.send( body );
	expect( [ response.status, response.body.error ] ).toEqual( [
		201,
		undefined,
	] );
	return response.body.data;
}

/** A sector of its own, with these keywords; their ids in order. */
async function keywordsIn(
	cloud: TestCloud,
	tenant: Tenant,
	name: string,
	keywords: string[]
) {
	const sector = await cloud.context.models.Sector.create( {
		account_id: tenant.accountId,
		site_id: tenant.siteId,
		name,
		industry_sector_id: null,
	} );
	const sectorId = Number( sector.id );
	const created = await post(
		cloud,
		tenant,
		'/planner/keywords/bulk_create/',
		{
			sector_id: sectorId,
			keywords: keywords.map( ( keyword ) => ( { keyword } ) ),
		}
	);
	const ids = keywords.map(
		( k ) =>
			created.created.find(
				( c: { keyword: string } ) => c.keyword === k
			).id as number
	);
	return { sectorId, ids };
}

/** The sector's clusters that have keywords, as `id name: keywords`. */
async function clustersOf( cloud: TestCloud, sectorId: number ) {
	const { models } = cloud.context;
	const clusters = await models.Cluster.findAll( {
		where: { sector_id: sectorId },
		order: [ [ 'id', 'ASC' ] ],
	} );
	const links = await models.ClusterKeyword.findAll( {
		where: { cluster_id: { [ Op.in ]: clusters.map( ( c ) => c.id ) } },
	} );
	return clusters
		.map( ( c ) => ( {
			c,
			members: links
				.filter( ( l ) => Number( l.cluster_id ) === Number( c.id ) )
				.map( ( l ) => Number( l.keyword_id ) )
				.sort( ( a, b ) => a - b ),
		} ) )
		.filter( ( { members } ) => members.length > 0 )
		.map(
			( { c, members } ) =>
				`${ c.id } ${ c.name }: ${ members.join( ',' ) }`
		);
}

const CLUSTER_KEYWORDS = [
	'trail running shoes',
	'trail running races',
	'sourdough starter recipe',
	'sourdough baking tips',
];

/** Keywords of one topic point one way; a little wobble so none are identical. */
const topicVector = ( text: string ) => [
	topicOf( text ) === 'trail' ? 1 : 0,
	topicOf( text ) === 'trail' ? 0 : 1,
	( text.length % 7 ) * 0.01,
];

const tail =
	'even after it was asked to correct it. Nothing was charged: try again, or choose another text model in System → AI settings.';

const CASES: Case[] = [
	{
		fn: 'generate_ideas',
		format: 'content_ideas',
		refusal: 'openai',
		async setup( cloud, tenant ) {
			const keyword = await post( cloud, tenant, '/planner/keywords/', {
				sector_id: tenant.sectorId,
				keyword: 'trail running shoes',
				search_volume: 900,
			} );
			const cluster = await post( cloud, tenant, '/planner/clusters/', {
				sector_id: tenant.sectorId,
				name: 'Trail running',
				description: 'Running off-road',
				keyword_ids: [ keyword.id ],
			} );
			return {
				path: '/planner/clusters/generate_ideas/',
				body: { ids: [ cluster.id ], ideas_per_cluster: 2 },
				state: async () =>
					(
						await cloud.context.models.Idea.findAll( {
							where: { cluster_id: cluster.id },
							order: [ [ 'id', 'ASC' ] ],
						} )
					).map( ( i ) => `${ i.id } ${ i.title }` ),
			};
		},
		right: ( req ) => ( {
			ideas: [ 'Trail shoes that last', 'Your first trail race' ].map(
				( title ) => ( {
					title,
					...optional( req, 'description', null ),
					...optional( req, 'content_type', null ),
					target_word_count: 1200,
					suggested_keywords: [ 'trail running shoes' ],
				} )
			),
		} ),
		wrong: {
			ideas: [ { name: 'Trail shoes that last', summary: 'Grip' } ],
		},
		marker: 'Trail shoes that last',
		message: `The model's answer had no usable ideas, ${ tail }`,
	},
	{
		fn: 'auto_cluster (llm)',
		format: 'keyword_clusters',
		refusal: 'azure',
		async setup( cloud, tenant ) {
			const { sectorId, ids } = await keywordsIn(
				cloud,
				tenant,
				'LLM clustering',
				CLUSTER_KEYWORDS
			);
			return {
				path: '/planner/keywords/auto_cluster/',
				body: { ids, method: 'llm', min_cluster_size: 1 },
				state: () => clustersOf( cloud, sectorId ),
			};
		},
		right: ( req ) => {
			const byTopic = new Map< string, number[] >();
			for ( const line of numbered( req ) ) {
				const topic = topicOf( line.text );
				byTopic.set( topic, [
					...( byTopic.get( topic ) ?? [] ),
					line.n,
				] );
			}
			return {
				clusters: [ ...byTopic ].map( ( [ topic, keywords ] ) => ( {
					name:
						topic === 'trail'
							? 'Trail running'
							: 'Sourdough baking',
					...optional( req, 'description', null ),
					keywords,
				} ) ),
			};
		},
		wrong: {
			clusters: [
				{ title: 'Trail running', keywords: [ 'trail running shoes' ] },
			],
		},
		marker: 'Trail running',
		message: `The model's answer did not sort the keywords into clusters, ${ tail }`,
	},
	{
		fn: 'auto_cluster (embeddings: naming)',
		format: 'cluster_names',
		refusal: 'deepseek',
		async setup( cloud, tenant ) {
			const { sectorId, ids } = await keywordsIn(
				cloud,
				tenant,
				'Embeddings clustering',
				CLUSTER_KEYWORDS
			);
			return {
				path: '/planner/keywords/auto_cluster/',
				body: { ids, method: 'embeddings', min_cluster_size: 2 },
				state: () => clustersOf( cloud, sectorId ),
			};
		},
		prime: ( openai ) =>
			openai.fallback( 'embeddings', ( req ) => ( {
				vectors: ( req.body.input as string[] ).map( topicVector ),
			} ) ),
		right: ( req ) => ( {
			clusters: numbered( req ).map( ( line ) => ( {
				number: line.n,
				name: `Topic ${ topicOf( line.text ) }`,
				...optional( req, 'description', null ),
			} ) ),
		} ),
		wrong: { names: [ 'Topic trail', 'Topic sourdough' ] },
		marker: 'Topic trail',
		message: `The model's answer did not name the clusters, ${ tail }`,
	},
	{
		fn: 'generate_image_prompts',
		format: 'image_prompts',
		refusal: 'deepseek422',
		async setup( cloud, tenant ) {
			const task = await post( cloud, tenant, '/writer/tasks/', {
				sector_id: tenant.sectorId,
				title: 'Trail shoes',
			} );
			const content = await post( cloud, tenant, '/writer/content/', {
				sector_id: tenant.sectorId,
				task_id: task.id,
				title: 'Trail shoes',
				content_html: '<h2>Grip</h2><p>Lugs bite into mud.</p>',
			} );
			return {
				path: '/writer/tasks/generate_image_prompts/',
				body: { ids: [ task.id ], in_article_images: 1 },
				state: async () =>
					(
						await cloud.context.models.Image.findAll( {
							where: { content_id: content.id },
							order: [ [ 'id', 'ASC' ] ],
						} )
					).map( ( i ) => `${ i.id } ${ i.position } ${ i.prompt }` ),
			};
		},
		right: () => ( {
			featured: {
				prompt: 'A trail runner on a misty ridge at dawn',
				alt_text: 'A runner on a ridge',
			},
			in_article: [
				{
					prompt: 'Close-up of muddy shoe lugs on a forest path',
					alt_text: 'Muddy shoe soles',
				},
			],
		} ),
		wrong: {
			featured_image: { prompt: 'A trail runner', alt: 'Runner' },
			images: [],
		},
		marker: 'A trail runner on a misty ridge at dawn',
		message: `The model's answer had no usable image prompts, ${ tail }`,
	},
	{
		fn: 'generate_content',
		format: 'article',
		refusal: 'groq',
		async setup( cloud, tenant ) {
			const task = await post( cloud, tenant, '/writer/tasks/', {
				sector_id: tenant.sectorId,
				title: 'Choosing trail shoes',
			} );
			return {
				path: '/writer/tasks/generate_content/',
				body: { ids: [ task.id ] },
				state: async () => {
					const content = await cloud.context.models.Content.findOne(
						{
							where: { task_id: task.id },
						}
					);
					return content
						? [
								content.title,
								content.content_html,
								String( content.attributes.generated_by_run ),
							]
						: [];
				},
			};
		},
		right: ( req ) => ( {
			title: 'How to choose trail shoes',
			content_html: '<h2>Grip</h2><p>Deep lugs hold on mud.</p>',
			...optional( req, 'excerpt', null ),
			...optional( req, 'meta_description', null ),
			categories: [ 'Running' ],
			...optional( req, 'tags', null ),
		} ),
		wrong: { headline: 'How to choose trail shoes', body: '<p>Grip.</p>' },
		marker: 'How to choose trail shoes',
		message: `The model's answer did not contain the article, ${ tail }`,
	},
];

const BOOT_TIMEOUT_MS = 120_000;

const MODES: Modes[] = [
	{ db: 'postgres', queue: 'bee' },
	{ db: 'pglite', queue: 'inline' },
];

const typesOf = ( chats: FakeRequest[] ) =>
	chats.map( ( c ) => c.body.response_format?.type );

describe.each( MODES )(
	'structured answers on $db with the $queue queue',
	( modes ) => {
		let openai: FakeOpenAI;
		let cloud: TestCloud;

		// Migrating an embedded PGlite takes a while on a busy machine.
		beforeAll( async () => {
			openai = await startFakeOpenAI();
			cloud = await startTestCloud( modes, AI_ENV( openai ) );
		}, BOOT_TIMEOUT_MS );
		afterAll( async () => {
			await cloud?.stop();
			await openai?.close();
		} );

		/** Starts one run and waits for its end: the run, its ledger, what it cost, what was asked. */
		async function runOnce( tenant: Tenant, setup: Setup ) {
			const before = await balance( cloud, tenant );
			const started = await request( cloud.app )
				.post( `/api/v1${ setup.path }` )
				.set( bearer( tenant.owner ) )
				.send( setup.body )
				.expect( 202 );
			const run = await finished(
				cloud,
				tenant,
				started.body.data.run_id
			);
			return {
				run,
				ledger: await closedLedger( cloud, run.id ),
				spent: before - ( await balance( cloud, tenant ) ),
				chats: openai.received( 'chat' ),
			};
		}

		/** Succeeded and charged once: one reservation, one settlement, the balance down by the charge. */
		function expectChargedOnce(
			outcome: Awaited< ReturnType< typeof runOnce > >
		) {
			const { run, ledger, spent } = outcome;
			expect( [ run.status, run.error ] ).toEqual( [
				'succeeded',
				null,
			] );
			expect( run.credits_charged ).toBeGreaterThan( 0 );
			expect( ledger ).toEqual( [
				[ 'reserve', -run.credits_reserved ],
				[ 'settle', run.credits_reserved - run.credits_charged ],
			] );
			expect( spent ).toBe( run.credits_charged );
		}

		describe.each( CASES )( '$fn', ( c ) => {
			/** Its provider takes json_schema. */
			let strict: { tenant: Tenant; setup: Setup };
			/** Its provider refuses json_schema (the account's runs learn to use JSON mode). */
			let jsonOnly: { tenant: Tenant; setup: Setup };

			beforeAll( async () => {
				for ( const role of [ 'strict', 'json only' ] ) {
					const tenant = await addTenant(
						cloud,
						`${ c.fn } ${ role } ${ modes.db }`
					);
					await grant( cloud, tenant, 200 );
					const made = {
						tenant,
						setup: await c.setup( cloud, tenant ),
					};
					if ( role === 'strict' ) {
						strict = made;
					} else {
						jsonOnly = made;
					}
				}
			} );
			beforeEach( () => {
				openai.reset();
				c.prime?.( openai );
			} );

			it( '(a) asks with the strict schema and saves the answer, charged once', async () => {
				const before = await strict.setup.state();
				openai.fallback( 'chat', ( req ) => ( {
					content: c.right( req ),
				} ) );
				const outcome = await runOnce( strict.tenant, strict.setup );
				expectChargedOnce( outcome );
				const [ chat, ...others ] = outcome.chats;
				expect( others ).toEqual( [] );
				expect( chat!.body.response_format ).toMatchObject( {
					type: 'json_schema',
					json_schema: {
						name: c.format,
						strict: true,
						schema: { type: 'object', additionalProperties: false },
					},
				} );
				// The format carries the schema: the prompt does not repeat it.
				expect( JSON.stringify( chat!.body.messages ) ).not.toContain(
					'JSON Schema'
				);
				const after = await strict.setup.state();
				expect( after ).not.toEqual( before );
				expect( after.join( '\n' ) ).toContain( c.marker );
			} );

			it( `(b) meets a provider without json_schema (${ c.refusal }): JSON mode at once, charged once, and remembered`, async () => {
				openai.refuseJsonSchema( JSON_SCHEMA_REFUSALS[ c.refusal ] );
				openai.fallback( 'chat', ( req ) => ( {
					content: c.right( req ),
				} ) );
				const before = await jsonOnly.setup.state();
				const first = await runOnce( jsonOnly.tenant, jsonOnly.setup );
				expectChargedOnce( first );
				// Refused, then the same call again in JSON mode, with the schema in the prompt.
				expect( typesOf( first.chats ) ).toEqual( [
					'json_schema',
					'json_object',
				] );
				const [ refused, asked ] = first.chats;
				expect( asked!.body.messages.slice( 1 ) ).toEqual(
					refused!.body.messages.slice( 1 )
				);
				expect( asked!.body.messages[ 0 ].content ).toContain(
					'JSON Schema'
				);
				const after = await jsonOnly.setup.state();
				expect( after ).not.toEqual( before );
				expect( after.join( '\n' ) ).toContain( c.marker );

				// The account's settings show what was found out.
				const settings = await request( cloud.app )
					.get( '/api/v1/system/settings/ai/' )
					.set( bearer( jsonOnly.tenant.owner ) )
					.expect( 200 );
				expect( settings.body.data ).toMatchObject( {
					structured_output: 'auto',
					structured_output_detected: [
						{
							model: 'gpt-4o-mini',
							mode: 'json_mode',
							reason: JSON_SCHEMA_REFUSALS[ c.refusal ].message,
						},
					],
					effective: { structured_output: 'json_mode' },
				} );

				// The next run asks in JSON mode straight away.
				openai.reset();
				c.prime?.( openai );
				openai.refuseJsonSchema( JSON_SCHEMA_REFUSALS[ c.refusal ] );
				openai.fallback( 'chat', ( req ) => ( {
					content: c.right( req ),
				} ) );
				const next = await runOnce( jsonOnly.tenant, jsonOnly.setup );
				expectChargedOnce( next );
				expect( typesOf( next.chats ) ).toEqual( [ 'json_object' ] );
			} );

			describe.each( [
				{ way: 'json_schema', type: 'json_schema' },
				{ way: 'JSON mode', type: 'json_object' },
			] )( 'asked with $way', ( { type } ) => {
				const account = () =>
					type === 'json_schema' ? strict : jsonOnly;
				beforeEach( () => {
					if ( type === 'json_object' ) {
						openai.refuseJsonSchema(
							JSON_SCHEMA_REFUSALS[ c.refusal ]
						);
					}
				} );

				it( '(c) sends a wrong shape back once with the problem, then saves the right one, charged once', async () => {
					const before = await account().setup.state();
					openai.script( 'chat', { content: c.wrong }, ( req ) => ( {
						content: c.right( req ),
					} ) );
					const outcome = await runOnce(
						account().tenant,
						account().setup
					);
					expectChargedOnce( outcome );
					expect( typesOf( outcome.chats ) ).toEqual( [
						type,
						type,
					] );
					const repair = outcome.chats[ 1 ]!.body.messages as {
						role: string;
						content: string;
					}[];
					expect( repair.at( -2 ) ).toEqual( {
						role: 'assistant',
						content: JSON.stringify( c.wrong ),
					} );
					expect( repair.at( -1 )!.content ).toMatch(
						/^That answer is invalid: .+\. Reply again with only the corrected JSON object\.$/
					);
					const after = await account().setup.state();
					expect( after ).not.toEqual( before );
					expect( after.join( '\n' ) ).toContain( c.marker );
				} );

				it( '(d) fails saying what was missing when the shape stays wrong, and refunds the reservation', async () => {
					const before = await account().setup.state();
					openai.fallback( 'chat', { content: c.wrong } );
					const { run, ledger, spent, chats } = await runOnce(
						account().tenant,
						account().setup
					);
					expect( run.status ).toBe( 'failed' );
					expect( run.error ).toBe( c.message );
					expect( run.credits_charged ).toBe( 0 );
					expect( ledger ).toEqual( [
						[ 'reserve', -run.credits_reserved ],
						[ 'refund', run.credits_reserved ],
					] );
					expect( spent ).toBe( 0 );
					// Asked, corrected once, given up: nothing saved.
					expect( typesOf( chats ) ).toEqual( [ type, type ] );
					expect( await account().setup.state() ).toEqual( before );
					// What the calls cost is still on the run.
					expect( run.tokens_in ).toBeGreaterThan( 0 );
				} );
			} );
		} );
	}
);

describe( 'the structured output setting (bee queue, an API process and a worker process)', () => {
	let openai: FakeOpenAI;
	/** Runs the workers. */
	let worker: TestCloud;
	/** API only: knows what the worker found out only through the database. */
	let api: AppContext;
	let apiCloud: TestCloud;
	const ideas = CASES[ 0 ]!;
	const content = CASES[ 4 ]!;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		worker = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			// A second text model the operator offers on its key (security-models.test.ts).
			{ ...AI_ENV( openai ), IGNY8_AI_ALLOWED_MODELS: 'gpt-4.1-mini' }
		);
		api = await boot(
			worker.context.config,
			createLogger( worker.context.config.logLevel )
		);
		apiCloud = {
			context: api,
			app: createApp( api ),
			stop: async () => {},
		};
	}, BOOT_TIMEOUT_MS );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		if ( api ) {
			await shutdown( api );
		}
		await worker?.stop();
		await openai?.close();
	} );

	async function tenantWith( name: string, c: Case ) {
		const tenant = await addTenant( apiCloud, name );
		await grant( apiCloud, tenant, 200 );
		return { tenant, setup: await c.setup( apiCloud, tenant ) };
	}

	async function runOnce( tenant: Tenant, setup: Setup ) {
		const started = await request( apiCloud.app )
			.post( `/api/v1${ setup.path }` )
			.set( bearer( tenant.owner ) )
			.send( setup.body )
			.expect( 202 );
		const run = await finished(
			apiCloud,
			tenant,
			started.body.data.run_id
		);
		await closedLedger( apiCloud, run.id );
		return { run, chats: openai.received( 'chat' ) };
	}

	const settingsOf = async ( tenant: Tenant ) =>
		(
			await request( apiCloud.app )
				.get( '/api/v1/system/settings/ai/' )
				.set( bearer( tenant.owner ) )
				.expect( 200 )
		).body.data;

	const put = ( tenant: Tenant, body: object ) =>
		request( apiCloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( tenant.owner ) )
			.send( body );

	it( 'remembers a refusal per account and model, shows it, and forgets it when the setting is chosen again', async () => {
		const learner = await tenantWith( 'Learner', ideas );
		const bystander = await tenantWith( 'Bystander', ideas );
		openai.fallback( 'chat', ( req ) => ( {
			content: ideas.right( req ),
		} ) );
		openai.refuseJsonSchema();
		const first = await runOnce( learner.tenant, learner.setup );
		expect( first.run.status ).toBe( 'succeeded' );
		expect( typesOf( first.chats ) ).toEqual( [
			'json_schema',
			'json_object',
		] );
		expect( first.chats[ 0 ]!.body.model ).toBe( 'gpt-4o-mini' );

		// The API process shows what the worker found out.
		const shown = await settingsOf( learner.tenant );
		expect( shown.structured_output_detected ).toEqual( [
			{
				model: 'gpt-4o-mini',
				mode: 'json_mode',
				reason: JSON_SCHEMA_REFUSALS.openai.message,
				detected_at: expect.any( String ),
			},
		] );
		expect( shown.effective.structured_output ).toBe( 'json_mode' );

		// Another account on the same endpoint and model finds out for itself.
		openai.reset();
		openai.fallback( 'chat', ( req ) => ( {
			content: ideas.right( req ),
		} ) );
		const other = await runOnce( bystander.tenant, bystander.setup );
		expect( other.run.status ).toBe( 'succeeded' );
		expect( typesOf( other.chats ) ).toEqual( [ 'json_schema' ] );
		expect(
			( await settingsOf( bystander.tenant ) ).structured_output_detected
		).toEqual( [
			{
				model: 'gpt-4o-mini',
				mode: 'json_schema',
				reason: null,
				detected_at: expect.any( String ),
			},
		] );

		// What was learnt is about gpt-4o-mini: another model of the learner's is asked with json_schema.
		await put( learner.tenant, { text_model: 'gpt-4.1-mini' } ).expect(
			200
		);
		expect(
			( await settingsOf( learner.tenant ) ).effective.structured_output
		).toBe( 'json_schema' );
		openai.reset();
		openai.fallback( 'chat', ( req ) => ( {
			content: ideas.right( req ),
		} ) );
		const otherModel = await runOnce( learner.tenant, learner.setup );
		expect( typesOf( otherModel.chats ) ).toEqual( [ 'json_schema' ] );
		expect( otherModel.chats[ 0 ]!.body.model ).toBe( 'gpt-4.1-mini' );

		// Choosing automatic again starts over: nothing remembered, json_schema first.
		await put( learner.tenant, { text_model: null } ).expect( 200 );
		const reset = await put( learner.tenant, {
			structured_output: 'auto',
		} ).expect( 200 );
		expect( reset.body.data ).toMatchObject( {
			structured_output: 'auto',
			structured_output_detected: [],
			effective: { structured_output: 'json_schema' },
		} );
		openai.reset();
		openai.fallback( 'chat', ( req ) => ( {
			content: ideas.right( req ),
		} ) );
		const again = await runOnce( learner.tenant, learner.setup );
		expect( typesOf( again.chats ) ).toEqual( [ 'json_schema' ] );
	} );

	it( 'asks every later call of the same run in JSON mode once the first was refused', async () => {
		const { tenant, setup } = await tenantWith( 'Two clusters', ideas );
		const second = await post( apiCloud, tenant, '/planner/clusters/', {
			sector_id: tenant.sectorId,
			name: 'Road racing',
		} );
		const body = setup.body as { ids: number[] };
		openai.refuseJsonSchema( JSON_SCHEMA_REFUSALS.azure );
		openai.fallback( 'chat', ( req ) => ( {
			content: ideas.right( req ),
		} ) );
		const { run, chats } = await runOnce( tenant, {
			...setup,
			body: { ...body, ids: [ ...body.ids, second.id ] },
		} );
		expect( run ).toMatchObject( {
			status: 'succeeded',
			output_summary: { ideas_created: 4 },
		} );
		expect( typesOf( chats ) ).toEqual( [
			'json_schema',
			'json_object',
			'json_object',
		] );
	} );

	it( 'asks in JSON mode from the start when the account chooses it', async () => {
		const chooser = await tenantWith( 'JSON mode chooser', ideas );
		const saved = await put( chooser.tenant, {
			structured_output: 'json_mode',
		} ).expect( 200 );
		expect( saved.body.data ).toMatchObject( {
			structured_output: 'json_mode',
			effective: { structured_output: 'json_mode' },
		} );
		openai.fallback( 'chat', ( req ) => ( {
			content: ideas.right( req ),
		} ) );
		const { run, chats } = await runOnce( chooser.tenant, chooser.setup );
		expect( run.status ).toBe( 'succeeded' );
		expect( typesOf( chats ) ).toEqual( [ 'json_object' ] );
		// An explicit choice is not overwritten by what runs see.
		expect(
			( await settingsOf( chooser.tenant ) ).structured_output_detected
		).toEqual( [] );
	} );

	it( 'does not fall back when the account chose json_schema: the run fails saying what to change, refunded', async () => {
		const chooser = await tenantWith( 'Strict chooser', ideas );
		await put( chooser.tenant, {
			structured_output: 'json_schema',
		} ).expect( 200 );
		openai.refuseJsonSchema();
		openai.fallback( 'chat', ( req ) => ( {
			content: ideas.right( req ),
		} ) );
		const before = await balance( apiCloud, chooser.tenant );
		const { run, chats } = await runOnce( chooser.tenant, chooser.setup );
		expect( run.status ).toBe( 'failed' );
		expect( run.error ).toBe(
			`The AI provider does not take structured output (json_schema) for this model: ${ JSON_SCHEMA_REFUSALS.openai.message }. Set "Structured output" to automatic or JSON mode in System → AI settings.`
		);
		expect( typesOf( chats ) ).toEqual( [ 'json_schema' ] );
		expect( await balance( apiCloud, chooser.tenant ) ).toBe( before );
		expect(
			( await settingsOf( chooser.tenant ) ).structured_output_detected
		).toEqual( [] );
	} );

	it( 'refuses a setting it does not know, in the envelope, and changes nothing', async () => {
		const chooser = await tenantWith( 'Typo', ideas );
		const before = await settingsOf( chooser.tenant );
		const refused = await put( chooser.tenant, {
			structured_output: 'strict',
		} ).expect( 400 );
		expect( refused.body ).toMatchObject( {
			success: false,
			errors: { structured_output: [ expect.any( String ) ] },
			request_id: expect.any( String ),
		} );
		expect( await settingsOf( chooser.tenant ) ).toEqual( before );
	} );

	it( 'saves the same article from a strict answer and from a JSON-mode answer', async () => {
		const strictWriter = await tenantWith( 'Strict writer', content );
		const jsonWriter = await tenantWith( 'JSON writer', content );
		await put( jsonWriter.tenant, {
			structured_output: 'json_mode',
		} ).expect( 200 );
		const articles = [];
		for ( const writer of [ strictWriter, jsonWriter ] ) {
			openai.reset();
			openai.fallback( 'chat', ( req ) => ( {
				content: content.right( req ),
			} ) );
			const { run, chats } = await runOnce( writer.tenant, writer.setup );
			expect( run.status ).toBe( 'succeeded' );
			// Strict: nulls for the fields it has nothing for; JSON mode: those keys left out.
			const answered = JSON.parse(
				JSON.stringify( content.right( chats[ 0 ]! ) )
			);
			expect( 'excerpt' in answered ).toBe( writer === strictWriter );
			const row = await api.models.Content.findOne( {
				where: { id: run.output_summary.content[ 0 ].content_id },
			} );
			const {
				title,
				content_html,
				content_plain,
				word_count,
				excerpt,
				meta_description,
				taxonomies,
			} = row!.get( { plain: true } );
			articles.push( {
				title,
				content_html,
				content_plain,
				word_count,
				excerpt,
				meta_description,
				taxonomies,
			} );
		}
		expect( articles[ 0 ] ).toEqual( articles[ 1 ] );
		expect( articles[ 0 ] ).toMatchObject( {
			title: 'How to choose trail shoes',
			excerpt: 'Grip Deep lugs hold on mud.',
			taxonomies: { category: [ 'Running' ], post_tag: [] },
		} );
	} );
} );
