import { z } from 'zod';

/**
 * The seed's unified response format. Every cloud endpoint answers in one of
 * these three shapes, and every client parses them with these schemas.
 */

export const requestIdSchema = z.string().min( 1 ).max( 128 );

export function successEnvelope< T extends z.ZodType >( data: T ) {
	return z.object( {
		success: z.literal( true ),
		data,
		message: z.string().optional(),
		request_id: requestIdSchema,
	} );
}

export function listEnvelope< T extends z.ZodType >( item: T ) {
	return z.object( {
		success: z.literal( true ),
		count: z.number().int().nonnegative(),
		next: z.string().nullable(),
		previous: z.string().nullable(),
		results: z.array( item ),
		message: z.string().optional(),
		request_id: requestIdSchema,
	} );
}

/** Field-level errors: a field path (dotted) maps to its messages. */
export const fieldErrorsSchema = z.record( z.string(), z.array( z.string() ) );

export const errorEnvelopeSchema = z.object( {
	success: z.literal( false ),
	error: z.string(),
	code: z.string().optional(),
	errors: fieldErrorsSchema.optional(),
	request_id: requestIdSchema,
} );

export type FieldErrors = z.infer< typeof fieldErrorsSchema >;
export type ErrorEnvelope = z.infer< typeof errorEnvelopeSchema >;
export type SuccessEnvelope< T > = {
	success: true;
	data: T;
	message?: string;
	request_id: string;
};
export type ListEnvelope< T > = {
	success: true;
	count: number;
	next: string | null;
	previous: string | null;
	results: T[];
	message?: string;
	request_id: string;
};
export type Envelope< T > = SuccessEnvelope< T > | ErrorEnvelope;
