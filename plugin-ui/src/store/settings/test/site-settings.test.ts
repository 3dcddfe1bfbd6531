/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';

/**
 * Internal dependencies
 */
import reducer, { initialState } from '../reducer';
import {
	receiveSiteSettings,
	runSiteAction,
	saveSiteSettings,
} from '../actions';
import { getSiteSettings as resolveSiteSettings } from '../resolvers';
import { getSiteSettings, getSiteSettingsError } from '../selectors';

jest.mock( '@wordpress/api-fetch', () => jest.fn() );

const fetchMock = apiFetch as unknown as jest.Mock;

const site = ( status: 'draft' | 'pending' | 'publish' ) =>
	( {
		can_manage: true,
		publishing: {
			default_status: status,
			default_author: 0,
			default_categories: [],
		},
	} ) as never;

describe( 'the WordPress-side settings', () => {
	beforeEach( () => fetchMock.mockReset() );

	it( 'saves only the fields given, through the plugin route, and keeps its answer', async () => {
		fetchMock.mockResolvedValue( site( 'pending' ) );
		const dispatch = jest.fn();
		await saveSiteSettings( { default_status: 'pending' } )( {
			dispatch,
		} as never );
		expect( fetchMock ).toHaveBeenCalledWith( {
			path: '/igny8/v1/settings',
			method: 'POST',
			data: { default_status: 'pending' },
		} );
		expect( dispatch ).toHaveBeenCalledWith(
			receiveSiteSettings( site( 'pending' ) )
		);
	} );

	it( 'keeps what was shown when a save is refused, and hands the refusal to the tab', async () => {
		const refusal = {
			code: 'igny8_invalid_settings',
			message: 'The cloud URL must start with http:// or https://.',
		};
		fetchMock.mockRejectedValue( refusal );
		const dispatch = jest.fn();
		await expect(
			saveSiteSettings( { cloud_url: 'ftp://x' } )( {
				dispatch,
			} as never )
		).rejects.toBe( refusal );
		expect( dispatch ).not.toHaveBeenCalled();
	} );

	it( 'runs a connection or outbox action on its own route', async () => {
		fetchMock.mockResolvedValue( {
			...( site( 'draft' ) as object ),
			result: 'busy',
		} );
		const dispatch = jest.fn();
		const answer = await runSiteAction( 'outbox/send' )( {
			dispatch,
		} as never );
		expect( fetchMock ).toHaveBeenCalledWith( {
			path: '/igny8/v1/outbox/send',
			method: 'POST',
			data: {},
		} );
		expect( answer.result ).toBe( 'busy' );
	} );

	it( 'says what to do when the settings cannot be loaded, and forgets it once they are', async () => {
		fetchMock.mockRejectedValue( new TypeError( '' ) );
		const actions: unknown[] = [];
		await resolveSiteSettings()( {
			dispatch: ( action: unknown ) => actions.push( action ),
		} as never );
		let state = actions.reduce(
			( s: typeof initialState, a ) => reducer( s, a as never ),
			initialState
		);
		expect( getSiteSettings( state ) ).toBeNull();
		expect( getSiteSettingsError( state ) ).toContain( 'Reload the page' );
		state = reducer( state, receiveSiteSettings( site( 'draft' ) ) );
		expect( getSiteSettingsError( state ) ).toBeNull();
		expect( getSiteSettings( state ) ).toEqual( site( 'draft' ) );
	} );
} );
