/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';
import { ApiError } from './errors';
import type { SessionStore } from './session-store';

export type CloudRole = 'admin' | 'editor' | 'viewer';

/** `POST igny8/v1/session` (see SessionController). */
export interface CloudSession {
	token: string;
	expires_at: string;
	cloud_url: string;
	site_id: number | null;
	role: CloudRole;
}

/** Renew once this share of the token's life has passed. */
export const REFRESH_AT = 0.8;
/** Never schedule a renewal sooner than this (ms), so a clock skew cannot spin. */
export const MIN_REFRESH_DELAY = 5_000;

export type SessionFetcher = () => Promise< CloudSession >;

export {
	MIN_REUSE_LIFE,
	SESSION_STORAGE_KEY,
	tabSessionStore,
	type SessionStore,
} from './session-store';

interface WpRestError {
	code?: string;
	message?: string;
	data?: { status?: number };
}

/**
 * Asks the plugin for a session; the REST nonce comes from api-fetch's middleware.
 */
export const fetchSessionFromWordPress: SessionFetcher = async () => {
	try {
		return await apiFetch< CloudSession >( {
			path: `/${ getBootData().restNamespace }/session`,
			method: 'POST',
		} );
	} catch ( error ) {
		const wpError = ( error ?? {} ) as WpRestError;
		if ( wpError.code === 'igny8_not_configured' ) {
			throw new ApiError(
				'not_connected',
				wpError.message ??
					__(
						'This site is not connected to IGNY8 yet.',
						'igny8-bridge'
					),
				{ status: 409 }
			);
		}
		if (
			wpError.code === 'igny8_unreachable' ||
			wpError.code === 'fetch_error'
		) {
			throw new ApiError(
				'unreachable',
				wpError.message ??
					__( 'The IGNY8 cloud cannot be reached.', 'igny8-bridge' )
			);
		}
		throw new ApiError(
			wpError.data?.status === 403 ? 'forbidden' : 'server',
			wpError.message ??
				__( 'Could not open an IGNY8 session.', 'igny8-bridge' ),
			{ status: wpError.data?.status ?? 0 }
		);
	}
};

interface Clock {
	now: () => number;
	setTimeout: ( callback: () => void, ms: number ) => unknown;
	clearTimeout: ( handle: unknown ) => void;
}

const realClock: Clock = {
	now: () => Date.now(),
	setTimeout: ( callback, ms ) => setTimeout( callback, ms ),
	clearTimeout: ( handle ) =>
		clearTimeout( handle as ReturnType< typeof setTimeout > ),
};

/**
 * Holds the current cloud session and renews it before it expires (at
 * REFRESH_AT of its life) and on demand (after a 401). Concurrent callers
 * share one request.
 */
export class SessionManager {
	private session: CloudSession | null = null;
	private pending: Promise< CloudSession > | null = null;
	private timer: unknown = null;
	private listeners = new Set< ( session: CloudSession ) => void >();

	constructor(
		private readonly fetchSession: SessionFetcher = fetchSessionFromWordPress,
		private readonly clock: Clock = realClock,
		private readonly store: SessionStore | null = null
	) {
		const kept = store?.load( clock.now() ) ?? null;
		if ( kept ) {
			this.session = kept;
			this.schedule( kept );
		}
	}

	/** The current session, fetching one if there is none yet. */
	get(): Promise< CloudSession > {
		if ( this.session && ! this.isExpired( this.session ) ) {
			return Promise.resolve( this.session );
		}
		return this.refresh();
	}

	current(): CloudSession | null {
		return this.session;
	}

	/** Fetches a new session now (joining one already in flight). */
	refresh(): Promise< CloudSession > {
		if ( this.pending ) {
			return this.pending;
		}
		this.pending = this.fetchSession().then(
			( session ) => {
				this.pending = null;
				this.session = session;
				this.store?.save( session );
				this.schedule( session );
				this.listeners.forEach( ( listener ) => listener( session ) );
				return session;
			},
			( error: unknown ) => {
				this.pending = null;
				throw error;
			}
		);
		return this.pending;
	}

	onChange( listener: ( session: CloudSession ) => void ): () => void {
		this.listeners.add( listener );
		return () => this.listeners.delete( listener );
	}

	stop(): void {
		if ( this.timer !== null ) {
			this.clock.clearTimeout( this.timer );
			this.timer = null;
		}
	}

	private isExpired( session: CloudSession ): boolean {
		return Date.parse( session.expires_at ) <= this.clock.now();
	}

	private schedule( session: CloudSession ): void {
		this.stop();
		const now = this.clock.now();
		const life = Date.parse( session.expires_at ) - now;
		if ( ! Number.isFinite( life ) ) {
			return;
		}
		const delay = Math.max( MIN_REFRESH_DELAY, life * REFRESH_AT );
		this.timer = this.clock.setTimeout( () => {
			this.timer = null;
			// A failed background renewal is retried by the next request (get()).
			this.refresh().catch( () => undefined );
		}, delay );
	}
}
