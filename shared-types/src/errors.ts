import { z } from 'zod';

/**
 * Machine-readable error codes carried in the error envelope's `code`, with the
 * HTTP status each one is always rendered with.
 */
export const ERROR_STATUS = {
	validation_error: 400,
	bad_request: 400,
	not_authenticated: 401,
	authentication_failed: 401,
	/**
	 * A signed site call (`X-IGNY8-Key-Id` + `X-IGNY8-Signature`) was refused:
	 * unknown or retired key id, wrong signature, stale timestamp, or a
	 * request id already seen.
	 */
	invalid_signature: 401,
	/**
	 * A site key was sent in plain (`X-IGNY8-API-Key`) after its site paired
	 * with signing: only pairing a new key sends a key, once.
	 */
	site_key_paired: 401,
	permission_denied: 403,
	plan_limit_reached: 403,
	not_found: 404,
	method_not_allowed: 405,
	conflict: 409,
	/**
	 * The account's WordPress site did not answer, or refused, a call the
	 * request needed: the state of the tenant's site, not a cloud failure.
	 */
	site_unavailable: 409,
	payload_too_large: 413,
	unsupported_media_type: 415,
	insufficient_credits: 402,
	/**
	 * The site's monthly credit cap (UTC calendar month) cannot cover the
	 * work: the account may have credits, this site may not spend them.
	 */
	site_credit_cap_reached: 402,
	throttled: 429,
	internal_error: 500,
	service_unavailable: 503,
	/** Neither the server nor the account has an AI provider key. */
	ai_not_configured: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const errorCodeSchema = z.enum(
	Object.keys( ERROR_STATUS ) as [ ErrorCode, ...ErrorCode[] ]
);
