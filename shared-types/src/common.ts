import { z } from 'zod';

/** Shared building blocks for resource schemas and list queries. */

export const idSchema = z.number().int().positive();

/** Path and query ids arrive as strings. */
export const idParam = z.coerce
	.number( { error: 'must be a positive whole number' } )
	.int( 'must be a positive whole number' )
	.positive( 'must be a positive whole number' );

export const timestampSchema = z.iso.datetime( { offset: true } );

export const nameSchema = z
	.string()
	.trim()
	.min( 1, 'may not be blank' )
	.max( 255 );

export const slugSchema = z
	.string()
	.trim()
	.min( 1 )
	.max( 100 )
	.regex(
		/^[a-z0-9]+(?:-[a-z0-9]+)*$/,
		'must be lowercase letters, digits and single hyphens'
	);

export const urlSchema = z
	.string()
	.trim()
	.max( 2000 )
	.url( 'must be a valid http(s) URL' )
	.refine(
		( value ) => /^https?:\/\//i.test( value ),
		'must be a valid http(s) URL'
	);

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

export const listQuerySchema = z.object( {
	page: z.coerce.number().int().min( 1 ).default( 1 ),
	page_size: z.coerce
		.number()
		.int()
		.min( 1 )
		.max( MAX_PAGE_SIZE )
		.default( DEFAULT_PAGE_SIZE ),
	ordering: z.string().max( 200 ).optional(),
	search: z.string().trim().max( 200 ).optional(),
} );

export type ListQuery = z.infer< typeof listQuerySchema >;
