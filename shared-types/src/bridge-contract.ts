import { z } from 'zod';
import { BRIDGE_ROUTES, bridgeHealthSchema } from './bridge';
import { eventPostSchema } from './integration';

/**
 * Turns the bridge's zod schemas into the JSON Schema dialect WordPress's REST
 * API validates with (draft 4, plus type lists for nullable values), as the
 * plugin loads it: `plugin/src/Contract/bridge-contract.json`, written by
 * `npm run contract` and checked to be current by `npm run lint`.
 */

export type JsonSchema = { [ keyword: string ]: unknown };

/** zod's bounds for "any safe integer": noise to WordPress, which has no such limit. */
const SAFE_BOUNDS = new Set( [
	Number.MAX_SAFE_INTEGER,
	Number.MIN_SAFE_INTEGER,
] );

/** One schema, as `rest_validate_value_from_schema()` reads it. */
export function wordpressSchema( schema: z.ZodType ): JsonSchema {
	const json = z.toJSONSchema( schema, {
		io: 'input',
		target: 'draft-4',
		unrepresentable: 'throw',
	} ) as JsonSchema;
	delete json.$schema;
	return normalize( json );
}

function normalize( node: JsonSchema ): JsonSchema {
	let out: JsonSchema = { ...node };
	// `X | null` is written as anyOf; WordPress reads a type list best (its
	// anyOf errors name no field).
	const anyOf = out.anyOf as JsonSchema[] | undefined;
	if ( anyOf?.length === 2 ) {
		const [ only, ...more ] = anyOf.filter(
			( branch ) => branch.type !== 'null'
		);
		if ( only && more.length === 0 && typeof only.type === 'string' ) {
			delete out.anyOf;
			out = { ...out, ...only, type: [ only.type, 'null' ] };
		}
	}
	for ( const bound of [ 'minimum', 'maximum' ] ) {
		if ( SAFE_BOUNDS.has( out[ bound ] as number ) ) {
			delete out[ bound ];
		}
	}
	if ( out.properties ) {
		out.properties = Object.fromEntries(
			Object.entries(
				out.properties as Record< string, JsonSchema >
			).map( ( [ name, child ] ) => [ name, normalize( child ) ] )
		);
	}
	if ( out.items && typeof out.items === 'object' ) {
		out.items = normalize( out.items as JsonSchema );
	}
	if (
		out.additionalProperties &&
		typeof out.additionalProperties === 'object'
	) {
		const extra = out.additionalProperties as JsonSchema;
		// An open object (`{}`): WordPress's default, so left unsaid.
		if ( Object.keys( extra ).length === 0 ) {
			delete out.additionalProperties;
		} else {
			out.additionalProperties = normalize( extra );
		}
	}
	if ( Array.isArray( out.anyOf ) ) {
		throw new Error(
			'The bridge contract uses a union WordPress cannot check; use a nullable type instead.'
		);
	}
	return out;
}

/**
 * A request schema as `register_rest_route()` args: one entry per top-level
 * field, `required` per field (WordPress's draft-3 style for args), nested
 * objects keeping draft 4's `required` lists.
 */
export function wordpressArgs(
	schema: z.ZodType
): Record< string, JsonSchema > {
	const json = wordpressSchema( schema );
	const required = new Set( ( json.required as string[] | undefined ) ?? [] );
	return Object.fromEntries(
		Object.entries(
			( json.properties as Record< string, JsonSchema > | undefined ) ??
				{}
		).map( ( [ name, child ] ) => [
			name,
			required.has( name ) ? { ...child, required: true } : child,
		] )
	);
}

/** The whole generated file, as an object. */
export function bridgeContract(): JsonSchema {
	return {
		$comment:
			'Generated from shared-types/src/bridge.ts by `npm run contract`: do not edit.',
		routes: Object.fromEntries(
			Object.entries( BRIDGE_ROUTES ).map( ( [ name, route ] ) => [
				name,
				{
					method: route.method,
					path: route.path,
					args: route.request ? wordpressArgs( route.request ) : {},
					response: wordpressSchema( route.response ),
				},
			] )
		),
		// What the plugin sends the cloud, checked by the plugin's own tests.
		outbound: {
			'event.post': wordpressSchema( eventPostSchema ),
			health: wordpressSchema( bridgeHealthSchema ),
		},
	};
}

/** The file's text: stable key order, tabs, a final newline. */
export function bridgeContractText(): string {
	return `${ JSON.stringify( bridgeContract(), null, '\t' ) }\n`;
}
