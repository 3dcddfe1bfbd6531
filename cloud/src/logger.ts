import pino, { type Logger } from 'pino';
import { logContext } from './log-context';

export type { Logger };

export function createLogger(
	level: string,
	destination?: pino.DestinationStream
): Logger {
	return pino(
		{
			name: 'igny8-cloud',
			level,
			// Request and job ids on every line, without threading a child logger through every call.
			mixin: logContext,
			redact: {
				paths: [
					'req.headers.authorization',
					'req.headers.cookie',
					'req.headers["x-igny8-api-key"]',
				],
				censor: '[redacted]',
			},
		},
		destination
	);
}
