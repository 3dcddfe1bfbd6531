import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ROLES, type Role } from '@igny8/shared-types';

/** Access tokens: short-lived JWTs. Only HS256 is accepted, whatever a token's header claims. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;
const ALGORITHMS: jwt.Algorithm[] = [ 'HS256' ];
const ISSUER = 'igny8-cloud';
const AUDIENCE = 'igny8-api';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The secret as a KeyObject, made once: handed a string, jsonwebtoken first
 * tries it as a PEM public key and builds the thrown error on every call,
 * which cost more than the HMAC itself on each authenticated request.
 */
const keys = new Map< string, KeyObject >();
function keyOf( secret: string ): KeyObject {
	let key = keys.get( secret );
	if ( ! key ) {
		key = createSecretKey( Buffer.from( secret ) );
		keys.set( secret, key );
	}
	return key;
}

type BaseClaims = { sub: string; account_id: number; role: Role };

/** An account user's token. `sid`: the refresh-token family (the sign-in) it belongs to; signing out ends it. */
export type UserClaims = BaseClaims & { sid: string };

/**
 * A site-scoped token, issued to a WordPress user through the plugin.
 * `kid`: the site API key that opened it; revoking the key ends it.
 */
export type SiteSessionClaims = BaseClaims & {
	site_id: number;
	kid: number;
	wp_user: { id: number; login: string; display_name: string };
};

export type AccessClaims = UserClaims | SiteSessionClaims;

export function signAccessToken(
	secret: string,
	claims: AccessClaims,
	seconds = ACCESS_TOKEN_SECONDS
): { token: string; expiresAt: Date } {
	const token = jwt.sign( claims, keyOf( secret ), {
		algorithm: 'HS256',
		expiresIn: seconds,
		issuer: ISSUER,
		audience: AUDIENCE,
	} );
	return { token, expiresAt: new Date( Date.now() + seconds * 1000 ) };
}

export function isSiteSession(
	claims: AccessClaims
): claims is SiteSessionClaims {
	return 'site_id' in claims;
}

/**
 * Returns the claims, or null for any token that is expired, tampered, not
 * ours, or of a shape that cannot be revoked (no session or key id: tokens
 * from before revocation existed).
 */
export function verifyAccessToken(
	secret: string,
	token: string,
	options: { ignoreExpiration?: boolean } = {}
): AccessClaims | null {
	let payload: string | jwt.JwtPayload;
	try {
		payload = jwt.verify( token, keyOf( secret ), {
			algorithms: ALGORITHMS,
			issuer: ISSUER,
			audience: AUDIENCE,
			ignoreExpiration: options.ignoreExpiration ?? false,
		} );
	} catch {
		return null;
	}
	// Only we sign tokens, but their values go into queries: check every one.
	if (
		typeof payload !== 'object' ||
		typeof payload.sub !== 'string' ||
		! isId( payload.account_id ) ||
		! ( ROLES as readonly unknown[] ).includes( payload.role )
	) {
		return null;
	}
	if ( payload.site_id !== undefined ) {
		const wpUser = payload.wp_user as Record< string, unknown > | undefined;
		return isId( payload.site_id ) &&
			isId( payload.kid ) &&
			typeof wpUser === 'object' &&
			wpUser !== null &&
			Number.isSafeInteger( wpUser.id ) &&
			typeof wpUser.login === 'string' &&
			typeof wpUser.display_name === 'string'
			? ( payload as unknown as SiteSessionClaims )
			: null;
	}
	return /^[1-9][0-9]{0,14}$/.test( payload.sub ) &&
		typeof payload.sid === 'string' &&
		UUID.test( payload.sid )
		? ( payload as unknown as UserClaims )
		: null;
}

function isId( value: unknown ): value is number {
	return Number.isSafeInteger( value ) && ( value as number ) > 0;
}

/**
 * The site a site session token was issued for, expired or not (but signed
 * by us): what CORS needs to let the site's own screens read even the 401
 * that tells them to renew.
 */
export function siteOfSessionToken(
	secret: string,
	token: string
): number | null {
	const claims = verifyAccessToken( secret, token, {
		ignoreExpiration: true,
	} );
	return claims && isSiteSession( claims ) ? claims.site_id : null;
}
