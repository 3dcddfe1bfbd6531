import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/**
 * The agency console's static files (`console/build`, made by
 * `npm run build -w console`) at `/console/`: hashed bundles are cached for
 * good, `index.html` never (it names the current bundles), and any path
 * without a file extension is one of the single-page app's own routes, so it
 * gets `index.html` too. A missing bundle stays a 404: answering a script
 * request with HTML would only hide the mistake.
 */

/**
 * Only this origin's scripts, styles, images and API; no inline or eval'd
 * script, no plugins, no framing. Inline *styles* are the one exception:
 * @wordpress/components styles itself through emotion (style elements it
 * writes at run time) and recharts sets style attributes; neither can run code.
 */
export const CONSOLE_CSP = [
	"default-src 'self'",
	"script-src 'self'",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data:",
	"font-src 'self' data:",
	"connect-src 'self'",
	"object-src 'none'",
	"base-uri 'self'",
	"form-action 'self'",
	"frame-ancestors 'none'",
].join( '; ' );

/** Webpack's `[name].[contenthash].js|css` (see console/webpack.config.js). */
const HASHED = /\.[0-9a-f]{12,}\.(?:js|css)$/;

export function consoleApp( dir: string ): Router {
	const router = express.Router( { strict: true } );
	const indexFile = path.join( dir, 'index.html' );

	router.use( ( req, res, next ) => {
		res.setHeader( 'Content-Security-Policy', CONSOLE_CSP );
		// `/console` → `/console/`: the app's routes all live under the slash.
		if ( req.originalUrl.split( '?' )[ 0 ] === '/console' ) {
			res.redirect( 301, '/console/' );
			return;
		}
		next();
	} );
	router.use(
		express.static( dir, {
			index: false,
			redirect: false,
			fallthrough: true,
			setHeaders: ( res, file ) => {
				res.setHeader(
					'Cache-Control',
					HASHED.test( file )
						? 'public, max-age=31536000, immutable'
						: 'no-cache'
				);
			},
		} )
	);
	router.use( ( req, res, next ) => {
		const last = req.path.split( '/' ).pop() ?? '';
		if (
			( req.method !== 'GET' && req.method !== 'HEAD' ) ||
			last.includes( '.' )
		) {
			next();
			return;
		}
		if ( ! fs.existsSync( indexFile ) ) {
			res.status( 503 )
				.type( 'text/plain' )
				.send(
					'The console is not built: run `npm run build -w console`.'
				);
			return;
		}
		res.setHeader( 'Cache-Control', 'no-cache' );
		res.sendFile( indexFile );
	} );
	return router;
}
