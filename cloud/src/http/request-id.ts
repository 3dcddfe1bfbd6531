import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { withLogContext } from '../log-context';

declare module 'express-serve-static-core' {
	interface Request {
		requestId: string;
	}
}

/** A caller's id is kept when it is a sane token, so logs join across systems. */
const CALLER_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestId(
	req: Request,
	res: Response,
	next: NextFunction
): void {
	const given = req.get( 'x-request-id' );
	req.requestId = given && CALLER_ID.test( given ) ? given : randomUUID();
	res.setHeader( 'X-Request-ID', req.requestId );
	withLogContext( { request_id: req.requestId }, next );
}
