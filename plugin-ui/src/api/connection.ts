/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';

/** The cloud's health, as the plugin relays it. */
export interface CloudHealth {
	status: string;
	version: string;
	db_mode: string | null;
	queue_driver: string | null;
}

/** `GET igny8/v1/connection` (see ConnectionController::get_item_schema()). */
export interface Connection {
	configured: boolean;
	cloud_url: string | null;
	api_key_set: boolean;
	reachable: boolean | null;
	cloud: CloudHealth | null;
	error: string | null;
}

export function connectionPath(): string {
	return `/${ getBootData().restNamespace }/connection`;
}

/**
 * Asks the plugin how the site's connection to the cloud stands. The REST
 * nonce is added by api-fetch's own middleware, set up by WordPress.
 */
export function fetchConnection(): Promise< Connection > {
	return apiFetch< Connection >( { path: connectionPath() } );
}

/**
 * A readable message from whatever api-fetch rejected with.
 * @param error
 * @param fallback
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
