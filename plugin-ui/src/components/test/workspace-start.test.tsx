/**
 * External dependencies
 */
import { act } from 'react';

/**
 * WordPress dependencies
 */
import { createRegistry, RegistryProvider } from '@wordpress/data';
import { store as noticesStore } from '@wordpress/notices';

/**
 * Internal dependencies
 */
import { reactRoot } from '../../test-support/react-root';
import { setClient, setSessionManager } from '../../api';
import type { CloudClient } from '../../api/client';
import {
	SessionManager,
	tabSessionStore,
	type CloudSession,
} from '../../api/session';
import { store as jobsStore } from '../../store/jobs';
import {
	resumeKeptSession,
	store as settingsStore,
} from '../../store/settings';
import { SECTOR_STORAGE_KEY } from '../../store/settings/types';
import { Workspace } from '../workspace';

/** Every sector id the screen was rendered for, and how often it mounted. */
const seen: { sectorIds: Array< number | null >; mounts: number } = {
	sectorIds: [],
	mounts: 0,
};

jest.mock( '../../screens', () => {
	const { useEffect } = jest.requireActual( '@wordpress/element' );
	function FakeKeywords( { sectorId }: { sectorId: number | null } ) {
		seen.sectorIds.push( sectorId );
		useEffect( () => {
			seen.mounts++;
		}, [] );
		return <p className="fake-screen">{ `sector ${ sectorId }` }</p>;
	}
	return { SCREENS: { keywords: FakeKeywords } };
} );

const dom = reactRoot();

function session(): CloudSession {
	return {
		token: 'kept',
		expires_at: new Date( Date.now() + 10 * 60_000 ).toISOString(),
		cloud_url: 'http://cloud',
		site_id: 3,
		role: 'editor',
	};
}

/** The session an earlier IGNY8 page of this tab kept. */
function keepSession() {
	window.sessionStorage.setItem(
		'igny8.session',
		JSON.stringify( { scope: 'scope', session: session() } )
	);
}

/** A cloud whose sectors answer only when the test says so. */
function cloud() {
	let answerSectors: ( ids: number[] ) => void = () => undefined;
	const sectors = new Promise< number[] >( ( resolve ) => {
		answerSectors = resolve;
	} );
	const client = {
		list: jest.fn( async ( path: string ) => {
			if ( path === '/auth/sectors/' ) {
				const ids = await sectors;
				return {
					count: ids.length,
					results: ids.map( ( id ) => ( { id, name: `S${ id }` } ) ),
				};
			}
			return { count: 0, results: [] };
		} ),
		get: jest.fn( async () => ( { credits: 40 } ) ),
	};
	setClient( client as unknown as CloudClient );
	return { client, answerSectors };
}

/** Lets the stores' resolvers (started on timers) run. */
const settle = () =>
	act( async () => {
		for ( let i = 0; i < 5; i++ ) {
			await new Promise( ( resolve ) => setTimeout( resolve, 0 ) );
		}
	} );

const paths = ( mock: jest.Mock ) =>
	mock.mock.calls.map( ( [ path ] ) => path as string );

async function render( fetchSession: () => Promise< CloudSession > ) {
	const registry = createRegistry();
	registry.register( settingsStore );
	registry.register( jobsStore );
	registry.register( noticesStore );
	setSessionManager(
		new SessionManager(
			fetchSession,
			undefined,
			tabSessionStore( 'scope' )
		)
	);
	resumeKeptSession( registry.dispatch );
	await act( async () => {
		dom.root.render(
			<RegistryProvider value={ registry }>
				<Workspace />
			</RegistryProvider>
		);
	} );
}

beforeEach( () => {
	seen.sectorIds = [];
	seen.mounts = 0;
	window.igny8Bridge = {
		screen: 'keywords',
		connected: true,
		sessionScope: 'scope',
		pages: {},
	};
	window.localStorage.setItem( SECTOR_STORAGE_KEY, '5' );
	window.sessionStorage.clear();
} );

afterEach( () => {
	setSessionManager( null );
	setClient( null );
	window.localStorage.clear();
	window.sessionStorage.clear();
} );

describe( 'Workspace start', () => {
	it( 'loads the remembered sector’s screen out of sight while the sectors load, then shows it without rendering it anew', async () => {
		keepSession();
		const { client, answerSectors } = cloud();
		await render( async () => session() );

		// Still loading the sectors: the screen is there, hidden, for sector 5.
		expect( dom.container.textContent ).toContain(
			'Loading your sectors…'
		);
		const slot = dom.container.querySelector( '.igny8-app__screen' );
		expect( slot?.hasAttribute( 'hidden' ) ).toBe( true );
		expect( seen.sectorIds ).toContain( 5 );
		// The credits and the AI runs wait for the sectors.
		await settle();
		expect( client.get ).not.toHaveBeenCalled();
		expect( paths( client.list ) ).not.toContain( '/system/ai-runs/' );

		await act( async () => answerSectors( [ 4, 5 ] ) );

		expect( dom.container.textContent ).not.toContain(
			'Loading your sectors…'
		);
		expect(
			dom.container
				.querySelector( '.igny8-app__screen' )
				?.hasAttribute( 'hidden' )
		).toBe( false );
		expect( dom.container.textContent ).toContain( 'sector 5' );
		expect( seen.mounts ).toBe( 1 );
		await settle();
		expect( paths( client.get ) ).toContain( '/billing/balance/' );
		expect( paths( client.list ) ).toContain( '/system/ai-runs/' );
	} );

	it( 'moves to the first sector when the remembered one is gone', async () => {
		keepSession();
		const { answerSectors } = cloud();
		await render( async () => session() );
		await act( async () => answerSectors( [ 4 ] ) );
		expect( dom.container.textContent ).toContain( 'sector 4' );
		expect(
			dom.container
				.querySelector( '.igny8-app__screen' )
				?.hasAttribute( 'hidden' )
		).toBe( false );
	} );

	it( 'starts with the session the tab kept, asking WordPress for none', async () => {
		keepSession();
		const { client } = cloud();
		const fetchSession = jest.fn( async () => session() );
		await render( fetchSession );
		expect( fetchSession ).not.toHaveBeenCalled();
		expect( paths( client.list ) ).toContain( '/auth/sectors/' );
	} );

	it( 'asks WordPress for a session when the tab kept none', async () => {
		const { client } = cloud();
		const fetchSession = jest.fn( async () => session() );
		await render( fetchSession );
		expect( fetchSession ).toHaveBeenCalledTimes( 1 );
		expect( paths( client.list ) ).toContain( '/auth/sectors/' );
	} );
} );
