/**
 * External dependencies
 */
import { act } from 'react';

/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';

/**
 * Internal dependencies
 */
import { reactRoot } from '../../test-support/react-root';
import type { Connection } from '../../api/connection';
import { ConnectionStatus } from '../connection-card';

jest.mock( '@wordpress/api-fetch', () => ( {
	__esModule: true,
	default: jest.fn(),
} ) );

const mockedApiFetch = apiFetch as unknown as jest.Mock;

const NOT_CONFIGURED: Connection = {
	configured: false,
	cloud_url: null,
	api_key_set: false,
	reachable: null,
	cloud: null,
	error: null,
};

const REACHABLE: Connection = {
	configured: true,
	cloud_url: 'http://127.0.0.1:8000',
	api_key_set: true,
	reachable: true,
	cloud: {
		status: 'ok',
		version: '0.1.0',
		db_mode: 'embedded',
		queue_driver: 'inline',
	},
	error: null,
};

const UNREACHABLE: Connection = {
	configured: true,
	cloud_url: 'http://127.0.0.1:8000',
	api_key_set: true,
	reachable: false,
	cloud: null,
	error: 'Could not reach the IGNY8 cloud: cURL error 7: Failed to connect',
};

const dom = reactRoot();

async function renderStatus(): Promise< void > {
	await act( async () => {
		dom.root.render( <ConnectionStatus /> );
	} );
}

function text(): string {
	return dom.container.textContent ?? '';
}

function checkAgainButton(): HTMLButtonElement {
	const button = Array.from(
		dom.container.querySelectorAll( 'button' )
	).find( ( candidate ) => candidate.textContent === 'Check again' );
	if ( ! button ) {
		throw new Error( 'No "Check again" button' );
	}
	return button;
}

beforeEach( () => {
	mockedApiFetch.mockReset();
} );

describe( 'Cloud connection status', () => {
	it( 'asks the plugin REST route for the connection', async () => {
		mockedApiFetch.mockResolvedValue( NOT_CONFIGURED );
		await renderStatus();
		expect( mockedApiFetch ).toHaveBeenCalledTimes( 1 );
		expect( mockedApiFetch ).toHaveBeenCalledWith( {
			path: '/igny8/v1/connection',
		} );
	} );

	it( 'shows a spinner while the check runs', async () => {
		mockedApiFetch.mockReturnValue( new Promise( () => undefined ) );
		await renderStatus();
		expect( text() ).toContain( 'Checking the connection' );
		expect( checkAgainButton().getAttribute( 'aria-disabled' ) ).toBe(
			'true'
		);
	} );

	it( 'explains what to do when the site is not configured', async () => {
		mockedApiFetch.mockResolvedValue( NOT_CONFIGURED );
		await renderStatus();
		expect( text() ).toContain( 'Cloud connection' );
		expect( text() ).toContain( 'IGNY8 is not configured yet.' );
		expect( text() ).toContain( 'the IGNY8 cloud URL' );
		expect( text() ).toContain( "this site's API key" );
		expect( text() ).not.toContain( 'Checking the connection' );
	} );

	it( 'lists only what is missing', async () => {
		mockedApiFetch.mockResolvedValue( {
			...NOT_CONFIGURED,
			cloud_url: 'http://127.0.0.1:8000',
		} );
		await renderStatus();
		expect( text() ).not.toContain( 'the IGNY8 cloud URL' );
		expect( text() ).toContain( "this site's API key" );
	} );

	it( 'shows the cloud version, database mode and queue driver when reachable', async () => {
		mockedApiFetch.mockResolvedValue( REACHABLE );
		await renderStatus();
		expect( text() ).toContain(
			'Connected: the IGNY8 cloud is reachable.'
		);
		const details = Array.from(
			dom.container.querySelectorAll( 'dt' )
		).map( ( term ) => [
			term.textContent,
			term.nextElementSibling?.textContent,
		] );
		expect( details ).toEqual( [
			[ 'Cloud URL', 'http://127.0.0.1:8000' ],
			[ 'Cloud version', '0.1.0' ],
			[ 'Status', 'ok' ],
			[ 'Database mode', 'embedded' ],
			[ 'Queue driver', 'inline' ],
		] );
	} );

	it( 'shows the error when the cloud is configured but unreachable', async () => {
		mockedApiFetch.mockResolvedValue( UNREACHABLE );
		await renderStatus();
		expect( text() ).toContain( 'The IGNY8 cloud could not be reached.' );
		expect( text() ).toContain( 'cURL error 7: Failed to connect' );
		expect( text() ).not.toContain( 'Connected' );
	} );

	it( 'shows why the status could not be loaded', async () => {
		mockedApiFetch.mockRejectedValue( {
			code: 'rest_forbidden',
			message: 'Sorry, you are not allowed to view the IGNY8 connection.',
		} );
		await renderStatus();
		expect( text() ).toContain(
			'Sorry, you are not allowed to view the IGNY8 connection.'
		);
	} );

	it( 'checks again on request and shows the new answer', async () => {
		mockedApiFetch
			.mockResolvedValueOnce( UNREACHABLE )
			.mockResolvedValueOnce( REACHABLE );
		await renderStatus();
		expect( text() ).toContain( 'could not be reached' );

		await act( async () => {
			checkAgainButton().click();
		} );

		expect( mockedApiFetch ).toHaveBeenCalledTimes( 2 );
		expect( text() ).toContain(
			'Connected: the IGNY8 cloud is reachable.'
		);
		expect( text() ).not.toContain( 'could not be reached' );
	} );
} );
