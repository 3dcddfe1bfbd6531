/**
 * External dependencies
 */
import type { InvitePreview, Role, User } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

export type Query = Record< string, string | number | undefined | null >;

export interface Page< T > {
	count: number;
	results: T[];
}

/** A refused or failed call, with the cloud's own words (and per-field reasons). */
export class ApiError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly fieldErrors: Record< string, string[] > = {}
	) {
		super( message );
		this.name = 'ApiError';
	}
}

/**
 * The sentence a person reads for a failure: the cloud's message and its reasons.
 * @param error What was thrown.
 */
export function errorText( error: unknown ): string {
	if ( error instanceof ApiError ) {
		const reasons = Object.entries( error.fieldErrors ).map(
			( [ field, messages ] ) => `${ field }: ${ messages.join( ', ' ) }`
		);
		return reasons.length
			? `${ error.message } (${ reasons.join( '; ' ) })`
			: error.message;
	}
	return __( 'Something went wrong. Reload the page and try again.' );
}

export function queryString( query: Query = {} ): string {
	const params = new URLSearchParams();
	for ( const [ key, value ] of Object.entries( query ) ) {
		if ( value !== undefined && value !== null && value !== '' ) {
			params.append( key, String( value ) );
		}
	}
	const text = params.toString();
	return text ? `?${ text }` : '';
}

interface TokenPair {
	access: string;
	refresh: string;
	user: User;
}

const REFRESH_KEY = 'igny8-console-refresh';
const API = '/api/v1';

function messageOf( status: number, body: unknown ): ApiError {
	const json = ( body ?? {} ) as {
		error?: unknown;
		errors?: unknown;
	};
	const fieldErrors =
		json.errors && typeof json.errors === 'object'
			? ( json.errors as Record< string, string[] > )
			: {};
	if ( typeof json.error === 'string' && json.error ) {
		return new ApiError( json.error, status, fieldErrors );
	}
	if ( status === 403 ) {
		return new ApiError(
			__( 'Your role does not allow this action.' ),
			status
		);
	}
	if ( status === 404 ) {
		return new ApiError( __( 'Not found.' ), status );
	}
	return new ApiError(
		__( 'The cloud could not answer this request. Try again shortly.' ),
		status
	);
}

/**
 * The console's one client for the cloud API, on the page's own origin.
 * The access token lives only in memory; the refresh token (single use,
 * rotated on every refresh) is kept in this tab's sessionStorage so a reload
 * keeps you signed in. A 401 renews the pair once and retries; when that
 * fails too, the person is signed out.
 */
export class ConsoleClient {
	private access: string | null = null;
	private renewing: Promise< boolean > | null = null;

	constructor(
		private readonly onSignedOut: () => void,
		private readonly storage: Pick<
			Storage,
			'getItem' | 'setItem' | 'removeItem'
		> = window.sessionStorage
	) {}

	async login( email: string, password: string ): Promise< User > {
		const pair = ( await this.send( 'POST', '/auth/login/', {
			body: { email, password },
			anonymous: true,
		} ) ) as { data: TokenPair };
		this.keep( pair.data );
		return pair.data.user;
	}

	/**
	 * Accepts an invite (the link's token is the credential) and signs in as the new person.
	 * @param invite          What the accept page collected.
	 * @param invite.token    The link's token.
	 * @param invite.username The username they chose.
	 * @param invite.password The password they chose.
	 */
	async acceptInvite( invite: {
		token: string;
		username: string;
		password: string;
	} ): Promise< User > {
		const pair = ( await this.send( 'POST', '/auth/invites/accept/', {
			body: invite,
			anonymous: true,
		} ) ) as { data: TokenPair };
		this.keep( pair.data );
		return pair.data.user;
	}

	/**
	 * Who an invite link is for, asked without signing in.
	 * @param token The link's token.
	 */
	async lookupInvite( token: string ): Promise< InvitePreview > {
		const json = ( await this.send( 'POST', '/auth/invites/lookup/', {
			body: { token },
			anonymous: true,
		} ) ) as { data: InvitePreview };
		return json.data;
	}

	/** Renews the session from this tab's refresh token, if there is one. */
	async resume(): Promise< boolean > {
		return this.storage.getItem( REFRESH_KEY ) ? this.renew() : false;
	}

	async logout(): Promise< void > {
		const refresh = this.storage.getItem( REFRESH_KEY );
		this.forget();
		if ( refresh ) {
			// The session ends here either way; the cloud revokes the refresh token.
			await this.send( 'POST', '/auth/logout/', {
				body: { refresh },
				anonymous: true,
			} ).catch( () => undefined );
		}
	}

	async get< T >( path: string, query?: Query ): Promise< T > {
		const json = ( await this.send( 'GET', path, { query } ) ) as {
			data: T;
		};
		return json.data;
	}

	async list< T >( path: string, query?: Query ): Promise< Page< T > > {
		const json = ( await this.send( 'GET', path, { query } ) ) as Page< T >;
		return { count: json.count, results: json.results };
	}

	/**
	 * Every row of a list, 100 at a time, up to `limit`.
	 * @param path  The list endpoint.
	 * @param query Its filters.
	 * @param limit The most rows fetched.
	 */
	async all< T >(
		path: string,
		query: Query = {},
		limit = 5000
	): Promise< T[] > {
		const rows: T[] = [];
		for ( let page = 1; rows.length < limit; page++ ) {
			const result = await this.list< T >( path, {
				...query,
				page,
				page_size: 100,
			} );
			rows.push( ...result.results );
			if ( rows.length >= result.count || ! result.results.length ) {
				break;
			}
		}
		return rows.slice( 0, limit );
	}

	async post< T >( path: string, body: unknown ): Promise< T > {
		const json = ( await this.send( 'POST', path, { body } ) ) as {
			data: T;
		};
		return json.data;
	}

	async put< T >( path: string, body: unknown ): Promise< T > {
		const json = ( await this.send( 'PUT', path, { body } ) ) as {
			data: T;
		};
		return json.data;
	}

	async patch< T >( path: string, body: unknown ): Promise< T > {
		const json = ( await this.send( 'PATCH', path, { body } ) ) as {
			data: T;
		};
		return json.data;
	}

	async delete( path: string ): Promise< void > {
		await this.send( 'DELETE', path, {} );
	}

	private keep( pair: { access: string; refresh: string } ): void {
		this.access = pair.access;
		this.storage.setItem( REFRESH_KEY, pair.refresh );
	}

	private forget(): void {
		this.access = null;
		this.storage.removeItem( REFRESH_KEY );
	}

	/** One renewal at a time: parallel 401s share it (a refresh token works once). */
	private renew(): Promise< boolean > {
		this.renewing ??= ( async () => {
			const refresh = this.storage.getItem( REFRESH_KEY );
			if ( ! refresh ) {
				return false;
			}
			try {
				const pair = ( await this.send( 'POST', '/auth/refresh/', {
					body: { refresh },
					anonymous: true,
				} ) ) as { data: TokenPair };
				this.keep( pair.data );
				return true;
			} catch ( error ) {
				if ( error instanceof ApiError && error.status > 0 ) {
					this.forget();
				}
				return false;
			}
		} )().finally( () => {
			this.renewing = null;
		} );
		return this.renewing;
	}

	private async send(
		method: string,
		path: string,
		options: { query?: Query; body?: unknown; anonymous?: boolean }
	): Promise< unknown > {
		let response = await this.fetchOnce( method, path, options );
		if ( response.status === 401 && ! options.anonymous ) {
			if ( await this.renew() ) {
				response = await this.fetchOnce( method, path, options );
			}
			if ( response.status === 401 ) {
				this.forget();
				this.onSignedOut();
			}
		}
		if ( response.status === 204 ) {
			return undefined;
		}
		const json: unknown = await response.json().catch( () => null );
		if ( ! response.ok ) {
			throw messageOf( response.status, json );
		}
		return json;
	}

	private async fetchOnce(
		method: string,
		path: string,
		options: { query?: Query; body?: unknown; anonymous?: boolean }
	): Promise< Response > {
		const headers: Record< string, string > = {
			Accept: 'application/json',
		};
		if ( this.access && ! options.anonymous ) {
			headers.Authorization = `Bearer ${ this.access }`;
		}
		if ( options.body !== undefined ) {
			headers[ 'Content-Type' ] = 'application/json';
		}
		try {
			return await window.fetch(
				API + path + queryString( options.query ),
				{
					method,
					headers,
					body:
						options.body === undefined
							? undefined
							: JSON.stringify( options.body ),
					credentials: 'omit',
				}
			);
		} catch {
			throw new ApiError(
				__(
					'The cloud did not answer. Check your connection and try again.'
				),
				0
			);
		}
	}
}

export type { Role };
