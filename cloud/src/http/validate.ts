import type { z } from 'zod';
import type { FieldErrors } from '@igny8/shared-types';
import { ValidationError } from './errors';

/**
 * Parses one part of a request with its schema. Failures become a 400 whose
 * `errors` maps each field path to its messages; unknown fields are reported
 * by name (schemas are strict), so a typo never passes silently. Field names
 * come from the caller, so they are collected in a Map: a key such as
 * `constructor` or `__proto__` is just a name, never an Object.prototype member.
 */
export function parseInput< S extends z.ZodType >(
	schema: S,
	input: unknown,
	where: 'body' | 'query' | 'path'
): z.infer< S > {
	const what = `Invalid ${ where === 'path' ? 'path parameter' : where }.`;
	const nul = nulFields( input );
	if ( nul.length ) {
		throw new ValidationError(
			what,
			Object.fromEntries(
				nul.map( ( field ) => [
					field,
					[ 'may not contain the NUL character (U+0000)' ],
				] )
			)
		);
	}
	const result = schema.safeParse( input );
	if ( result.success ) {
		return result.data;
	}
	const errors = new Map< string, string[] >();
	const add = ( field: string, message: string ) =>
		errors.set( field, [ ...( errors.get( field ) ?? [] ), message ] );
	for ( const issue of result.error.issues ) {
		if ( issue.code === 'unrecognized_keys' ) {
			for ( const key of issue.keys ) {
				add(
					[ ...issue.path, key ].join( '.' ),
					'is not a recognised field'
				);
			}
			continue;
		}
		add(
			issue.path.length > 0 ? issue.path.join( '.' ) : 'non_field_errors',
			humanize( issue )
		);
	}
	throw new ValidationError(
		what,
		// fromEntries defines own properties: `__proto__` stays a plain key.
		Object.fromEntries( errors ) as FieldErrors
	);
}

/**
 * Fields whose text (name or value) holds U+0000: PostgreSQL text and jsonb
 * cannot store it, so it is refused here rather than failing (or being
 * mangled) in the database. Iterative, so a deeply nested body cannot
 * exhaust the stack.
 */
function nulFields( input: unknown ): string[] {
	const found: string[] = [];
	const pending: [ unknown, string ][] = [ [ input, '' ] ];
	while ( pending.length > 0 && found.length < 20 ) {
		const [ value, path ] = pending.pop()!;
		if ( typeof value === 'string' ) {
			if ( value.includes( '\u0000' ) ) {
				found.push( path || 'non_field_errors' );
			}
			continue;
		}
		if ( value === null || typeof value !== 'object' ) {
			continue;
		}
		for ( const [ key, child ] of Object.entries( value ) ) {
			const field = path ? `${ path }.${ key }` : key;
			if ( key.includes( '\u0000' ) ) {
				found.push( field.replaceAll( '\u0000', '\\u0000' ) );
				continue;
			}
			pending.push( [ child, field ] );
		}
	}
	return found;
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
