import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(
	level: string,
	destination?: pino.DestinationStream
): Logger {
	return pino(
		{
			name: 'igny8-cloud',
			level,
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
