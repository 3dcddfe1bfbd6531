import OpenAI from 'openai';
import { z } from 'zod';
import {
	outboundAllow,
	startFakeOpenAI,
	TINY_PNG_BASE64,
	type FakeOpenAI,
} from '@igny8/test-harness';
import {
	AiAbortedError,
	AiProvider,
	AiProviderError,
	type ProviderSettings,
} from '../src/modules/ai/provider';
import { defineAnswer } from '../src/modules/ai/structured/answer';
import { parseAllowList } from '../src/net/address-policy';
import { OutboundClient } from '../src/net/outbound';

/** The provider's retry loop against the fake server, through the real `openai` client. */
describe( 'the AI provider', () => {
	let openai: FakeOpenAI;
	let outbound: OutboundClient;
	const settings = (): ProviderSettings => ( {
		outbound,
		apiKey: 'sk-test',
		baseUrl: openai.url,
		model: 'gpt-4o-mini',
		requestTimeoutMs: 2_000,
		maxAttempts: 3,
		retryBaseMs: 10,
		maxRetryAfterMs: 5_000,
	} );
	const hello = [ { role: 'user' as const, content: 'Hello' } ];

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		// The fake server is on loopback: allowed exactly, as the test cloud does.
		outbound = new OutboundClient( {
			allow: parseAllowList( outboundAllow( openai.url ) ),
		} );
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await outbound?.close();
		await openai?.close();
	} );

	it( 'returns the text and token usage of an answer', async () => {
		openai.script( 'chat', {
			content: 'Hi there',
			usage: { prompt_tokens: 12, completion_tokens: 3 },
		} );
		const answer = await new AiProvider( settings() ).chat( hello );
		expect( answer ).toEqual( {
			text: 'Hi there',
			model: 'gpt-4o-mini',
			tokensIn: 12,
			tokensOut: 3,
			attempts: 1,
		} );
		expect( openai.requests[ 0 ]!.body ).toMatchObject( {
			model: 'gpt-4o-mini',
			messages: hello,
		} );
	} );

	it( 'waits out a Retry-After given in seconds before trying again', async () => {
		openai.script(
			'chat',
			{ status: 429, retryAfter: '1' },
			{ content: 'Now' }
		);
		const started = Date.now();
		const answer = await new AiProvider( settings() ).chat( hello );
		expect( answer.text ).toBe( 'Now' );
		expect( answer.attempts ).toBe( 2 );
		expect( Date.now() - started ).toBeGreaterThanOrEqual( 950 );
	} );

	it( 'abandons a request that hangs past the timeout and retries it', async () => {
		openai.script( 'chat', { hang: true }, { content: 'Finally' } );
		const answer = await new AiProvider( {
			...settings(),
			requestTimeoutMs: 300,
		} ).chat( hello );
		expect( answer ).toMatchObject( { text: 'Finally', attempts: 2 } );
	} );

	it( 'does not retry a request the provider refuses (400)', async () => {
		openai.fallback( 'chat', { status: 400, message: 'Bad model' } );
		await expect(
			new AiProvider( settings() ).chat( hello )
		).rejects.toThrow( AiProviderError );
		expect( openai.requests ).toHaveLength( 1 );
	} );

	it( 'stops waiting at once when its signal aborts', async () => {
		openai.fallback( 'chat', { hang: true } );
		const controller = new AbortController();
		setTimeout( () => controller.abort(), 100 );
		const started = Date.now();
		await expect(
			new AiProvider( settings() ).chat( hello, {
				signal: controller.signal,
			} )
		).rejects.toThrow( AiAbortedError );
		expect( Date.now() - started ).toBeLessThan( 1_000 );
	} );

	const person = defineAnswer( {
		name: 'person',
		schema: z.object( { name: z.string(), age: z.number() } ),
		missing: 'named nobody',
	} );

	it( 'validates structured answers with zod, asked for with a strict json_schema', async () => {
		openai.script( 'chat', { content: { name: 'Ada', age: 36 } } );
		const result = await new AiProvider( settings() ).structured(
			person,
			hello
		);
		expect( result ).toMatchObject( {
			value: { name: 'Ada', age: 36 },
			repaired: false,
			mode: 'json_schema',
		} );
		expect( openai.requests[ 0 ]!.body.response_format ).toEqual( {
			type: 'json_schema',
			json_schema: {
				name: 'person',
				strict: true,
				schema: {
					type: 'object',
					properties: {
						name: { type: 'string' },
						age: { type: 'number' },
					},
					required: [ 'name', 'age' ],
					additionalProperties: false,
				},
			},
		} );
	} );

	it( 'puts the schema in the prompt in JSON mode', async () => {
		openai.script( 'chat', { content: { name: 'Ada', age: 36 } } );
		const result = await new AiProvider( settings() ).structured(
			person,
			hello,
			{ mode: 'json_mode' }
		);
		expect( result ).toMatchObject( {
			value: { name: 'Ada', age: 36 },
			mode: 'json_mode',
		} );
		const body = openai.requests[ 0 ]!.body;
		expect( body.response_format ).toEqual( { type: 'json_object' } );
		expect( body.messages[ 0 ].content ).toContain( 'JSON Schema' );
	} );

	it( 'serves embeddings and a real PNG to the real client', async () => {
		const client = new OpenAI( {
			apiKey: 'sk-test',
			baseURL: openai.url,
			maxRetries: 0,
		} );
		const embeddings = await client.embeddings.create( {
			model: 'text-embedding-3-small',
			input: [ 'trail shoes', 'road shoes' ],
			dimensions: 16,
		} );
		expect( embeddings.data ).toHaveLength( 2 );
		expect( embeddings.data[ 0 ]!.embedding ).toHaveLength( 16 );
		const image = await client.images.generate( {
			model: 'gpt-image-1',
			prompt: 'A trail',
		} );
		const png = Buffer.from( image.data![ 0 ]!.b64_json!, 'base64' );
		expect( image.data![ 0 ]!.b64_json ).toBe( TINY_PNG_BASE64 );
		expect( png.subarray( 1, 4 ).toString( 'ascii' ) ).toBe( 'PNG' );
		expect( openai.received( 'images' )[ 0 ]!.body.prompt ).toBe(
			'A trail'
		);
	} );
} );
