import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { AI_FUNCTIONS } from '@igny8/shared-types';
import { AI_DEFAULTS, tokenWeight } from '../src/modules/ai/defaults';
import { creditsFor, type Price } from '../src/modules/billing/prices';
import { addContent, addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * Prices per plan: the reservation is the price of the most a run may do
 * (the estimate endpoint answers the same number without starting
 * anything), and the charge is the price of what it did — items and tokens —
 * capped by the reservation.
 */

/**
 * The tokens one text request is reserved for on the server's key: a prompt
 * allowance and an answer of the cap (8,000 by default), twice (one repair,
 * whose prompt carries the first answer). See ai/metering.ts.
 */
const requestTokens = ( cap = 8_000 ) =>
	2 * AI_DEFAULTS.promptTokensPerRequest + 3 * cap;

const price = ( over: Partial< Price > ): Price => ( {
	function_name: 'generate_ideas',
	plan_id: null,
	credits_per_item: 1,
	credits_per_1k_tokens: 0,
	min_credits: 0,
	...over,
} );

describe( 'creditsFor', () => {
	it( 'sums items and tokens in exact decimal steps and rounds up once', () => {
		// 30 × 0.1 is 3.0000000000000004 in floating point; a naive ceil says 4.
		expect(
			creditsFor( price( { credits_per_item: 0.1 } ), { items: 30 } )
		).toBe( 3 );
		expect(
			creditsFor( price( { credits_per_item: 0.1 } ), { items: 31 } )
		).toBe( 4 );
		expect(
			creditsFor(
				price( { credits_per_item: 2, credits_per_1k_tokens: 1.5 } ),
				{ items: 2, tokens: 1_001 }
			)
		).toBe( 6 ); // 4 + 1.5015 → 5.5015 → 6
	} );

	it( 'applies the minimum to any work, and charges nothing for none', () => {
		const p = price( { credits_per_item: 0.1, min_credits: 2 } );
		expect( creditsFor( p, { items: 1 } ) ).toBe( 2 );
		expect( creditsFor( p, { items: 0, tokens: 0 } ) ).toBe( 0 );
	} );
} );

describe( 'plan prices and the estimate endpoint', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let agency: Tenant;
	let starter: Tenant;
	let agencyCluster: number;
	let starterCluster: number;

	const ideas = ( n: number ) => ( {
		content: {
			ideas: Array.from( { length: n }, ( _, i ) => ( {
				title: `Idea ${ i + 1 }`,
			} ) ),
		},
		usage: { prompt_tokens: 1_200, completion_tokens: 800 },
	} );

	async function setPrice(
		planSlug: string,
		values: { per_item: number; per_1k: number; min: number },
		functionName = 'generate_ideas'
	) {
		const plan = await cloud.context.models.Plan.findOne( {
			where: { slug: planSlug },
		} );
		await cloud.context.db.sequelize.query(
			`INSERT INTO ai_function_prices (plan_id, function_name, credits_per_item, credits_per_1k_tokens, min_credits)
			 VALUES (:planId, :functionName, :per_item, :per_1k, :min)
			 ON CONFLICT (plan_id, function_name) WHERE plan_id IS NOT NULL DO UPDATE SET
			   credits_per_item = EXCLUDED.credits_per_item, credits_per_1k_tokens = EXCLUDED.credits_per_1k_tokens,
			   min_credits = EXCLUDED.min_credits`,
			{ replacements: { planId: plan!.id, functionName, ...values } }
		);
	}

	function estimate( tenant: Tenant, input: object ) {
		return request( cloud.app )
			.post( '/api/v1/billing/estimate/' )
			.set( bearer( tenant.owner ) )
			.send( { function: 'generate_ideas', input } );
	}

	async function run( tenant: Tenant, clusterId: number, count: number ) {
		const started = await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ clusterId ], ideas_per_cluster: count } );
		if ( started.status !== 202 ) {
			return { started, run: null, ledger: [] };
		}
		const runId = started.body.data.run_id as number;
		const done = await waitFor( async () => {
			const row = await cloud.context.models.AiTaskRun.findByPk( runId );
			return row && row.status === 'succeeded' ? row : undefined;
		}, 20_000 );
		const ledger = await waitFor( async () => {
			const rows = await cloud.context.models.CreditTransaction.findAll( {
				where: { job_id: `ai-run-${ runId }` },
				order: [ [ 'id', 'ASC' ] ],
			} );
			return rows.length === 2
				? rows.map( ( r ) => [ r.type, r.amount ] )
				: undefined;
		} );
		return { started, run: done, ledger };
	}

	const balanceOf = ( tenant: Tenant ) =>
		cloud.context.services.credits.balance( tenant.accountId );

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url }
		);
		agency = await addTenant( cloud, 'Price Agency', 'agency' );
		starter = await addTenant( cloud, 'Price Starter', 'starter' );
		for ( const tenant of [ agency, starter ] ) {
			await cloud.context.services.credits.add(
				tenant.accountId,
				20,
				'topup',
				'Test credits',
				`prices-${ tenant.accountId }`
			);
		}
		agencyCluster = ( await addContent( cloud, agency ) ).clusterId;
		starterCluster = ( await addContent( cloud, starter ) ).clusterId;
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'seeds a default price for every AI function', async () => {
		const rows = await cloud.context.db.sequelize.query< {
			function_name: string;
		} >(
			'SELECT function_name FROM ai_function_prices WHERE plan_id IS NULL ORDER BY function_name',
			{ type: QueryTypes.SELECT }
		);
		expect( rows.map( ( r ) => r.function_name ) ).toEqual(
			[ ...AI_FUNCTIONS ].sort()
		);
	} );

	it( "estimates at the plan's price (its own row, else the default) without reserving anything", async () => {
		await setPrice( 'agency', { per_item: 2.5, per_1k: 0, min: 4 } );
		const input = { ideas_per_cluster: 3 };
		const a = await estimate( agency, {
			...input,
			cluster_ids: [ agencyCluster ],
		} ).expect( 200 );
		expect( a.body.data ).toEqual( {
			function: 'generate_ideas',
			credits: 8, // 3 × 2.5 = 7.5 → 8 (this plan prices no tokens)
			balance: 20,
			sufficient: true,
			// One request (one cluster), each answer at most the server's cap.
			tokens: requestTokens(),
			max_tokens: 8_000,
		} );
		const s = await estimate( starter, {
			...input,
			cluster_ids: [ starterCluster ],
		} ).expect( 200 );
		// The default: 0.8 per idea and 0.1 per 1k tokens reserved: 2.4 + 3.2 → 6.
		expect( s.body.data.credits ).toBe(
			Math.ceil( 3 * 0.8 + ( requestTokens() / 1000 ) * 0.1 )
		);
		const small = await estimate( agency, {
			ideas_per_cluster: 1,
			cluster_ids: [ agencyCluster ],
		} ).expect( 200 );
		expect( small.body.data.credits ).toBe( 4 ); // the plan's minimum
		const big = await estimate( agency, {
			ideas_per_cluster: 10,
			cluster_ids: [ agencyCluster ],
		} ).expect( 200 );
		expect( big.body.data ).toMatchObject( {
			credits: 25,
			sufficient: false,
		} );
		expect(
			await cloud.context.models.CreditTransaction.count( {
				where: { type: 'reserve' },
			} )
		).toBe( 0 );
		expect( await cloud.context.models.AiTaskRun.count() ).toBe( 0 );
		expect( openai.requests ).toHaveLength( 0 );
	} );

	it( 'prices lexical clustering at 0 on any plan, while embeddings and llm stay priced', async () => {
		// A steep plan price with a minimum: lexical still costs nothing (it calls no model).
		await setPrice(
			'agency',
			{ per_item: 5, per_1k: 1, min: 3 },
			'auto_cluster'
		);
		const created = await request( cloud.app )
			.post( '/api/v1/planner/keywords/bulk_create/' )
			.set( bearer( agency.owner ) )
			.send( {
				sector_id: agency.sectorId,
				keywords: [
					{ keyword: 'priced keyword one' },
					{ keyword: 'priced keyword two' },
					{ keyword: 'priced keyword three' },
				],
			} )
			.expect( 201 );
		const keywordIds = created.body.data.created.map(
			( k: { id: number } ) => k.id
		);
		const quote = async ( method: string ) =>
			(
				await request( cloud.app )
					.post( '/api/v1/billing/estimate/' )
					.set( bearer( agency.owner ) )
					.send( {
						function: 'auto_cluster',
						input: { keyword_ids: keywordIds, method },
					} )
					.expect( 200 )
			).body.data;
		expect( await quote( 'lexical' ) ).toMatchObject( {
			function: 'auto_cluster',
			credits: 0,
			sufficient: true,
		} );
		// Items: 3 keywords × 0.5 → 2 × 5 = 10 by embeddings, 3 × 5 = 15 by llm. Tokens at 1
		// per 1k: one request each (one naming batch; one keyword batch), and by embeddings
		// the 3 embedded keywords, at their model's (small) weight.
		const embedded =
			3 *
			AI_DEFAULTS.embeddingTokensPerText *
			tokenWeight( AI_DEFAULTS.embeddingModel );
		expect( ( await quote( 'embeddings' ) ).credits ).toBe(
			10 + Math.ceil( ( requestTokens() + embedded ) / 1000 )
		);
		expect( ( await quote( 'llm' ) ).credits ).toBe(
			15 + requestTokens() / 1000
		);
	} );

	it( 'refuses what the run would refuse: bad input, and clusters that are not yours', async () => {
		const bad = await estimate( agency, { cluster_ids: [] } ).expect( 400 );
		expect( bad.body.errors.input.join( ' ' ) ).toMatch(
			/cluster_ids|ideas_per_cluster/
		);
		const foreign = await estimate( agency, {
			cluster_ids: [ starterCluster ],
			ideas_per_cluster: 1,
		} ).expect( 400 );
		expect( JSON.stringify( foreign.body.errors ) ).toContain(
			`cluster ${ starterCluster } does not exist`
		);
		await request( cloud.app )
			.post( '/api/v1/billing/estimate/' )
			.set( bearer( agency.owner ) )
			.send( { function: 'write_poems', input: {} } )
			.expect( 400 );
	} );

	it( 'reserves the estimate and charges what was made, at the plan price', async () => {
		openai.fallback( 'chat', ideas( 2 ) );
		const before = await balanceOf( agency );
		const { run: done, ledger } = await run( agency, agencyCluster, 3 );
		// Reserved 3 × 2.5 → 8; made 2 ideas → 5; 3 come back.
		expect( done!.credits_reserved ).toBe( 8 );
		expect( done!.credits_charged ).toBe( 5 );
		expect( ledger ).toEqual( [
			[ 'reserve', -8 ],
			[ 'settle', 3 ],
		] );
		expect( await balanceOf( agency ) ).toBe( before - 5 );
	} );

	it( 'prices tokens too: reserves for the most the answer cap allows, charges the tokens used', async () => {
		// Answers of at most 1,000 tokens: one request reserves 2 × 4,000 + 3 × 1,000 = 11,000 tokens.
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( starter.owner ) )
			.send( { max_tokens: 1_000 } )
			.expect( 200 );
		expect( requestTokens( 1_000 ) ).toBe( 11_000 );
		// 1 per idea + 1 per 1k tokens: 2 ideas + 11 → 13 reserved.
		await setPrice( 'starter', { per_item: 1, per_1k: 1, min: 0 } );
		openai.fallback( 'chat', ideas( 1 ) );
		const before = await balanceOf( starter );
		const first = await run( starter, starterCluster, 2 );
		// 1 idea + 2,000 tokens → 1 + 2 = 3: the tokens are charged, well within the reservation.
		expect( first.run!.credits_reserved ).toBe( 13 );
		expect( first.run!.credits_charged ).toBe( 3 );
		expect( first.run!.tokens_in + first.run!.tokens_out ).toBe( 2_000 );
		expect( first.ledger ).toEqual( [
			[ 'reserve', -13 ],
			[ 'settle', 10 ],
		] );

		// 2 per idea + 0.5 per 1k: reserve 3 × 2 + 5.5 → 12; 1 idea and 2,000 tokens → 3.
		await setPrice( 'starter', { per_item: 2, per_1k: 0.5, min: 0 } );
		const second = await run( starter, starterCluster, 3 );
		expect( second.run!.credits_reserved ).toBe( 12 );
		expect( second.run!.credits_charged ).toBe( 3 );
		expect( await balanceOf( starter ) ).toBe( before - 3 - 3 );
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( starter.owner ) )
			.send( { max_tokens: null } )
			.expect( 200 );
	} );

	it( 'refuses a run the balance cannot cover (402) before any provider call, as the estimate said', async () => {
		await setPrice( 'starter', { per_item: 100, per_1k: 0, min: 0 } );
		const said = await estimate( starter, {
			cluster_ids: [ starterCluster ],
			ideas_per_cluster: 1,
		} ).expect( 200 );
		expect( said.body.data.sufficient ).toBe( false );
		const { started } = await run( starter, starterCluster, 1 );
		expect( started.status ).toBe( 402 );
		expect( started.body.error ).toContain( 'needs 100' );
		expect( openai.requests ).toHaveLength( 0 );
	} );
} );
