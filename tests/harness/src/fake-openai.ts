import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';

/**
 * A local OpenAI-compatible server for tests: the one edge we do not own.
 * Real HTTP on a free port, spoken to by the real `openai` client. Each
 * endpoint answers from a script the test writes (content, token usage,
 * latency, failures) and every request is logged so a test can assert what
 * was sent.
 */

export type FakeEndpoint = 'chat' | 'embeddings' | 'images';

export type FakeRequest = {
	endpoint: FakeEndpoint;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: any;
	at: number;
	/** Set when the client hung up before the answer (its timeout, or an abort). */
	abandonedAt?: number;
};

export type FakeAnswer =
	/** A successful answer. `content` is the chat message (objects are sent as JSON). */
	| {
			content?: string | object;
			/**
			 * Embeddings only: the vector of each input, in order (a script
			 * function can derive them from `request.body.input`); default a
			 * deterministic pseudo-random unit vector per text.
			 */
			vectors?: number[][];
			usage?: { prompt_tokens: number; completion_tokens: number };
			latencyMs?: number;
	  }
	/** An error status; 429 may carry `Retry-After` (seconds) or `retry-after-ms`. */
	| {
			status: number;
			message?: string;
			/** The error object's other fields, as OpenAI sends them. */
			type?: string;
			param?: string | null;
			code?: string | null;
			retryAfter?: string;
			retryAfterMs?: string;
			latencyMs?: number;
	  }
	/** Never answers: the client's timeout (or abort) must end the request. */
	| { hang: true };

export type FakeScriptEntry =
	FakeAnswer | ( ( request: FakeRequest ) => FakeAnswer );

type FakeRefusal = Extract< FakeAnswer, { status: number } >;

/**
 * How real OpenAI-compatible servers refuse a `json_schema` response format
 * (verbatim, from their public issue trackers), for `refuseJsonSchema`.
 */
export const JSON_SCHEMA_REFUSALS = {
	openai: {
		status: 400,
		message:
			"Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model. Learn more about supported models at the Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs",
		type: 'invalid_request_error',
		param: 'response_format',
		code: null,
	},
	azure: {
		status: 400,
		message:
			'response_format value as json_schema is enabled only for api versions 2024-08-01-preview and later',
		type: '',
		param: '',
		code: 'BadRequest',
	},
	deepseek: {
		status: 400,
		message: 'This response_format type is unavailable now',
		type: 'invalid_request_error',
		param: null,
		code: 'invalid_request_error',
	},
	deepseek422: {
		status: 422,
		message:
			'Failed to deserialize the JSON body into the target type: response_format.type `json_schema` is unavailable now at line 1 column 12440',
	},
	groq: {
		status: 400,
		message:
			"'response_format.type' : value is not one of the allowed values ['text','json_object']",
		type: 'invalid_request_error',
	},
} satisfies Record< string, FakeRefusal >;

export type FakeOpenAI = {
	/** Base URL for the `openai` client, e.g. `http://127.0.0.1:1234/v1`. */
	url: string;
	/** Every request received, oldest first. */
	requests: FakeRequest[];
	/** Queues answers for an endpoint's next calls, in order. */
	script( endpoint: FakeEndpoint, ...answers: FakeScriptEntry[] ): void;
	/** The answer once an endpoint's script is used up. */
	fallback( endpoint: FakeEndpoint, answer: FakeScriptEntry ): void;
	/**
	 * From now on (until reset) a chat request asking for a `json_schema`
	 * response format is refused like a server without structured outputs
	 * refuses it (default: OpenAI's 400), before any script is used; other
	 * requests are answered as usual.
	 */
	refuseJsonSchema( refusal?: FakeRefusal ): void;
	/** Forgets scripts, refusals and the request log. */
	reset(): void;
	/** Requests to one endpoint, oldest first. */
	received( endpoint: FakeEndpoint ): FakeRequest[];
	close(): Promise< void >;
};

const PATHS: Record< string, FakeEndpoint > = {
	'/v1/chat/completions': 'chat',
	'/v1/embeddings': 'embeddings',
	'/v1/images/generations': 'images',
};

export async function startFakeOpenAI(): Promise< FakeOpenAI > {
	const requests: FakeRequest[] = [];
	const scripts = new Map< FakeEndpoint, FakeScriptEntry[] >();
	const fallbacks = new Map< FakeEndpoint, FakeScriptEntry >();
	let jsonSchemaRefusal: FakeRefusal | null = null;
	const sockets = new Set< Socket >();
	let counter = 0;

	const server = http.createServer( ( req, res ) => {
		const chunks: Buffer[] = [];
		req.on( 'data', ( chunk: Buffer ) => chunks.push( chunk ) );
		req.on( 'end', () => {
			const path = ( req.url ?? '' ).split( '?' )[ 0 ] ?? '';
			const endpoint = PATHS[ path ];
			if ( req.method !== 'POST' || ! endpoint ) {
				return sendJson( res, 404, {
					error: { message: `No route ${ req.method } ${ path }` },
				} );
			}
			let body: any;
			try {
				body = JSON.parse( Buffer.concat( chunks ).toString( 'utf8' ) );
			} catch {
				return sendJson( res, 400, {
					error: { message: 'Body is not JSON' },
				} );
			}
			const logged: FakeRequest = {
				endpoint,
				path,
				headers: req.headers,
				body,
				at: Date.now(),
			};
			requests.push( logged );
			res.on( 'close', () => {
				if ( ! res.writableFinished ) {
					logged.abandonedAt = Date.now();
				}
			} );
			const refused =
				endpoint === 'chat' &&
				body?.response_format?.type === 'json_schema'
					? jsonSchemaRefusal
					: null;
			const entry =
				refused ??
				scripts.get( endpoint )?.shift() ??
				fallbacks.get( endpoint ) ??
				{};
			const answer =
				typeof entry === 'function' ? entry( logged ) : entry;
			if ( 'hang' in answer ) {
				return;
			}
			const reply = () => {
				if ( res.destroyed || res.writableEnded ) {
					return;
				}
				if ( 'status' in answer ) {
					const headers: Record< string, string > = {};
					if ( answer.retryAfter !== undefined ) {
						headers[ 'retry-after' ] = answer.retryAfter;
					}
					if ( answer.retryAfterMs !== undefined ) {
						headers[ 'retry-after-ms' ] = answer.retryAfterMs;
					}
					return sendJson(
						res,
						answer.status,
						{
							error: {
								message:
									answer.message ??
									`Fake failure ${ answer.status }`,
								type: answer.type ?? 'fake_error',
								...( answer.param !== undefined
									? { param: answer.param }
									: {} ),
								...( answer.code !== undefined
									? { code: answer.code }
									: {} ),
							},
						},
						headers
					);
				}
				counter += 1;
				sendJson(
					res,
					200,
					success( endpoint, body, answer, counter )
				);
			};
			const latency = answer.latencyMs ?? 0;
			if ( latency > 0 ) {
				const timer = setTimeout( reply, latency );
				res.on( 'close', () => clearTimeout( timer ) );
			} else {
				reply();
			}
		} );
	} );
	server.on( 'connection', ( socket ) => {
		sockets.add( socket );
		socket.on( 'close', () => sockets.delete( socket ) );
	} );
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${ port }/v1`,
		requests,
		script( endpoint, ...answers ) {
			const list = scripts.get( endpoint ) ?? [];
			list.push( ...answers );
			scripts.set( endpoint, list );
		},
		fallback( endpoint, answer ) {
			fallbacks.set( endpoint, answer );
		},
		refuseJsonSchema( refusal = JSON_SCHEMA_REFUSALS.openai ) {
			jsonSchemaRefusal = refusal;
		},
		reset() {
			requests.length = 0;
			scripts.clear();
			fallbacks.clear();
			jsonSchemaRefusal = null;
		},
		received( endpoint ) {
			return requests.filter( ( r ) => r.endpoint === endpoint );
		},
		async close() {
			for ( const socket of sockets ) {
				socket.destroy();
			}
			await new Promise< void >( ( resolve ) =>
				server.close( () => resolve() )
			);
		},
	};
}

function success(
	endpoint: FakeEndpoint,
	body: any,
	answer: Exclude< FakeAnswer, { hang: true } | { status: number } >,
	n: number
): object {
	const created = Math.floor( Date.now() / 1000 );
	if ( endpoint === 'embeddings' ) {
		const inputs: string[] = Array.isArray( body.input )
			? body.input
			: [ String( body.input ) ];
		const dimensions = Number( body.dimensions ) || 8;
		return {
			object: 'list',
			model: body.model,
			data: inputs.map( ( text, index ) => {
				const vector =
					answer.vectors?.[ index ] ??
					vectorOf( String( text ), dimensions );
				return {
					object: 'embedding',
					index,
					// The client asks for base64 (little-endian float32) unless told otherwise.
					embedding:
						body.encoding_format === 'base64'
							? Buffer.from(
									new Float32Array( vector ).buffer
								).toString( 'base64' )
							: vector,
				};
			} ),
			usage: {
				prompt_tokens: tokensOf( inputs.join( ' ' ) ),
				total_tokens: tokensOf( inputs.join( ' ' ) ),
			},
		};
	}
	if ( endpoint === 'images' ) {
		const count = Number( body.n ) || 1;
		return {
			created,
			data: Array.from( { length: count }, () => ( {
				b64_json: TINY_PNG_BASE64,
				revised_prompt: body.prompt,
			} ) ),
		};
	}
	const content =
		typeof answer.content === 'string'
			? answer.content
			: JSON.stringify( answer.content ?? {} );
	const promptText = JSON.stringify( body.messages ?? [] );
	const usage = answer.usage ?? {
		prompt_tokens: tokensOf( promptText ),
		completion_tokens: tokensOf( content ),
	};
	return {
		id: `chatcmpl-fake-${ n }`,
		object: 'chat.completion',
		created,
		model: body.model,
		choices: [
			{
				index: 0,
				message: { role: 'assistant', content, refusal: null },
				logprobs: null,
				finish_reason: 'stop',
			},
		],
		usage: {
			...usage,
			total_tokens: usage.prompt_tokens + usage.completion_tokens,
		},
	};
}

function sendJson(
	res: http.ServerResponse,
	status: number,
	payload: object,
	headers: Record< string, string > = {}
): void {
	const text = JSON.stringify( payload );
	res.writeHead( status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength( text ),
		...headers,
	} );
	res.end( text );
}

/** About four characters per token, as OpenAI's own rule of thumb. */
const tokensOf = ( text: string ) =>
	Math.max( 1, Math.ceil( text.length / 4 ) );

/** A deterministic unit vector per text, so similar calls compare equal. */
function vectorOf( text: string, dimensions: number ): number[] {
	let seed = 2166136261;
	for ( const char of text ) {
		seed = Math.imul( seed ^ ( char.codePointAt( 0 ) ?? 0 ), 16777619 );
	}
	const values = Array.from( { length: dimensions }, () => {
		seed = Math.imul( seed ^ ( seed >>> 15 ), 2246822507 ) >>> 0;
		return ( seed / 0xffffffff ) * 2 - 1;
	} );
	const norm = Math.hypot( ...values ) || 1;
	return values.map( ( v ) => v / norm );
}

/** A real 1×1 RGBA PNG, built here so its checksums are right. */
export const TINY_PNG_BASE64 = buildPng().toString( 'base64' );

function buildPng(): Buffer {
	const crcTable = Array.from( { length: 256 }, ( _, n ) => {
		let c = n;
		for ( let k = 0; k < 8; k++ ) {
			c = c & 1 ? 0xedb88320 ^ ( c >>> 1 ) : c >>> 1;
		}
		return c >>> 0;
	} );
	const crc32 = ( data: Buffer ) => {
		let c = 0xffffffff;
		for ( const byte of data ) {
			c = ( crcTable[ ( c ^ byte ) & 0xff ] as number ) ^ ( c >>> 8 );
		}
		return ( c ^ 0xffffffff ) >>> 0;
	};
	const chunk = ( type: string, data: Buffer ) => {
		const length = Buffer.alloc( 4 );
		length.writeUInt32BE( data.length );
		const typed = Buffer.concat( [ Buffer.from( type, 'ascii' ), data ] );
		const crc = Buffer.alloc( 4 );
		crc.writeUInt32BE( crc32( typed ) );
		return Buffer.concat( [ length, typed, crc ] );
	};
	const header = Buffer.alloc( 13 );
	header.writeUInt32BE( 1, 0 ); // width
	header.writeUInt32BE( 1, 4 ); // height
	header[ 8 ] = 8; // bit depth
	header[ 9 ] = 6; // colour type: RGBA
	// Scanline: filter byte 0, then one opaque teal pixel.
	const pixels = zlib.deflateSync( Buffer.from( [ 0, 0, 128, 128, 255 ] ) );
	return Buffer.concat( [
		Buffer.from( [ 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a ] ),
		chunk( 'IHDR', header ),
		chunk( 'IDAT', pixels ),
		chunk( 'IEND', Buffer.alloc( 0 ) ),
	] );
}
