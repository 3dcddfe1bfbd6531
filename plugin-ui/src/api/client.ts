/**
 * External dependencies
 */
import type { ListEnvelope, SuccessEnvelope } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import { noteFirstRequest, takeEarlyResponse } from './early';
import { ApiError, errorFromResponse, unreachableError } from './errors';
import type { CloudSession, SessionManager } from './session';

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record< string, QueryValue >;

export interface RequestOptions {
	query?: Query;
	/** Sent as JSON. */
	body?: unknown;
	/** Sent as multipart (file uploads); wins over `body`. */
	form?: FormData;
	signal?: AbortSignal;
}

export interface Page< T > {
	count: number;
	results: T[];
}

export interface StreamEvent {
	event: string;
	data: string;
	id: string | null;
}

export type FetchLike = (
	input: string,
	init?: RequestInit
) => Promise< Response >;

/**
 * `?a=1&b=x`, leaving out empty values, keys sorted (so equal queries give equal URLs).
 * @param query The parameters.
 */
export function queryString( query: Query = {} ): string {
	const params = new URLSearchParams();
	Object.keys( query )
		.sort()
		.forEach( ( key ) => {
			const value = query[ key ];
			if ( value !== undefined && value !== null && value !== '' ) {
				params.append( key, String( value ) );
			}
		} );
	const text = params.toString();
	return text ? `?${ text }` : '';
}

/**
 * The one client for the cloud API: adds the session's bearer token, unwraps
 * the envelope, and maps failures to ApiError (401 → renew the session once
 * and retry; 402 → `credits`; no answer → `unreachable`).
 */
export class CloudClient {
	/**
	 * @param session   The page's session.
	 * @param fetchImpl How requests are sent.
	 * @param scope     The page's session scope: its first GET requests are
	 *                  noted so that the next load can start them early
	 *                  (see ./early); empty notes nothing.
	 */
	constructor(
		private readonly session: SessionManager,
		private readonly fetchImpl: FetchLike = ( input, init ) =>
			window.fetch( input, init ),
		private readonly scope: string = ''
	) {}

	/**
	 * Sends a request and returns the envelope's `data`; a list envelope
	 * (which has `count` and `results` instead) comes back as that page.
	 * @param method  HTTP method.
	 * @param path    Path under the cloud's `/api/v1`.
	 * @param options Query string and body.
	 */
	async request< T >(
		method: string,
		path: string,
		options: RequestOptions = {}
	): Promise< T > {
		const json = ( await this.send( method, path, options ) ) as
			| ( SuccessEnvelope< T > & Partial< ListEnvelope< unknown > > )
			| undefined;
		if (
			json &&
			json.data === undefined &&
			Array.isArray( json.results )
		) {
			return { count: json.count, results: json.results } as T;
		}
		return json?.data as T;
	}

	/**
	 * A page of a list endpoint.
	 * @param path  The list endpoint.
	 * @param query Filters, ordering and paging.
	 */
	async list< T >( path: string, query: Query = {} ): Promise< Page< T > > {
		const json = ( await this.send( 'GET', path, {
			query,
		} ) ) as ListEnvelope< T >;
		return { count: json.count, results: json.results };
	}

	get< T >( path: string, query?: Query ): Promise< T > {
		return this.request< T >( 'GET', path, { query } );
	}

	post< T >( path: string, body?: unknown ): Promise< T > {
		return this.request< T >( 'POST', path, { body } );
	}

	patch< T >( path: string, body: unknown ): Promise< T > {
		return this.request< T >( 'PATCH', path, { body } );
	}

	put< T >( path: string, body: unknown ): Promise< T > {
		return this.request< T >( 'PUT', path, { body } );
	}

	delete( path: string ): Promise< void > {
		return this.request< void >( 'DELETE', path );
	}

	/**
	 * Reads a Server-Sent Events stream with `fetch` (EventSource cannot send
	 * the bearer token), calling `onEvent` for each event until the stream
	 * ends or `signal` aborts.
	 * @param path    The event-stream endpoint.
	 * @param onEvent Called with each event's name and parsed data.
	 * @param signal  Stops reading when aborted.
	 */
	async stream(
		path: string,
		onEvent: ( event: StreamEvent ) => void,
		signal?: AbortSignal
	): Promise< void > {
		const response = await this.fetchWithSession( 'GET', path, {
			signal,
			accept: 'text/event-stream',
		} );
		if ( ! response.ok ) {
			throw errorFromResponse(
				response.status,
				await readJson( response )
			);
		}
		if ( ! response.body ) {
			throw unreachableError();
		}
		const reader = response.body.getReader();
		const decoder = new TextDecoder();
		let buffer = '';
		try {
			for (;;) {
				const { done, value } = await reader.read();
				if ( done ) {
					break;
				}
				buffer += decoder.decode( value, { stream: true } );
				let boundary = buffer.indexOf( '\n\n' );
				while ( boundary >= 0 ) {
					const block = buffer.slice( 0, boundary );
					buffer = buffer.slice( boundary + 2 );
					const parsed = parseEventBlock( block );
					if ( parsed ) {
						onEvent( parsed );
					}
					boundary = buffer.indexOf( '\n\n' );
				}
			}
		} catch ( error ) {
			if ( signal?.aborted ) {
				return;
			}
			throw unreachableError( String( error ) );
		}
	}

	private async send(
		method: string,
		path: string,
		options: RequestOptions
	): Promise< unknown > {
		const response = await this.fetchWithSession( method, path, options );
		if ( response.status === 204 ) {
			return undefined;
		}
		const json = await readJson( response );
		if ( ! response.ok ) {
			throw errorFromResponse( response.status, json );
		}
		return json;
	}

	private async fetchWithSession(
		method: string,
		path: string,
		options: RequestOptions & { accept?: string }
	): Promise< Response > {
		let session = await this.session.get();
		let response = await this.fetchOnce( session, method, path, options );
		if ( response.status === 401 ) {
			// The token may have expired in between (sleep, clock skew): renew once.
			session = await this.session.refresh();
			response = await this.fetchOnce( session, method, path, options );
		}
		return response;
	}

	private async fetchOnce(
		session: CloudSession,
		method: string,
		path: string,
		options: RequestOptions & { accept?: string }
	): Promise< Response > {
		const headers: Record< string, string > = {
			Accept: options.accept ?? 'application/json',
			Authorization: `Bearer ${ session.token }`,
		};
		let body: BodyInit | undefined;
		if ( options.form ) {
			body = options.form;
		} else if ( options.body !== undefined ) {
			headers[ 'Content-Type' ] = 'application/json';
			body = JSON.stringify( options.body );
		}
		const url =
			session.cloud_url.replace( /\/+$/, '' ) +
			'/api/v1' +
			path +
			queryString( options.query );
		try {
			if (
				method === 'GET' &&
				options.accept === undefined &&
				! options.signal
			) {
				noteFirstRequest( this.scope, url );
				const early = takeEarlyResponse( url, session.token );
				if ( early ) {
					return await early;
				}
			}
			return await this.fetchImpl( url, {
				method,
				headers,
				body,
				signal: options.signal,
				credentials: 'omit',
			} );
		} catch ( error ) {
			if ( options.signal?.aborted ) {
				throw error;
			}
			throw unreachableError();
		}
	}
}

async function readJson( response: Response ): Promise< unknown > {
	try {
		return await response.json();
	} catch {
		return null;
	}
}

/**
 * One SSE block (`event:`, `data:`, `id:` lines); comments (`:`) alone give null.
 * @param block The text between two blank lines.
 */
export function parseEventBlock( block: string ): StreamEvent | null {
	let event = 'message';
	let id: string | null = null;
	const data: string[] = [];
	for ( const line of block.split( '\n' ) ) {
		if ( line === '' || line.startsWith( ':' ) ) {
			continue;
		}
		const colon = line.indexOf( ':' );
		const field = colon < 0 ? line : line.slice( 0, colon );
		const value =
			colon < 0 ? '' : line.slice( colon + 1 ).replace( /^ /, '' );
		if ( field === 'event' ) {
			event = value;
		} else if ( field === 'data' ) {
			data.push( value );
		} else if ( field === 'id' ) {
			id = value;
		}
	}
	if ( data.length === 0 ) {
		return null;
	}
	return { event, data: data.join( '\n' ), id };
}

export { ApiError };
