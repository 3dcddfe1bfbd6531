import type { NextFunction, Request, Response } from 'express';
import { ForeignKeyConstraintError, UniqueConstraintError } from 'sequelize';
import type { Logger } from '../logger';
import { ApiError } from './errors';
import { sendError } from './envelope';

/** What body-parser and friends attach to the errors they raise. */
type HttpishError = Error & {
	status?: number;
	statusCode?: number;
	type?: string;
	expose?: boolean;
};

const PARSER_ERRORS: Record< string, { code: string; message: string } > = {
	'entity.parse.failed': {
		code: 'bad_request',
		message: 'Malformed JSON in request body.',
	},
	'entity.too.large': {
		code: 'payload_too_large',
		message: 'Request body is too large.',
	},
	'encoding.unsupported': {
		code: 'unsupported_media_type',
		message: 'Unsupported content encoding.',
	},
	'charset.unsupported': {
		code: 'unsupported_media_type',
		message: 'Unsupported charset.',
	},
};

const CLIENT_ERROR_CODES: Record< number, string > = {
	404: 'not_found',
	405: 'method_not_allowed',
	413: 'payload_too_large',
	415: 'unsupported_media_type',
};

export function notFoundHandler( req: Request, res: Response ): void {
	sendError( req, res, 404, {
		code: 'not_found',
		message: `No route for ${ req.method } ${ req.path }.`,
	} );
}

/**
 * The one place errors become responses. Known errors keep their status and
 * message; anything else is logged with its stack and answered with a generic
 * 500, so SQL and stack traces never reach a client.
 */
export function errorHandler( logger: Logger ) {
	return (
		err: unknown,
		req: Request,
		res: Response,
		_next: NextFunction
	): void => {
		if ( res.headersSent ) {
			req.socket.destroy();
			return;
		}
		if ( err instanceof ApiError ) {
			for ( const [ name, value ] of Object.entries(
				err.headers ?? {}
			) ) {
				res.setHeader( name, value );
			}
			sendError( req, res, err.status, {
				code: err.code,
				message: err.message,
				errors: err.errors,
			} );
			return;
		}
		// Races the services' own checks lost: answer as those checks would have.
		if ( err instanceof UniqueConstraintError ) {
			sendError( req, res, 409, {
				code: 'conflict',
				message: 'A record with these values already exists.',
			} );
			return;
		}
		if ( err instanceof ForeignKeyConstraintError ) {
			sendError( req, res, 400, {
				code: 'bad_request',
				message: 'A referenced record does not exist.',
			} );
			return;
		}
		const httpish = err as HttpishError;
		const parserError =
			httpish?.type && Object.hasOwn( PARSER_ERRORS, httpish.type )
				? PARSER_ERRORS[ httpish.type ]
				: undefined;
		if ( parserError ) {
			sendError( req, res, httpish.status ?? 400, parserError );
			return;
		}
		// Any other client error the HTTP stack raises (a body that does not
		// inflate, a path that does not decode): the request's fault, not ours.
		const status = httpish?.status ?? httpish?.statusCode;
		if ( typeof status === 'number' && status >= 400 && status < 500 ) {
			sendError( req, res, status, {
				code: CLIENT_ERROR_CODES[ status ] ?? 'bad_request',
				message:
					'The request could not be read: check its encoding, its body and its URL.',
			} );
			return;
		}
		logger.error(
			{ err, request_id: req.requestId, path: req.path },
			'unhandled error'
		);
		sendError( req, res, 500, {
			code: 'internal_error',
			message:
				'Internal server error. Quote the request id when reporting it.',
		} );
	};
}
