import { boot, shutdown } from './boot';
import { loadConfig } from './config';
import { exitWith } from './fatal';
import { createLogger } from './logger';

/** A job worker: run more of these to scale the queues out (needs REDIS_URL). */
async function main(): Promise< void > {
	const config = loadConfig();
	if ( ! config.redisUrl ) {
		throw new Error(
			'a separate worker needs REDIS_URL; without it the API process runs the jobs itself'
		);
	}
	const logger = createLogger( config.logLevel );
	const context = await boot( config, logger );
	await context.queue.startWorkers();
	// Every worker enqueues the same hourly job id, so N workers make one grants job per hour.
	context.services.grants.schedule();
	// Received WordPress event ids past the retention period are purged (daily).
	context.services.events.schedule();
	// Generated files whose rows are gone: swept at start-up, then daily.
	context.services.ai.startFileSweep();
	logger.info( { queue: context.queue.driver }, 'igny8 worker started' );
	let stopping = false;
	const stop = async () => {
		if ( stopping ) {
			return;
		}
		stopping = true;
		await shutdown( context );
		process.exit( 0 );
	};
	process.on( 'SIGINT', () => void stop() );
	process.on( 'SIGTERM', () => void stop() );
}

main().catch( exitWith );
