import { z } from 'zod';

export const componentStateSchema = z.enum( [ 'ok', 'down' ] );

export const healthSchema = z.object( {
	status: z.enum( [ 'ok', 'degraded' ] ),
	db: z.object( {
		state: componentStateSchema,
		mode: z.enum( [ 'postgres', 'pglite' ] ),
	} ),
	queue: z.object( {
		state: componentStateSchema,
		driver: z.enum( [ 'bee', 'inline' ] ),
	} ),
	version: z.string(),
} );

export type Health = z.infer< typeof healthSchema >;
