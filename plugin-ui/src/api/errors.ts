/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * What went wrong, in the terms the screens act on:
 * - `unreachable`: the cloud (or WordPress) did not answer;
 * - `not_connected`: the site has no cloud URL / key yet;
 * - `unauthorized`: the session was refused even after a refresh;
 * - `forbidden`: the cloud role may not do this;
 * - `credits`: 402, not enough credits;
 * - `site_cap`: 402, the site's monthly credit cap (set in the cloud console) is reached;
 * - `ai_not_configured`: the account has no AI provider key;
 * - `validation`, `not_found`, `conflict`, `server`: as their HTTP status says.
 */
export type ApiErrorKind =
	| 'unreachable'
	| 'not_connected'
	| 'unauthorized'
	| 'forbidden'
	| 'credits'
	| 'site_cap'
	| 'ai_not_configured'
	| 'validation'
	| 'not_found'
	| 'conflict'
	| 'server';

export class ApiError extends Error {
	readonly kind: ApiErrorKind;
	readonly status: number;
	readonly fieldErrors: Record< string, string[] >;
	readonly requestId: string | null;

	constructor(
		kind: ApiErrorKind,
		message: string,
		options: {
			status?: number;
			fieldErrors?: Record< string, string[] >;
			requestId?: string | null;
		} = {}
	) {
		super( message );
		this.name = 'ApiError';
		this.kind = kind;
		this.status = options.status ?? 0;
		this.fieldErrors = options.fieldErrors ?? {};
		this.requestId = options.requestId ?? null;
	}
}

export function isApiError( error: unknown ): error is ApiError {
	return error instanceof ApiError;
}

interface ErrorBody {
	error?: unknown;
	errors?: unknown;
	request_id?: unknown;
	code?: unknown;
}

/**
 * Maps a cloud error response (status + `{success:false, error, errors}`) to an ApiError.
 * @param status HTTP status.
 * @param body   The parsed body, if it was JSON.
 */
export function errorFromResponse( status: number, body: unknown ): ApiError {
	const envelope: ErrorBody =
		body && typeof body === 'object' ? ( body as ErrorBody ) : {};
	const message =
		typeof envelope.error === 'string' && envelope.error !== ''
			? envelope.error
			: null;
	const fieldErrors =
		envelope.errors && typeof envelope.errors === 'object'
			? ( envelope.errors as Record< string, string[] > )
			: {};
	const options = {
		status,
		fieldErrors,
		requestId:
			typeof envelope.request_id === 'string'
				? envelope.request_id
				: null,
	};
	if ( status === 402 && envelope.code === 'site_credit_cap_reached' ) {
		// The cloud's words say the cap, what the site used and what to do.
		return new ApiError(
			'site_cap',
			message ??
				__(
					'This site has reached its monthly credit cap. An owner or admin can raise it in the IGNY8 console, or wait until the 1st.',
					'igny8-bridge'
				),
			options
		);
	}
	if ( status === 402 ) {
		return new ApiError(
			'credits',
			message ??
				__(
					'Not enough credits for this. Add credits to your IGNY8 account, or pick fewer items.',
					'igny8-bridge'
				),
			options
		);
	}
	if ( status === 401 ) {
		return new ApiError(
			'unauthorized',
			__(
				'Your IGNY8 session expired and could not be renewed. Reload the page.',
				'igny8-bridge'
			),
			options
		);
	}
	if ( status === 403 ) {
		return new ApiError(
			'forbidden',
			message ??
				__(
					'Your role does not allow this. Ask an administrator.',
					'igny8-bridge'
				),
			options
		);
	}
	if ( status === 404 ) {
		return new ApiError(
			'not_found',
			message ?? __( 'Not found.', 'igny8-bridge' ),
			options
		);
	}
	if ( status === 409 ) {
		return new ApiError(
			'conflict',
			message ?? __( 'Conflict.', 'igny8-bridge' ),
			options
		);
	}
	if ( status === 400 || status === 422 ) {
		return new ApiError(
			'validation',
			message ?? __( 'Check the highlighted fields.', 'igny8-bridge' ),
			options
		);
	}
	if ( envelope.code === 'ai_not_configured' ) {
		return new ApiError(
			'ai_not_configured',
			message ?? __( 'AI is not configured.', 'igny8-bridge' ),
			options
		);
	}
	return new ApiError(
		'server',
		message ??
			__( 'The IGNY8 cloud had a problem. Try again.', 'igny8-bridge' ),
		options
	);
}

export function unreachableError( detail?: string ): ApiError {
	return new ApiError(
		'unreachable',
		__(
			'The IGNY8 cloud cannot be reached. Check your connection, or ask your administrator whether the cloud is up.',
			'igny8-bridge'
		) + ( detail ? ` (${ detail })` : '' )
	);
}

/**
 * A readable message from anything a request rejected with.
 * @param error    What was thrown.
 * @param fallback Said when nothing better is known.
 */
export function errorMessage( error: unknown, fallback: string ): string {
	if ( error && typeof error === 'object' && 'message' in error ) {
		const message = ( error as { message: unknown } ).message;
		if ( typeof message === 'string' && message !== '' ) {
			return message;
		}
	}
	return fallback;
}
