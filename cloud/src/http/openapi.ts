import { z } from 'zod';
import {
	errorEnvelopeSchema,
	listEnvelope,
	successEnvelope,
} from '@igny8/shared-types';
import type { AnyRoute } from './route';

/**
 * The OpenAPI 3.1 document, generated from the same route declarations that
 * mount the API. OpenAPI 3.1 speaks JSON Schema 2020-12, which is what zod
 * emits, so schemas go in as they are.
 */

const ERROR_RESPONSES: Record< string, string > = {
	'400': 'Invalid input; `errors` maps each field to its messages',
	'401': 'Not authenticated, or the credentials are invalid',
	'403': 'Authenticated but not allowed',
	'404': 'Not found (including anything that belongs to another account)',
	'429': 'Throttled; see Retry-After',
};

function jsonSchema(
	schema: z.ZodType,
	io: 'input' | 'output'
): Record< string, unknown > {
	const { $schema: _ignored, ...rest } = z.toJSONSchema( schema, {
		io,
		unrepresentable: 'any',
	} ) as Record< string, unknown >;
	return rest;
}

export function toOpenApiPath( expressPath: string ): string {
	return `/api/v1${ expressPath.replace( /:(\w+)/g, '{$1}' ) }`;
}

function parameters( spec: AnyRoute ): unknown[] {
	const out: unknown[] = [];
	for ( const [ where, schema ] of [
		[ 'path', spec.params ],
		[ 'query', spec.query ],
	] as const ) {
		if ( ! schema ) {
			continue;
		}
		const json = jsonSchema( schema, 'input' ) as {
			properties?: Record< string, unknown >;
			required?: string[];
		};
		for ( const [ name, property ] of Object.entries(
			json.properties ?? {}
		) ) {
			out.push( {
				name,
				in: where,
				required:
					where === 'path' ||
					( json.required ?? [] ).includes( name ),
				schema: property,
			} );
		}
	}
	return out;
}

function successResponse( spec: AnyRoute ): [ string, unknown ] {
	const { response } = spec;
	if ( 'list' in response ) {
		return [
			'200',
			{
				description: response.description ?? 'A page of results',
				content: {
					'application/json': {
						schema: jsonSchema(
							listEnvelope( response.list ),
							'output'
						),
					},
				},
			},
		];
	}
	if ( 'file' in response ) {
		return [
			'200',
			{
				description: response.description ?? 'A file',
				content: {
					[ response.file ]: { schema: { type: 'string' } },
				},
			},
		];
	}
	if ( ! ( 'data' in response ) ) {
		return [
			'204',
			{ description: response.description ?? 'Done; no content' },
		];
	}
	return [
		String( response.status ?? 200 ),
		{
			description: response.description ?? 'Success',
			content: {
				'application/json': {
					schema: jsonSchema(
						successEnvelope( response.data ),
						'output'
					),
				},
			},
		},
	];
}

/** A multipart form: its text fields plus the binary `file` part. */
function uploadSchema( fields: z.ZodType ): Record< string, unknown > {
	const json = jsonSchema( fields, 'input' ) as {
		properties?: Record< string, unknown >;
		required?: string[];
	};
	return {
		type: 'object',
		properties: {
			file: {
				type: 'string',
				contentMediaType: 'application/octet-stream',
			},
			...json.properties,
		},
		required: [ 'file', ...( json.required ?? [] ) ],
	};
}

export function buildOpenApiDocument(
	routes: AnyRoute[],
	version: string
): Record< string, unknown > {
	const paths: Record< string, Record< string, unknown > > = {};
	const errorSchema = jsonSchema( errorEnvelopeSchema, 'output' );
	for ( const spec of routes ) {
		const path = toOpenApiPath( spec.path );
		const [ status, success ] = successResponse( spec );
		const errors = Object.fromEntries(
			Object.entries( ERROR_RESPONSES )
				.filter(
					( [ code ] ) =>
						spec.auth !== 'public' ||
						! [ '401', '403' ].includes( code )
				)
				.map( ( [ code, description ] ) => [
					code,
					{
						description,
						content: {
							'application/json': { schema: errorSchema },
						},
					},
				] )
		);
		( paths[ path ] ??= {} )[ spec.method ] = {
			operationId: `${ spec.method }_${ spec.path.replace( /[^a-z0-9]+/gi, '_' ).replace( /^_|_$/g, '' ) }`,
			summary: spec.summary,
			tags: [ spec.tag ],
			security:
				spec.auth === 'public'
					? []
					: spec.auth === 'user' || spec.auth === 'account_user'
						? [ { bearer: [] } ]
						: [ { bearer: [] }, { siteKey: [] } ],
			...( spec.permission
				? { 'x-igny8-permission': spec.permission }
				: {} ),
			parameters: parameters( spec ),
			...( spec.body
				? {
						requestBody: {
							required: true,
							content: {
								'application/json': {
									schema: jsonSchema( spec.body, 'input' ),
								},
							},
						},
					}
				: {} ),
			...( spec.upload
				? {
						requestBody: {
							required: true,
							content: {
								'multipart/form-data': {
									schema: uploadSchema( spec.upload ),
								},
							},
						},
					}
				: {} ),
			responses: { [ status ]: success, ...errors },
		};
	}
	return {
		openapi: '3.1.0',
		info: {
			title: 'IGNY8 cloud API',
			version,
			description:
				'Responses use the envelope {success, data, message, request_id}; lists {success, count, next, previous, results, request_id}; errors {success: false, error, code, errors, request_id}.',
		},
		servers: [ { url: '/' } ],
		components: {
			securitySchemes: {
				bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
				siteKey: {
					type: 'apiKey',
					in: 'header',
					name: 'X-IGNY8-API-Key',
					description:
						'A site key in plain: accepted while its site has not paired with signing, and once to pair it (test-connection). A paired site signs instead: X-IGNY8-Key-Id, X-IGNY8-Timestamp, X-IGNY8-Request-Id and X-IGNY8-Signature (docs/bridge-protocol.md).',
				},
			},
		},
		paths,
	};
}
