import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import {
	canonicalRequest,
	deriveSigningSecret,
	signRequest,
} from '../src/modules/auth/bridge-signing';

/**
 * Calls the cloud the way a paired IGNY8 Bridge does
 * (docs/bridge-protocol.md → Authentication): the key's id, a timestamp, a
 * fresh request id and an HMAC with the secret derived from the key; the key
 * itself is not sent.
 */
export type SigningKey = { keyId: number; apiKey: string };

export type SignOverrides = {
	/** Sign with the secret of this key instead. */
	key?: string;
	keyId?: string;
	timestamp?: string;
	requestId?: string;
	signature?: string;
	/** Also send this in `X-IGNY8-API-Key`. */
	plainKey?: string;
};

/** The headers of a signed call (exported for tests that send the same copy twice). */
export function signedHeaders(
	site: SigningKey,
	method: string,
	path: string,
	body: string,
	overrides: SignOverrides = {}
): Record< string, string > {
	const timestamp =
		overrides.timestamp ?? String( Math.floor( Date.now() / 1000 ) );
	const requestId = overrides.requestId ?? randomUUID();
	const [ route, search = '' ] = path.split( '?', 2 );
	const signature =
		overrides.signature ??
		signRequest(
			deriveSigningSecret( overrides.key ?? site.apiKey ),
			canonicalRequest( {
				method,
				route: route!,
				query: Object.fromEntries( new URLSearchParams( search ) ),
				timestamp,
				requestId,
				body,
			} )
		);
	return {
		'X-IGNY8-Key-Id': overrides.keyId ?? String( site.keyId ),
		'X-IGNY8-Timestamp': timestamp,
		'X-IGNY8-Request-Id': requestId,
		'X-IGNY8-Signature': signature,
		...( overrides.plainKey
			? { 'X-IGNY8-API-Key': overrides.plainKey }
			: {} ),
		...( body ? { 'Content-Type': 'application/json' } : {} ),
	};
}

/** A signed request to `path` (from `/api/v1/` on), the body sent exactly as signed. */
export function signedCall(
	app: Express,
	site: SigningKey,
	method: 'get' | 'post' | 'patch' | 'delete',
	path: string,
	payload?: unknown,
	overrides: SignOverrides = {}
): request.Test {
	const body = payload === undefined ? '' : JSON.stringify( payload );
	const test = request( app )
		[ method ]( path )
		.set(
			signedHeaders( site, method.toUpperCase(), path, body, overrides )
		);
	return body ? test.send( body ) : test;
}
