/**
 * External dependencies
 */
import { act } from 'react';

/**
 * Internal dependencies
 */
import { reactRoot } from '../../../test-support/react-root';
import { DataView, type Action, type DataViewProps, type Field } from '..';
import {
	defaultView,
	type View,
	type ViewSpec,
} from '../../../hooks/use-url-view';

interface Row {
	id: number;
	name: string;
	status: string;
}

const SPEC: ViewSpec = {
	filters: { status: () => true },
	sortFields: [ 'name' ],
	defaultSort: 'name',
	perPageOptions: [ 10, 25 ],
	defaultPerPage: 10,
	columns: [ 'status' ],
};

const ROWS: Row[] = [
	{ id: 1, name: 'alpha', status: 'active' },
	{ id: 2, name: 'bravo', status: 'inactive' },
	{ id: 3, name: 'charlie', status: 'active' },
];

const FIELDS: Field< Row >[] = [
	{
		id: 'name',
		label: 'Name',
		sortField: 'name',
		enableHiding: false,
		render: ( row ) => row.name,
	},
	{ id: 'status', label: 'Status', render: ( row ) => row.status },
];

const dom = reactRoot();
let changes: Array< [ View, { replace?: boolean } | undefined ] >;
let selection: number[];
let deleted: Row[][];

const remove: Action< Row > = {
	id: 'delete',
	label: 'Delete',
	isDestructive: true,
	supportsBulk: true,
	confirm: ( items ) =>
		`Delete ${ items.length } rows? This cannot be undone.`,
	callback: async ( items ) => {
		deleted.push( items );
	},
};

function show( props: Partial< DataViewProps< Row > > = {} ) {
	const all: DataViewProps< Row > = {
		label: 'Rows',
		fields: FIELDS,
		filters: [
			{
				id: 'status',
				type: 'select',
				label: 'Status',
				anyLabel: 'Any status',
				options: [
					{ value: 'active', label: 'Active' },
					{ value: 'inactive', label: 'Inactive' },
				],
			},
		],
		view: defaultView( SPEC ),
		onChangeView: ( view, options ) => changes.push( [ view, options ] ),
		perPageOptions: SPEC.perPageOptions,
		items: ROWS,
		count: 23,
		isLoading: false,
		error: null,
		actions: [ remove ],
		itemTitle: ( row ) => row.name,
		countLabel: ( count ) => `${ count } rows`,
		searchLabel: 'Search rows',
		selection,
		onChangeSelection: ( ids ) => {
			selection = ids;
			show( props );
		},
		empty: { title: 'No rows yet — add one.' },
		emptyFiltered: 'No rows match these filters.',
		...props,
	};
	act( () => dom.root.render( <DataView< Row > { ...all } /> ) );
}

const byText = ( tag: string, text: string ) =>
	[ ...document.querySelectorAll< HTMLElement >( tag ) ].find(
		( element ) => element.textContent === text
	);

function click( element: Element | undefined | null ) {
	expect( element ).toBeTruthy();
	act( () => ( element as HTMLElement ).click() );
}

function choose( select: HTMLSelectElement, value: string ) {
	act( () => {
		select.value = value;
		select.dispatchEvent( new Event( 'change', { bubbles: true } ) );
	} );
}

beforeEach( () => {
	changes = [];
	selection = [];
	deleted = [];
} );

afterEach( () => {
	jest.useRealTimers();
} );

describe( 'DataView', () => {
	it( 'shows the rows, the count and the pages', () => {
		show();
		expect(
			[ ...dom.container.querySelectorAll( 'tbody tr' ) ].map(
				( row ) => row.querySelector( 'td' )?.textContent
			)
		).toEqual( [ 'alpha', 'bravo', 'charlie' ] );
		expect( dom.container.textContent ).toContain( '23 rows' );
		expect( dom.container.textContent ).toContain( 'Page 1 of 3' );
	} );

	it( 'reports a filter as a new view on page 1', () => {
		show( { view: { ...defaultView( SPEC ), page: 3 } } );
		const select = dom.container.querySelector< HTMLSelectElement >(
			'.igny8-filters select'
		)!;
		choose( select, 'inactive' );
		expect( changes ).toHaveLength( 1 );
		expect( changes[ 0 ]![ 0 ] ).toMatchObject( {
			filters: { status: 'inactive' },
			page: 1,
		} );
	} );

	it( 'sorts by a column, then the other way', () => {
		show();
		click( byText( 'button', 'Name ▲' ) );
		expect( changes[ 0 ]![ 0 ].sort ).toBe( '-name' );
		show( { view: { ...defaultView( SPEC ), sort: '-name' } } );
		click( byText( 'button', 'Name ▼' ) );
		expect( changes[ 1 ]![ 0 ].sort ).toBe( 'name' );
	} );

	it( 'pages and changes the page size', () => {
		show();
		click( byText( 'button', 'Next' ) );
		expect( changes[ 0 ]![ 0 ].page ).toBe( 2 );
		const perPage = dom.container.querySelector< HTMLSelectElement >(
			'.igny8-table__per-page select'
		)!;
		choose( perPage, '25' );
		expect( changes[ 1 ]![ 0 ] ).toMatchObject( { perPage: 25, page: 1 } );
	} );

	it( 'hides the columns the view hides', () => {
		show( { view: { ...defaultView( SPEC ), hidden: [ 'status' ] } } );
		expect(
			[ ...dom.container.querySelectorAll( 'thead th' ) ].map(
				( th ) => th.textContent
			)
		).not.toContain( 'Status' );
	} );

	it( 'sends the search after typing stops, replacing the history entry', () => {
		jest.useFakeTimers();
		show();
		const input = dom.container.querySelector< HTMLInputElement >(
			'input[type="search"]'
		)!;
		act( () => {
			const setValue = Object.getOwnPropertyDescriptor(
				HTMLInputElement.prototype,
				'value'
			)!.set!;
			setValue.call( input, 'bra' );
			input.dispatchEvent( new Event( 'input', { bubbles: true } ) );
		} );
		expect( changes ).toHaveLength( 0 );
		act( () => jest.advanceTimersByTime( 400 ) );
		expect( changes ).toEqual( [
			[
				expect.objectContaining( { search: 'bra', page: 1 } ),
				{ replace: true },
			],
		] );
	} );

	it( 'asks before a bulk action, naming the count, and runs it only when confirmed', async () => {
		selection = [ 1, 3 ];
		show();
		expect( dom.container.textContent ).toContain( '2 rows selected' );
		const bulk = dom.container.querySelector( '.igny8-bulk' )!;
		click(
			[ ...bulk.querySelectorAll( 'button' ) ].find(
				( button ) => button.textContent === 'Delete'
			)
		);
		const dialog = document.querySelector( '[role="dialog"]' )!;
		expect( dialog.textContent ).toContain(
			'Delete 2 rows? This cannot be undone.'
		);
		expect( deleted ).toEqual( [] );

		click( byText( 'button', 'Cancel' ) );
		expect( document.querySelector( '[role="dialog"]' ) ).toBeNull();
		expect( deleted ).toEqual( [] );

		click(
			[ ...bulk.querySelectorAll( 'button' ) ].find(
				( button ) => button.textContent === 'Delete'
			)
		);
		const confirm = [
			...document.querySelectorAll< HTMLElement >(
				'[role="dialog"] button'
			),
		].find( ( button ) => button.textContent === 'Delete' );
		await act( async () => confirm!.click() );
		expect( deleted ).toEqual( [ [ ROWS[ 0 ], ROWS[ 2 ] ] ] );
		expect( selection ).toEqual( [] );
	} );

	it( 'says why an action failed and keeps the list', async () => {
		selection = [ 2 ];
		show( {
			actions: [
				{
					...remove,
					confirm: undefined,
					callback: () =>
						Promise.reject( new Error( 'Not allowed.' ) ),
				},
			],
		} );
		const bulk = dom.container.querySelector( '.igny8-bulk' )!;
		await act( async () =>
			[ ...bulk.querySelectorAll< HTMLElement >( 'button' ) ]
				.find( ( button ) => button.textContent === 'Delete' )!
				.click()
		);
		expect( dom.container.textContent ).toContain( 'Not allowed.' );
		expect( dom.container.querySelectorAll( 'tbody tr' ) ).toHaveLength(
			3
		);
	} );

	it( 'names the next step when the list is empty, and offers to clear filters when filtered', () => {
		show( { items: [], count: 0 } );
		expect( dom.container.textContent ).toContain(
			'No rows yet — add one.'
		);
		show( {
			items: [],
			count: 0,
			view: { ...defaultView( SPEC ), filters: { status: 'inactive' } },
		} );
		expect( dom.container.textContent ).toContain(
			'No rows match these filters.'
		);
		click(
			[ ...dom.container.querySelectorAll( '.igny8-empty button' ) ].find(
				( button ) => button.textContent === 'Clear filters'
			)
		);
		expect( changes[ 0 ]![ 0 ] ).toMatchObject( {
			filters: {},
			search: '',
			page: 1,
		} );
	} );

	it( 'moves to the last page when the page asked for is past the end', () => {
		show( {
			items: [],
			count: 23,
			view: { ...defaultView( SPEC ), page: 9 },
		} );
		expect( changes ).toEqual( [
			[ expect.objectContaining( { page: 3 } ), { replace: true } ],
		] );
	} );

	it( 'runs a bulk action on the selected rows it applies to, and offers it only when one does', async () => {
		const retry: Action< Row > = {
			...remove,
			id: 'retry',
			label: 'Retry',
			isEligible: ( row ) => row.status === 'inactive',
		};
		selection = [ 1, 3 ];
		show( { actions: [ retry ] } );
		// alpha and charlie are active: nothing to retry, no bulk bar.
		expect( dom.container.querySelector( '.igny8-bulk' ) ).toBeNull();

		selection = [ 1, 2, 3 ];
		show( { actions: [ retry ] } );
		click(
			[ ...dom.container.querySelectorAll( '.igny8-bulk button' ) ].find(
				( button ) => button.textContent === 'Retry'
			)
		);
		expect(
			document.querySelector( '[role="dialog"]' )!.textContent
		).toContain( 'Delete 1 rows?' );
		const confirm = [
			...document.querySelectorAll< HTMLElement >(
				'[role="dialog"] button'
			),
		].find( ( button ) => button.textContent === 'Retry' );
		await act( async () => confirm!.click() );
		expect( deleted ).toEqual( [ [ ROWS[ 1 ] ] ] );
	} );

	it( 'shows no search box for a list the server cannot search', () => {
		show( { searchLabel: undefined } );
		expect(
			dom.container.querySelector( 'input[type="search"]' )
		).toBeNull();
		// The columns menu is still there.
		expect( byText( 'button', 'Columns' ) ).toBeTruthy();
		show();
		expect(
			dom.container.querySelector( 'input[type="search"]' )
		).not.toBeNull();
	} );
} );
