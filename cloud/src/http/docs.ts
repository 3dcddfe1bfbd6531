import express, { type Router } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

/** A browsable API reference: Swagger UI, served from the package, reading our schema. */
export function docsPage( schemaUrl: string ): Router {
	const router = express.Router();
	router.get( '/', ( req, res, next ) => {
		if ( ! req.originalUrl.split( '?' )[ 0 ]?.endsWith( '/' ) ) {
			// Relative asset URLs below need the trailing slash.
			res.redirect( 301, `${ req.baseUrl }/` );
			return;
		}
		next();
	} );
	router.get( '/', ( _req, res ) => {
		res.type( 'html' ).send( `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>IGNY8 cloud API</title>
<link rel="stylesheet" href="assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="assets/swagger-ui-bundle.js"></script>
<script src="init.js"></script>
</body>
</html>` );
	} );
	router.get( '/init.js', ( _req, res ) => {
		res.type( 'application/javascript' ).send(
			`window.ui = SwaggerUIBundle({ url: ${ JSON.stringify( schemaUrl ) }, dom_id: '#swagger-ui' });\n`
		);
	} );
	router.use(
		'/assets',
		express.static( getAbsoluteFSPath(), { index: false, maxAge: '1d' } )
	);
	return router;
}
