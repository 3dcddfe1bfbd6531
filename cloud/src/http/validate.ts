import type { z } from 'zod';
import type { FieldErrors } from '@igny8/shared-types';
import { ValidationError } from './errors';

/**
 * Parses one part of a request with its schema. Failures become a 400 whose
 * `errors` maps each field path to its messages; unknown fields are reported
 * by name (schemas are strict), so a typo never passes silently.
 */
export function parseInput< S extends z.ZodType >(
	schema: S,
	input: unknown,
	where: 'body' | 'query' | 'path'
): z.infer< S > {
	const result = schema.safeParse( input );
	if ( result.success ) {
		return result.data;
	}
	const errors: FieldErrors = {};
	for ( const issue of result.error.issues ) {
		if ( issue.code === 'unrecognized_keys' ) {
			for ( const key of issue.keys ) {
				const field = [ ...issue.path, key ].join( '.' );
				( errors[ field ] ??= [] ).push( 'is not a recognised field' );
			}
			continue;
		}
		const field =
			issue.path.length > 0 ? issue.path.join( '.' ) : 'non_field_errors';
		( errors[ field ] ??= [] ).push( humanize( issue ) );
	}
	throw new ValidationError(
		`Invalid ${ where === 'path' ? 'path parameter' : where }.`,
		errors
	);
}

function humanize( issue: z.core.$ZodIssue ): string {
	if (
		issue.code === 'invalid_type' &&
		issue.message.endsWith( 'received undefined' )
	) {
		return 'this field is required';
	}
	if ( issue.code === 'too_big' && issue.origin === 'string' ) {
		return `must be at most ${ issue.maximum } characters`;
	}
	if (
		issue.code === 'too_small' &&
		issue.origin === 'string' &&
		issue.minimum === 1
	) {
		return 'may not be blank';
	}
	return issue.message;
}
