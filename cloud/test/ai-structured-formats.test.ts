import { APIError } from 'openai';
import { toStrictJsonSchema } from 'openai/lib/transform';
import { z } from 'zod';
import { JSON_SCHEMA_REFUSALS } from '@igny8/test-harness';
import {
	clusterBatchAnswer,
	clusterNamesAnswer,
} from '../src/modules/ai/functions/auto-cluster';
import { contentAnswer } from '../src/modules/ai/functions/generate-content';
import { ideasAnswer } from '../src/modules/ai/functions/generate-ideas';
import { imagePromptsAnswer } from '../src/modules/ai/functions/generate-image-prompts';
import {
	defineAnswer,
	formatsOf,
	readAnswer,
	responseFormatOf,
	type StructuredAnswer,
} from '../src/modules/ai/structured/answer';
import { jsonSchemaRefusal } from '../src/modules/ai/structured/refusal';
import type { JsonSchema } from '../src/modules/ai/structured/strict-schema';

/**
 * The strict response formats made from the answers' zod schemas, the way
 * back from nullable-for-optional, and which provider refusals mean "no
 * json_schema here". Pure: no server, no database.
 */

const ANSWERS: [ string, StructuredAnswer< any > ][] = [
	[ 'content_ideas', ideasAnswer ],
	[ 'keyword_clusters', clusterBatchAnswer ],
	[ 'cluster_names', clusterNamesAnswer ],
	[ 'image_prompts', imagePromptsAnswer ],
	[ 'article', contentAnswer ],
];

/** Keywords OpenAI's strict mode takes (guides/structured-outputs#supported-schemas). */
const STRICT_KEYWORDS = new Set( [
	'type',
	'properties',
	'required',
	'additionalProperties',
	'items',
	'anyOf',
	'enum',
	'const',
	'description',
	'title',
	'pattern',
	'format',
	'multipleOf',
	'minimum',
	'maximum',
	'exclusiveMinimum',
	'exclusiveMaximum',
	'minItems',
	'maxItems',
] );

/** Every subschema, with where it is. */
function* walk(
	schema: JsonSchema,
	path = '(root)'
): Generator< [ string, JsonSchema ] > {
	yield [ path, schema ];
	for ( const [ key, child ] of Object.entries(
		( schema.properties ?? {} ) as Record< string, JsonSchema >
	) ) {
		yield* walk( child, `${ path }.${ key }` );
	}
	if ( schema.items ) {
		yield* walk( schema.items as JsonSchema, `${ path }[]` );
	}
	for ( const [ i, branch ] of (
		( schema.anyOf ?? [] ) as JsonSchema[]
	 ).entries() ) {
		yield* walk( branch, `${ path }|${ i }` );
	}
}

describe( 'strict response formats of the structured answers', () => {
	it.each( ANSWERS )(
		'%s: named, strict, every property required, no extra keys, only supported keywords',
		( name, answer ) => {
			const format = responseFormatOf( answer, 'json_schema' );
			expect( format ).toMatchObject( {
				type: 'json_schema',
				json_schema: { name, strict: true },
			} );
			if ( format.type !== 'json_schema' ) {
				throw new Error( 'expected a json_schema format' );
			}
			const schema = format.json_schema.schema;
			expect( schema.type ).toBe( 'object' );
			for ( const [ path, node ] of walk( schema ) ) {
				for ( const keyword of Object.keys( node ) ) {
					expect( [
						path,
						keyword,
						STRICT_KEYWORDS.has( keyword ),
					] ).toEqual( [ path, keyword, true ] );
				}
				if ( node.type === 'object' ) {
					expect( [ path, node.additionalProperties ] ).toEqual( [
						path,
						false,
					] );
					expect( node.required ).toEqual(
						Object.keys( node.properties as object )
					);
				}
			}
			// The openai SDK's own strict-schema pass finds nothing to change.
			expect( toStrictJsonSchema( schema as any ) ).toEqual( schema );
		}
	);

	it( 'makes a field the zod schema lets the model leave out nullable, and keeps bounds strict mode supports', () => {
		const { strict } = formatsOf( ideasAnswer );
		const idea = ( strict.properties as any ).ideas.items;
		// description has a zod default: optional for zod, nullable for strict mode.
		expect( idea.properties.description ).toEqual( {
			anyOf: [ { type: 'string' }, { type: 'null' } ],
		} );
		expect( idea.properties.content_type ).toEqual( {
			anyOf: [
				{
					type: 'string',
					enum: [ 'post', 'page', 'product', 'service' ],
				},
				{ type: 'null' },
			],
		} );
		// Already nullable: stays as it is, with its bounds.
		expect( idea.properties.target_word_count ).toEqual( {
			anyOf: [
				{ type: 'integer', minimum: 100, maximum: 20000 },
				{ type: 'null' },
			],
		} );
		// Required, and its string lengths (not supported by strict mode) left to zod.
		expect( idea.properties.title ).toEqual( { type: 'string' } );
		expect( ( strict.properties as any ).ideas.minItems ).toBe( 1 );
	} );

	it( 'reads a strict answer with nulls exactly as a JSON-mode answer that leaves the fields out', () => {
		const html = '<h2>Fit</h2><p>Shoes that fit.</p>';
		const strict = readAnswer(
			contentAnswer,
			JSON.stringify( {
				title: 'Trail shoes',
				content_html: html,
				excerpt: null,
				meta_description: null,
				categories: null,
				tags: null,
			} )
		);
		const jsonMode = readAnswer(
			contentAnswer,
			JSON.stringify( { title: 'Trail shoes', content_html: html } )
		);
		expect( strict ).toEqual( {
			ok: true,
			value: {
				title: 'Trail shoes',
				content_html: html,
				excerpt: '',
				meta_description: '',
				categories: [],
				tags: [],
			},
		} );
		expect( jsonMode ).toEqual( strict );
		// A null where the schema accepts null stays null; one in a required field is still an error.
		expect(
			readAnswer(
				ideasAnswer,
				JSON.stringify( {
					ideas: [
						{
							title: 'A',
							target_word_count: null,
							description: null,
						},
					],
				} )
			)
		).toEqual( {
			ok: true,
			value: {
				ideas: [
					{
						title: 'A',
						description: '',
						content_type: 'post',
						target_word_count: null,
						suggested_keywords: [],
					},
				],
			},
		} );
		expect(
			readAnswer(
				contentAnswer,
				JSON.stringify( { title: null, content_html: html } )
			)
		).toEqual( {
			ok: false,
			problem: 'title: Invalid input: expected string, received null',
		} );
	} );

	it( 'still validates what strict mode cannot say (lengths, refinements) with zod', () => {
		expect(
			readAnswer(
				contentAnswer,
				JSON.stringify( {
					title: 'T',
					content_html: '<script>x</script>',
				} )
			)
		).toMatchObject( {
			ok: false,
			problem: expect.stringMatching(
				/^content_html: the article HTML has no text/
			),
		} );
		expect(
			readAnswer(
				imagePromptsAnswer,
				JSON.stringify( {
					featured: { prompt: 'short', alt_text: 'x' },
				} )
			)
		).toMatchObject( {
			ok: false,
			problem: expect.stringMatching( /^featured\.prompt: / ),
		} );
	} );

	it( 'refuses schemas strict mode cannot express, and names that are not valid', () => {
		expect( () =>
			formatsOf(
				defineAnswer( {
					name: 'map',
					schema: z.object( {
						counts: z.record( z.string(), z.number() ),
					} ),
					missing: 'x',
				} )
			)
		).toThrow( /cannot express/ );
		expect( () =>
			defineAnswer( {
				name: 'has spaces',
				schema: z.object( {} ),
				missing: 'x',
			} )
		).toThrow( /not a valid response format name/ );
	} );
} );

const apiError = (
	status: number,
	error: unknown,
	message?: string
): APIError =>
	APIError.generate(
		status,
		error === undefined ? undefined : { error },
		message,
		new Headers()
	);

describe( 'recognising a provider that does not take json_schema', () => {
	it.each( Object.entries( JSON_SCHEMA_REFUSALS ) )(
		'%s',
		( _name, refusal ) => {
			const { status, ...error } = refusal;
			expect( jsonSchemaRefusal( apiError( status, error ) ) ).toBe(
				refusal.message
			);
		}
	);

	it.each( [
		[
			'OpenAI, a schema it cannot take',
			400,
			{
				message:
					"Invalid schema for response_format 'article': In context=('properties', 'title'), 'minLength' is not permitted.",
				type: 'invalid_request_error',
				param: 'response_format',
			},
		],
		[
			'Groq, a keyword it does not take',
			400,
			{
				message:
					'invalid schema for response format: response_format/json_schema/clusters: minItems is not supported',
				type: 'invalid_request_error',
			},
		],
		[
			'a pydantic server (older vLLM)',
			400,
			{
				message:
					"1 validation error for ChatCompletionRequest\nresponse_format.type\n  Input should be 'text' or 'json_object' [type=literal_error, input_value='json_schema']",
			},
		],
		[
			'a serde server (text-generation-inference)',
			422,
			'Failed to deserialize the JSON body into the target type: response_format: unknown variant `json_schema`, expected `json` or `regex`',
		],
	] )( '%s', ( _name, status, error ) => {
		expect( jsonSchemaRefusal( apiError( status, error ) ) ).not.toBeNull();
	} );

	it.each( [
		[
			'a bad model',
			400,
			{
				message: 'The model `gpt-5-turbo` does not exist',
				param: 'model',
			},
		],
		[
			'a prompt too long',
			400,
			{
				message:
					"This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens.",
				param: 'messages',
				code: 'context_length_exceeded',
			},
		],
		[
			'a flagged prompt',
			400,
			{
				message:
					'Invalid prompt: your prompt was flagged as potentially violating our usage policy.',
			},
		],
		[
			'a bad key',
			401,
			{ message: 'Incorrect API key provided', code: 'invalid_api_key' },
		],
		[
			'a rate limit naming the format',
			429,
			{
				message:
					'Rate limit reached for response_format requests: not available now',
			},
		],
		[
			'an outage naming the format',
			500,
			{ message: 'json_schema backend unavailable' },
		],
		// LM Studio refuses JSON mode, not json_schema: never a reason to leave json_schema.
		[
			'LM Studio refusing json_object',
			400,
			"'response_format.type' must be 'json_schema' or 'text'",
		],
	] )( 'not %s', ( _name, status, error ) => {
		expect( jsonSchemaRefusal( apiError( status, error ) ) ).toBeNull();
	} );

	it( 'only for provider answers', () => {
		expect(
			jsonSchemaRefusal(
				new Error( 'response_format json_schema is not supported' )
			)
		).toBeNull();
	} );
} );
