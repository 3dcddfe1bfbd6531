import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { boot, shutdown } from './boot';
import { loadConfig } from './config';
import { exitWith } from './fatal';
import { createLogger } from './logger';
import { servesHttp, startBackground } from './roles';

/**
 * The one entry point of every cloud process. `IGNY8_ROLE` picks what it
 * does: `api` serves HTTP, `worker` runs the queues, `scheduler` runs the
 * periodic work, `all` (the default, and the embedded `npm start`) all three.
 */
async function main(): Promise< void > {
	const config = loadConfig();
	const logger = createLogger( config.logLevel ).child( {
		role: config.role,
	} );
	const context = await boot( config, logger );
	await startBackground( context );
	let server: Server | undefined;
	if ( servesHttp( config.role ) ) {
		server = createApp( context ).listen( config.port, config.host );
		const listening = server;
		await new Promise< void >( ( resolve, reject ) => {
			listening.once( 'listening', resolve );
			listening.once( 'error', reject );
		} );
		const { port } = listening.address() as AddressInfo;
		logger.info(
			{
				url: `http://${ config.host }:${ port }`,
				db: context.db.mode,
				queue: context.queue.driver,
			},
			'igny8 cloud listening'
		);
	} else {
		logger.info(
			{ db: context.db.mode, queue: context.queue.driver },
			`igny8 cloud ${ config.role } started`
		);
	}

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
		if ( server ) {
			// Stop accepting, let in-flight requests finish, drop idle keep-alives.
			const open = server;
			const closed = new Promise< void >( ( resolve ) =>
				open.close( () => resolve() )
			);
			open.closeIdleConnections();
			await closed;
		}
		await shutdown( context );
		logger.info( 'stopped' );
		process.exit( 0 );
	};
	process.on( 'SIGINT', () => void stop( 'SIGINT' ) );
	process.on( 'SIGTERM', () => void stop( 'SIGTERM' ) );
}

main().catch( exitWith );
