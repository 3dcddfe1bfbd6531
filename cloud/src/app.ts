import express, { type Express } from 'express';
import type { AppContext } from './context';
import { accessLog } from './http/access-log';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { requestId } from './http/request-id';
import { HealthService } from './modules/system/health';
import { healthRoutes } from './modules/system/routes';

/**
 * Builds the HTTP app from an assembled context. Nothing here opens a socket
 * or a connection: the caller owns the lifecycle (server.ts, tests, benches).
 */
export function createApp( context: AppContext ): Express {
	const app = express();
	app.disable( 'x-powered-by' );
	app.set( 'trust proxy', 'loopback' );
	// Express 5 matches with or without a trailing slash by default ("strict
	// routing" off), so the seed's `/path/` form and `/path` both work.
	app.use( requestId );
	app.use( accessLog( context.logger ) );
	app.use( express.json( { limit: '1mb' } ) );

	const api = express.Router();
	api.use( healthRoutes( new HealthService( context ) ) );
	app.use( '/api/v1', api );

	app.use( notFoundHandler );
	app.use( errorHandler( context.logger ) );
	return app;
}
