/**
 * Calls IGNY8 Bridge's `igny8/v1` routes the way the cloud does once the
 * site has paired: key id, timestamp, request id and HMAC signature with the
 * secret derived from the key; the key itself is not sent
 * (docs/bridge-protocol.md).
 */
import crypto from 'node:crypto';
import type { HttpResult } from './http';

export interface BridgeCallOptions {
	query?: Record< string, string >;
	body?: unknown;
	/** Deliberate faults for tests: a different key, key id, timestamp, id, signature or body, or the key sent in plain. */
	override?: {
		key?: string;
		keyId?: string;
		plainKey?: string;
		timestamp?: string;
		requestId?: string;
		signature?: string;
		rawBody?: string;
	};
}

/** `rawurlencode` as PHP does it (RFC 3986). */
function rawUrlEncode( value: string ): string {
	return encodeURIComponent( value ).replace(
		/[!'()*]/g,
		( c ) => `%${ c.charCodeAt( 0 ).toString( 16 ).toUpperCase() }`
	);
}

/** The canonical string both sides sign. */
export function bridgeCanonical(
	method: string,
	route: string,
	query: Record< string, string >,
	timestamp: string,
	requestId: string,
	body: string
): string {
	const pairs = Object.keys( query )
		.filter( ( name ) => name !== 'rest_route' )
		.sort()
		.map(
			( name ) =>
				`${ rawUrlEncode( name ) }=${ rawUrlEncode( query[ name ]! ) }`
		)
		.join( '&' );
	return [
		method.toUpperCase(),
		route.replace( /\/+$/, '' ),
		pairs,
		timestamp,
		requestId,
		crypto.createHash( 'sha256' ).update( body ).digest( 'hex' ),
	].join( '\n' );
}

/** The id a test pairs its key under when it gives none (see pairSitePhp()). */
export const DEFAULT_BRIDGE_KEY_ID = 1;

/** A site key and the id the cloud knows it by; a bare key has DEFAULT_BRIDGE_KEY_ID. */
export type BridgeKey = string | { key: string; keyId: number };

/** `HMAC-SHA256(key, 'igny8-bridge-signing-v1')`, hex: the secret both sides sign with. */
export function deriveBridgeSecret( key: string ): string {
	return crypto
		.createHmac( 'sha256', key )
		.update( 'igny8-bridge-signing-v1' )
		.digest( 'hex' );
}

/** PHP that pairs the site with `key` as the plugin does when the cloud accepts it. */
export function pairSitePhp(
	key: string,
	keyId: number = DEFAULT_BRIDGE_KEY_ID
): string {
	return `update_option( 'igny8_api_key', ${ JSON.stringify( key ) }, false );
( new \\IGNY8\\Bridge\\Options() )->pair( ${ JSON.stringify( key ) }, ${ keyId } );`;
}

/** A signed request's headers and body, ready for fetch(). */
export function signBridgeRequest(
	bridgeKey: BridgeKey,
	method: string,
	route: string,
	options: BridgeCallOptions = {}
): { headers: Record< string, string >; body: string | undefined } {
	const body =
		options.body === undefined ? '' : JSON.stringify( options.body );
	const timestamp =
		options.override?.timestamp ??
		String( Math.floor( Date.now() / 1000 ) );
	const requestId = options.override?.requestId ?? crypto.randomUUID();
	const { key, keyId } =
		typeof bridgeKey === 'string'
			? { key: bridgeKey, keyId: DEFAULT_BRIDGE_KEY_ID }
			: bridgeKey;
	const signingKey = options.override?.key ?? key;
	const signature =
		options.override?.signature ??
		crypto
			.createHmac( 'sha256', deriveBridgeSecret( signingKey ) )
			.update(
				bridgeCanonical(
					method,
					route,
					options.query ?? {},
					timestamp,
					requestId,
					body
				)
			)
			.digest( 'hex' );
	const sent = options.override?.rawBody ?? body;
	return {
		headers: {
			'X-IGNY8-Key-Id': options.override?.keyId ?? String( keyId ),
			...( options.override?.plainKey
				? { 'X-IGNY8-API-Key': options.override.plainKey }
				: {} ),
			'X-IGNY8-Timestamp': timestamp,
			'X-IGNY8-Request-Id': requestId,
			'X-IGNY8-Signature': signature,
			...( sent ? { 'Content-Type': 'application/json' } : {} ),
		},
		body: sent || undefined,
	};
}

/**
 * Sends a signed call to `<siteUrl>/wp-json<route>` and parses the JSON answer.
 * `route` is the REST route, e.g. `/igny8/v1/posts`.
 */
export async function callBridge< T = unknown >(
	siteUrl: string,
	key: BridgeKey,
	method: string,
	route: string,
	options: BridgeCallOptions = {}
): Promise< HttpResult< T > > {
	const { headers, body } = signBridgeRequest( key, method, route, options );
	const query = new URLSearchParams( options.query ?? {} ).toString();
	const response = await fetch(
		`${ siteUrl }/wp-json${ route }${ query ? `?${ query }` : '' }`,
		{ method, headers, body, redirect: 'manual' }
	);
	const text = await response.text();
	let parsed: unknown = null;
	try {
		parsed = JSON.parse( text );
	} catch {
		parsed = null;
	}
	return {
		status: response.status,
		headers: response.headers,
		body: parsed as T,
		text,
	};
}
