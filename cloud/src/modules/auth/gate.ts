import type { NextFunction, Request, Response } from 'express';
import {
	ApiError,
	NotAuthenticatedError,
	PermissionDeniedError,
} from '../../http/errors';
import type { AnyRoute, Gate } from '../../http/route';
import {
	SIGNATURE_HEADERS,
	SignatureRefusedError,
	type SiteApiKeyService,
} from './api-keys';
import { assertCan } from './policy';
import type { Principal } from './principal';
import type { AuthService } from './service';
import type { Throttle } from './throttle';
import type { RequestTracker } from './request-tracker';

/** The bearer token of a request (`Authorization: Bearer …`), if any. */
export function bearerOf( req: Request ): string | undefined {
	return /^Bearer\s+(\S+)$/i.exec( req.get( 'authorization' ) ?? '' )?.[ 1 ];
}

/** Whose budget a request counts against: each credential has its own. */
function credentialId( principal: Principal ): string {
	switch ( principal.kind ) {
		case 'user':
			return `user:${ principal.user.id }`;
		case 'site_key':
			return `key:${ principal.key.id }`;
		case 'site_user':
			return `session:${ principal.site.id }:${ principal.wpUser.id }`;
	}
}

/**
 * Runs before every declared route: identifies the caller (JWT, a site's
 * signed call, or a site key sent in plain to pair; see SiteApiKeyService),
 * checks the route's permission, throttles (see Throttle for what counts
 * where), and counts the request against the caller's account.
 */
export function createGate( deps: {
	auth: AuthService;
	apiKeys: SiteApiKeyService;
	throttle: Throttle;
	tracker: RequestTracker;
} ): Gate {
	return ( spec: AnyRoute ) =>
		( req: Request, _res: Response, next: NextFunction ) => {
			authorize( spec, req ).then( () => next(), next );
		};

	async function authorize( spec: AnyRoute, req: Request ): Promise< void > {
		const throttled = spec.throttled !== false;
		const ip = req.ip ?? 'unknown';
		const bearer = bearerOf( req );
		const apiKey = req.get( 'x-igny8-api-key' );
		const signed = req.get( SIGNATURE_HEADERS.keyId ) !== undefined;
		const siteMayCall = spec.auth === 'user_or_site_key';
		const resolve = bearer
			? () => deps.auth.principalFromAccessToken( bearer )
			: signed && siteMayCall
				? async () => {
						if ( apiKey !== undefined ) {
							// A signed call never carries the key it is signed with.
							throw new SignatureRefusedError(
								'A signed request must not carry X-IGNY8-API-Key.'
							);
						}
						return deps.apiKeys.principalFromSignature( req );
					}
				: apiKey && siteMayCall
					? () =>
							deps.apiKeys.principalFromKey( apiKey, {
								pairing: spec.sitePairing === true,
							} )
					: undefined;
		if ( ! resolve ) {
			if ( throttled ) {
				await deps.throttle.anonymous( ip );
			}
			if ( spec.auth !== 'public' ) {
				throw new NotAuthenticatedError(
					apiKey || signed
						? 'A site API key cannot be used here; sign in as a user.'
						: 'Authentication credentials were not provided.'
				);
			}
			return;
		}
		if ( throttled ) {
			await deps.throttle.assertCredentialsAllowed( ip );
		}
		let principal: Principal;
		try {
			principal = await resolve();
		} catch ( error ) {
			if (
				throttled &&
				error instanceof ApiError &&
				error.status === 401
			) {
				await deps.throttle.credentialsRefused( ip );
			}
			throw error;
		}
		req.principal = principal;
		if ( spec.auth === 'account_user' && principal.kind === 'site_user' ) {
			throw new PermissionDeniedError(
				'This is managed in the IGNY8 console, not from WordPress.'
			);
		}
		if ( throttled ) {
			await deps.throttle.credential( credentialId( principal ) );
		}
		assertCan( principal, spec.permission ?? 'read' );
		deps.tracker.count( principal.account.id );
	}
}
