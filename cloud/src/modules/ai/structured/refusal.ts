import { APIError } from 'openai';

/**
 * Whether the provider refused a request because it does not take a
 * json_schema response format (for this model, API version or schema) —
 * the one refusal JSON mode can answer instead. What OpenAI-compatible
 * servers answer then:
 *
 * - OpenAI: 400 `Invalid parameter: 'response_format' of type 'json_schema'
 *   is not supported with this model.` (param `response_format`); a schema
 *   it cannot take: 400 `Invalid schema for response_format '…': …`.
 * - Azure OpenAI: 400 `response_format value as json_schema is enabled only
 *   for api versions 2024-08-01-preview and later`.
 * - DeepSeek: 400 `This response_format type is unavailable now`, or 422
 *   `Failed to deserialize the JSON body into the target type:
 *   response_format.type \`json_schema\` is unavailable now`.
 * - Groq: 400 `'response_format.type' : value is not one of the allowed
 *   values ['text','json_object']`; 400 `invalid schema for response
 *   format: …: minItems is not supported`.
 * - vLLM and other pydantic/serde servers: 400/422 validation errors naming
 *   `response_format` (`Input should be 'text' or 'json_object'`,
 *   `unknown variant \`json_schema\``).
 *
 * So: a 400 or 422 that names the response format (or json_schema /
 * structured output) and says it is unsupported, unavailable, not allowed
 * or invalid. LM Studio is the other way round (it refuses `json_object`,
 * "must be 'json_schema' or 'text'"), which is why this is only asked of a
 * json_schema request. Anything else — a bad key, a wrong model, an
 * oversized prompt — stays the error it is.
 */

const SUBJECT = /response[_ .]?format|json[_ ]?schema|structured[_ ]outputs?/i;
const REFUSAL =
	/not (?:supported|permitted|allowed|available|enabled|one of)|unsupported|unavailable|enabled only|only (?:for|with|supported)|does(?: not|n't) support|invalid (?:schema|parameter|value|type)|unknown variant|allowed values|must be one of|input should be/i;

/** The provider's message when `error` is such a refusal; null otherwise. */
export function jsonSchemaRefusal( error: unknown ): string | null {
	if ( ! ( error instanceof APIError ) ) {
		return null;
	}
	if ( error.status !== 400 && error.status !== 422 ) {
		return null;
	}
	const param = typeof error.param === 'string' ? error.param : '';
	const body =
		typeof error.error === 'string'
			? error.error
			: JSON.stringify( error.error ?? '' );
	const text = `${ error.message } ${ body }`;
	if (
		param.startsWith( 'response_format' ) ||
		( SUBJECT.test( text ) && REFUSAL.test( text ) )
	) {
		return error.message.replace( /^\d{3}\s+/, '' ).slice( 0, 1000 );
	}
	return null;
}
