import type { Logger } from '../logger';
import { BeeJobQueue } from './bee';
import { InlineQueue } from './inline';
import type { JobQueue } from './types';

export * from './types';

export function createQueue( options: {
	redisUrl?: string;
	prefix: string;
	logger: Logger;
} ): JobQueue {
	return options.redisUrl
		? new BeeJobQueue( {
				redisUrl: options.redisUrl,
				prefix: options.prefix,
				logger: options.logger,
			} )
		: new InlineQueue( options.logger );
}
