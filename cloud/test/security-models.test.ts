import request from 'supertest';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { generateIdeas } from '../src/modules/ai/functions/generate-ideas';
import type { AiFunction, RunProvider } from '../src/modules/ai/types';
import { ConfigError, loadConfig } from '../src/config';
import { creditsFor } from '../src/modules/billing/prices';
import { AI_ENV, closedLedger } from './ai-support';
import { addContent, addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * Tenants run on the operator's AI key: they may only pick the models the
 * operator allows and ask for at most the operator's `max_tokens`, at save
 * and at run (settings stored before the policy, and functions naming their
 * own model, included). An account's own key may choose anything. And the
 * price follows the tokens: the reservation covers the most the caps allow,
 * the charge is the price of the tokens the provider reported.
 */

const CAP = 2_000;
const ENV = ( openai: FakeOpenAI, cap = CAP ) => ( {
	...AI_ENV( openai ),
	AI_MODEL: 'gpt-4o-mini',
	IGNY8_AI_ALLOWED_MODELS: 'gpt-4.1-mini',
	IGNY8_AI_MAX_TOKENS: String( cap ),
} );
const OWN_KEY = 'sk-own-account-key-0123456789WXYZ';

const ideasAnswer = ( count: number ) => ( {
	ideas: Array.from( { length: count }, ( _, i ) => ( {
		title: `Idea ${ i + 1 }`,
	} ) ),
} );

type Setup = { tenant: Tenant; clusterId: number };

async function tenantWithCluster(
	cloud: TestCloud,
	name: string
): Promise< Setup > {
	const tenant = await addTenant( cloud, name );
	await cloud.context.services.credits.add(
		tenant.accountId,
		500,
		'topup',
		'Test credits',
		`models-${ tenant.accountId }`
	);
	return {
		tenant,
		clusterId: ( await addContent( cloud, tenant ) ).clusterId,
	};
}

const settingsOf = ( cloud: TestCloud, tenant: Tenant ) =>
	request( cloud.app )
		.get( '/api/v1/system/settings/ai/' )
		.set( bearer( tenant.owner ) )
		.expect( 200 );

const save = ( cloud: TestCloud, tenant: Tenant, body: object ) =>
	request( cloud.app )
		.put( '/api/v1/system/settings/ai/' )
		.set( bearer( tenant.owner ) )
		.send( body );

async function runIdeas( cloud: TestCloud, setup: Setup, ideas = 1 ) {
	const started = await request( cloud.app )
		.post( '/api/v1/planner/clusters/generate_ideas/' )
		.set( bearer( setup.tenant.owner ) )
		.send( { ids: [ setup.clusterId ], ideas_per_cluster: ideas } )
		.expect( 202 );
	const runId: number = started.body.data.run_id;
	const run = await waitFor( async () => {
		const row = await cloud.context.models.AiTaskRun.findByPk( runId );
		return row && [ 'succeeded', 'failed' ].includes( row.status )
			? row
			: undefined;
	}, 20_000 );
	return { run, ledger: await closedLedger( cloud, runId ) };
}

function estimateIdeas( cloud: TestCloud, setup: Setup, ideas = 1 ) {
	return request( cloud.app )
		.post( '/api/v1/billing/estimate/' )
		.set( bearer( setup.tenant.owner ) )
		.send( {
			function: 'generate_ideas',
			input: {
				cluster_ids: [ setup.clusterId ],
				ideas_per_cluster: ideas,
			},
		} )
		.expect( 200 );
}

describe( 'allowed models and the token cap on the server’s key', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			ENV( openai )
		);
	} );
	beforeEach( () => {
		openai.reset();
		openai.fallback( 'chat', { content: ideasAnswer( 1 ) } );
	} );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'shows what may be chosen, so the screens can offer it', async () => {
		const { tenant } = await tenantWithCluster( cloud, 'Limits Shown' );
		const shown = await settingsOf( cloud, tenant );
		expect( shown.body.data.limits ).toEqual( {
			enforced: true,
			text_models: [ 'gpt-4o-mini', 'gpt-4.1-mini' ],
			image_models: [
				cloud.context.config.images.model,
				cloud.context.config.images.runwareModel,
			],
			max_tokens: CAP,
			note: expect.stringMatching( /own API key/ ),
		} );
		// Runs on the server's key always say how long an answer may be.
		expect( shown.body.data.effective.max_tokens ).toBe( CAP );
	} );

	it( 'refuses a model or max_tokens outside the policy (400 naming the field and what is allowed), saving nothing', async () => {
		const { tenant } = await tenantWithCluster( cloud, 'Limits Refused' );
		await save( cloud, tenant, { temperature: 0.5 } ).expect( 200 );
		const before = await settingsOf( cloud, tenant );
		for ( const [ body, field, allowed ] of [
			[
				{ text_model: 'gpt-4o' },
				'text_model',
				/gpt-4o-mini, gpt-4\.1-mini/,
			],
			[ { max_tokens: CAP + 1 }, 'max_tokens', /at most 2000/ ],
			[ { image_model: 'gpt-image-1' }, 'image_model', /dall-e-3/ ],
			// One bad field refuses the whole save.
			[
				{ temperature: 0.9, text_model: 'gpt-4o', max_tokens: 100 },
				'text_model',
				/gpt-4o-mini/,
			],
		] as const ) {
			const refused = await save( cloud, tenant, body ).expect( 400 );
			expect( refused.body ).toMatchObject( {
				success: false,
				request_id: expect.any( String ),
			} );
			expect( refused.body.errors[ field ].join( ' ' ) ).toMatch(
				allowed
			);
		}
		const after = await settingsOf( cloud, tenant );
		expect( after.body.data ).toEqual( before.body.data );

		const saved = await save( cloud, tenant, {
			text_model: 'gpt-4.1-mini',
			max_tokens: CAP,
		} ).expect( 200 );
		expect( saved.body.data.effective ).toMatchObject( {
			text_model: 'gpt-4.1-mini',
			max_tokens: CAP,
		} );
	} );

	it( 'lets an account with its own key choose any model and max_tokens, and keeps them off the server’s key', async () => {
		const setup = await tenantWithCluster( cloud, 'Limits Own Key' );
		const { tenant } = setup;
		const saved = await save( cloud, tenant, {
			api_key: OWN_KEY,
			base_url: openai.url,
			text_model: 'gpt-4o',
			max_tokens: 50_000,
		} ).expect( 200 );
		expect( saved.body.data.limits ).toMatchObject( {
			enforced: false,
			note: expect.stringMatching( /your own API key/i ),
		} );
		expect( saved.body.data.effective ).toMatchObject( {
			text_model: 'gpt-4o',
			max_tokens: 50_000,
		} );
		const { run } = await runIdeas( cloud, setup );
		expect( run.status ).toBe( 'succeeded' );
		const [ sent ] = openai.received( 'chat' );
		expect( sent!.headers.authorization ).toBe( `Bearer ${ OWN_KEY }` );
		expect( sent!.body ).toMatchObject( {
			model: 'gpt-4o',
			max_completion_tokens: 50_000,
		} );

		// Going back to the server's key with those choices is refused, the key kept.
		const refused = await save( cloud, tenant, { api_key: null } ).expect(
			400
		);
		expect( Object.keys( refused.body.errors ).sort() ).toEqual( [
			'max_tokens',
			'text_model',
		] );
		expect( ( await settingsOf( cloud, tenant ) ).body.data ).toMatchObject(
			{ has_api_key: true, text_model: 'gpt-4o' }
		);
	} );

	it( 'never sends a disallowed model, or more max_completion_tokens, for settings stored before the policy', async () => {
		const stale = await tenantWithCluster( cloud, 'Limits Stale' );
		const greedy = await tenantWithCluster( cloud, 'Limits Greedy' );
		const plain = await tenantWithCluster( cloud, 'Limits Plain' );
		// As a server that had no policy yet stored them.
		for ( const [ setup, model, maxTokens ] of [
			[ stale, 'gpt-4o', 100_000 ],
			[ greedy, 'gpt-4.1-mini', 100_000 ],
		] as const ) {
			await cloud.context.db.sequelize.query(
				`INSERT INTO ai_settings (account_id, text_model, max_tokens) VALUES (:id, :model, :maxTokens)`,
				{
					replacements: {
						id: setup.tenant.accountId,
						model,
						maxTokens,
					},
				}
			);
		}

		// A disallowed model: refused before any request, with what to do, and refunded.
		const refused = await runIdeas( cloud, stale );
		expect( refused.run.status ).toBe( 'failed' );
		expect( refused.run.error ).toMatch(
			/"gpt-4o".*gpt-4o-mini, gpt-4\.1-mini.*System → AI settings/
		);
		expect( refused.ledger ).toEqual( [
			[ 'reserve', -refused.run.credits_reserved ],
			[ 'refund', refused.run.credits_reserved ],
		] );
		expect( openai.received( 'chat' ) ).toHaveLength( 0 );

		// An allowed model with too many tokens: clamped to the cap.
		expect( ( await runIdeas( cloud, greedy ) ).run.status ).toBe(
			'succeeded'
		);
		// No setting at all: the cap is still sent (no answer longer than the reservation covers).
		expect( ( await runIdeas( cloud, plain ) ).run.status ).toBe(
			'succeeded'
		);
		const sent = openai.received( 'chat' ).map( ( r ) => r.body );
		expect(
			sent.map( ( b ) => [ b.model, b.max_completion_tokens ] )
		).toEqual( [
			[ 'gpt-4.1-mini', CAP ],
			[ 'gpt-4o-mini', CAP ],
		] );
	} );

	it( 'holds a function naming its own model or max_tokens to the policy too', async () => {
		const setup = await tenantWithCluster( cloud, 'Limits Override' );
		const { registry } = cloud.context.services.ai;
		const naming = ( model: string, maxTokens: number ): AiFunction => ( {
			...generateIdeas,
			execute: ( prepared, input, context ) => {
				const ai: RunProvider = {
					...context.ai,
					structured: ( answer, messages, options ) =>
						context.ai.structured( answer, messages, {
							...options,
							model,
							maxTokens,
						} ),
				};
				return generateIdeas.execute( prepared, input, {
					...context,
					ai,
				} );
			},
		} );
		try {
			registry.register( naming( 'gpt-4.1-mini', 99_999 ) );
			expect( ( await runIdeas( cloud, setup ) ).run.status ).toBe(
				'succeeded'
			);
			expect( openai.received( 'chat' )[ 0 ]!.body ).toMatchObject( {
				model: 'gpt-4.1-mini',
				max_completion_tokens: CAP,
			} );

			openai.reset();
			registry.register( naming( 'gpt-4o', 100 ) );
			const { run } = await runIdeas( cloud, setup );
			expect( run.status ).toBe( 'failed' );
			expect( run.error ).toMatch( /"gpt-4o"/ );
			expect( openai.received( 'chat' ) ).toHaveLength( 0 );
		} finally {
			registry.register( generateIdeas );
		}
	} );
} );

describe( 'prices that follow the tokens used', () => {
	/** Long answers allowed: the answers' tokens weigh more than the prompts'. */
	const LONG = 16_000;
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let setup: Setup;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			ENV( openai, LONG )
		);
		setup = await tenantWithCluster( cloud, 'Token Prices' );
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	const priceOfIdeas = () =>
		cloud.context.services.prices.price(
			setup.tenant.accountId,
			'generate_ideas'
		);

	it( 'gives the text functions a per-1k-token price by default', async () => {
		for ( const name of [
			'generate_ideas',
			'generate_content',
			'generate_image_prompts',
			'auto_cluster',
		] ) {
			const price = await cloud.context.services.prices.price(
				setup.tenant.accountId,
				name
			);
			expect( price.credits_per_1k_tokens ).toBeGreaterThan( 0 );
		}
	} );

	it( 'charges two otherwise identical runs by the tokens each reported, within the reservation the estimate named', async () => {
		const estimate = await estimateIdeas( cloud, setup, 2 );
		const usages = [
			{ prompt_tokens: 900, completion_tokens: 300 },
			{ prompt_tokens: 3_500, completion_tokens: 9_000 },
		];
		const runs = [];
		for ( const usage of usages ) {
			openai.script( 'chat', { content: ideasAnswer( 2 ), usage } );
			runs.push( await runIdeas( cloud, setup, 2 ) );
		}
		const price = await priceOfIdeas();
		for ( const [ i, { run, ledger } ] of runs.entries() ) {
			expect( run.status ).toBe( 'succeeded' );
			expect( run.credits_reserved ).toBe( estimate.body.data.credits );
			const tokens =
				usages[ i ]!.prompt_tokens + usages[ i ]!.completion_tokens;
			expect( run.tokens_in + run.tokens_out ).toBe( tokens );
			expect( run.credits_charged ).toBe(
				creditsFor( price, { items: 2, tokens } )
			);
			expect( run.credits_charged ).toBeLessThanOrEqual(
				run.credits_reserved
			);
			expect( ledger ).toEqual( [
				[ 'reserve', -run.credits_reserved ],
				[ 'settle', run.credits_reserved - run.credits_charged ],
			] );
		}
		expect( runs[ 1 ]!.run.credits_charged ).toBeGreaterThan(
			runs[ 0 ]!.run.credits_charged
		);
	} );

	it( 'reserves enough for the most the caps allow: a repaired answer at the cap is charged in full', async () => {
		// Both answers as long as allowed, the second after a repair: the worst a request can do.
		const usage = { prompt_tokens: 3_000, completion_tokens: LONG };
		openai.script(
			'chat',
			{ content: { ideas: 'not a list' }, usage },
			{ content: ideasAnswer( 1 ), usage }
		);
		const { run } = await runIdeas( cloud, setup, 1 );
		expect( run.status ).toBe( 'succeeded' );
		expect( openai.received( 'chat' ) ).toHaveLength( 2 );
		const price = await priceOfIdeas();
		const owed = creditsFor( price, {
			items: 1,
			tokens: 2 * ( 3_000 + LONG ),
		} );
		// The tokens are priced: more than the idea alone.
		expect( owed ).toBeGreaterThan( creditsFor( price, { items: 1 } ) );
		expect( run.credits_charged ).toBe( owed );
		expect( owed ).toBeLessThanOrEqual( run.credits_reserved );
	} );

	it( 'reserves and charges more for a larger max_tokens or a dearer model', async () => {
		const reserveAt = async ( body: object ) => {
			await save( cloud, setup.tenant, body ).expect( 200 );
			return ( await estimateIdeas( cloud, setup, 2 ) ).body.data;
		};
		const small = await reserveAt( { max_tokens: 200, text_model: null } );
		const large = await reserveAt( { max_tokens: LONG } );
		expect( large.credits ).toBeGreaterThan( small.credits );
		expect( large.max_tokens ).toBe( LONG );
		expect( large.tokens ).toBeGreaterThan( small.tokens );

		const usage = { prompt_tokens: 2_000, completion_tokens: 1_000 };
		openai.script( 'chat', { content: ideasAnswer( 2 ), usage } );
		const cheap = await runIdeas( cloud, setup, 2 );
		const dear = await reserveAt( { text_model: 'gpt-4.1-mini' } );
		expect( dear.credits ).toBeGreaterThan( large.credits );
		openai.script( 'chat', { content: ideasAnswer( 2 ), usage } );
		const costly = await runIdeas( cloud, setup, 2 );
		expect(
			openai.received( 'chat' ).map( ( r ) => r.body.model )
		).toEqual( [ 'gpt-4o-mini', 'gpt-4.1-mini' ] );
		expect( costly.run.credits_reserved ).toBe( dear.credits );
		expect( costly.run.credits_charged ).toBeGreaterThan(
			cheap.run.credits_charged
		);
		expect( costly.run.credits_charged ).toBeLessThanOrEqual(
			costly.run.credits_reserved
		);
		await save( cloud, setup.tenant, {
			text_model: null,
			max_tokens: null,
		} ).expect( 200 );
	} );
} );

describe( 'the policy’s configuration', () => {
	it( 'always allows the default models and caps max_tokens at 8,000 unless told', () => {
		const config = loadConfig( {
			AI_MODEL: 'gpt-4.1',
			AI_IMAGE_MODEL: 'gpt-image-1',
		} );
		expect( config.ai.allowedModels ).toEqual( [ 'gpt-4.1' ] );
		expect( config.images.allowedModels ).toEqual( [
			'gpt-image-1',
			config.images.runwareModel,
		] );
		expect( config.ai.maxTokens ).toBe( 8_000 );
		expect(
			loadConfig( {
				IGNY8_AI_ALLOWED_MODELS: ' gpt-4o , gpt-4o-mini,gpt-4o ',
			} ).ai.allowedModels
		).toEqual( [ 'gpt-4o-mini', 'gpt-4o' ] );
	} );

	it( 'stops on a bad value with the variable named', () => {
		for ( const [ env, name ] of [
			[ { IGNY8_AI_MAX_TOKENS: 'lots' }, 'IGNY8_AI_MAX_TOKENS' ],
			[ { IGNY8_AI_MAX_TOKENS: '0' }, 'IGNY8_AI_MAX_TOKENS' ],
			[
				{ IGNY8_AI_ALLOWED_MODELS: 'gpt 4o' },
				'IGNY8_AI_ALLOWED_MODELS',
			],
			[
				{ IGNY8_AI_ALLOWED_IMAGE_MODELS: 'dall-e-3, dall e 2' },
				'IGNY8_AI_ALLOWED_IMAGE_MODELS',
			],
		] as const ) {
			expect( () => loadConfig( env ) ).toThrow( ConfigError );
			expect( () => loadConfig( env ) ).toThrow(
				new RegExp( `^${ name } ` )
			);
		}
	} );
} );
