/**
 * Internal dependencies
 */
import { getBootData } from '../boot';
import { CloudClient } from './client';
import {
	SessionManager,
	fetchSessionFromWordPress,
	tabSessionStore,
} from './session';

let sessionManager: SessionManager | null = null;
let client: CloudClient | null = null;

/** The page's one session manager (created on first use). */
export function getSession(): SessionManager {
	if ( ! sessionManager ) {
		sessionManager = new SessionManager(
			fetchSessionFromWordPress,
			undefined,
			tabSessionStore( getBootData().sessionScope ?? '' )
		);
	}
	return sessionManager;
}

/** The page's one cloud client (created on first use). */
export function getClient(): CloudClient {
	if ( ! client ) {
		client = new CloudClient(
			getSession(),
			undefined,
			getBootData().sessionScope ?? ''
		);
	}
	return client;
}

/**
 * Replaces the session manager (tests).
 * @param next The session manager the stores should use.
 */
export function setSessionManager( next: SessionManager | null ): void {
	sessionManager = next;
}

/**
 * Replaces the client (tests).
 * @param next The client the stores should use.
 */
export function setClient( next: CloudClient | null ): void {
	client = next;
}

export * from './errors';
export type { Page, Query } from './client';
export type { CloudSession, CloudRole } from './session';
