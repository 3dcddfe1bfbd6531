import type { NextFunction, Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { Permission } from '../modules/auth';
import type {
	Principal,
	SiteUserPrincipal,
	UserPrincipal,
} from '../modules/auth';
import { sendList, sendSuccess } from './envelope';
import type { ListPage, RenderedListPage } from './pagination';
import { parseInput } from './validate';

/**
 * Every API route is declared once, as data: method, path, who may call it,
 * the zod schemas of its input and output, and a handler. The same
 * declarations mount the Express routes and generate the OpenAPI document,
 * so the document cannot drift from what the server answers.
 */

export type AuthMode =
	/** Anyone; throttled per IP. */
	| 'public'
	/** A person with a JWT: an account user, or a WordPress user through a site session. */
	| 'user'
	/** An account user only (their own profile, the account's people and sites). */
	| 'account_user'
	/**
	 * A person, or a WordPress site: its signed call (`X-IGNY8-Key-Id` +
	 * `X-IGNY8-Signature`), or its key in plain (`X-IGNY8-API-Key`) while
	 * the site has not paired (see `sitePairing`).
	 */
	| 'user_or_site_key';

/** Whether a WordPress user's site session may call routes of this mode (CORS preflights ask this). */
export function siteSessionMayCall( auth: AuthMode ): boolean {
	return auth === 'user' || auth === 'user_or_site_key';
}

type Schema = z.ZodType;
type Out< S > = S extends z.ZodType ? z.infer< S > : undefined;

export type ResponseSpec =
	| { status?: number; data: Schema; description?: string }
	| { list: Schema; description?: string }
	| { status: 204; description?: string }
	/** Not the envelope: a file (e.g. `text/csv`) the handler streams itself. */
	| { file: string; description?: string };

export type HandlerInput< P, Q, B, A extends AuthMode > = {
	params: Out< P >;
	query: Out< Q >;
	body: Out< B >;
	principal: A extends 'public'
		? Principal | undefined
		: A extends 'account_user'
			? UserPrincipal
			: A extends 'user'
				? UserPrincipal | SiteUserPrincipal
				: Principal;
	req: Request;
	res: Response;
};

export type HandlerResult =
	| { status?: number; data: unknown; message?: string }
	| { list: ListPage< unknown > | RenderedListPage }
	| { status: 204 }
	/** The handler has written the response itself (a streamed file). */
	| { sent: true };

export type RouteSpec<
	P extends Schema | undefined = Schema | undefined,
	Q extends Schema | undefined = Schema | undefined,
	B extends Schema | undefined = Schema | undefined,
	A extends AuthMode = AuthMode,
> = {
	method: 'get' | 'post' | 'put' | 'patch' | 'delete';
	/** Express path under /api/v1, written as the seed writes it: `/auth/sites/:id/`. */
	path: string;
	summary: string;
	tag: string;
	auth: A;
	/** False for probes (health, schema) that monitoring polls from one address. */
	throttled?: boolean;
	/**
	 * The one route a site pairs a new key on (the plugin's test-connection):
	 * it accepts a key in plain that has not paired yet even when the site
	 * has paired another key before (a rotation).
	 */
	sitePairing?: boolean;
	/** Needed by the caller's role; reads default to `read`. */
	permission?: Permission;
	params?: P;
	query?: Q;
	body?: B;
	/**
	 * A multipart/form-data upload: the form's text fields (the file part is
	 * `file`). Documented only; the handler reads the request stream itself.
	 */
	upload?: Schema;
	response: ResponseSpec;
	handler( input: HandlerInput< P, Q, B, A > ): Promise< HandlerResult >;
};

export type AnyRoute = RouteSpec< any, any, any, any >;

/** Keeps a route's types tied to its schemas; returns the declaration unchanged. */
export function route<
	P extends Schema | undefined,
	Q extends Schema | undefined,
	B extends Schema | undefined,
	A extends AuthMode,
>( spec: RouteSpec< P, Q, B, A > ): AnyRoute {
	return spec as AnyRoute;
}

export type Gate = (
	spec: AnyRoute
) => ( req: Request, res: Response, next: NextFunction ) => void;

/** Mounts declarations on a router; `gate` authenticates, authorizes and throttles. */
export function mountRoutes(
	router: Router,
	routes: AnyRoute[],
	gate: Gate
): void {
	for ( const spec of routes ) {
		router[ spec.method ](
			spec.path,
			gate( spec ),
			async ( req: Request, res: Response ) => {
				const params = spec.params
					? parseInput( spec.params, req.params, 'path' )
					: undefined;
				const query = spec.query
					? parseInput( spec.query, req.query, 'query' )
					: undefined;
				const body = spec.body
					? parseInput( spec.body, req.body ?? {}, 'body' )
					: undefined;
				const result = await spec.handler( {
					params,
					query,
					body,
					principal: req.principal,
					req,
					res,
				} );
				if ( 'sent' in result ) {
					return;
				}
				if ( 'list' in result ) {
					sendList( req, res, result.list );
				} else if ( result.status === 204 ) {
					res.status( 204 ).end();
				} else {
					const { status, data, message } = result as {
						status?: number;
						data: unknown;
						message?: string;
					};
					sendSuccess( req, res, data, { status, message } );
				}
			}
		);
	}
}
