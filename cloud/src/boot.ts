import type { Config } from './config';
import type { AppContext } from './context';
import { openDatabase } from './db/connection';
import { migrate } from './db/migrate';
import { defineModels } from './db/models';
import { heartbeatJob } from './jobs/heartbeat';
import { periodicTasks } from './jobs/periodic';
import { Scheduler } from './jobs/scheduler';
import { keywordImportJob } from './modules/planner';
import type { Logger } from './logger';
import { loadSecrets } from './modules/auth';
import { createQueue } from './queue';
import { tracedQueue } from './queue/traced';
import { closeServices, createServices } from './services';

/**
 * Opens the database (migrated), the queue with every job type defined, the
 * services and the scheduler, starting nothing: roles.ts starts what a
 * process's role runs. Shared by every role, the tests and the CLI.
 */
export async function boot(
	config: Config,
	logger: Logger
): Promise< AppContext > {
	const secrets = loadSecrets( config );
	const db = await openDatabase( {
		databaseUrl: config.databaseUrl,
		dataDir: config.dataDir,
		poolMax: config.databasePoolMax,
		acquireTimeoutMs: config.databaseAcquireTimeoutMs,
		logger,
	} );
	try {
		const applied = await migrate( db.sequelize, logger, {
			lockUrl: config.databaseUrl,
		} );
		if ( applied.length > 0 ) {
			logger.info( { applied }, 'migrations applied' );
		}
	} catch ( error ) {
		await db.close();
		throw error;
	}
	const models = defineModels( db.sequelize );
	const queue = tracedQueue(
		createQueue( {
			redisUrl: config.redisUrl,
			prefix: config.queuePrefix,
			logger,
		} ),
		logger
	);
	queue.define( heartbeatJob( db.sequelize, queue.driver ) );
	queue.define( keywordImportJob( { config, db, models, queue, logger } ) );
	const services = createServices( {
		config,
		logger,
		db,
		models,
		secrets,
		queue,
	} );
	queue.define( services.ai.job() );
	queue.define( services.grants.job() );
	queue.define( services.integrations.syncJob() );
	queue.define( services.publisher.job() );
	queue.define( services.linkerRebuilds.job() );
	queue.define( services.siteBuilder.applyJob() );
	queue.define( services.automationExecutor.job() );
	const scheduler = new Scheduler(
		db.sequelize,
		logger,
		periodicTasks( services, config.eventRetentionDays )
	);
	return {
		config,
		logger,
		db,
		models,
		secrets,
		queue,
		services,
		scheduler,
	};
}

export async function shutdown( context: AppContext ): Promise< void > {
	await context.scheduler.stop();
	await context.queue.close( context.config.shutdownTimeoutMs );
	await closeServices( context.services );
	await context.db.close();
}
