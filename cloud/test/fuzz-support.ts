import fc from 'fast-check';

/**
 * The pieces of the API fuzz (fuzz.test.ts): the operations, read from the
 * OpenAPI document the cloud generates (so a new route is fuzzed without
 * touching the fuzz), arbitraries that build plausible and hostile requests
 * for them, and the check every answer must pass.
 */

type JsonSchema = Record< string, unknown >;

export type Operation = {
	method: 'get' | 'post' | 'put' | 'patch' | 'delete';
	/** OpenAPI template: `/api/v1/planner/keywords/{id}/`. */
	path: string;
	pathParams: string[];
	query: { name: string; schema: JsonSchema }[];
	body?: { type: 'json' | 'multipart'; schema: JsonSchema };
	/** A success that is not the JSON envelope (CSV, an image, an event stream). */
	file?: string;
};

export function operationsOf( document: Record< string, any > ): Operation[] {
	const operations: Operation[] = [];
	for ( const [ path, methods ] of Object.entries(
		document.paths as Record< string, Record< string, any > >
	) ) {
		for ( const [ method, operation ] of Object.entries( methods ) ) {
			const parameters = ( operation.parameters ?? [] ) as {
				name: string;
				in: string;
				schema: JsonSchema;
			}[];
			const content = operation.requestBody?.content ?? {};
			const success = Object.entries(
				operation.responses as Record< string, any >
			).find( ( [ status ] ) => status.startsWith( '2' ) )?.[ 1 ];
			const successType = Object.keys( success?.content ?? {} )[ 0 ];
			operations.push( {
				method: method as Operation[ 'method' ],
				path,
				pathParams: parameters
					.filter( ( p ) => p.in === 'path' )
					.map( ( p ) => p.name ),
				query: parameters
					.filter( ( p ) => p.in === 'query' )
					.map( ( p ) => ( { name: p.name, schema: p.schema } ) ),
				body: content[ 'application/json' ]
					? {
							type: 'json',
							schema: content[ 'application/json' ].schema,
						}
					: content[ 'multipart/form-data' ]
						? {
								type: 'multipart',
								schema: content[ 'multipart/form-data' ].schema,
							}
						: undefined,
				file:
					successType && successType !== 'application/json'
						? successType
						: undefined,
			} );
		}
	}
	return operations;
}

// --- values --------------------------------------------------------------------

/** Keys that name Object.prototype members: a lookup on a plain object finds a function. */
export const PROTOTYPE_KEYS = [
	'__proto__',
	'constructor',
	'toString',
	'valueOf',
	'hasOwnProperty',
	'isPrototypeOf',
	'__defineGetter__',
	'prototype',
];

const hostileString = fc.oneof(
	fc.constantFrom(
		'',
		' ',
		'\u0000',
		'a\u0000b',
		'\ud800',
		'\uffff',
		'%',
		'_',
		'\\',
		"'; DROP TABLE users; --",
		'{{variable}}',
		'${ process.exit() }',
		'<script>alert(1)</script>',
		'javascript:alert(1)',
		'=HYPERLINK("x")',
		'-2+3',
		'NaN',
		'Infinity',
		'-0',
		'1e400',
		'9223372036854775808',
		'0x10',
		'null',
		'true',
		'[]',
		'{}',
		'../../etc/passwd',
		'💥🧨',
		'Z̷̢a̵l̸g̶o̷',
		'\u202eevil',
		...PROTOTYPE_KEYS
	),
	fc.string( { unit: 'binary', maxLength: 30 } ),
	fc.string( { unit: 'grapheme', maxLength: 30 } ),
	fc.integer( { min: 1_000, max: 300_000 } ).map( ( n ) => 'x'.repeat( n ) )
);

const hostileNumber = fc.constantFrom(
	0,
	-1,
	-0,
	1.5,
	2 ** 31,
	2 ** 53,
	Number.MAX_SAFE_INTEGER + 2,
	1e20,
	-1e20,
	Number.MIN_VALUE,
	Number.MAX_VALUE
);

/** Nested arrays or objects, deep enough to hurt a recursive reader. */
const deepNesting = fc
	.tuple( fc.integer( { min: 50, max: 3_000 } ), fc.boolean() )
	.map( ( [ depth, objects ] ) => {
		let value: unknown = 1;
		for ( let i = 0; i < depth; i++ ) {
			value = objects ? { a: value } : [ value ];
		}
		return value;
	} );

/** Anything a JSON body could hold where a field goes. */
export const hostileValue: fc.Arbitrary< unknown > = fc.oneof(
	hostileString,
	hostileNumber,
	fc.constantFrom( null, true, false, [], {}, [ null ], [ [] ] ),
	deepNesting,
	fc.jsonValue( { maxDepth: 3 } ),
	fc.array( hostileString, { maxLength: 5 } ),
	fc
		.dictionary( fc.constantFrom( ...PROTOTYPE_KEYS ), fc.jsonValue(), {
			maxKeys: 3,
		} )
		.map( ownKeys ),
	fc
		.dictionary(
			hostileString.map( ( s ) => s.slice( 0, 50 ) ),
			hostileString,
			{ maxKeys: 3 }
		)
		.map( ownKeys )
);

/** An object whose keys are own properties, `__proto__` included (what JSON.parse makes). */
function ownKeys(
	source: Record< string, unknown >
): Record< string, unknown > {
	const out: Record< string, unknown > = {};
	for ( const key of Object.keys( source ) ) {
		Object.defineProperty( out, key, {
			value: source[ key ],
			enumerable: true,
			writable: true,
			configurable: true,
		} );
	}
	return out;
}

/**
 * The ids that exist, so requests get past their lookups: all of them, and
 * by the field that names them (`sector_id`, `keyword_ids` → `keyword_id`;
 * `ids` and a path's `{id}` → the operation's own resource).
 */
export type IdPool = {
	all: number[];
	named: Record< string, number[] >;
	resource?: string;
};

/** The resource an operation's `{id}` and `ids` name, by its path (unknown paths: any id). */
const RESOURCES: [ string, string ][] = [
	[ '/api/v1/planner/keywords/imports/', 'import_id' ],
	[ '/api/v1/planner/keywords/', 'keyword_id' ],
	[ '/api/v1/planner/clusters/', 'cluster_id' ],
	[ '/api/v1/planner/ideas/', 'idea_id' ],
	[ '/api/v1/writer/tasks/', 'task_id' ],
	[ '/api/v1/writer/content/', 'content_id' ],
	[ '/api/v1/writer/images/', 'image_id' ],
	[ '/api/v1/auth/sites/', 'site_id' ],
	[ '/api/v1/auth/sectors/', 'sector_id' ],
	[ '/api/v1/auth/users/', 'user_id' ],
	[ '/api/v1/auth/accounts/', 'account_id' ],
	[ '/api/v1/system/ai-runs/', 'run_id' ],
	[ '/api/v1/system/author-profiles/', 'author_profile_id' ],
	[ '/api/v1/system/strategies/', 'strategy_id' ],
	[ '/api/v1/integration/integrations/', 'integration_id' ],
	[ '/api/v1/publisher/publishing-records/', 'record_id' ],
	[ '/api/v1/publisher/publish/', 'content_id' ],
];

export function forOperation( pool: IdPool, path: string ): IdPool {
	return {
		...pool,
		resource: RESOURCES.find( ( [ prefix ] ) =>
			path.startsWith( prefix )
		)?.[ 1 ],
	};
}

export function idsFor( pool: IdPool, name?: string ): number[] {
	const key =
		name === 'ids' || name === 'id'
			? pool.resource
			: name?.replace( /_ids$/, '_id' ).replace( /Id$/, '_id' );
	const named = key ? pool.named[ key ] : undefined;
	return named?.length ? named : pool.all;
}

/** A value that fits a JSON schema (zod's output: OpenAPI 3.1 / JSON Schema 2020-12). */
export function fromSchema(
	schema: JsonSchema | undefined,
	ids: IdPool,
	depth = 0,
	name?: string
): fc.Arbitrary< unknown > {
	if ( ! schema || depth > 6 ) {
		return fc.jsonValue( { maxDepth: 2 } );
	}
	if ( schema.const !== undefined ) {
		return fc.constant( schema.const );
	}
	if ( Array.isArray( schema.enum ) ) {
		return fc.constantFrom( ...( schema.enum as unknown[] ) );
	}
	const choices = ( schema.anyOf ?? schema.oneOf ) as
		JsonSchema[] | undefined;
	if ( choices?.length ) {
		return fc.oneof(
			...choices.map( ( choice ) =>
				fromSchema( choice, ids, depth + 1, name )
			)
		);
	}
	if ( Array.isArray( schema.allOf ) && schema.allOf.length ) {
		return fromSchema(
			schema.allOf[ 0 ] as JsonSchema,
			ids,
			depth + 1,
			name
		);
	}
	const types = Array.isArray( schema.type ) ? schema.type : [ schema.type ];
	return fc.oneof(
		...( types as ( string | undefined )[] ).map( ( type ) =>
			ofType( type, schema, ids, depth, name )
		)
	);
}

function ofType(
	type: string | undefined,
	schema: JsonSchema,
	ids: IdPool,
	depth: number,
	name: string | undefined
): fc.Arbitrary< unknown > {
	const num = ( key: string ) =>
		typeof schema[ key ] === 'number'
			? ( schema[ key ] as number )
			: undefined;
	switch ( type ) {
		case 'string': {
			const max = Math.min( num( 'maxLength' ) ?? 40, 80 );
			const min = Math.min( num( 'minLength' ) ?? 0, max );
			if ( schema.format === 'email' ) {
				return fc.emailAddress();
			}
			if ( schema.format === 'date-time' ) {
				return fc
					.date( {
						noInvalidDate: true,
						min: new Date( '2000-01-01' ),
						max: new Date( '2100-01-01' ),
					} )
					.map( ( d ) => d.toISOString() );
			}
			if ( schema.format === 'uri' ) {
				return fc.webUrl();
			}
			if ( typeof schema.pattern === 'string' ) {
				try {
					return fc.stringMatching( new RegExp( schema.pattern ) );
				} catch {
					// A pattern JavaScript cannot compile: any text.
				}
			}
			return fc.string( { minLength: min, maxLength: max } );
		}
		case 'integer': {
			const min = Math.max( num( 'minimum' ) ?? -10, -1e6 );
			const max = Math.min( num( 'maximum' ) ?? 1e6, 1e9 );
			const fitting = idsFor( ids, name ).filter(
				( id ) => id >= min && id <= max
			);
			return fitting.length
				? fc.oneof(
						{ arbitrary: fc.constantFrom( ...fitting ), weight: 3 },
						{ arbitrary: fc.integer( { min, max } ), weight: 1 }
					)
				: fc.integer( { min, max } );
		}
		case 'number':
			return fc.double( {
				min: Math.max( num( 'minimum' ) ?? -1e6, -1e9 ),
				max: Math.min( num( 'maximum' ) ?? 1e6, 1e9 ),
				noNaN: true,
				noDefaultInfinity: true,
			} );
		case 'boolean':
			return fc.boolean();
		case 'null':
			return fc.constant( null );
		case 'array':
			return fc.array(
				fromSchema( schema.items as JsonSchema, ids, depth + 1, name ),
				{
					minLength: Math.min( num( 'minItems' ) ?? 0, 3 ),
					maxLength: Math.min( num( 'maxItems' ) ?? 3, 3 ),
				}
			);
		case 'object': {
			const properties = ( schema.properties ?? {} ) as Record<
				string,
				JsonSchema
			>;
			if ( Object.keys( properties ).length === 0 ) {
				return fc.dictionary(
					fc.string( { maxLength: 10 } ),
					fc.jsonValue( { maxDepth: 2 } ),
					{ maxKeys: 3 }
				);
			}
			return fc.record(
				Object.fromEntries(
					Object.entries( properties ).map( ( [ key, child ] ) => [
						key,
						fromSchema( child, ids, depth + 1, key ),
					] )
				),
				{ requiredKeys: ( schema.required ?? [] ) as string[] }
			);
		}
		default:
			return fc.jsonValue( { maxDepth: 2 } );
	}
}

/**
 * A body for an operation: mostly one that fits its schema (so it reaches
 * the handler), or that one with a field swapped for something hostile or a
 * key added, or something else entirely.
 */
export function jsonBody(
	schema: JsonSchema,
	ids: IdPool
): fc.Arbitrary< unknown > {
	const valid = fromSchema( schema, ids );
	return fc.oneof(
		{ arbitrary: valid, weight: 10 },
		{
			arbitrary: fc
				.tuple( valid, fc.nat(), hostileValue )
				.map( ( [ body, at, value ] ) => {
					if (
						! body ||
						typeof body !== 'object' ||
						Array.isArray( body )
					) {
						return value;
					}
					const keys = Object.keys( body );
					const key = keys.length ? keys[ at % keys.length ]! : 'x';
					return ownKeys( { ...body, [ key ]: value } );
				} ),
			weight: 3,
		},
		{
			arbitrary: fc
				.tuple(
					valid,
					fc.oneof(
						fc.constantFrom( ...PROTOTYPE_KEYS ),
						fc.string( { maxLength: 12 } )
					),
					fc.jsonValue( { maxDepth: 2 } )
				)
				.map( ( [ body, key, value ] ) =>
					body && typeof body === 'object' && ! Array.isArray( body )
						? ownKeys( { ...body, [ key ]: value } )
						: body
				),
			weight: 2,
		},
		{ arbitrary: hostileValue, weight: 2 }
	);
}

/** Bytes no JSON parser should accept, or that it accepts into odd values. */
export const rawJsonText = fc.oneof(
	fc.constantFrom(
		'{',
		'{"a":',
		'[1,2',
		'nul',
		'{"a":1}garbage',
		"{'single': 'quotes'}",
		'{"x": NaN}',
		'{"x": Infinity}',
		'{"page_size": 1e400}',
		'{"id": -0}',
		'{"ids": [1e400, -1e400]}',
		'\u0000',
		'\ufeff{}',
		'"just a string"',
		'12',
		'null',
		'{"__proto__": {"admin": true}}',
		'{"constructor": {"prototype": {"admin": true}}}',
		'{"a": 1, "a": 2}'
	),
	fc.string( { unit: 'binary', maxLength: 60 } ),
	fc
		.integer( { min: 100, max: 20_000 } )
		.map( ( n ) => `${ '['.repeat( n ) }${ ']'.repeat( n ) }` ),
	fc
		.integer( { min: 100, max: 20_000 } )
		.map( ( n ) => `${ '{"a":'.repeat( n ) }1${ '}'.repeat( n ) }` )
);

/** A query-string value: what the schema wants, printed, or something it does not. */
export function queryValue(
	schema: JsonSchema,
	ids: IdPool,
	name?: string
): fc.Arbitrary< string > {
	return fc.oneof(
		{
			arbitrary: fromSchema( schema, ids, 0, name ).map( ( v ) =>
				typeof v === 'string' ? v : JSON.stringify( v )
			),
			weight: 8,
		},
		{
			arbitrary: hostileString.map( ( s ) => s.slice( 0, 3000 ) ),
			weight: 1,
		}
	);
}

/**
 * Percent-encodes any text as UTF-8, lone surrogates included (they become
 * U+FFFD, as on the wire), where encodeURIComponent would throw.
 */
export function encodePart( text: string ): string {
	let out = '';
	for ( const byte of new TextEncoder().encode( text ) ) {
		const char = String.fromCharCode( byte );
		out += /[A-Za-z0-9\-_.~]/.test( char )
			? char
			: `%${ byte.toString( 16 ).toUpperCase().padStart( 2, '0' ) }`;
	}
	return out;
}

/** A path segment: an existing id, another number, or text that is not an id at all. */
export function pathValue( ids: IdPool, name: string ): fc.Arbitrary< string > {
	return fc.oneof(
		{
			arbitrary: fc.constantFrom( ...idsFor( ids, name ) ).map( String ),
			weight: 8,
		},
		{ arbitrary: fc.constantFrom( ...ids.all ).map( String ), weight: 2 },
		{
			arbitrary: fc.integer( { min: 1, max: 1_000_000 } ).map( String ),
			weight: 1,
		},
		{
			arbitrary: hostileString.map( ( s ) =>
				encodePart( s.slice( 0, 300 ) )
			),
			weight: 2,
		},
		{
			arbitrary: fc.constantFrom(
				'generate_ideas',
				'generate_content',
				'%E0%A4%A',
				'%',
				'%00',
				'..%2F..%2Fetc%2Fpasswd',
				'1%2F2',
				'99999999999999999999',
				'1.5',
				'-1',
				'0'
			),
			weight: 1,
		}
	);
}

// --- the check -------------------------------------------------------------------

/** What every answer must be: never a 5xx; an error always in the unified envelope. */
export function problemsWith( answer: {
	status: number;
	contentType: string;
	text: string;
} ): string[] {
	const problems: string[] = [];
	if ( answer.status >= 500 ) {
		problems.push( `answered ${ answer.status }` );
	}
	if ( answer.status < 400 ) {
		return problems;
	}
	let body: Record< string, unknown > | undefined;
	try {
		body = JSON.parse( answer.text ) as Record< string, unknown >;
	} catch {
		problems.push(
			`error is not JSON (${ answer.contentType }): ${ answer.text.slice( 0, 200 ) }`
		);
		return problems;
	}
	if (
		! body ||
		body.success !== false ||
		typeof body.error !== 'string' ||
		body.error.length === 0 ||
		typeof body.request_id !== 'string'
	) {
		problems.push(
			`error is not the envelope: ${ answer.text.slice( 0, 300 ) }`
		);
	}
	const errors = body?.errors;
	if (
		errors !== undefined &&
		( typeof errors !== 'object' ||
			errors === null ||
			Object.values( errors ).some(
				( messages ) =>
					! Array.isArray( messages ) ||
					messages.some( ( m ) => typeof m !== 'string' )
			) )
	) {
		problems.push(
			`errors is not field → messages: ${ JSON.stringify( errors ) }`
		);
	}
	return problems;
}
