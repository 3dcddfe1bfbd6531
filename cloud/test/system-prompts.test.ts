import request from 'supertest';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { ideasPromptDefinition } from '../src/modules/ai/functions/generate-ideas';
import {
	addContent,
	addUser,
	addTenant,
	bearer,
	type Actor,
	type Tenant,
} from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * The prompt registry: per-account overrides, checked on save, and used by
 * the engine — what reaches the provider (the fake server's request log)
 * changes for the account that overrode a prompt and for no other.
 */

const IDEAS = {
	ideas: [ { title: 'One idea', description: 'An angle' } ],
};

const sentText = ( body: { messages: { content: string }[] } ) =>
	body.messages.map( ( m ) => m.content ).join( '\n---\n' );

describe.each( [
	{ db: 'postgres', queue: 'bee' },
	{ db: 'postgres', queue: 'inline' },
] as const )( 'prompt overrides ($queue queue)', ( { db, queue } ) => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let alpha: Tenant;
	let bravo: Tenant;
	let alphaCluster: number;
	let bravoCluster: number;
	let editor: Actor;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db, queue },
			{
				OPENAI_API_KEY: 'sk-test',
				OPENAI_BASE_URL: openai.url,
				AI_RETRY_BASE_MS: '10',
			}
		);
		alpha = await addTenant( cloud, 'Prompt Alpha' );
		bravo = await addTenant( cloud, 'Prompt Bravo' );
		for ( const tenant of [ alpha, bravo ] ) {
			await cloud.context.services.credits.add(
				tenant.accountId,
				50,
				'topup',
				'Test credits',
				`prompts-${ tenant.accountId }`
			);
		}
		alphaCluster = ( await addContent( cloud, alpha ) ).clusterId;
		bravoCluster = ( await addContent( cloud, bravo ) ).clusterId;
		editor = await addUser( cloud, alpha.accountId, 'editor' );
	} );
	beforeEach( () => {
		openai.reset();
		openai.fallback( 'chat', { content: IDEAS } );
	} );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	/** Starts generate_ideas for one cluster and answers the text sent to the provider. */
	async function runIdeas( tenant: Tenant, clusterId: number ) {
		const before = openai.received( 'chat' ).length;
		const started = await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ clusterId ], ideas_per_cluster: 1 } )
			.expect( 202 );
		const runId = started.body.data.run_id as number;
		const run = await waitFor( async () => {
			const row = await cloud.context.models.AiTaskRun.findByPk( runId );
			return row && [ 'succeeded', 'failed' ].includes( row.status )
				? row
				: undefined;
		}, 20_000 );
		expect( run.status ).toBe( 'succeeded' );
		const sent = openai.received( 'chat' ).slice( before );
		expect( sent ).toHaveLength( 1 );
		return sentText( sent[ 0 ]!.body );
	}

	it( 'lists every prompt with its variables and default, none customized yet', async () => {
		const response = await request( cloud.app )
			.get( '/api/v1/system/prompts/' )
			.set( bearer( alpha.owner ) )
			.expect( 200 );
		const ideas = response.body.data.find(
			( p: { key: string } ) => p.key === 'generate_ideas'
		);
		expect( ideas ).toEqual( {
			key: 'generate_ideas',
			function: 'generate_ideas',
			description: ideasPromptDefinition.description,
			variables: ideasPromptDefinition.variables,
			default: ideasPromptDefinition.template,
			override: null,
			is_customized: false,
		} );
	} );

	it( 'refuses a template with undeclared variables, naming them, and stores nothing', async () => {
		const response = await request( cloud.app )
			.post( '/api/v1/system/prompts/' )
			.set( bearer( alpha.owner ) )
			.send( {
				key: 'generate_ideas',
				system: 'You write for {{brand_name}}.',
				user: 'Ideas for {{cluster_name}} in {{city}}',
			} )
			.expect( 400 );
		expect( response.body.success ).toBe( false );
		expect( response.body.error ).toContain( 'brand_name' );
		expect( response.body.error ).toContain( 'city' );
		expect( response.body.errors.system[ 0 ] ).toContain(
			'{{brand_name}}'
		);
		expect( response.body.errors.user[ 0 ] ).toContain( '{{city}}' );
		expect( response.body.errors.user[ 0 ] ).not.toContain(
			'{{cluster_name}};'
		);
		expect( await cloud.context.models.AiPrompt.count() ).toBe( 0 );
	} );

	it( 'refuses an unknown prompt key (400 in the body, 404 in the path)', async () => {
		const body = await request( cloud.app )
			.post( '/api/v1/system/prompts/' )
			.set( bearer( alpha.owner ) )
			.send( { key: 'write_poems', system: 'x', user: 'y' } )
			.expect( 400 );
		expect( body.body.errors.key[ 0 ] ).toContain( 'write_poems' );
		await request( cloud.app )
			.put( '/api/v1/system/prompts/write_poems/' )
			.set( bearer( alpha.owner ) )
			.send( { system: 'x', user: 'y' } )
			.expect( 404 );
		await request( cloud.app )
			.get( '/api/v1/system/prompts/write_poems/' )
			.set( bearer( alpha.owner ) )
			.expect( 404 );
	} );

	it( 'lets an editor read prompts but not change them', async () => {
		await request( cloud.app )
			.get( '/api/v1/system/prompts/generate_ideas/' )
			.set( bearer( editor ) )
			.expect( 200 );
		const refused = await request( cloud.app )
			.put( '/api/v1/system/prompts/generate_ideas/' )
			.set( bearer( editor ) )
			.send( { system: 'x', user: 'y' } )
			.expect( 403 );
		expect( refused.body.code ).toBe( 'permission_denied' );
	} );

	it( "sends an account's override to the provider, and only that account's runs use it", async () => {
		const defaultRun = await runIdeas( alpha, alphaCluster );
		expect( defaultRun ).toContain( 'You are an SEO content strategist' );

		const saved = await request( cloud.app )
			.post( '/api/v1/system/prompts/' )
			.set( bearer( alpha.owner ) )
			.send( {
				key: 'generate_ideas',
				system: 'You are PIRATE-STRATEGIST. Answer like a pirate.',
				user: 'Arr! {{count}} ideas for the "{{cluster_name}}" cluster:\n{{keywords}}',
			} )
			.expect( 200 );
		expect( saved.body.data.is_customized ).toBe( true );
		expect( saved.body.data.default ).toEqual(
			ideasPromptDefinition.template
		);

		const alphaText = await runIdeas( alpha, alphaCluster );
		expect( alphaText ).toContain(
			'You are PIRATE-STRATEGIST. Answer like a pirate.'
		);
		expect( alphaText ).toContain(
			'Arr! 1 ideas for the "Shoes" cluster:\n- running shoes (volume 1000)'
		);
		expect( alphaText ).not.toContain(
			'You are an SEO content strategist'
		);

		const bravoText = await runIdeas( bravo, bravoCluster );
		expect( bravoText ).toContain( 'You are an SEO content strategist' );
		expect( bravoText ).not.toContain( 'PIRATE' );

		// Bravo's registry still shows the default; Alpha's shows its override.
		const bravoView = await request( cloud.app )
			.get( '/api/v1/system/prompts/generate_ideas/' )
			.set( bearer( bravo.owner ) )
			.expect( 200 );
		expect( bravoView.body.data.is_customized ).toBe( false );
		const alphaView = await request( cloud.app )
			.get( '/api/v1/system/prompts/generate_ideas/' )
			.set( bearer( alpha.owner ) )
			.expect( 200 );
		expect( alphaView.body.data.override.system ).toContain( 'PIRATE' );

		// PUT replaces the override in place (one row per account and key).
		await request( cloud.app )
			.put( '/api/v1/system/prompts/generate_ideas/' )
			.set( bearer( alpha.owner ) )
			.send( {
				system: 'You are NINJA-STRATEGIST.',
				user: '{{count}} ideas: {{cluster_name}} ({{cluster_description}})',
			} )
			.expect( 200 );
		expect(
			await cloud.context.models.AiPrompt.count( {
				where: { account_id: alpha.accountId },
			} )
		).toBe( 1 );
		expect( await runIdeas( alpha, alphaCluster ) ).toContain(
			'1 ideas: Shoes ((none))'
		);

		// Reset: back to the default, for the next run too.
		const reset = await request( cloud.app )
			.delete( '/api/v1/system/prompts/generate_ideas/' )
			.set( bearer( alpha.owner ) )
			.expect( 200 );
		expect( reset.body.data ).toMatchObject( {
			is_customized: false,
			override: null,
		} );
		const afterReset = await runIdeas( alpha, alphaCluster );
		expect( afterReset ).toContain( 'You are an SEO content strategist' );
		expect( afterReset ).not.toContain( 'NINJA' );
	} );
} );
