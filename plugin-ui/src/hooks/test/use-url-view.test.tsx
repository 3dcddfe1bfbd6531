/**
 * External dependencies
 */
import { act } from 'react';

/**
 * WordPress dependencies
 */
import { createRoot } from '@wordpress/element';

/**
 * Internal dependencies
 */
import {
	defaultView,
	isCount,
	isDate,
	isId,
	oneOf,
	parseView,
	serializeView,
	useUrlView,
	viewQuery,
	type View,
	type ViewSpec,
} from '../use-url-view';

const SPEC: ViewSpec = {
	filters: {
		status: oneOf( [ 'active', 'inactive' ] ),
		cluster_id: ( value ) => value === 'none' || isId( value ),
		volume_min: isCount,
		created_after: isDate,
	},
	sortFields: [ 'keyword', 'search_volume' ],
	defaultSort: '-search_volume',
	perPageOptions: [ 10, 25, 50 ],
	defaultPerPage: 25,
	columns: [ 'volume', 'status' ],
};

const ADMIN = 'http://example.test/wp-admin/admin.php?page=igny8-keywords';

describe( 'parseView', () => {
	it( 'gives the defaults for the plain screen URL', () => {
		expect( parseView( ADMIN, SPEC ) ).toEqual( defaultView( SPEC ) );
	} );

	it( 'reads every part of a view', () => {
		expect(
			parseView(
				'?page=igny8-keywords&search=running%20shoes&status=inactive&cluster_id=none&volume_min=100&created_after=2026-01-31&orderby=keyword&paged=3&per_page=50&hidden=status,volume',
				SPEC
			)
		).toEqual( {
			search: 'running shoes',
			filters: {
				status: 'inactive',
				cluster_id: 'none',
				volume_min: '100',
				created_after: '2026-01-31',
			},
			sort: 'keyword',
			page: 3,
			perPage: 50,
			hidden: [ 'status', 'volume' ],
		} );
	} );

	it( 'reads a descending sort', () => {
		expect( parseView( '?orderby=-keyword', SPEC ).sort ).toBe(
			'-keyword'
		);
	} );

	it.each( [
		[ 'an unknown status', 'status=in_progress' ],
		[ 'a cluster that is not an id', 'cluster_id=abc' ],
		[ 'a negative volume', 'volume_min=-5' ],
		[ 'a volume that is not a number', 'volume_min=lots' ],
		[ 'an impossible date', 'created_after=2026-02-30' ],
		[ 'a date with more after it', 'created_after=2026-01-30x' ],
		[ 'a date in another form', 'created_after=31.01.2026' ],
		[ 'an empty filter', 'status=' ],
		[ 'an unknown filter', 'password=secret' ],
		[ 'a sort on a field the list has not', 'orderby=password' ],
		[ 'a sort with SQL in it', 'orderby=keyword;drop%20table' ],
		[ 'page 0', 'paged=0' ],
		[ 'a negative page', 'paged=-2' ],
		[ 'a page that is not a number', 'paged=two' ],
		[ 'a page size the list does not offer', 'per_page=7' ],
		[ 'a huge page size', 'per_page=100000' ],
		[ 'a filter given twice', 'status[]=active&status[]=inactive' ],
	] )( 'ignores %s', ( _, query ) => {
		expect( parseView( `?page=igny8-keywords&${ query }`, SPEC ) ).toEqual(
			defaultView( SPEC )
		);
	} );

	it( 'keeps only the known columns among the hidden ones, once each', () => {
		expect(
			parseView( '?hidden=status,keyword,nope,status', SPEC ).hidden
		).toEqual( [ 'status' ] );
	} );

	it( 'ignores an overlong search', () => {
		expect(
			parseView( `?search=${ 'a'.repeat( 500 ) }`, SPEC ).search
		).toBe( '' );
	} );

	it( 'keeps the good parts of a partly bad URL', () => {
		const view = parseView(
			'?status=nope&volume_min=200&orderby=bad&paged=2',
			SPEC
		);
		expect( view.filters ).toEqual( { volume_min: '200' } );
		expect( view.sort ).toBe( SPEC.defaultSort );
		expect( view.page ).toBe( 2 );
	} );
} );

describe( 'serializeView', () => {
	const view = ( changes: Partial< View > ): View => ( {
		...defaultView( SPEC ),
		...changes,
	} );

	it( 'leaves the plain screen URL plain for the default view', () => {
		expect( serializeView( ADMIN, defaultView( SPEC ), SPEC ) ).toBe(
			ADMIN
		);
	} );

	it( 'writes what differs from the defaults and keeps the admin page', () => {
		const url = serializeView(
			ADMIN,
			view( {
				search: 'shoes & socks',
				filters: { status: 'inactive', cluster_id: '12' },
				sort: 'keyword',
				page: 2,
				perPage: 50,
				hidden: [ 'volume' ],
			} ),
			SPEC
		);
		const args = new URL( url ).searchParams;
		expect( Object.fromEntries( args ) ).toEqual( {
			page: 'igny8-keywords',
			search: 'shoes & socks',
			status: 'inactive',
			cluster_id: '12',
			orderby: 'keyword',
			paged: '2',
			per_page: '50',
			hidden: 'volume',
		} );
	} );

	it( 'replaces the previous view’s arguments and keeps foreign ones', () => {
		const before = `${ ADMIN }&status=active&paged=4&other=kept`;
		const url = serializeView(
			before,
			view( { filters: { volume_min: '10' } } ),
			SPEC
		);
		expect( Object.fromEntries( new URL( url ).searchParams ) ).toEqual( {
			page: 'igny8-keywords',
			other: 'kept',
			volume_min: '10',
		} );
	} );

	it( 'reads back what it writes', () => {
		const written = view( {
			search: 'ü “quoted” 100%',
			filters: { created_after: '2026-01-31', cluster_id: 'none' },
			sort: '-keyword',
			page: 7,
			perPage: 10,
			hidden: [ 'status', 'volume' ],
		} );
		expect(
			parseView( serializeView( ADMIN, written, SPEC ), SPEC )
		).toEqual( written );
	} );
} );

describe( 'viewQuery', () => {
	it( 'turns a view into the cloud list query', () => {
		expect(
			viewQuery( {
				...defaultView( SPEC ),
				search: 'shoes',
				filters: { status: 'active' },
				page: 2,
			} )
		).toEqual( {
			search: 'shoes',
			status: 'active',
			ordering: '-search_volume',
			page: 2,
			page_size: 25,
		} );
	} );
} );

declare global {
	var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

describe( 'useUrlView', () => {
	let current: [
		View,
		( view: View, options?: { replace?: boolean } ) => void,
	];
	function Probe() {
		current = useUrlView( SPEC );
		return null;
	}

	let root: ReturnType< typeof createRoot >;
	beforeAll( () => {
		globalThis.IS_REACT_ACT_ENVIRONMENT = true;
	} );
	afterEach( () => act( () => root.unmount() ) );

	it( 'starts from the URL, adds a history entry per change, and follows back/forward', () => {
		window.history.replaceState(
			null,
			'',
			'/wp-admin/admin.php?page=igny8-keywords&status=inactive'
		);
		root = createRoot( document.createElement( 'div' ) );
		act( () => root.render( <Probe /> ) );
		expect( current[ 0 ].filters ).toEqual( { status: 'inactive' } );
		const length = window.history.length;

		act( () => current[ 1 ]( { ...current[ 0 ], page: 2 } ) );
		expect( window.location.search ).toBe(
			'?page=igny8-keywords&status=inactive&paged=2'
		);
		expect( window.history.length ).toBe( length + 1 );
		expect( current[ 0 ].page ).toBe( 2 );

		// Typing in the search box replaces the entry instead of adding one.
		act( () =>
			current[ 1 ](
				{ ...current[ 0 ], search: 'sho' },
				{ replace: true }
			)
		);
		expect( window.history.length ).toBe( length + 1 );
		expect( window.location.search ).toContain( 'search=sho' );

		// The browser went back: the URL changed, then popstate fired.
		act( () => {
			window.history.replaceState(
				null,
				'',
				'/wp-admin/admin.php?page=igny8-keywords&status=active'
			);
			window.dispatchEvent( new PopStateEvent( 'popstate' ) );
		} );
		expect( current[ 0 ] ).toEqual( {
			...defaultView( SPEC ),
			filters: { status: 'active' },
		} );
	} );
} );
