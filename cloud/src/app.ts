import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { aiRoutes } from './modules/ai';
import { AuditLog } from './audit';
import { auditRoutes } from './audit/routes';
import type { AppContext } from './context';
import { accessLog } from './http/access-log';
import { consoleApp } from './http/console';
import { corsPolicy } from './http/cors';
import { CorsOrigins } from './http/cors-origins';
import { docsPage } from './http/docs';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { buildOpenApiDocument } from './http/openapi';
import { requestId } from './http/request-id';
import { mountRoutes, type AnyRoute } from './http/route';
import {
	bearerOf,
	createGate,
	authRoutes,
	siteOfSessionToken,
} from './modules/auth';
import { integrationRoutes } from './modules/integration';
import { linkerRoutes } from './modules/linker';
import { optimizerRoutes } from './modules/optimizer';
import { automationRoutes } from './modules/automation';
import { keywordImportRoutes, plannerRoutes } from './modules/planner';
import { estimateRoutes, billingRoutes } from './modules/billing';
import { publisherRoutes } from './modules/publisher';
import { siteBuilderRoutes } from './modules/site-builder';
import { SiteHealthService, siteHealthRoutes } from './modules/site-health';
import {
	HealthService,
	systemConfigRoutes,
	healthRoutes,
} from './modules/system';
import { tenancyRoutes } from './modules/tenancy';
import { writerRoutes, WriterService } from './modules/writer';
import { VERSION } from './version';

/** Every declared API route, in the order the OpenAPI document lists them. */
export function apiRoutes( context: AppContext ): AnyRoute[] {
	const { services, models } = context;
	return [
		...healthRoutes( new HealthService( context ) ),
		...authRoutes( services.auth ),
		...tenancyRoutes( { models, ...services } ),
		...writerRoutes(
			new WriterService( context.db, models, context.services.ai.files ),
			models
		),
		// Before the planner's `:id` routes: `/planner/keywords/export/` is not keyword "export".
		...keywordImportRoutes( context ),
		// Before the planner's `:id` routes, like the import's.
		...aiRoutes( services.ai, models ),
		...plannerRoutes( { db: context.db, models, ...services } ),
		...billingRoutes( {
			db: context.db,
			models,
			siteCaps: services.siteCaps,
		} ),
		...estimateRoutes( services.ai, services.credits ),
		...systemConfigRoutes( { models, ...services } ),
		...integrationRoutes( { models, ...services } ),
		...siteHealthRoutes( new SiteHealthService( services ) ),
		...publisherRoutes( { models, ...services } ),
		...linkerRoutes( {
			linker: services.linker,
			rebuilds: services.linkerRebuilds,
			settings: services.linkerSettings,
		} ),
		...optimizerRoutes( services.optimizer ),
		...siteBuilderRoutes( services.siteBuilder ),
		...automationRoutes( services.automation ),
		...auditRoutes( new AuditLog( context.db.sequelize ) ),
	];
}

/**
 * Builds the HTTP app from an assembled context. Nothing here opens a socket
 * or a connection: the caller owns the lifecycle (server.ts, tests, benches).
 */
export function createApp( context: AppContext ): Express {
	const app = express();
	const cors = corsPolicy( {
		origins: new CorsOrigins( context.db, context.config.corsOrigins ),
		siteOfToken: ( req ) => {
			const token = bearerOf( req );
			return token
				? siteOfSessionToken( context.secrets.jwtSecret, token )
				: null;
		},
	} );
	app.disable( 'x-powered-by' );
	app.set( 'trust proxy', context.config.trustProxy );
	app.use( requestId );
	app.use( accessLog( context.logger ) );
	app.use( helmet() );
	app.use( cors.requests );
	app.use(
		express.json( {
			limit: '1mb',
			// A site's signed call covers the body as sent (see auth/api-keys.ts).
			verify: ( req, _res, buf ) => {
				( req as express.Request ).rawBody = buf;
			},
		} )
	);

	const routes = apiRoutes( context );
	const document = buildOpenApiDocument( routes, VERSION );
	// Express 5 matches with or without a trailing slash by default ("strict
	// routing" off), so the seed's `/path/` form and `/path` both work.
	const api = express.Router();
	api.get( '/schema/', ( _req, res ) => void res.json( document ) );
	api.use( '/docs', docsPage( path.join( '/api/v1', 'schema/' ) ) );
	mountRoutes( api, routes, createGate( context.services ) );
	app.use( '/api/v1', cors.preflights( routes ), api );
	// The agency console: static files, its own CSP, the SPA's routes → index.html.
	app.use( '/console', consoleApp( context.config.consoleDir ) );

	app.use( notFoundHandler );
	app.use( errorHandler( context.logger ) );
	return app;
}
