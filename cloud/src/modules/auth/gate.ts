import type { NextFunction, Request, Response } from 'express';
import {
	NotAuthenticatedError,
	PermissionDeniedError,
} from '../../http/errors';
import type { AnyRoute, Gate } from '../../http/route';
import type { SiteApiKeyService } from './api-keys';
import { assertCan } from './policy';
import type { AuthService } from './service';
import type { Throttle } from './throttle';
import type { RequestTracker } from './request-tracker';

/**
 * Runs before every declared route: identifies the caller (JWT or site key),
 * checks the route's permission, throttles, and counts the request against
 * the caller's account.
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
		const bearer = /^Bearer\s+(\S+)$/i.exec(
			req.get( 'authorization' ) ?? ''
		)?.[ 1 ];
		const apiKey = req.get( 'x-igny8-api-key' );
		if ( bearer ) {
			req.principal = await deps.auth.principalFromAccessToken( bearer );
		} else if ( apiKey && spec.auth === 'user_or_site_key' ) {
			req.principal = await deps.apiKeys.principalFromKey( apiKey );
		} else if ( spec.auth !== 'public' ) {
			throw new NotAuthenticatedError(
				apiKey
					? 'A site API key cannot be used here; sign in as a user.'
					: 'Authentication credentials were not provided.'
			);
		}
		const principal = req.principal;
		if ( spec.auth === 'account_user' && principal?.kind === 'site_user' ) {
			throw new PermissionDeniedError(
				'This is managed in the IGNY8 console, not from WordPress.'
			);
		}
		if ( spec.throttled === false ) {
			return;
		}
		await deps.throttle.request( {
			userId: principal?.kind === 'user' ? principal.user.id : undefined,
			ip: req.ip ?? 'unknown',
		} );
		if ( principal ) {
			assertCan( principal, spec.permission ?? 'read' );
			deps.tracker.count( principal.account.id );
		}
	}
}
