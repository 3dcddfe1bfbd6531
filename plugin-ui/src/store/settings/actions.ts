/**
 * External dependencies
 */
import type { Balance, Sector } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import type { ThunkArgs } from '../thunk';
import {
	postSiteAction,
	postSiteSettings,
	type SiteAction,
	type SiteActionResult,
	type SiteSettings,
	type SiteSettingsChanges,
} from './site';
import {
	SECTOR_STORAGE_KEY,
	type SessionError,
	type SessionInfo,
} from './types';

export function receiveSession( session: SessionInfo ) {
	return { type: 'RECEIVE_SESSION' as const, session };
}

export function receiveSessionError( error: SessionError ) {
	return { type: 'RECEIVE_SESSION_ERROR' as const, error };
}

/**
 * The site's sectors, and the one to select if it is among them (else the
 * current one stays if it still exists, else the first).
 * @param sectors   The sectors.
 * @param preferred The sector to select, e.g. the one remembered.
 */
export function receiveSectors(
	sectors: Sector[],
	preferred: number | null = null
) {
	return { type: 'RECEIVE_SECTORS' as const, sectors, sectorId: preferred };
}

export function receiveBalance( balance: Balance ) {
	return { type: 'RECEIVE_BALANCE' as const, balance };
}

export function receiveResource( path: string, data: unknown ) {
	return { type: 'RECEIVE_RESOURCE' as const, path, data };
}

export function receiveResourceError( path: string, error: string ) {
	return { type: 'RECEIVE_RESOURCE_ERROR' as const, path, error };
}

/**
 * Picks the sector every screen works in, remembered for the next visit.
 * @param sectorId The sector.
 */
export const selectSector =
	( sectorId: number ) =>
	( { dispatch }: ThunkArgs ) => {
		try {
			window.localStorage.setItem(
				SECTOR_STORAGE_KEY,
				String( sectorId )
			);
		} catch {
			// Private mode: the choice lasts for this page only.
		}
		dispatch( { type: 'SELECT_SECTOR', sectorId } );
	};

/** Reloads the credits balance (after an AI run charged it). */
export const refreshBalance =
	() =>
	( { dispatch }: ThunkArgs ) => {
		dispatch.invalidateResolutionForStoreSelector( 'getBalance' );
	};

export const invalidateResource =
	( path: string ) =>
	( { dispatch }: ThunkArgs ) => {
		dispatch.invalidateResolution( 'getResource', [ path ] );
	};

export function receiveSiteSettings( site: SiteSettings ) {
	return { type: 'RECEIVE_SITE_SETTINGS' as const, site };
}

export function receiveSiteSettingsError( error: string ) {
	return { type: 'RECEIVE_SITE_SETTINGS_ERROR' as const, error };
}

/**
 * Saves WordPress-side settings; rejects with the route's error (nothing is
 * saved when one field is refused).
 * @param changes The fields to change.
 */
export const saveSiteSettings =
	( changes: SiteSettingsChanges ) =>
	async ( { dispatch }: ThunkArgs ): Promise< SiteSettings > => {
		const site = await postSiteSettings( changes );
		dispatch( receiveSiteSettings( site ) );
		return site;
	};

/**
 * Runs a connection or outbox action and keeps the settings it answers with.
 * @param action The route under igny8/v1.
 * @param data   Its body.
 */
export const runSiteAction =
	( action: SiteAction, data: Record< string, string > = {} ) =>
	async ( { dispatch }: ThunkArgs ): Promise< SiteActionResult > => {
		const result = await postSiteAction( action, data );
		dispatch( receiveSiteSettings( result ) );
		return result;
	};
