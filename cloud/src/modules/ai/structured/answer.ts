import { z } from 'zod';
import {
	restoreOmitted,
	strictJsonSchema,
	type JsonSchema,
} from './strict-schema';

/**
 * What a structured AI call must answer: the zod schema that validates it
 * (the one source of truth: both response formats are made from it), the
 * stable name the API sees, and what to tell a person when the model never
 * gave it.
 */

/** How a structured answer is asked for. */
export type StructuredMode = 'json_schema' | 'json_mode';

export type StructuredAnswer< T > = {
	/** `response_format.json_schema.name`: letters, digits, `_` and `-`, at most 64. */
	readonly name: string;
	readonly schema: z.ZodType< T >;
	/**
	 * What was missing, for the run's error: "The model's answer …, even
	 * after it was asked to correct it." — e.g. "had no usable ideas".
	 */
	readonly missing: string;
};

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function defineAnswer< T >(
	answer: StructuredAnswer< T >
): StructuredAnswer< T > {
	if ( ! NAME.test( answer.name ) ) {
		throw new Error(
			`"${ answer.name }" is not a valid response format name.`
		);
	}
	return Object.freeze( { ...answer } );
}

type Formats = {
	/** The input-side schema (a default makes a field optional): JSON mode's prompt. */
	prompt: JsonSchema;
	/** The same for strict structured outputs: the json_schema response format. */
	strict: JsonSchema;
};

// Built on first use, once per answer (the schemas never change at run time).
const formats = new WeakMap< StructuredAnswer< unknown >, Formats >();

export function formatsOf( answer: StructuredAnswer< unknown > ): Formats {
	let built = formats.get( answer );
	if ( ! built ) {
		const { $schema: _dialect, ...prompt } = z.toJSONSchema(
			answer.schema,
			{ io: 'input', reused: 'inline' }
		) as JsonSchema;
		built = { prompt, strict: strictJsonSchema( prompt ) };
		formats.set( answer, built );
	}
	return built;
}

/** The `response_format` of a request in `mode`. */
export function responseFormatOf(
	answer: StructuredAnswer< unknown >,
	mode: StructuredMode
) {
	return mode === 'json_schema'
		? {
				type: 'json_schema' as const,
				json_schema: {
					name: answer.name,
					strict: true,
					schema: formatsOf( answer ).strict,
				},
			}
		: { type: 'json_object' as const };
}

/**
 * The instruction put before the prompt. JSON mode needs the schema in
 * words (and the word JSON, which the API checks for); with json_schema the
 * format itself carries it.
 */
export function instructionOf(
	answer: StructuredAnswer< unknown >,
	mode: StructuredMode
): string {
	return mode === 'json_schema'
		? 'Answer with one JSON object and nothing else.'
		: `Answer with one JSON object and nothing else. It must match this JSON Schema:\n${ JSON.stringify( formatsOf( answer ).prompt ) }`;
}

/** An answer's text, parsed and validated; or what is wrong with it, for the model to correct. */
export function readAnswer< T >(
	answer: StructuredAnswer< T >,
	text: string
): { ok: true; value: T } | { ok: false; problem: string } {
	const unfenced = text
		.trim()
		.replace( /^```(?:json)?\s*/i, '' )
		.replace( /\s*```$/, '' );
	let parsed: unknown;
	try {
		parsed = JSON.parse( unfenced );
	} catch ( error ) {
		return {
			ok: false,
			problem: `it is not valid JSON (${ ( error as Error ).message })`,
		};
	}
	const result = answer.schema.safeParse(
		restoreOmitted( parsed, formatsOf( answer ).prompt )
	);
	if ( result.success ) {
		return { ok: true, value: result.data };
	}
	return {
		ok: false,
		problem: result.error.issues
			.slice( 0, 5 )
			.map(
				( issue ) =>
					`${ issue.path.length ? issue.path.join( '.' ) : '(root)' }: ${ issue.message }`
			)
			.join( '; ' ),
	};
}
