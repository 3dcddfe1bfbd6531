import type { Config } from './config';
import type { Database } from './db/connection';
import type { Models } from './db/models';
import type { Scheduler } from './jobs/scheduler';
import type { Logger } from './logger';
import type { Secrets } from './modules/auth';
import type { Services } from './services';
import type { JobQueue } from './queue';

/** What the app's modules are built from, assembled once at boot. */
export type AppContext = {
	config: Config;
	logger: Logger;
	db: Database;
	models: Models;
	secrets: Secrets;
	queue: JobQueue;
	services: Services;
	/** Periodic work; started only in processes whose role includes it (roles.ts). */
	scheduler: Scheduler;
};
