import type { Config } from './config';
import type { AppContext } from './context';
import { openDatabase } from './db/connection';
import { migrate } from './db/migrate';
import { heartbeatJob } from './jobs/heartbeat';
import type { Logger } from './logger';
import { createQueue } from './queue';

/**
 * Opens the database (migrated) and the queue with every job type defined.
 * Shared by the API server, the worker and the CLI so all three agree.
 */
export async function boot(
	config: Config,
	logger: Logger
): Promise< AppContext > {
	const db = await openDatabase( {
		databaseUrl: config.databaseUrl,
		dataDir: config.dataDir,
		poolMax: config.databasePoolMax,
		logger,
	} );
	try {
		const applied = await migrate( db.sequelize, logger, {
			lock: db.mode === 'postgres',
		} );
		if ( applied.length > 0 ) {
			logger.info( { applied }, 'migrations applied' );
		}
	} catch ( error ) {
		await db.close();
		throw error;
	}
	const queue = createQueue( {
		redisUrl: config.redisUrl,
		prefix: config.queuePrefix,
		logger,
	} );
	queue.define( heartbeatJob( db.sequelize, queue.driver ) );
	return { config, logger, db, queue };
}

export async function shutdown( context: AppContext ): Promise< void > {
	await context.queue.close( context.config.shutdownTimeoutMs );
	await context.db.close();
}
