/**
 * Keeping a cloud session between IGNY8 pages. No WordPress imports: the
 * early script (../early.ts) runs it before WordPress's scripts load.
 */

/**
 * Internal dependencies
 */
import type { CloudSession } from './session';

/** Where a tab keeps its session between IGNY8 pages (sessionStorage). */
export const SESSION_STORAGE_KEY = 'igny8.session';
/** A kept session with less life than this left is not worth reusing (ms). */
export const MIN_REUSE_LIFE = 60_000;

/** Keeps the session across page loads; see tabSessionStore(). */
export interface SessionStore {
	load: ( now: number ) => CloudSession | null;
	save: ( session: CloudSession ) => void;
}

/**
 * Keeps the session in this tab's sessionStorage under the scope WordPress
 * printed for the page (SessionController::scope(): the user, their role,
 * their login session and the site's key), so moving between IGNY8 pages
 * does not ask WordPress, and WordPress the cloud, for a new token each
 * time. A session kept under another scope (signed out, another user, a
 * changed role or key) is never used. No scope, no keeping.
 * @param scope The page's session scope; empty turns keeping off.
 */
export function tabSessionStore( scope: string ): SessionStore | null {
	if ( ! scope ) {
		return null;
	}
	const storage = (): Storage | null => {
		try {
			return window.sessionStorage;
		} catch {
			// Storage blocked (privacy settings): every page asks afresh.
			return null;
		}
	};
	return {
		load( now ) {
			try {
				const kept = JSON.parse(
					storage()?.getItem( SESSION_STORAGE_KEY ) ?? 'null'
				) as { scope?: string; session?: CloudSession } | null;
				const session = kept?.scope === scope ? kept.session : null;
				if (
					! session ||
					typeof session.token !== 'string' ||
					! (
						Date.parse( session.expires_at ) - now >=
						MIN_REUSE_LIFE
					)
				) {
					return null;
				}
				return session;
			} catch {
				return null;
			}
		},
		save( session ) {
			try {
				storage()?.setItem(
					SESSION_STORAGE_KEY,
					JSON.stringify( { scope, session } )
				);
			} catch {
				// Full or blocked: the next page asks afresh.
			}
		},
	};
}
