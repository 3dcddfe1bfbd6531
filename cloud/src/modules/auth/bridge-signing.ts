import { createHash, createHmac } from 'node:crypto';

/**
 * The signature both sides of the WordPress bridge put on every call after
 * pairing (docs/bridge-protocol.md → Authentication). The site key itself
 * is sent once, to pair; afterwards each side signs with a secret derived
 * from it, so a captured request reveals neither.
 */

/** Calls older or newer than this (seconds) are refused; request ids are kept twice as long. */
export const SIGNATURE_TOLERANCE_S = 300;

/** The label the signing secret is derived with; a new version of the scheme changes it. */
export const SIGNING_LABEL = 'igny8-bridge-signing-v1';

/** `HMAC-SHA256(key, 'igny8-bridge-signing-v1')`, hex: what both sides sign with once paired. */
export function deriveSigningSecret( key: string ): string {
	return createHmac( 'sha256', key )
		.update( SIGNING_LABEL, 'utf8' )
		.digest( 'hex' );
}

/** `rawurlencode`: RFC 3986, which encodeURIComponent leaves five characters short of. */
export function rawUrlEncode( value: string ): string {
	return encodeURIComponent( value ).replace(
		/[!'()*]/g,
		( c ) => `%${ c.charCodeAt( 0 ).toString( 16 ).toUpperCase() }`
	);
}

export function sha256Hex( value: string | Buffer ): string {
	return createHash( 'sha256' ).update( value ).digest( 'hex' );
}

/** The six-line canonical string both sides sign (protocol → Authentication). */
export function canonicalRequest( parts: {
	method: string;
	route: string;
	query: Record< string, string >;
	timestamp: number | string;
	requestId: string;
	body: string | Buffer;
} ): string {
	const query = Object.keys( parts.query )
		.filter( ( name ) => name !== 'rest_route' )
		.sort()
		.map(
			( name ) =>
				`${ rawUrlEncode( name ) }=${ rawUrlEncode( parts.query[ name ]! ) }`
		)
		.join( '&' );
	return [
		parts.method.toUpperCase(),
		parts.route.replace( /\/+$/, '' ),
		query,
		String( parts.timestamp ),
		parts.requestId,
		sha256Hex( parts.body ),
	].join( '\n' );
}

/** Hex HMAC-SHA256 of the canonical string with the signing secret. */
export function signRequest( secret: string, canonical: string ): string {
	return createHmac( 'sha256', secret )
		.update( canonical, 'utf8' )
		.digest( 'hex' );
}
