import request from 'supertest';
import {
	outboundAllow,
	startFakeOpenAI,
	type FakeOpenAI,
} from '@igny8/test-harness';
import { OPENAI_API_URL } from '../src/modules/system/ai-settings';
import {
	addContent,
	addTenant,
	addUser,
	bearer,
	type Tenant,
} from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * Per-account AI settings: what a run sends to the provider follows the
 * account's model, temperature and max tokens; an account's own key is stored
 * encrypted, never shown, used for its runs only, and counts as "configured".
 */

const IDEAS = { ideas: [ { title: 'One idea' } ] };
const OWN_KEY = 'sk-own-account-key-0123456789WXYZ';

async function startRun( cloud: TestCloud, tenant: Tenant, clusterId: number ) {
	return request( cloud.app )
		.post( '/api/v1/planner/clusters/generate_ideas/' )
		.set( bearer( tenant.owner ) )
		.send( { ids: [ clusterId ], ideas_per_cluster: 1 } );
}

async function succeeded( cloud: TestCloud, runId: number ) {
	const run = await waitFor( async () => {
		const row = await cloud.context.models.AiTaskRun.findByPk( runId );
		return row && [ 'succeeded', 'failed' ].includes( row.status )
			? row
			: undefined;
	}, 20_000 );
	expect( { status: run.status, error: run.error } ).toEqual( {
		status: 'succeeded',
		error: null,
	} );
}

async function tenantWithCluster( cloud: TestCloud, name: string ) {
	const tenant = await addTenant( cloud, name );
	await cloud.context.services.credits.add(
		tenant.accountId,
		50,
		'topup',
		'Test credits',
		`settings-${ tenant.accountId }`
	);
	return {
		tenant,
		clusterId: ( await addContent( cloud, tenant ) ).clusterId,
	};
}

describe( 'AI settings on a server with its own key (inline queue)', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let alpha: { tenant: Tenant; clusterId: number };
	let bravo: { tenant: Tenant; clusterId: number };

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		openai.fallback( 'chat', { content: IDEAS } );
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{
				OPENAI_API_KEY: 'sk-server',
				OPENAI_BASE_URL: openai.url,
				AI_MODEL: 'gpt-4o-mini',
				// The operator offers a second model on its key (security-models.test.ts: the policy itself).
				IGNY8_AI_ALLOWED_MODELS: 'gpt-4.1-mini',
			}
		);
		alpha = await tenantWithCluster( cloud, 'Settings Alpha' );
		bravo = await tenantWithCluster( cloud, 'Settings Bravo' );
	} );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'answers the server defaults before anything is set', async () => {
		const response = await request( cloud.app )
			.get( '/api/v1/system/settings/ai/' )
			.set( bearer( alpha.tenant.owner ) )
			.expect( 200 );
		expect( response.body.data ).toEqual( {
			text_model: null,
			function_models: {
				auto_cluster: null,
				generate_ideas: null,
				generate_content: null,
				generate_image_prompts: null,
			},
			image_model: null,
			image_provider: null,
			temperature: null,
			max_tokens: null,
			base_url: null,
			has_api_key: false,
			api_key_last4: null,
			structured_output: 'auto',
			structured_output_detected: [],
			effective: {
				text_model: 'gpt-4o-mini',
				function_models: {
					auto_cluster: 'gpt-4o-mini',
					generate_ideas: 'gpt-4o-mini',
					generate_content: 'gpt-4o-mini',
					generate_image_prompts: 'gpt-4o-mini',
				},
				image_model: cloud.context.config.images.model,
				image_provider: cloud.context.config.images.provider,
				temperature: null,
				// On the server's key every answer is capped (IGNY8_AI_MAX_TOKENS, default 8,000).
				max_tokens: 8_000,
				structured_output: 'json_schema',
			},
			limits: {
				enforced: true,
				text_models: [ 'gpt-4o-mini', 'gpt-4.1-mini' ],
				image_models: [
					cloud.context.config.images.model,
					cloud.context.config.images.runwareModel,
				],
				max_tokens: 8_000,
				note: expect.stringContaining( 'own API key' ),
			},
			configured: true,
			can_change: true,
			cannot_change_reason: null,
			updated_at: null,
		} );
	} );

	it( "sends the account's model, temperature and max tokens; other accounts keep the defaults", async () => {
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( alpha.tenant.owner ) )
			.send( {
				text_model: 'gpt-4.1-mini',
				temperature: 0.3,
				max_tokens: 800,
				image_provider: 'runware',
			} )
			.expect( 200 );
		openai.reset();
		openai.fallback( 'chat', { content: IDEAS } );
		const a = await startRun( cloud, alpha.tenant, alpha.clusterId );
		expect( a.status ).toBe( 202 );
		await succeeded( cloud, a.body.data.run_id );
		const b = await startRun( cloud, bravo.tenant, bravo.clusterId );
		await succeeded( cloud, b.body.data.run_id );

		const [ sentA, sentB ] = openai.received( 'chat' );
		expect( sentA!.body ).toMatchObject( {
			model: 'gpt-4.1-mini',
			temperature: 0.3,
			max_completion_tokens: 800,
		} );
		expect( sentB!.body.model ).toBe( 'gpt-4o-mini' );
		expect( sentB!.body ).not.toHaveProperty( 'temperature' );
		// The server's key always bounds the answer: its cap when the account set none.
		expect( sentB!.body.max_completion_tokens ).toBe( 8_000 );

		// null goes back to the server default.
		const reset = await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( alpha.tenant.owner ) )
			.send( { temperature: null, text_model: null } )
			.expect( 200 );
		expect( reset.body.data ).toMatchObject( {
			text_model: null,
			temperature: null,
			max_tokens: 800,
			image_provider: 'runware',
			effective: {
				text_model: 'gpt-4o-mini',
				image_provider: 'runware',
				image_model: cloud.context.config.images.runwareModel,
				temperature: null,
				max_tokens: 800,
			},
		} );
	} );

	it( 'refuses bad values with the field named, and changes nothing', async () => {
		const before = await request( cloud.app )
			.get( '/api/v1/system/settings/ai/' )
			.set( bearer( alpha.tenant.owner ) )
			.expect( 200 );
		for ( const [ body, field ] of [
			[ { temperature: 3 }, 'temperature' ],
			[ { max_tokens: 0 }, 'max_tokens' ],
			[ { image_provider: 'midjourney' }, 'image_provider' ],
			[ { text_model: 'gpt 4 with spaces' }, 'text_model' ],
			[ { base_url: 'ftp://example.test' }, 'base_url' ],
			// An endpoint of the account's choosing never receives the server's key.
			[ { base_url: 'https://llm.example.test/v1' }, 'base_url' ],
		] as const ) {
			const response = await request( cloud.app )
				.put( '/api/v1/system/settings/ai/' )
				.set( bearer( alpha.tenant.owner ) )
				.send( body )
				.expect( 400 );
			expect( Object.keys( response.body.errors ) ).toContain( field );
		}
		const after = await request( cloud.app )
			.get( '/api/v1/system/settings/ai/' )
			.set( bearer( alpha.tenant.owner ) )
			.expect( 200 );
		expect( after.body.data ).toEqual( before.body.data );
	} );

	it( 'lets owners and admins change them; editors and viewers read and are told they cannot', async () => {
		const admin = await addUser( cloud, alpha.tenant.accountId, 'admin' );
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( admin ) )
			.send( { max_tokens: 10 } )
			.expect( 200 );
		for ( const role of [ 'editor', 'viewer' ] as const ) {
			const actor = await addUser( cloud, alpha.tenant.accountId, role );
			const shown = await request( cloud.app )
				.get( '/api/v1/system/settings/ai/' )
				.set( bearer( actor ) )
				.expect( 200 );
			expect( shown.body.data ).toMatchObject( {
				can_change: false,
				cannot_change_reason: 'role',
				max_tokens: 10,
			} );
			const refused = await request( cloud.app )
				.put( '/api/v1/system/settings/ai/' )
				.set( bearer( actor ) )
				.send( { max_tokens: 20 } )
				.expect( 403 );
			expect( refused.body.code ).toBe( 'permission_denied' );
			await request( cloud.app )
				.post( '/api/v1/system/settings/ai/test/' )
				.set( bearer( actor ) )
				.expect( 403 );
		}
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( alpha.tenant.owner ) )
			.send( { max_tokens: null } )
			.expect( 200 );
	} );

	it( 'sends each function its own model, chosen from what the server offers', async () => {
		const saved = await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( bravo.tenant.owner ) )
			.send( { function_models: { generate_ideas: 'gpt-4.1-mini' } } )
			.expect( 200 );
		expect( saved.body.data.function_models ).toEqual( {
			auto_cluster: null,
			generate_ideas: 'gpt-4.1-mini',
			generate_content: null,
			generate_image_prompts: null,
		} );
		expect( saved.body.data.effective.function_models ).toMatchObject( {
			generate_ideas: 'gpt-4.1-mini',
			generate_content: 'gpt-4o-mini',
		} );
		openai.reset();
		openai.fallback( 'chat', { content: IDEAS } );
		const started = await startRun( cloud, bravo.tenant, bravo.clusterId );
		expect( started.status ).toBe( 202 );
		await succeeded( cloud, started.body.data.run_id );
		expect(
			openai.received( 'chat' ).map( ( sent ) => sent.body.model )
		).toEqual( [ 'gpt-4.1-mini' ] );

		// A model the server does not offer is refused by its field, and nothing changes.
		const before = await request( cloud.app )
			.get( '/api/v1/system/settings/ai/' )
			.set( bearer( bravo.tenant.owner ) )
			.expect( 200 );
		for ( const function_models of [
			{ generate_content: 'gpt-5-turbo-deluxe' },
			{ generate_content: 'has spaces' },
			{ summarize: 'gpt-4o-mini' },
		] ) {
			const refused = await request( cloud.app )
				.put( '/api/v1/system/settings/ai/' )
				.set( bearer( bravo.tenant.owner ) )
				.send( { function_models, text_model: 'gpt-4.1-mini' } )
				.expect( 400 );
			expect( refused.body ).toMatchObject( {
				success: false,
				request_id: expect.any( String ),
			} );
			expect( Object.keys( refused.body.errors ).join( ' ' ) ).toMatch(
				/function_models/
			);
		}
		const after = await request( cloud.app )
			.get( '/api/v1/system/settings/ai/' )
			.set( bearer( bravo.tenant.owner ) )
			.expect( 200 );
		expect( after.body.data ).toEqual( before.body.data );

		// null puts a function back on the account's text model.
		const back = await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( bravo.tenant.owner ) )
			.send( { function_models: { generate_ideas: null } } )
			.expect( 200 );
		expect( back.body.data.function_models.generate_ideas ).toBeNull();
	} );

	it( 'tests the saved settings with one small real call and says how the provider answered', async () => {
		openai.reset();
		openai.script( 'chat', { content: 'OK' } );
		const ok = await request( cloud.app )
			.post( '/api/v1/system/settings/ai/test/' )
			.set( bearer( alpha.tenant.owner ) )
			.expect( 200 );
		expect( ok.body.data ).toMatchObject( {
			ok: true,
			outcome: 'ok',
			status: 200,
			model: 'gpt-4o-mini',
		} );
		const [ sent ] = openai.received( 'chat' );
		expect( sent!.body.model ).toBe( 'gpt-4o-mini' );
		expect( sent!.headers.authorization ).toBe( 'Bearer sk-server' );

		for ( const [ status, outcome ] of [
			[ 401, 'refused_key' ],
			[ 404, 'model_not_found' ],
			[ 429, 'rate_limited' ],
			[ 500, 'error' ],
		] as const ) {
			openai.script( 'chat', { status, message: 'Nope' } );
			const failed = await request( cloud.app )
				.post( '/api/v1/system/settings/ai/test/' )
				.set( bearer( alpha.tenant.owner ) )
				.expect( 200 );
			expect( failed.body.data ).toMatchObject( {
				ok: false,
				outcome,
				status,
			} );
		}
	} );

	it( 'keeps one provider per account until its settings change (no client per request)', async () => {
		const settings = cloud.context.services.aiSettings;
		const first = await settings.forAccount( bravo.tenant.accountId );
		const again = await settings.forAccount( bravo.tenant.accountId );
		expect( again ).toBe( first );
		// Accounts without their own key share the server's provider.
		expect( first.provider ).toBe(
			( await settings.forAccount( alpha.tenant.accountId ) ).provider
		);
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( bravo.tenant.owner ) )
			.send( { api_key: OWN_KEY, base_url: openai.url } )
			.expect( 200 );
		const own = await settings.forAccount( bravo.tenant.accountId );
		expect( own ).not.toBe( first );
		expect( own.ownKey ).toBe( true );
		expect( await settings.forAccount( bravo.tenant.accountId ) ).toBe(
			own
		);
		// A change made elsewhere (another process) is seen at the next run, by the row's updated_at.
		await cloud.context.models.AiSettings.update(
			{ max_tokens: 123, updated_at: new Date( Date.now() + 1000 ) },
			{ where: { account_id: bravo.tenant.accountId } }
		);
		const changed = await settings.forAccount( bravo.tenant.accountId );
		expect( changed ).not.toBe( own );
		expect( changed.settings.maxTokens ).toBe( 123 );
	} );
} );

describe( 'an account key on a server without one (bee queue)', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let alpha: { tenant: Tenant; clusterId: number };
	let bravo: { tenant: Tenant; clusterId: number };

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		openai.fallback( 'chat', { content: IDEAS } );
		// No OPENAI_API_KEY: AI is off unless an account brings its own key,
		// here with the fake server as its base URL (allowed on this loopback port only).
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{ IGNY8_OUTBOUND_ALLOW: outboundAllow( openai.url ) }
		);
		alpha = await tenantWithCluster( cloud, 'Own Key Alpha' );
		bravo = await tenantWithCluster( cloud, 'Own Key Bravo' );
	} );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'is 503 until the account stores its key, which is encrypted, never shown, and used for its runs only', async () => {
		const refused = await startRun( cloud, alpha.tenant, alpha.clusterId );
		expect( refused.status ).toBe( 503 );
		expect( refused.body.code ).toBe( 'ai_not_configured' );
		expect( refused.body.error ).toMatch( /not configured/ );

		const saved = await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( alpha.tenant.owner ) )
			.send( { api_key: OWN_KEY, base_url: openai.url } )
			.expect( 200 );
		expect( saved.body.data ).toMatchObject( {
			has_api_key: true,
			api_key_last4: 'WXYZ',
			base_url: openai.url,
			configured: true,
		} );
		expect( JSON.stringify( saved.body ) ).not.toContain( OWN_KEY );
		const shown = await request( cloud.app )
			.get( '/api/v1/system/settings/ai/' )
			.set( bearer( alpha.tenant.owner ) )
			.expect( 200 );
		expect( JSON.stringify( shown.body ) ).not.toContain( OWN_KEY );
		const row = await cloud.context.models.AiSettings.findByPk(
			alpha.tenant.accountId
		);
		expect( row!.api_key_encrypted ).toMatch( /^v1\./ );
		expect( row!.api_key_encrypted ).not.toContain( 'WXYZ' );

		const started = await startRun( cloud, alpha.tenant, alpha.clusterId );
		expect( started.status ).toBe( 202 );
		await succeeded( cloud, started.body.data.run_id );
		const [ sent ] = openai.received( 'chat' );
		expect( sent!.headers.authorization ).toBe( `Bearer ${ OWN_KEY }` );

		// Another account does not get to use it.
		const other = await startRun( cloud, bravo.tenant, bravo.clusterId );
		expect( other.status ).toBe( 503 );
		expect( openai.received( 'chat' ) ).toHaveLength( 1 );
	} );

	it( 'sends a key without a base URL to OpenAI itself, never the server endpoint', async () => {
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( bravo.tenant.owner ) )
			.send( { api_key: 'sk-bravo-own-key-9999' } )
			.expect( 200 );
		const ai = await cloud.context.services.aiSettings.forAccount(
			bravo.tenant.accountId
		);
		expect( ai.provider.settings.baseUrl ).toBe( OPENAI_API_URL );
		expect( ai.provider.settings.apiKey ).toBe( 'sk-bravo-own-key-9999' );
	} );

	it( 'tests an own key: a refused key is said to be refused, and no key is "not configured"', async () => {
		openai.reset();
		openai.fallback( 'chat', ( sent ) =>
			sent.headers.authorization === `Bearer ${ OWN_KEY }`
				? { content: 'OK' }
				: { status: 401, message: 'Incorrect API key provided' }
		);
		// bravo holds a key for OpenAI itself (the test above): removed, AI is off.
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( bravo.tenant.owner ) )
			.send( { api_key: null } )
			.expect( 200 );
		const unconfigured = await request( cloud.app )
			.post( '/api/v1/system/settings/ai/test/' )
			.set( bearer( bravo.tenant.owner ) )
			.expect( 200 );
		expect( unconfigured.body.data ).toMatchObject( {
			ok: false,
			outcome: 'not_configured',
		} );
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( bravo.tenant.owner ) )
			.send( { api_key: 'sk-wrong-key-000000', base_url: openai.url } )
			.expect( 200 );
		const refused = await request( cloud.app )
			.post( '/api/v1/system/settings/ai/test/' )
			.set( bearer( bravo.tenant.owner ) )
			.expect( 200 );
		expect( refused.body.data ).toMatchObject( {
			ok: false,
			outcome: 'refused_key',
			status: 401,
		} );
		expect( JSON.stringify( refused.body ) ).not.toContain(
			'sk-wrong-key-000000'
		);
		await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( bravo.tenant.owner ) )
			.send( { api_key: OWN_KEY } )
			.expect( 200 );
		const accepted = await request( cloud.app )
			.post( '/api/v1/system/settings/ai/test/' )
			.set( bearer( bravo.tenant.owner ) )
			.expect( 200 );
		expect( accepted.body.data ).toMatchObject( {
			ok: true,
			outcome: 'ok',
		} );
	} );

	it( 'removing the key removes its endpoint and turns AI off again', async () => {
		const removed = await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( alpha.tenant.owner ) )
			.send( { api_key: null } )
			.expect( 200 );
		expect( removed.body.data ).toMatchObject( {
			has_api_key: false,
			api_key_last4: null,
			base_url: null,
			configured: false,
		} );
		const refused = await startRun( cloud, alpha.tenant, alpha.clusterId );
		expect( refused.status ).toBe( 503 );
	} );
} );
