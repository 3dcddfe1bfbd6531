/**
 * JSON Schema for OpenAI's strict structured outputs, made from the JSON
 * Schema zod writes for an answer's input side — and the way back.
 *
 * Strict mode takes a subset of JSON Schema (platform.openai.com/docs/guides/
 * structured-outputs#supported-schemas): every property listed in
 * `required` (an optional one becomes nullable instead),
 * `additionalProperties: false` on every object, and only some keywords:
 * `pattern` and a few `format`s for strings, bounds and `multipleOf` for
 * numbers, `minItems`/`maxItems` for arrays. Anything else is dropped here
 * (string lengths, defaults); that loses nothing, because every answer is
 * still validated with its zod schema after parsing. What cannot be
 * expressed at all (intersections, references, maps) throws, so a schema
 * that does not fit is found by the answer tests, not by a run.
 *
 * `restoreOmitted` undoes the nullable-for-optional: a null the model gave
 * for a property the schema lets it leave out is removed again, so the zod
 * default applies (in either mode: a JSON-mode answer may say null too).
 */

export type JsonSchema = { [ keyword: string ]: unknown };

/** Kept as they are: each is in strict mode's supported subset. */
const KEPT = new Set( [
	'type',
	'enum',
	'const',
	'description',
	'title',
	'pattern',
	'multipleOf',
	'minimum',
	'maximum',
	'exclusiveMinimum',
	'exclusiveMaximum',
	'minItems',
	'maxItems',
] );

/** Keywords that change which values are valid in ways strict mode cannot say. */
const REFUSED = [
	'allOf',
	'oneOf',
	'not',
	'if',
	'then',
	'else',
	'$ref',
	'$defs',
	'definitions',
	'prefixItems',
	'patternProperties',
	'propertyNames',
	'dependentSchemas',
	'dependentRequired',
];

const FORMATS = new Set( [
	'date-time',
	'time',
	'date',
	'duration',
	'email',
	'hostname',
	'ipv4',
	'ipv6',
	'uuid',
] );

/** zod's bounds of a plain integer: noise for the model, so left out. */
const SAFE_BOUND = Number.MAX_SAFE_INTEGER;

const isSchema = ( value: unknown ): value is JsonSchema =>
	typeof value === 'object' && value !== null && ! Array.isArray( value );

/** True when `null` is a valid value of the schema as it stands. */
export function acceptsNull( schema: JsonSchema ): boolean {
	const { type } = schema;
	return (
		type === 'null' ||
		( Array.isArray( type ) && type.includes( 'null' ) ) ||
		( Array.isArray( schema.enum ) && schema.enum.includes( null ) ) ||
		schema.const === null ||
		( Array.isArray( schema.anyOf ) &&
			schema.anyOf.some( ( branch ) =>
				isSchema( branch ) ? acceptsNull( branch ) : false
			) )
	);
}

/** The strict-mode version of `schema` (which must describe an object). */
export function strictJsonSchema( schema: JsonSchema ): JsonSchema {
	if ( schema.type !== 'object' ) {
		throw new Error(
			'A structured answer must be a JSON object at the top level.'
		);
	}
	return strict( schema, '' );
}

function strict( schema: JsonSchema, path: string ): JsonSchema {
	const at = path || '(root)';
	for ( const keyword of REFUSED ) {
		if ( keyword in schema ) {
			throw new Error(
				`Strict structured output cannot express "${ keyword }" (at ${ at }).`
			);
		}
	}
	const out: JsonSchema = {};
	for ( const [ keyword, value ] of Object.entries( schema ) ) {
		// The rest is either rebuilt below (properties, items, anyOf…) or dropped.
		if ( ! KEPT.has( keyword ) ) {
			continue;
		}
		if (
			( keyword === 'minimum' && value === -SAFE_BOUND ) ||
			( keyword === 'maximum' && value === SAFE_BOUND )
		) {
			continue;
		}
		out[ keyword ] = value;
	}
	if ( typeof schema.format === 'string' && FORMATS.has( schema.format ) ) {
		out.format = schema.format;
	}
	if ( Array.isArray( schema.anyOf ) ) {
		out.anyOf = schema.anyOf.map( ( branch, i ) =>
			strict( branch as JsonSchema, `${ at } (option ${ i + 1 })` )
		);
	}
	if ( isSchema( schema.items ) ) {
		out.items = strict( schema.items, `${ path }[]` );
	}
	if ( schema.type === 'object' || isSchema( schema.properties ) ) {
		if (
			schema.additionalProperties !== undefined &&
			schema.additionalProperties !== false &&
			! (
				isSchema( schema.additionalProperties ) &&
				Object.keys( schema.additionalProperties ).length === 0
			)
		) {
			throw new Error(
				`Strict structured output cannot express an object of any keys (at ${ at }).`
			);
		}
		const properties = isSchema( schema.properties )
			? schema.properties
			: {};
		const required = new Set(
			Array.isArray( schema.required ) ? schema.required : []
		);
		out.properties = Object.fromEntries(
			Object.entries( properties ).map( ( [ key, value ] ) => {
				const converted = strict(
					value as JsonSchema,
					path ? `${ path }.${ key }` : key
				);
				// Strict mode requires every key: "may be left out" becomes "may be null".
				return [
					key,
					required.has( key ) || acceptsNull( converted )
						? converted
						: { anyOf: [ converted, { type: 'null' } ] },
				];
			} )
		);
		out.required = Object.keys( properties );
		out.additionalProperties = false;
	}
	return out;
}

/**
 * `value` with each null removed where `schema` (the input-side schema the
 * strict one was made from) lets the property be left out and does not
 * itself accept null. Everything else is returned as it was.
 */
export function restoreOmitted( value: unknown, schema: JsonSchema ): unknown {
	if ( Array.isArray( value ) ) {
		const branch = branchFor( schema, 'array' );
		return branch && isSchema( branch.items )
			? value.map( ( item ) =>
					restoreOmitted( item, branch.items as JsonSchema )
				)
			: value;
	}
	if ( ! isSchema( value ) ) {
		return value;
	}
	const branch = branchFor( schema, 'object' );
	if ( ! branch || ! isSchema( branch.properties ) ) {
		return value;
	}
	const properties = branch.properties;
	const required = new Set(
		Array.isArray( branch.required ) ? branch.required : []
	);
	const out: Record< string, unknown > = {};
	for ( const [ key, item ] of Object.entries( value ) ) {
		const property = properties[ key ];
		if ( ! isSchema( property ) ) {
			out[ key ] = item;
			continue;
		}
		if (
			item === null &&
			! required.has( key ) &&
			! acceptsNull( property )
		) {
			continue;
		}
		out[ key ] = restoreOmitted( item, property );
	}
	return out;
}

/** The schema itself, or its anyOf branch, that describes an object / array. */
function branchFor(
	schema: JsonSchema,
	kind: 'object' | 'array'
): JsonSchema | undefined {
	const describes = ( s: JsonSchema ) =>
		s.type === kind ||
		( kind === 'object' ? isSchema( s.properties ) : isSchema( s.items ) );
	if ( describes( schema ) ) {
		return schema;
	}
	if ( Array.isArray( schema.anyOf ) ) {
		return schema.anyOf.find(
			( s ): s is JsonSchema => isSchema( s ) && describes( s )
		);
	}
	return undefined;
}
