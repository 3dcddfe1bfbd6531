import jwt from 'jsonwebtoken';
import type { Role } from '@igny8/shared-types';

/** Access tokens: short-lived JWTs. Only HS256 is accepted, whatever a token's header claims. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;
const ALGORITHMS: jwt.Algorithm[] = [ 'HS256' ];
const ISSUER = 'igny8-cloud';
const AUDIENCE = 'igny8-api';

export type AccessClaims = {
	sub: string;
	account_id: number;
	role: Role;
	/** Present on site-scoped tokens (issued to a WordPress user through the plugin). */
	site_id?: number;
	/** The WordPress user a site-scoped token speaks for. */
	wp_user?: { id: number; login: string; display_name: string };
};

export function signAccessToken(
	secret: string,
	claims: AccessClaims,
	seconds = ACCESS_TOKEN_SECONDS
): { token: string; expiresAt: Date } {
	const token = jwt.sign( claims, secret, {
		algorithm: 'HS256',
		expiresIn: seconds,
		issuer: ISSUER,
		audience: AUDIENCE,
	} );
	return { token, expiresAt: new Date( Date.now() + seconds * 1000 ) };
}

/** Returns the claims, or null for any token that is expired, tampered, or not ours. */
export function verifyAccessToken(
	secret: string,
	token: string
): AccessClaims | null {
	try {
		const payload = jwt.verify( token, secret, {
			algorithms: ALGORITHMS,
			issuer: ISSUER,
			audience: AUDIENCE,
		} );
		if (
			typeof payload !== 'object' ||
			typeof payload.sub !== 'string' ||
			typeof payload.account_id !== 'number'
		) {
			return null;
		}
		return payload as unknown as AccessClaims;
	} catch {
		return null;
	}
}
