import cors from 'cors';
import express, {
	type NextFunction,
	type Request,
	type RequestHandler,
	type Response,
	type Router,
} from 'express';
import type { CorsOrigins } from './cors-origins';
import { siteSessionMayCall, type AnyRoute } from './route';

/**
 * Who may call the API from a browser (CORS).
 *
 * - The configured origins (`CORS_ORIGINS`, the console) may call every
 *   route.
 * - A WordPress site's own origin (an active site's `wordpress_url`) may call
 *   the API only to act for that site:
 *   - a preflight carries no credentials, so it is allowed only for the
 *     routes a site session may call (auth `user` / `user_or_site_key`), and
 *     only from the origin of some active site;
 *   - the actual request is readable by the origin only when its bearer is a
 *     site session (signed by us; expired is fine, so the screens can read
 *     the 401 that tells them to renew) of a site at that origin. Account
 *     users' tokens, site keys, other sites' sessions and anonymous requests
 *     get no CORS headers: the browser keeps the answer from the page.
 * - Any other origin gets nothing.
 */

const OPTIONS: cors.CorsOptions = {
	// Reflects the request's origin: used only once the origin is allowed.
	origin: true,
	allowedHeaders: [
		'Authorization',
		'Content-Type',
		'X-IGNY8-API-Key',
		'X-Request-ID',
	],
	exposedHeaders: [ 'X-Request-ID', 'Retry-After' ],
	maxAge: 600,
};

const allow = cors( OPTIONS );

const isPreflight = ( req: Request ) =>
	req.method === 'OPTIONS' &&
	req.get( 'access-control-request-method' ) !== undefined;

/** Answers without CORS headers; `Vary` keeps caches from serving an allowed answer to this origin. */
function withoutCors( res: Response ): void {
	res.vary( 'Origin' );
}

export function corsPolicy( deps: {
	origins: CorsOrigins;
	/** The site a bearer token is a site session of, or null. */
	siteOfToken: ( req: Request ) => number | null;
} ): {
	requests: RequestHandler;
	preflights: ( routes: AnyRoute[] ) => Router;
} {
	const { origins } = deps;

	/** App-wide, before the routes: configured origins, and actual requests from site origins. */
	const requests = (
		req: Request,
		res: Response,
		next: NextFunction
	): void => {
		const origin = req.get( 'origin' );
		if ( ! origin ) {
			next();
			return;
		}
		if ( origins.isConfigured( origin ) ) {
			allow( req, res, next );
			return;
		}
		if ( isPreflight( req ) ) {
			// The matching route's preflight handler decides (see `preflight`).
			next();
			return;
		}
		const siteId = deps.siteOfToken( req );
		if ( siteId === null ) {
			withoutCors( res );
			next();
			return;
		}
		origins.sitesAt( origin ).then( ( sites ) => {
			if ( sites.has( siteId ) ) {
				allow( req, res, next );
			} else {
				withoutCors( res );
				next();
			}
		}, next );
	};

	/** One path's preflight: allowed for a site origin only if the route asked for takes site sessions. */
	const preflight =
		( specs: AnyRoute[] ) =>
		( req: Request, res: Response, next: NextFunction ): void => {
			const origin = req.get( 'origin' );
			const method = req
				.get( 'access-control-request-method' )
				?.toLowerCase();
			const spec = specs.find( ( s ) => s.method === method );
			if ( ! origin || ! spec ) {
				// Not a preflight, or the method is declared under another path pattern.
				next();
				return;
			}
			const refuse = () => {
				withoutCors( res );
				res.status( 204 ).end();
			};
			if ( ! siteSessionMayCall( spec.auth ) ) {
				refuse();
				return;
			}
			origins.sitesAt( origin ).then( ( sites ) => {
				if ( sites.size > 0 ) {
					allow( req, res, next );
				} else {
					refuse();
				}
			}, next );
		};

	/**
	 * The preflights of the declared routes, mounted (before them) on the
	 * same paths and in the same order, so a preflight matches the route it
	 * asks about. Paths no site session may call get none: their preflights
	 * fall through to the router's plain OPTIONS answer, without CORS headers.
	 */
	const preflights = ( routes: AnyRoute[] ): Router => {
		const router = express.Router();
		const byPath = new Map< string, AnyRoute[] >();
		for ( const spec of routes ) {
			byPath.set( spec.path, [
				...( byPath.get( spec.path ) ?? [] ),
				spec,
			] );
		}
		for ( const [ path, specs ] of byPath ) {
			if ( specs.some( ( spec ) => siteSessionMayCall( spec.auth ) ) ) {
				router.options( path, preflight( specs ) );
			}
		}
		return router;
	};

	return { requests, preflights };
}
