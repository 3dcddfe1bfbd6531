import {
	ERROR_STATUS,
	type ErrorCode,
	type FieldErrors,
} from '@igny8/shared-types';

/**
 * Typed errors that code throws and one middleware renders. Each carries the
 * status it is rendered with, so handlers never build error responses by hand.
 */
export class ApiError extends Error {
	readonly status: number;

	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly errors?: FieldErrors,
		readonly headers?: Record< string, string >
	) {
		super( message );
		this.status = ERROR_STATUS[ code ];
	}
}

export class ValidationError extends ApiError {
	constructor( message: string, errors?: FieldErrors ) {
		super( 'validation_error', message, errors );
	}
}

export class NotFoundError extends ApiError {
	constructor( message = 'Not found.' ) {
		super( 'not_found', message );
	}
}

export class NotAuthenticatedError extends ApiError {
	constructor(
		message = 'Authentication credentials were not provided or are invalid.'
	) {
		super( 'not_authenticated', message );
	}
}

export class PermissionDeniedError extends ApiError {
	constructor(
		message = 'You do not have permission to perform this action.'
	) {
		super( 'permission_denied', message );
	}
}
