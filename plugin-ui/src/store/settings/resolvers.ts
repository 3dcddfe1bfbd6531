/**
 * External dependencies
 */
import type { Balance, Sector } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient, getSession as getSessionManager } from '../../api';
import { getBootData } from '../../boot';
import { endFirstRequests } from '../../api/early';
import { isApiError, errorMessage } from '../../api/errors';
import type { ThunkArgs } from '../thunk';
import {
	receiveBalance,
	receiveResource,
	receiveResourceError,
	receiveSectors,
	receiveSession,
	receiveSessionError,
	receiveSiteSettings,
	receiveSiteSettingsError,
} from './actions';
import { fetchSiteSettings } from './site';
import { rememberedSectorId } from './types';

export const getSession =
	() =>
	async ( { dispatch }: ThunkArgs ): Promise< void > => {
		if ( ! getBootData().connected ) {
			dispatch(
				receiveSessionError( {
					kind: 'not_connected',
					message: __(
						'This site is not connected to IGNY8 yet.',
						'igny8-bridge'
					),
				} )
			);
			return;
		}
		try {
			const session = await getSessionManager().get();
			dispatch(
				receiveSession( {
					siteId: session.site_id,
					role: session.role,
					cloudUrl: session.cloud_url,
				} )
			);
		} catch ( error ) {
			dispatch(
				receiveSessionError( {
					kind: isApiError( error ) ? error.kind : 'server',
					message: errorMessage( error, 'Could not open a session.' ),
				} )
			);
		}
	};

export const getSectors =
	() =>
	async ( { dispatch }: ThunkArgs ): Promise< void > => {
		const session = await getSessionManager().get();
		const page = await getClient().list< Sector >( '/auth/sectors/', {
			site_id: session.site_id,
			page_size: 100,
		} );
		dispatch( receiveSectors( page.results, rememberedSectorId() ) );
		// The screen asked for its data alongside the sectors; the rest of
		// the page (credits, AI runs) starts now and is not started early.
		endFirstRequests();
	};

export const getBalance =
	() =>
	async ( { dispatch }: ThunkArgs ): Promise< void > => {
		dispatch(
			receiveBalance(
				await getClient().get< Balance >( '/billing/balance/' )
			)
		);
	};

export const getResource =
	( path: string ) =>
	async ( { dispatch }: ThunkArgs ): Promise< void > => {
		try {
			dispatch( receiveResource( path, await getClient().get( path ) ) );
		} catch ( error ) {
			dispatch(
				receiveResourceError(
					path,
					errorMessage( error, 'Could not load this.' )
				)
			);
		}
	};

export const getSiteSettings =
	() =>
	async ( { dispatch }: ThunkArgs ): Promise< void > => {
		try {
			dispatch( receiveSiteSettings( await fetchSiteSettings() ) );
		} catch ( error ) {
			dispatch(
				receiveSiteSettingsError(
					errorMessage(
						error,
						__(
							'Could not load the settings. Reload the page to try again.',
							'igny8-bridge'
						)
					)
				)
			);
		}
	};
