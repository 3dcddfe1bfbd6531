/**
 * WordPress dependencies
 */
import { createRegistry } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { setClient } from '../../../api';
import type { CloudClient } from '../../../api/client';
import { EMPTY_LIST } from '../../collection';
import { receiveList, receiveListError, removeItems } from '../actions';
import reducer, { initialState } from '../reducer';
import { getKeywords, getListError } from '../selectors';
import { store as plannerStore } from '..';

const keyword = ( id: number, text: string ) =>
	( { id, keyword: text, search_volume: id * 10 } ) as never;

describe( 'planner reducer', () => {
	it( 'stores a page under its query and its items by id', () => {
		const query = { sector_id: 1, page: 1 };
		const state = reducer(
			initialState,
			receiveList(
				'keywords',
				query,
				[ keyword( 1, 'a' ), keyword( 2, 'b' ) ],
				40
			)
		);
		expect( getKeywords( state, query ) ).toEqual( {
			items: [ keyword( 1, 'a' ), keyword( 2, 'b' ) ],
			count: 40,
		} );
		expect(
			getKeywords( state, { sector_id: 1, page: 2 } )
		).toBeUndefined();
		expect( state.clusters ).toBe( initialState.clusters );
	} );

	it( 'treats equal queries with keys in another order as the same page', () => {
		const state = reducer(
			initialState,
			receiveList(
				'keywords',
				{ page: 1, sector_id: 1 },
				[ keyword( 1, 'a' ) ],
				1
			)
		);
		expect( getKeywords( state, { sector_id: 1, page: 1 } )?.count ).toBe(
			1
		);
	} );

	it( 'removes deleted items from every page and lowers counts', () => {
		let state = reducer(
			initialState,
			receiveList(
				'keywords',
				{ page: 1 },
				[ keyword( 1, 'a' ), keyword( 2, 'b' ) ],
				2
			)
		);
		state = reducer( state, removeItems( 'keywords', [ 1 ] ) );
		expect( getKeywords( state, { page: 1 } ) ).toEqual( {
			items: [ keyword( 2, 'b' ) ],
			count: 1,
		} );
	} );

	it( 'keeps an error per query and clears it when the page arrives', () => {
		let state = reducer(
			initialState,
			receiveListError( 'keywords', { page: 1 }, 'down' )
		);
		expect( getListError( state, 'keywords', { page: 1 } ) ).toBe( 'down' );
		state = reducer( state, receiveList( 'keywords', { page: 1 }, [], 0 ) );
		expect( getListError( state, 'keywords', { page: 1 } ) ).toBeNull();
	} );

	it( 'returns the same object for the same page (no needless re-render)', () => {
		const state = reducer(
			initialState,
			receiveList( 'keywords', { page: 1 }, [ keyword( 1, 'a' ) ], 1 )
		);
		expect( getKeywords( state, { page: 1 } ) ).toBe(
			getKeywords( state, { page: 1 } )
		);
		expect( Object.isFrozen( EMPTY_LIST ) ).toBe( true );
	} );
} );

describe( 'planner resolvers and actions', () => {
	function fakeClient(
		overrides: Partial< Record< 'list' | 'post', jest.Mock > >
	) {
		const client = {
			list: jest.fn( async () => ( { count: 0, results: [] } ) ),
			post: jest.fn(),
			...overrides,
		};
		setClient( client as unknown as CloudClient );
		return client;
	}

	afterEach( () => setClient( null ) );

	it( 'loads a page from the cloud on first select', async () => {
		const client = fakeClient( {
			list: jest.fn( async () => ( {
				count: 3,
				results: [ keyword( 5, 'x' ) ],
			} ) ),
		} );
		const registry = createRegistry();
		registry.register( plannerStore );
		const query = { sector_id: 9, page: 1 };
		await registry.resolveSelect( plannerStore ).getKeywords( query );
		expect( client.list ).toHaveBeenCalledWith(
			'/planner/keywords/',
			query
		);
		expect( registry.select( plannerStore ).getKeywords( query ) ).toEqual(
			{
				items: [ keyword( 5, 'x' ) ],
				count: 3,
			}
		);
	} );

	it( 'records a failed load as the list error', async () => {
		fakeClient( {
			list: jest.fn( async () =>
				Promise.reject( new Error( 'cloud down' ) )
			),
		} );
		const registry = createRegistry();
		registry.register( plannerStore );
		await registry.resolveSelect( plannerStore ).getKeywords( { page: 1 } );
		expect(
			registry
				.select( plannerStore )
				.getListError( 'keywords', { page: 1 } )
		).toBe( 'cloud down' );
	} );

	it( 'bulk delete calls the cloud, drops the rows and reloads the lists', async () => {
		const client = fakeClient( {
			list: jest
				.fn()
				.mockResolvedValueOnce( {
					count: 2,
					results: [ keyword( 1, 'a' ), keyword( 2, 'b' ) ],
				} )
				.mockResolvedValue( {
					count: 1,
					results: [ keyword( 2, 'b' ) ],
				} ),
			post: jest.fn( async () => ( { affected: 1, not_found: [] } ) ),
		} );
		const registry = createRegistry();
		registry.register( plannerStore );
		await registry.resolveSelect( plannerStore ).getKeywords( { page: 1 } );

		await registry.dispatch( plannerStore ).bulkDeleteKeywords( [ 1 ] );
		expect( client.post ).toHaveBeenCalledWith(
			'/planner/keywords/bulk_delete/',
			{ ids: [ 1 ] }
		);
		// Invalidated: the next select fetches again.
		await registry.resolveSelect( plannerStore ).getKeywords( { page: 1 } );
		expect( client.list ).toHaveBeenCalledTimes( 2 );
		expect(
			registry.select( plannerStore ).getKeywords( { page: 1 } )?.count
		).toBe( 1 );
	} );
} );
