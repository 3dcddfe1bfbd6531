import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { boot, shutdown } from './boot';
import { loadConfig } from './config';
import { exitWith } from './fatal';
import { createLogger } from './logger';

/**
 * The API process. In the embedded default it also runs the job workers;
 * with `RUN_WORKERS=false` it only serves HTTP and `worker.js` takes the jobs.
 */
async function main(): Promise< void > {
	const config = loadConfig();
	const logger = createLogger( config.logLevel );
	const context = await boot( config, logger );
	if ( process.env.RUN_WORKERS !== 'false' ) {
		await context.queue.startWorkers();
		// Where jobs run, monthly plan grants are scheduled (idempotent per account and month).
		context.services.grants.schedule();
		// Received WordPress event ids past the retention period are purged (daily).
		context.services.events.schedule();
		// Where jobs run, generated files whose rows are gone are swept (at start, then daily).
		context.services.ai.startFileSweep();
	}
	const app = createApp( context );
	const server = app.listen( config.port, config.host );
	await new Promise< void >( ( resolve, reject ) => {
		server.once( 'listening', resolve );
		server.once( 'error', reject );
	} );
	const { port } = server.address() as AddressInfo;
	logger.info(
		{
			url: `http://${ config.host }:${ port }`,
			db: context.db.mode,
			queue: context.queue.driver,
		},
		'igny8 cloud listening'
	);

	let stopping = false;
	const stop = async ( signal: string ) => {
		if ( stopping ) {
			return;
		}
		stopping = true;
		logger.info( { signal }, 'shutting down' );
		const force = setTimeout( () => {
			logger.error( 'shutdown timed out; exiting' );
			process.exit( 1 );
		}, config.shutdownTimeoutMs + 5_000 );
		force.unref();
		// Stop accepting, let in-flight requests finish, drop idle keep-alives.
		const closed = new Promise< void >( ( resolve ) =>
			server.close( () => resolve() )
		);
		server.closeIdleConnections();
		await closed;
		await shutdown( context );
		logger.info( 'stopped' );
		process.exit( 0 );
	};
	process.on( 'SIGINT', () => void stop( 'SIGINT' ) );
	process.on( 'SIGTERM', () => void stop( 'SIGTERM' ) );
}

main().catch( exitWith );
