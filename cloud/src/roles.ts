import type { ProcessRole } from './config';
import type { AppContext } from './context';

/** Whether a process of this role serves HTTP. */
export function servesHttp( role: ProcessRole ): boolean {
	return role === 'all' || role === 'api';
}

/**
 * Starts the background parts of a process's role: queue workers for
 * `worker`, the scheduler for `scheduler`, both for `all` (the embedded
 * default). Any number of each may run against one PostgreSQL and Redis:
 * workers share the queues, schedulers claim each tick once.
 */
export async function startBackground( context: AppContext ): Promise< void > {
	const { role } = context.config;
	if ( role === 'all' || role === 'worker' ) {
		await context.queue.startWorkers();
	}
	if ( role === 'all' || role === 'scheduler' ) {
		context.scheduler.start();
	}
}
