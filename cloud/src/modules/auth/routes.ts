import { z } from 'zod';
import {
	changePasswordRequestSchema,
	loginRequestSchema,
	refreshRequestSchema,
	registerRequestSchema,
	siteSessionRequestSchema,
	siteSessionSchema,
	tokenPairSchema,
	userSchema,
	accountSchema,
} from '@igny8/shared-types';
import { PermissionDeniedError } from '../../http/errors';
import { route, type AnyRoute } from '../../http/route';
import { serializeAccount, serializeUser } from '../tenancy';
import type { AuthService } from './service';

const meSchema = z.object( { user: userSchema, account: accountSchema } );

export function authRoutes( auth: AuthService ): AnyRoute[] {
	return [
		route( {
			method: 'post',
			path: '/auth/register/',
			summary: 'Create an account with its owner and sign in',
			tag: 'auth',
			auth: 'public',
			body: registerRequestSchema,
			response: { status: 201, data: tokenPairSchema },
			handler: async ( { body } ) => ( {
				status: 201,
				data: await auth.register( body ),
				message: 'Account created.',
			} ),
		} ),
		route( {
			method: 'post',
			path: '/auth/login/',
			summary: 'Sign in with email and password',
			tag: 'auth',
			auth: 'public',
			body: loginRequestSchema,
			response: { data: tokenPairSchema },
			handler: async ( { body, req } ) => ( {
				data: await auth.login(
					body.email,
					body.password,
					req.ip ?? 'unknown'
				),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/auth/refresh/',
			summary:
				'Exchange a refresh token for a new token pair (each refresh token works once)',
			tag: 'auth',
			auth: 'public',
			body: refreshRequestSchema,
			response: { data: tokenPairSchema },
			handler: async ( { body } ) => ( {
				data: await auth.refresh( body.refresh ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/auth/logout/',
			summary: 'Sign out the session a refresh token belongs to',
			tag: 'auth',
			auth: 'public',
			body: refreshRequestSchema,
			response: { status: 204 },
			handler: async ( { body } ) => {
				await auth.logout( body.refresh );
				return { status: 204 };
			},
		} ),
		route( {
			method: 'post',
			path: '/auth/site-session/',
			summary:
				"A WordPress user's short-lived token for this site (site API key only; the plugin maps the role from WordPress capabilities)",
			tag: 'auth',
			auth: 'user_or_site_key',
			permission: 'site_sync',
			body: siteSessionRequestSchema,
			response: { data: siteSessionSchema },
			handler: async ( { body, principal } ) => {
				if ( principal.kind !== 'site_key' ) {
					throw new PermissionDeniedError(
						'Only a site API key can open a site session.'
					);
				}
				return { data: auth.issueSiteSession( principal, body ) };
			},
		} ),
		route( {
			method: 'get',
			path: '/auth/me/',
			summary: 'The signed-in user and their account',
			tag: 'auth',
			auth: 'account_user',
			response: { data: meSchema },
			handler: async ( { principal } ) => {
				return {
					data: {
						user: serializeUser( principal.user ),
						account: serializeAccount( principal.account ),
					},
				};
			},
		} ),
		route( {
			method: 'post',
			path: '/auth/change-password/',
			summary: 'Change your password (signs out your other sessions)',
			tag: 'auth',
			auth: 'account_user',
			body: changePasswordRequestSchema,
			response: { status: 204 },
			handler: async ( { body, principal } ) => {
				await auth.changePassword(
					principal,
					body.current_password,
					body.new_password
				);
				return { status: 204 };
			},
		} ),
	];
}
