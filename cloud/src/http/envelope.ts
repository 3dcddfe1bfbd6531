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

export function sendList< T >(
	req: Request,
	res: Response,
	page: {
		count: number;
		next: string | null;
		previous: string | null;
		results: T[];
	}
): void {
	const body: ListEnvelope< T > = {
		success: true,
		...page,
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
