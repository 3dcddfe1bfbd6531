import type { Request, Response } from 'express';
import type {
	ErrorEnvelope,
	FieldErrors,
	ListEnvelope,
	SuccessEnvelope,
} from '@igny8/shared-types';

/** Renders the seed's unified response format; the only place that shapes a body. */

export function sendSuccess< T >(
	req: Request,
	res: Response,
	data: T,
	options: { status?: number; message?: string } = {}
): void {
	const body: SuccessEnvelope< T > = {
		success: true,
		data,
		request_id: req.requestId,
	};
	if ( options.message ) {
		body.message = options.message;
	}
	res.status( options.status ?? 200 ).json( body );
}

/**
 * A list's results already rendered as a JSON array (by the database, for
 * the busiest lists): spliced into the envelope as they are, so a page of
 * rows is neither parsed into objects nor stringified again.
 */
export class JsonArrayText {
	constructor( readonly text: string ) {}
}

export function sendList< T >(
	req: Request,
	res: Response,
	page: {
		count: number;
		next: string | null;
		previous: string | null;
		results: T[] | JsonArrayText;
	}
): void {
	if ( page.results instanceof JsonArrayText ) {
		const { results, ...rest } = page;
		// The same keys in the same order as the envelope below.
		const head = JSON.stringify( { success: true, ...rest } );
		res.status( 200 )
			.type( 'json' )
			.send(
				`${ head.slice( 0, -1 ) },"results":${ results.text }${ req.requestId === undefined ? '' : `,"request_id":${ JSON.stringify( req.requestId ) }` }}`
			);
		return;
	}
	const body: ListEnvelope< T > = {
		success: true,
		...( page as typeof page & { results: T[] } ),
		request_id: req.requestId,
	};
	res.status( 200 ).json( body );
}

export function sendError(
	req: Request,
	res: Response,
	status: number,
	error: { message: string; code?: string; errors?: FieldErrors }
): void {
	const body: ErrorEnvelope = {
		success: false,
		error: error.message,
		request_id: req.requestId,
	};
	if ( error.code ) {
		body.code = error.code;
	}
	if ( error.errors ) {
		body.errors = error.errors;
	}
	res.status( status ).json( body );
}
