/**
 * External dependencies
 */
import type { Balance, Sector } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import type { ApiErrorKind } from '../../api/errors';
import type { CloudRole } from '../../api/session';
import type { SiteSettings } from './site';

export interface SessionInfo {
	siteId: number | null;
	role: CloudRole;
	cloudUrl: string;
}

export interface SessionError {
	kind: ApiErrorKind;
	message: string;
}

export interface SettingsState {
	session: SessionInfo | null;
	sessionError: SessionError | null;
	sectors: Sector[] | null;
	selectedSectorId: number | null;
	balance: Balance | null;
	/** Other cloud documents read as-is (AI settings, usage…), by path. */
	resources: Record< string, unknown >;
	resourceErrors: Record< string, string >;
	/** The WordPress-side settings (igny8/v1/settings). */
	site: SiteSettings | null;
	siteError: string | null;
}

export const SECTOR_STORAGE_KEY = 'igny8.sector';

/** The sector this browser chose last (SECTOR_STORAGE_KEY), if any. */
export function rememberedSectorId(): number | null {
	try {
		const id = Number( window.localStorage.getItem( SECTOR_STORAGE_KEY ) );
		return Number.isInteger( id ) && id > 0 ? id : null;
	} catch {
		// Storage blocked: nothing remembered.
		return null;
	}
}
