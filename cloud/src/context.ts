import type { Config } from './config';
import type { Database } from './db/connection';
import type { Logger } from './logger';
import type { JobQueue } from './queue';

/** What the app's modules are built from, assembled once at boot. */
export type AppContext = {
	config: Config;
	logger: Logger;
	db: Database;
	queue: JobQueue;
};
