import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';

/** One line per request, joined to everything else by its request id. */
export function accessLog( logger: Logger ) {
	return ( req: Request, res: Response, next: NextFunction ): void => {
		const started = process.hrtime.bigint();
		res.on( 'finish', () => {
			logger.info(
				{
					request_id: req.requestId,
					method: req.method,
					path: req.path,
					status: res.statusCode,
					ms: Number( process.hrtime.bigint() - started ) / 1e6,
				},
				'request'
			);
		} );
		next();
	};
}
