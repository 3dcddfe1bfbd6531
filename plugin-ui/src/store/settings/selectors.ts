/**
 * External dependencies
 */
import type { Balance, Sector } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import type { SiteSettings } from './site';
import type { SessionError, SessionInfo, SettingsState } from './types';

export function getSession( state: SettingsState ): SessionInfo | null {
	return state.session;
}

export function getSessionError( state: SettingsState ): SessionError | null {
	return state.sessionError;
}

/**
 * Whether the cloud role may change things (viewers only read).
 * @param state The settings state.
 */
export function canEdit( state: SettingsState ): boolean {
	return state.session !== null && state.session.role !== 'viewer';
}

export function getSectors( state: SettingsState ): Sector[] | null {
	return state.sectors;
}

export function getSelectedSectorId( state: SettingsState ): number | null {
	return state.selectedSectorId;
}

export function getBalance( state: SettingsState ): Balance | null {
	return state.balance;
}

/**
 * A cloud document by path (e.g. `/system/settings/ai/`); undefined until loaded.
 * @param state Store state.
 * @param path  API path under /api/v1.
 */
export function getResource< T = unknown >(
	state: SettingsState,
	path: string
): T | undefined {
	return state.resources[ path ] as T | undefined;
}

export function getResourceError(
	state: SettingsState,
	path: string
): string | null {
	return state.resourceErrors[ path ] ?? null;
}

/**
 * The WordPress-side settings; null until loaded.
 * @param state Store state.
 */
export function getSiteSettings( state: SettingsState ): SiteSettings | null {
	return state.site;
}

export function getSiteSettingsError( state: SettingsState ): string | null {
	return state.siteError;
}
