/**
 * Internal dependencies
 */
import { setSessionManager } from '../../../api';
import reducer, { initialState } from '../reducer';
import { getSession } from '../resolvers';
import { receiveSectors, receiveSession } from '../actions';
import { canEdit, getSelectedSectorId } from '../selectors';

const sector = ( id: number ) => ( { id, name: `S${ id }` } ) as never;

describe( 'settings store', () => {
	it( 'selects the first sector when none (or a vanished one) is selected', () => {
		let state = reducer(
			initialState,
			receiveSectors( [ sector( 4 ), sector( 5 ) ] )
		);
		expect( getSelectedSectorId( state ) ).toBe( 4 );
		state = reducer( state, {
			type: 'SELECT_SECTOR',
			sectorId: 5,
		} as never );
		state = reducer(
			state,
			receiveSectors( [ sector( 5 ), sector( 6 ) ] )
		);
		expect( getSelectedSectorId( state ) ).toBe( 5 );
		state = reducer( state, receiveSectors( [ sector( 6 ) ] ) );
		expect( getSelectedSectorId( state ) ).toBe( 6 );
	} );

	it( 'selects the remembered sector when it still exists, and only then', () => {
		const state = reducer(
			initialState,
			receiveSectors( [ sector( 4 ), sector( 5 ) ], 5 )
		);
		expect( getSelectedSectorId( state ) ).toBe( 5 );
		// A remembered sector that was deleted: the current one stays.
		expect(
			getSelectedSectorId(
				reducer(
					state,
					receiveSectors( [ sector( 4 ), sector( 5 ) ], 9 )
				)
			)
		).toBe( 5 );
		expect(
			getSelectedSectorId(
				reducer( initialState, receiveSectors( [ sector( 4 ) ], 9 ) )
			)
		).toBe( 4 );
	} );

	it( 'lets admins and editors change things, viewers only read', () => {
		const as = ( role: 'admin' | 'editor' | 'viewer' ) =>
			canEdit(
				reducer(
					initialState,
					receiveSession( { siteId: 1, role, cloudUrl: 'x' } )
				)
			);
		expect( as( 'admin' ) ).toBe( true );
		expect( as( 'editor' ) ).toBe( true );
		expect( as( 'viewer' ) ).toBe( false );
		expect( canEdit( initialState ) ).toBe( false );
	} );

	describe( 'opening the session', () => {
		afterEach( () => {
			delete window.igny8Bridge;
		} );

		it( 'says "not connected" without calling the plugin when the site has no key', async () => {
			window.igny8Bridge = { connected: false };
			const get = jest.fn();
			setSessionManager( { get } as never );
			const dispatch = jest.fn();
			await getSession()( { dispatch } as never );
			expect( get ).not.toHaveBeenCalled();
			expect( dispatch ).toHaveBeenCalledWith(
				expect.objectContaining( {
					error: expect.objectContaining( { kind: 'not_connected' } ),
				} )
			);
		} );

		it( 'opens it through the plugin when the site is connected', async () => {
			window.igny8Bridge = { connected: true };
			const get = jest.fn().mockResolvedValue( {
				site_id: 3,
				role: 'editor',
				cloud_url: 'https://cloud.test',
			} );
			setSessionManager( { get } as never );
			const dispatch = jest.fn();
			await getSession()( { dispatch } as never );
			expect( get ).toHaveBeenCalledTimes( 1 );
			expect( dispatch ).toHaveBeenCalledWith(
				receiveSession( {
					siteId: 3,
					role: 'editor',
					cloudUrl: 'https://cloud.test',
				} )
			);
		} );
	} );
} );
