/**
 * External dependencies
 */
import type { Balance, Sector } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import type { SiteSettings } from './site';
import type { SessionError, SessionInfo, SettingsState } from './types';

export const initialState: SettingsState = {
	session: null,
	sessionError: null,
	sectors: null,
	selectedSectorId: null,
	balance: null,
	resources: {},
	resourceErrors: {},
	site: null,
	siteError: null,
};

type Action = { type: string } & Partial< {
	session: SessionInfo;
	error: SessionError | string;
	sectors: Sector[];
	sectorId: number | null;
	balance: Balance;
	path: string;
	data: unknown;
	site: SiteSettings;
} >;

export default function reducer(
	state: SettingsState = initialState,
	action: Action
): SettingsState {
	switch ( action.type ) {
		case 'RECEIVE_SESSION':
			return {
				...state,
				session: action.session ?? null,
				sessionError: null,
			};
		case 'RECEIVE_SESSION_ERROR':
			return {
				...state,
				sessionError: action.error as SessionError,
			};
		case 'RECEIVE_SECTORS': {
			const sectors = action.sectors ?? [];
			const exists = ( id: number | null | undefined ) =>
				sectors.some( ( sector ) => sector.id === id );
			let selectedSectorId = sectors[ 0 ]?.id ?? null;
			if ( exists( action.sectorId ) ) {
				selectedSectorId = action.sectorId!;
			} else if ( exists( state.selectedSectorId ) ) {
				selectedSectorId = state.selectedSectorId;
			}
			return { ...state, sectors, selectedSectorId };
		}
		case 'SELECT_SECTOR':
			return { ...state, selectedSectorId: action.sectorId ?? null };
		case 'RECEIVE_BALANCE':
			return { ...state, balance: action.balance ?? null };
		case 'RECEIVE_RESOURCE': {
			const path = action.path as string;
			const resourceErrors = { ...state.resourceErrors };
			delete resourceErrors[ path ];
			return {
				...state,
				resources: { ...state.resources, [ path ]: action.data },
				resourceErrors,
			};
		}
		case 'RECEIVE_SITE_SETTINGS':
			return { ...state, site: action.site ?? null, siteError: null };
		case 'RECEIVE_SITE_SETTINGS_ERROR':
			return { ...state, siteError: action.error as string };
		case 'RECEIVE_RESOURCE_ERROR':
			return {
				...state,
				resourceErrors: {
					...state.resourceErrors,
					[ action.path as string ]: action.error as string,
				},
			};
	}
	return state;
}
