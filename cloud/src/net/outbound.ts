import dns from 'node:dns/promises';
import net from 'node:net';
import {
	Agent,
	buildConnector,
	fetch as undiciFetch,
	type RequestInit as UndiciRequestInit,
	type Response as UndiciResponse,
} from 'undici';
import {
	addressKind,
	allowsAddress,
	allowsHost,
	bareHost,
	describeKind,
	isMetadataName,
	type AddressKind,
	type AllowEntry,
} from './address-policy';

/**
 * The one HTTP client for every request the cloud makes to an address a
 * tenant influenced: WordPress sites, AI base URLs, image URLs.
 *
 * - Each connection resolves the name itself, checks every address (see
 *   address-policy.ts) and connects to one it checked: there is no second
 *   lookup for a rebinding DNS server to answer differently. TLS still
 *   verifies, and SNI and Host still name, the original host.
 * - Redirects are followed by hand, each target checked the same way, at
 *   most `maxRedirects`; credentials never follow to another origin.
 * - The answer is streamed through a byte counter and cut off past
 *   `maxBytes`; one deadline covers connect, redirects, headers and body.
 *
 * Errors are words, never the upstream body or a socket error's text. An
 * address that is refused is refused before any connection is tried, so
 * for an internal address the answer is the same whether a port is open,
 * closed or filtered: nobody learns the inside of the network from it.
 */

const MB = 1024 * 1024;

export type OutboundLimits = {
	/** Largest answer body read; a bigger one is cut off with an error. */
	maxBytes: number;
	/** The whole exchange: connecting, redirects, headers and the body. */
	timeoutMs: number;
	/** Redirects followed (each re-checked); 0 turns a redirect into an error. */
	maxRedirects: number;
};

/** Defaults per use; callers may pass their own `timeoutMs`. */
export const OUTBOUND_LIMITS = {
	/** The plugin's JSON: a page of 200 posts with their HTML fits easily. The site key never follows a redirect. */
	wordpress: { maxBytes: 20 * MB, timeoutMs: 20_000, maxRedirects: 0 },
	/** A generated image a provider answered with as a link. */
	image: { maxBytes: 20 * MB, timeoutMs: 60_000, maxRedirects: 3 },
	/** AI answers: chat JSON, embeddings, base64 images. */
	ai: { maxBytes: 50 * MB, timeoutMs: 60_000, maxRedirects: 3 },
} as const satisfies Record< string, OutboundLimits >;

export type OutboundErrorKind =
	/** The address (or scheme) is not one the cloud connects to. */
	| 'refused'
	/** The name has no address. */
	| 'unresolved'
	| 'connect'
	| 'tls'
	| 'timeout'
	| 'too_large'
	| 'redirect';

export class OutboundError extends Error {
	constructor(
		readonly kind: OutboundErrorKind,
		/** What happened, as a clause for a sentence ("the connection to x failed"). */
		readonly reason: string
	) {
		super( `${ reason.charAt( 0 ).toUpperCase() }${ reason.slice( 1 ) }.` );
		this.name = 'OutboundError';
	}

	/** The far side answered, but not in a way that can be used (too large, a redirect not followed). */
	get answered(): boolean {
		return this.kind === 'too_large' || this.kind === 'redirect';
	}

	/** Worth trying again later (the far side may come back); a refusal or a too-large answer is not. */
	get transient(): boolean {
		return [ 'unresolved', 'connect', 'tls', 'timeout' ].includes(
			this.kind
		);
	}
}

/** The OutboundError behind an error, also when fetch or a library wrapped it. */
export function outboundErrorOf( error: unknown ): OutboundError | null {
	for ( let e = error, depth = 0; e && depth < 5; depth++ ) {
		if ( e instanceof OutboundError ) {
			return e;
		}
		e = ( e as { cause?: unknown } ).cause;
	}
	return null;
}

export type ResolvedAddress = { address: string; family: number };
/** Name → addresses; injectable so a test can play a rebinding DNS server. */
export type Resolver = ( hostname: string ) => Promise< ResolvedAddress[] >;

const systemResolver: Resolver = ( hostname ) =>
	dns.lookup( hostname, { all: true, verbatim: true } );

/** What a request may carry; a body that is not a string or bytes cannot be re-sent on a redirect. */
export type OutboundRequest = Omit< RequestInit, 'redirect' | 'dispatcher' >;

const REDIRECTS = new Set( [ 301, 302, 303, 307, 308 ] );
const NULL_BODY = new Set( [ 101, 103, 204, 205, 304 ] );
/** Headers that may follow a redirect to another origin; anything else (keys, cookies, signatures) stays behind. */
const CROSS_ORIGIN_HEADERS = new Set( [
	'accept',
	'accept-language',
	'content-type',
	'user-agent',
] );

const seconds = ( ms: number ) =>
	`${ Math.round( ( ms / 1000 ) * 10 ) / 10 } s`;

function defaultPort( url: URL ): number {
	return Number( url.port ) || ( url.protocol === 'https:' ? 443 : 80 );
}

function parseTarget( input: string | URL ): URL {
	let url: URL;
	try {
		url = new URL( String( input ) );
	} catch {
		throw new OutboundError( 'refused', 'the address is not a valid URL' );
	}
	if ( url.protocol !== 'http:' && url.protocol !== 'https:' ) {
		throw new OutboundError(
			'refused',
			`${ url.protocol.replace( /:$/, '' ) }: addresses are not fetched; use an http:// or https:// address`
		);
	}
	return url;
}

/** A network or TLS failure in words; the socket's own text (addresses, ports) is not repeated. */
function connectionError( error: unknown, host: string ): OutboundError {
	const found = outboundErrorOf( error );
	if ( found ) {
		return found;
	}
	let code = '';
	for ( let e = error, depth = 0; e && depth < 5; depth++ ) {
		code ||= String( ( e as { code?: unknown } ).code ?? '' );
		e = ( e as { cause?: unknown } ).cause;
	}
	if (
		/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(
			code
		)
	) {
		return new OutboundError(
			'tls',
			`the secure connection to ${ host } failed (certificate or TLS error)`
		);
	}
	return new OutboundError( 'connect', `the connection to ${ host } failed` );
}

export class OutboundClient {
	private readonly agent: Agent;
	private readonly resolve: Resolver;

	constructor(
		private readonly options: {
			/** IGNY8_OUTBOUND_ALLOW, parsed by the config. */
			allow: readonly AllowEntry[];
			resolver?: Resolver;
		}
	) {
		this.resolve = options.resolver ?? systemResolver;
		const connect = buildConnector( {} );
		this.agent = new Agent( {
			// Every new connection: resolve, check, connect to a checked address.
			// `host` stays the original, so TLS verifies and sends SNI for the name.
			connect: ( target, callback ) => {
				const port =
					Number( target.port ) ||
					( target.protocol === 'https:' ? 443 : 80 );
				this.addressesFor( target.hostname, port ).then(
					( [ address ] ) =>
						connect( { ...target, hostname: address! }, callback ),
					( error: unknown ) =>
						callback(
							error instanceof Error
								? error
								: new Error( String( error ) ),
							null
						)
				);
			},
		} );
	}

	/**
	 * Checks an address a tenant submits (before it is stored): http(s), and
	 * a name that resolves only to refused addresses is refused. A name that
	 * does not resolve (yet) passes: every fetch checks again anyway.
	 */
	async check( input: string ): Promise< void > {
		const url = parseTarget( input );
		try {
			await this.addressesFor( url.hostname, defaultPort( url ) );
		} catch ( error ) {
			if (
				error instanceof OutboundError &&
				error.kind === 'unresolved'
			) {
				return;
			}
			throw error;
		}
	}

	/**
	 * The addresses of `hostname` the cloud may connect to on `port`, in the
	 * resolver's order; refused when there are none.
	 */
	private async addressesFor(
		hostname: string,
		port: number
	): Promise< string[] > {
		const { allow } = this.options;
		const host = bareHost( hostname );
		const named = allowsHost( allow, host, port );
		if ( ! named && isMetadataName( host ) ) {
			throw this.refusal( host, 'metadata' );
		}
		let addresses: string[];
		if ( net.isIP( host ) ) {
			addresses = [ host ];
		} else {
			try {
				addresses = ( await this.resolve( host ) ).map(
					( a ) => a.address
				);
			} catch {
				addresses = [];
			}
			if ( addresses.length === 0 ) {
				throw new OutboundError(
					'unresolved',
					`the name ${ host } does not resolve to an address`
				);
			}
		}
		if ( named ) {
			return addresses;
		}
		const allowed = addresses.filter(
			( address ) =>
				addressKind( address ) === 'public' ||
				allowsAddress( allow, address, port )
		);
		if ( allowed.length === 0 ) {
			throw this.refusal( host, addressKind( addresses[ 0 ]! ) );
		}
		return allowed;
	}

	private refusal( host: string, kind: AddressKind ): OutboundError {
		const what = describeKind( kind === 'public' ? 'reserved' : kind );
		return new OutboundError(
			'refused',
			`${ host } ${ net.isIP( host ) ? 'is' : 'resolves to' } ${ what }, which the cloud does not connect to (the operator can allow it with IGNY8_OUTBOUND_ALLOW)`
		);
	}

	/** A fetch for libraries that take one (the `openai` client), with these limits. */
	fetchWith(
		limits: OutboundLimits
	): (
		input: string | URL | Request,
		init?: RequestInit
	) => Promise< Response > {
		return ( input, init ) => {
			if ( typeof input !== 'string' && ! ( input instanceof URL ) ) {
				return Promise.reject(
					new TypeError(
						'The outbound fetch takes a URL, not a Request.'
					)
				);
			}
			return this.fetch( input, init ?? {}, limits );
		};
	}

	/**
	 * One guarded request. Resolves with the final (non-redirect) answer,
	 * whose body is capped and still under the deadline while it is read.
	 */
	async fetch(
		input: string | URL,
		init: OutboundRequest,
		limits: OutboundLimits
	): Promise< Response > {
		const deadline = new AbortController();
		const timer = setTimeout(
			() =>
				deadline.abort(
					new OutboundError(
						'timeout',
						`there was no complete answer within ${ seconds( limits.timeoutMs ) }`
					)
				),
			limits.timeoutMs
		);
		timer.unref();
		const caller = init.signal ?? undefined;
		const onCallerAbort = () => deadline.abort( caller?.reason );
		if ( caller?.aborted ) {
			onCallerAbort();
		}
		caller?.addEventListener( 'abort', onCallerAbort, { once: true } );
		const finish = () => {
			clearTimeout( timer );
			caller?.removeEventListener( 'abort', onCallerAbort );
		};
		try {
			const { response, url } = await this.follow(
				input,
				init,
				limits,
				deadline.signal
			);
			return this.capped(
				response,
				bareHost( url.hostname ),
				limits,
				deadline,
				finish
			);
		} catch ( error ) {
			finish();
			throw error;
		}
	}

	/** Sends the request and follows redirects, each target checked; answers the final hop. */
	private async follow(
		input: string | URL,
		init: OutboundRequest,
		limits: OutboundLimits,
		signal: AbortSignal
	): Promise< { response: UndiciResponse; url: URL } > {
		let url = parseTarget( input );
		let method = ( init.method ?? 'GET' ).toUpperCase();
		let body = init.body ?? null;
		let headers = new Headers( init.headers );
		for ( let hop = 0; ; hop++ ) {
			let response: UndiciResponse;
			try {
				response = await undiciFetch( url, {
					method,
					headers: [ ...headers ],
					body: body as UndiciRequestInit[ 'body' ],
					redirect: 'manual',
					signal,
					dispatcher: this.agent,
					...( body instanceof ReadableStream
						? { duplex: 'half' as const }
						: {} ),
				} );
			} catch ( error ) {
				if ( signal.aborted ) {
					throw signal.reason;
				}
				throw connectionError( error, bareHost( url.hostname ) );
			}
			const location = response.headers.get( 'location' );
			if ( ! REDIRECTS.has( response.status ) || location === null ) {
				return { response, url };
			}
			await response.body?.cancel().catch( () => undefined );
			if ( hop >= limits.maxRedirects ) {
				throw new OutboundError(
					'redirect',
					limits.maxRedirects === 0
						? `it answered with a redirect (HTTP ${ response.status }), which is not followed for this request: use the address it redirects to`
						: `it redirected more than ${ limits.maxRedirects } times`
				);
			}
			let next: URL;
			try {
				next = parseTarget( new URL( location, url ) );
			} catch ( error ) {
				const reason =
					error instanceof OutboundError
						? error.reason
						: 'a bad address';
				throw new OutboundError(
					'redirect',
					`it redirected to ${ reason }`
				);
			}
			if (
				response.status === 303 ||
				( method === 'POST' &&
					( response.status === 301 || response.status === 302 ) )
			) {
				method = method === 'HEAD' ? 'HEAD' : 'GET';
				body = null;
				headers.delete( 'content-type' );
				headers.delete( 'content-length' );
			} else if (
				body !== null &&
				typeof body !== 'string' &&
				! ( body instanceof Uint8Array ) &&
				! ( body instanceof ArrayBuffer )
			) {
				throw new OutboundError(
					'redirect',
					'it redirected a request whose body cannot be sent again'
				);
			}
			if ( next.origin !== url.origin ) {
				headers = new Headers(
					[ ...headers ].filter( ( [ name ] ) =>
						CROSS_ORIGIN_HEADERS.has( name )
					)
				);
			}
			url = next;
		}
	}

	/** The answer with its body counted and cut off past the cap; the deadline ends with the body. */
	private capped(
		response: UndiciResponse,
		host: string,
		limits: OutboundLimits,
		deadline: AbortController,
		finish: () => void
	): Response {
		const tooLarge = () =>
			new OutboundError(
				'too_large',
				`the answer is larger than the ${ Math.round( ( limits.maxBytes / MB ) * 10 ) / 10 } MB limit`
			);
		const init = {
			status: response.status,
			statusText: response.statusText,
			headers: [ ...response.headers ],
		};
		if ( NULL_BODY.has( response.status ) || ! response.body ) {
			finish();
			return new Response( null, init );
		}
		const declared = Number(
			response.headers.get( 'content-length' ) ?? NaN
		);
		if ( Number.isFinite( declared ) && declared > limits.maxBytes ) {
			deadline.abort( tooLarge() );
			finish();
			throw tooLarge();
		}
		const reader = response.body.getReader();
		let seen = 0;
		const body = new ReadableStream< Uint8Array >(
			{
				async pull( controller ) {
					try {
						const { done, value } = await reader.read();
						if ( done ) {
							finish();
							controller.close();
							return;
						}
						seen += value.byteLength;
						if ( seen > limits.maxBytes ) {
							const error = tooLarge();
							// Stops reading from the socket: nothing past the cap is buffered.
							deadline.abort( error );
							finish();
							controller.error( error );
							return;
						}
						controller.enqueue( value );
					} catch ( error ) {
						finish();
						controller.error(
							deadline.signal.aborted
								? deadline.signal.reason
								: connectionError( error, host )
						);
					}
				},
				cancel( reason ) {
					finish();
					return reader.cancel( reason );
				},
			},
			{ highWaterMark: 0 }
		);
		return new Response( body, init );
	}

	/** Closes pooled connections (at shutdown). */
	close(): Promise< void > {
		return this.agent.close();
	}
}
