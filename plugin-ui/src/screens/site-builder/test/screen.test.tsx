/**
 * External dependencies
 */
import type {
	BlueprintApplyReport,
	BlueprintApplyRun,
	BlueprintStatus,
	BlueprintVersion,
	SiteBlueprint,
	SiteBlueprintSummary,
} from '@igny8/shared-types';
import { act } from 'react';

/**
 * WordPress dependencies
 */
import {
	createRegistry,
	dispatch,
	RegistryProvider,
	select,
} from '@wordpress/data';
import { store as noticesStore } from '@wordpress/notices';

/**
 * Internal dependencies
 */
import { reactRoot } from '../../../test-support/react-root';
import { setClient } from '../../../api';
import type { CloudClient } from '../../../api/client';
import { ApiError } from '../../../api/errors';
import type { CloudRole } from '../../../api/session';
import { store as jobsStore } from '../../../store/jobs';
import { store as settingsStore } from '../../../store/settings';
import { store as siteBuilderStore } from '../../../store/site-builder';
import { POLL_MS } from '../apply';
import { SiteBuilderScreen } from '../index';

const STAMP = '2026-12-07T06:00:00.000Z';
const BASE = '/site-builder/blueprints';

const page = (
	key: string,
	title: string,
	parent: string | null,
	position: number,
	extra: Partial< SiteBlueprint[ 'pages' ][ number ] > = {}
): SiteBlueprint[ 'pages' ][ number ] => ( {
	id: 100 + position + ( parent ? 10 : 0 ),
	blueprint_id: 7,
	site_id: 3,
	key,
	parent_key: parent,
	title,
	slug: key,
	page_type: 'custom',
	status: 'publish',
	sections: [],
	target_keywords: [],
	cluster_id: null,
	position,
	created_at: STAMP,
	updated_at: STAMP,
	...extra,
} );

const SUMMARY: SiteBlueprintSummary = {
	id: 7,
	site_id: 3,
	name: 'Agency site',
	description: '',
	source: 'manual',
	version: 4,
	page_count: 4,
	category_count: 1,
	menu_count: 1,
	last_applied_version: 3,
	last_applied_at: STAMP,
	created_by: null,
	created_at: STAMP,
	updated_at: STAMP,
};

const BLUEPRINT: SiteBlueprint = {
	...SUMMARY,
	pages: [
		page( 'home', 'Home', null, 0, {
			page_type: 'home',
			sections: [ { heading: 'Welcome', summary: 'Who we are.' } ],
		} ),
		page( 'about', 'About us', null, 1, { page_type: 'about' } ),
		page( 'team', 'Our team', 'about', 0 ),
		page( 'contact', 'Contact', null, 2, { page_type: 'contact' } ),
	],
	categories: [
		{
			key: 'news',
			parent_key: null,
			name: 'News',
			slug: 'news',
			description: '',
		},
	],
	menus: [
		{
			key: 'main',
			name: 'Main menu',
			location: 'primary',
			items: [
				{
					key: 'page-home',
					parent_key: null,
					label: '',
					type: 'page',
					target_key: 'home',
					url: null,
				},
			],
		},
	],
};

const VERSIONS: BlueprintVersion[] = [ 4, 3, 2, 1 ].map( ( version ) => ( {
	version,
	message: version === 1 ? 'Generated with AI' : `Change ${ version }`,
	source: version === 1 ? 'ai' : 'manual',
	name: 'Agency site',
	page_count: 4,
	category_count: 1,
	menu_count: 1,
	created_by: null,
	created_at: STAMP,
} ) );

const line = (
	key: string,
	title: string,
	action: BlueprintApplyReport[ 'pages' ][ number ][ 'action' ],
	postId: number | null = null
) => ( {
	key,
	action,
	post_id: postId,
	title,
	slug: key,
	status: 'publish',
	url: postId ? `http://wp.test/${ key }/` : '',
} );

const PLAN: BlueprintApplyReport = {
	dry_run: true,
	blueprint_id: 7,
	version: 4,
	pages: [
		line( 'home', 'Home', 'unchanged', 11 ),
		// WordPress still has the old title.
		line( 'about', 'About', 'update', 12 ),
		line( 'team', 'Our team', 'create' ),
		line( 'contact', 'Contact', 'edited', 14 ),
		line( 'old-offer', 'Old offer', 'offered', 15 ),
	],
	categories: [
		{
			key: 'news',
			action: 'create',
			term_id: null,
			name: 'News',
			slug: 'news',
		},
	],
	menus: [
		{
			key: 'main',
			action: 'unchanged',
			menu_id: 5,
			name: 'Main menu',
			location: 'primary',
			items: 1,
		},
	],
	warnings: [ 'The theme has no menu location "primary".' ],
	counts: {} as BlueprintApplyReport[ 'counts' ],
};

const REPORT: BlueprintApplyReport = {
	...PLAN,
	dry_run: false,
	pages: [
		line( 'home', 'Home', 'unchanged', 11 ),
		line( 'about', 'About us', 'update', 12 ),
		line( 'team', 'Our team', 'create', 13 ),
		line( 'contact', 'Contact', 'update', 14 ),
		line( 'old-offer', 'Old offer', 'trash', 15 ),
	],
	categories: [
		{
			key: 'news',
			action: 'create',
			term_id: 9,
			name: 'News',
			slug: 'news',
		},
	],
};

const run = ( fields: Partial< BlueprintApplyRun > ): BlueprintApplyRun => ( {
	id: 21,
	blueprint_id: 7,
	site_id: 3,
	version: 4,
	status: 'queued',
	removed: 'trash',
	overwrite_keys: [ 'contact' ],
	report: null,
	error: null,
	created_by: null,
	created_at: STAMP,
	started_at: null,
	finished_at: null,
	...fields,
} );

const status = (
	fields: Partial< BlueprintStatus > = {}
): BlueprintStatus => ( {
	blueprint_id: 7,
	version: 4,
	last_applied_version: 3,
	changed_since_apply: true,
	active: null,
	applies: [],
	...fields,
} );

const dom = reactRoot();
let client: {
	get: jest.Mock;
	list: jest.Mock;
	post: jest.Mock;
	put: jest.Mock;
	delete: jest.Mock;
};
let statusAnswers: BlueprintStatus[];

/**
 * A cloud that answers the screen's reads; each test adds its writes.
 * @param blueprints What the site's list holds.
 */
function fakeCloud( blueprints: SiteBlueprintSummary[] = [ SUMMARY ] ) {
	statusAnswers = [];
	client = {
		get: jest.fn( async ( path: string ) => {
			if ( path === `${ BASE }/7/` ) {
				return BLUEPRINT;
			}
			if ( path === `${ BASE }/7/status/` ) {
				return statusAnswers.length > 1
					? statusAnswers.shift()
					: ( statusAnswers[ 0 ] ?? status() );
			}
			if ( path === `${ BASE }/7/plan/` ) {
				return PLAN;
			}
			if ( path === `${ BASE }/7/preview/` ) {
				return {
					playground_blueprint: { steps: [ { step: 'login' } ] },
					playground_url:
						'https://playground.wordpress.net/#%7B%22steps%22%3A%5B%5D%7D',
				};
			}
			throw new ApiError( 'not_found', `No ${ path }` );
		} ),
		list: jest.fn( async ( path: string ) =>
			path === `${ BASE }/`
				? { count: blueprints.length, results: blueprints }
				: { count: VERSIONS.length, results: VERSIONS }
		),
		post: jest.fn( async ( path: string ) => {
			if ( path === '/billing/estimate/' ) {
				return { credits: 3, balance: 40, sufficient: true };
			}
			throw new Error( `Unexpected POST ${ path }` );
		} ),
		put: jest.fn(),
		delete: jest.fn( async () => undefined ),
	};
	setClient( client as unknown as CloudClient );
}

/**
 * The screen at a URL, as a person with a cloud role sees it.
 * @param query The page URL's query, after `page=igny8-site-builder`.
 * @param role  The session's role.
 */
async function render( query = '', role: CloudRole = 'admin' ) {
	window.history.replaceState(
		null,
		'',
		`/wp-admin/admin.php?page=igny8-site-builder${ query }`
	);
	const registry = createRegistry();
	registry.register( settingsStore );
	registry.register( siteBuilderStore );
	registry.register( jobsStore );
	const settings = registry.dispatch( settingsStore ) as any;
	settings.receiveSession( { siteId: 3, role, cloudUrl: 'http://cloud' } );
	settings.finishResolution( 'getSession', [] );
	await act( async () => {
		dom.root.render(
			<RegistryProvider value={ registry }>
				<SiteBuilderScreen sectorId={ null } />
			</RegistryProvider>
		);
	} );
}

const text = () => document.body.textContent ?? '';

function byText< T extends HTMLElement >( tag: string, words: string ): T {
	const found = [ ...document.querySelectorAll< T >( tag ) ].find(
		( element ) => element.textContent === words
	);
	if ( ! found ) {
		throw new Error( `No <${ tag }> “${ words }”` );
	}
	return found;
}

const button = ( words: string ) =>
	[ ...document.querySelectorAll< HTMLButtonElement >( 'button, a' ) ].find(
		( element ) =>
			element.textContent === words ||
			element.getAttribute( 'aria-label' ) === words
	) ??
	( () => {
		throw new Error( `No button “${ words }”` );
	} )();

async function click( element: HTMLElement ) {
	await act( async () => {
		element.click();
	} );
}

/**
 * Types into a field or picks an option, as React hears it.
 * @param words The field's label.
 * @param value The new value.
 */
async function fill( words: string, value: string ) {
	const labelled = byText< HTMLLabelElement >( 'label', words );
	const element = document.getElementById( labelled.htmlFor ) as
		HTMLInputElement | HTMLSelectElement;
	const prototype =
		element instanceof HTMLSelectElement
			? HTMLSelectElement.prototype
			: HTMLInputElement.prototype;
	await act( async () => {
		Object.getOwnPropertyDescriptor( prototype, 'value' )!.set!.call(
			element,
			value
		);
		element.dispatchEvent(
			new Event(
				element instanceof HTMLSelectElement ? 'change' : 'input',
				{ bubbles: true }
			)
		);
	} );
}

/** The page tree's titles, in order, with their depth. */
const tree = () =>
	[ ...document.querySelectorAll( '.igny8-sb__tree .igny8-sb__node' ) ].map(
		( node ) => {
			let depth = 0;
			for (
				let up = node.parentElement;
				up && ! up.classList.contains( 'igny8-sb__tree' );
				up = up.parentElement
			) {
				if ( up.classList.contains( 'igny8-sb__children' ) ) {
					depth++;
				}
			}
			return (
				'  '.repeat( depth ) +
				node.querySelector( '.igny8-sb__title' )!.textContent
			);
		}
	);

const notices = () =>
	select( noticesStore )
		.getNotices()
		.map( ( notice ) => notice.content );

beforeAll( () => {
	window.scrollTo = jest.fn();
} );
beforeEach( () => fakeCloud() );
afterEach( () => {
	jest.useRealTimers();
	setClient( null );
	( select( noticesStore ).getNotices() as { id: string }[] ).forEach(
		( notice ) => dispatch( noticesStore ).removeNotice( notice.id )
	);
} );

describe( 'IGNY8 → Site Builder: the site’s structures', () => {
	it( 'with none, says what to do next: generate one (its price said first) or start from scratch', async () => {
		fakeCloud( [] );
		await render();
		expect( text() ).toContain( 'No site structure yet.' );
		expect( text() ).toContain(
			'generate a structure from your sectors and keyword clusters, or start from scratch'
		);
		expect( client.post ).toHaveBeenCalledWith( '/billing/estimate/', {
			function: 'generate_site_structure',
			input: { site_id: 3 },
		} );
		expect( button( 'Generate with AI (3 credits)' ) ).toBeTruthy();

		await click( button( 'Generate with AI (3 credits)' ) );
		const dialog = document.querySelector( '[role="dialog"]' )!;
		expect( dialog.textContent ).toContain(
			'This will use at most 3 credits. Your balance: 40 credits.'
		);
	} );

	it( 'starts a structure from scratch and opens it', async () => {
		fakeCloud( [] );
		client.post.mockImplementation( async ( path: string ) =>
			path === '/billing/estimate/'
				? { credits: 3, balance: 40, sufficient: true }
				: { ...BLUEPRINT, pages: [], categories: [], menus: [] }
		);
		await render();
		await click( button( 'Start from scratch' ) );
		await fill( 'Name', 'Relaunch' );
		await click( button( 'Create' ) );
		expect( client.post ).toHaveBeenCalledWith( `${ BASE }/`, {
			site_id: 3,
			name: 'Relaunch',
			pages: [],
			categories: [],
			menus: [],
		} );
		expect( window.location.search ).toContain( 'blueprint=7' );
	} );

	it( 'lists each structure with what it holds and where WordPress stands', async () => {
		await render();
		const card = document.querySelector( '.igny8-sb__card' )!;
		expect( card.textContent ).toContain( 'Agency site' );
		expect( card.textContent ).toContain(
			'4 pages, 1 category, 1 menu · version 4'
		);
		expect( card.textContent ).toContain(
			'WordPress has version 3 (applied'
		);
		await click( button( 'Open' ) );
		expect( window.location.search ).toContain( 'blueprint=7' );
	} );

	it( 'offers viewers no generation', async () => {
		fakeCloud( [] );
		await render( '', 'viewer' );
		expect( text() ).toContain( 'No site structure yet.' );
		expect( text() ).not.toContain( 'Generate with AI' );
		expect( text() ).not.toContain( 'Start from scratch' );
	} );
} );

describe( 'IGNY8 → Site Builder: editing a structure', () => {
	it( 'shows the page tree, renames a page and saves it as the next version', async () => {
		client.put.mockImplementation(
			async ( _path: string, body: { pages: { title: string }[] } ) => ( {
				...BLUEPRINT,
				version: 5,
				pages: BLUEPRINT.pages.map( ( p, index ) => ( {
					...p,
					title: body.pages[ index ]!.title,
				} ) ),
			} )
		);
		await render( '&blueprint=7' );
		expect( tree() ).toEqual( [
			'Home',
			'About us',
			'  Our team',
			'Contact',
		] );
		expect( text() ).toContain( 'Version 4' );
		expect( text() ).toContain( 'WordPress has version 3' );
		expect( button( 'Saved' ).getAttribute( 'aria-disabled' ) ).toBe(
			'true'
		);

		await click(
			byText( '.igny8-sb__title', 'About us' ).closest( 'button' )!
		);
		await fill( 'Title', 'About the agency' );
		expect( tree()[ 1 ] ).toBe( 'About the agency' );
		expect( text() ).toContain( 'Unsaved changes' );
		// WordPress gets the saved version: applying waits for the save.
		expect(
			button( 'Apply to WordPress…' ).getAttribute( 'aria-disabled' )
		).toBe( 'true' );
		expect( text() ).toContain( 'Save your changes first' );

		await fill( 'What changed (optional)', 'Renamed About' );
		await click( button( 'Save' ) );
		expect( client.put ).toHaveBeenCalledTimes( 1 );
		const [ path, body ] = client.put.mock.calls[ 0 ]!;
		expect( path ).toBe( `${ BASE }/7/` );
		expect( body ).toMatchObject( {
			name: 'Agency site',
			expected_version: 4,
			message: 'Renamed About',
		} );
		// Renamed, not replaced: the key and the slug stay.
		expect( body.pages[ 1 ] ).toMatchObject( {
			key: 'about',
			slug: 'about',
			title: 'About the agency',
		} );
		expect( body.menus ).toEqual( [
			{
				key: 'main',
				name: 'Main menu',
				location: 'primary',
				items: [
					{
						key: 'page-home',
						parent_key: null,
						label: '',
						type: 'page',
						target_key: 'home',
						url: null,
					},
				],
			},
		] );
		expect( text() ).toContain( 'Version 5' );
		expect( notices() ).toContain( 'Saved as version 5.' );
		expect(
			button( 'Apply to WordPress…' ).getAttribute( 'aria-disabled' )
		).toBeNull();
	} );

	it( 'reorders pages from the keyboard, keeping the focus on the moved page', async () => {
		client.put.mockImplementation( async () => ( {
			...BLUEPRINT,
			version: 5,
		} ) );
		await render( '&blueprint=7' );
		const up = button( 'Move “Contact” up' );
		up.focus();
		await click( up );
		expect( tree() ).toEqual( [
			'Home',
			'Contact',
			'About us',
			'  Our team',
		] );
		expect(
			up.ownerDocument.activeElement?.getAttribute( 'aria-label' )
		).toBe( 'Move “Contact” up' );
		expect( text() ).toContain(
			'“Contact” moved: 2 of 3 at the top level.'
		);

		// Under another page, through its details.
		await click(
			byText( '.igny8-sb__title', 'Contact' ).closest( 'button' )!
		);
		await fill( 'Parent page', 'about' );
		expect( tree() ).toEqual( [
			'Home',
			'About us',
			'  Our team',
			'  Contact',
		] );

		await click( button( 'Save' ) );
		const [ , body ] = client.put.mock.calls[ 0 ]!;
		expect(
			body.pages.map(
				( p: { key: string; parent_key: string | null } ) => [
					p.key,
					p.parent_key,
				]
			)
		).toEqual( [
			[ 'home', null ],
			[ 'about', null ],
			[ 'team', 'about' ],
			[ 'contact', 'about' ],
		] );
	} );

	it( 'moves a page by dragging it onto another', async () => {
		await render( '&blueprint=7' );
		const row = ( title: string ) =>
			byText( '.igny8-sb__title', title ).closest< HTMLElement >(
				'.igny8-sb__row'
			)!;
		const transfer = {
			setData: jest.fn(),
			effectAllowed: '',
			dropEffect: '',
		};
		const drag = ( element: HTMLElement, type: string, y = 0 ) => {
			const event = new Event( type, {
				bubbles: true,
				cancelable: true,
			} );
			Object.assign( event, { dataTransfer: transfer, clientY: y } );
			element.dispatchEvent( event );
		};
		// jsdom lays nothing out: a row is 0 px high, so a drop at y 0 lands “before”.
		await act( async () => drag( row( 'Contact' ), 'dragstart' ) );
		await act( async () => drag( row( 'About us' ), 'dragover' ) );
		expect( row( 'About us' ).getAttribute( 'data-drop' ) ).toBe(
			'before'
		);
		await act( async () => drag( row( 'About us' ), 'drop' ) );
		expect( tree() ).toEqual( [
			'Home',
			'Contact',
			'About us',
			'  Our team',
		] );
		// Never onto its own pages.
		await act( async () => drag( row( 'About us' ), 'dragstart' ) );
		const over = new Event( 'dragover', {
			bubbles: true,
			cancelable: true,
		} );
		Object.assign( over, { dataTransfer: transfer, clientY: 0 } );
		await act( async () => {
			row( 'Our team' ).dispatchEvent( over );
		} );
		expect( over.defaultPrevented ).toBe( false );
	} );

	it( 'adds a page under another and removes one, with an undo', async () => {
		await render( '&blueprint=7' );
		await click( button( 'Add a page under “About us”' ) );
		expect( tree() ).toEqual( [
			'Home',
			'About us',
			'  Our team',
			'  New page',
			'Contact',
		] );
		await fill( 'Title', 'Careers' );
		expect( text() ).toContain( '/careers/' );
		await click( button( 'Remove “About us”' ) );
		expect( tree() ).toEqual( [
			'Home',
			'Our team',
			'Careers',
			'Contact',
		] );
		expect( notices() ).toContain(
			'“About us” removed; the pages under it moved up a level.'
		);
	} );

	it( 'edits a page’s outline', async () => {
		client.put.mockImplementation( async () => ( {
			...BLUEPRINT,
			version: 5,
		} ) );
		await render( '&blueprint=7' );
		await click(
			byText( '.igny8-sb__title', 'Home' ).closest( 'button' )!
		);
		await click( button( 'Add a section' ) );
		await fill( 'Heading of section 2', 'Our services' );
		await click( button( 'Move section 2 up' ) );
		await click( button( 'Save' ) );
		expect( client.put.mock.calls[ 0 ]![ 1 ].pages[ 0 ].sections ).toEqual(
			[
				{ heading: 'Our services', summary: '' },
				{ heading: 'Welcome', summary: 'Who we are.' },
			]
		);
	} );

	it( 'says what to fix instead of saving a page without a title', async () => {
		await render( '&blueprint=7' );
		await click(
			byText( '.igny8-sb__title', 'Contact' ).closest( 'button' )!
		);
		await fill( 'Title', '' );
		await click( button( 'Save' ) );
		expect( client.put ).not.toHaveBeenCalled();
		expect( text() ).toContain(
			'Not saved: some fields need a fix first. They are marked below.'
		);
		expect( text() ).toContain( 'This may not be empty.' );
		expect( text() ).toContain( 'Needs a fix' );
	} );

	it( 'says what to do when someone saved in the meantime', async () => {
		client.put.mockRejectedValue(
			new ApiError( 'conflict', 'The blueprint is at version 5.', {
				status: 409,
			} )
		);
		await render( '&blueprint=7' );
		await click( button( 'Move “Contact” up' ) );
		await click( button( 'Save' ) );
		expect( text() ).toContain(
			'Not saved: someone else saved this site structure since you opened it.'
		);
		expect( button( 'Load their version' ) ).toBeTruthy();
	} );

	it( 'lets viewers read but not change, and editors change but not apply', async () => {
		await render( '&blueprint=7', 'viewer' );
		expect( tree() ).toEqual( [
			'Home',
			'About us',
			'  Our team',
			'Contact',
		] );
		expect(
			[ ...document.querySelectorAll( 'button' ) ]
				.filter( ( element ) =>
					[ 'Save', 'Saved', 'Add a page', 'Preview…' ].includes(
						element.textContent ?? ''
					)
				)
				.map( ( element ) => element.textContent )
		).toEqual( [ 'Preview…' ] );
		expect(
			document.querySelector( '[aria-label="Move “Contact” up"]' )
		).toBeNull();

		await render( '&blueprint=7', 'editor' );
		expect( button( 'Move “Contact” up' ) ).toBeTruthy();
		expect(
			button( 'Apply to WordPress…' ).getAttribute( 'aria-disabled' )
		).toBe( 'true' );
		expect( text() ).toContain(
			'Only an administrator of this site can apply a structure to WordPress.'
		);
	} );

	it( 'lists the versions and reverts to one after asking', async () => {
		client.post.mockImplementation( async ( path: string ) =>
			path === `${ BASE }/7/revert/`
				? { ...BLUEPRINT, version: 5, source: 'manual' }
				: { credits: 3, balance: 40, sufficient: true }
		);
		await render( '&blueprint=7' );
		await click( byText( 'button[role="tab"]', 'History' ) );
		const versions = [
			...document.querySelectorAll( '.igny8-sb__version' ),
		].map( ( item ) => item.textContent );
		expect( versions[ 0 ] ).toContain( 'Version 4Current' );
		expect( versions[ 1 ] ).toContain( 'Version 3In WordPress' );
		expect( versions[ 3 ] ).toContain( 'Generated with AI' );
		await click( button( 'Revert to version 2…' ) );
		expect( text() ).toContain(
			'The structure becomes what version 2 was, saved as version 5.'
		);
		expect( client.post ).not.toHaveBeenCalledWith(
			`${ BASE }/7/revert/`,
			expect.anything()
		);
		await click( button( 'Revert to version 2' ) );
		expect( client.post ).toHaveBeenCalledWith( `${ BASE }/7/revert/`, {
			version: 2,
			expected_version: 4,
		} );
		expect( notices() ).toContain(
			'Reverted: the structure is saved as version 5.'
		);
	} );

	it( 'previews the saved version in Playground, in a new tab, and offers its blueprint as a file', async () => {
		await render( '&blueprint=7' );
		await click( button( 'Preview…' ) );
		const open = button( 'Open the preview(opens in a new tab)' );
		expect( open.getAttribute( 'href' ) ).toBe(
			'https://playground.wordpress.net/#%7B%22steps%22%3A%5B%5D%7D'
		);
		expect( open.getAttribute( 'target' ) ).toBe( '_blank' );
		const download = button( 'Download the Playground blueprint' );
		expect( download.getAttribute( 'download' ) ).toBe(
			'site-structure-7-v4.playground.json'
		);
		expect(
			JSON.parse(
				decodeURIComponent(
					download.getAttribute( 'href' )!.split( ',' )[ 1 ]!
				)
			)
		).toEqual( { steps: [ { step: 'login' } ] } );
	} );
} );

describe( 'IGNY8 → Site Builder: applying to WordPress', () => {
	it( 'shows what will change first, grouped, then applies with the choices made and shows the report', async () => {
		client.post.mockImplementation( async ( path: string ) =>
			path === `${ BASE }/7/apply/`
				? run( {} )
				: { credits: 3, balance: 40, sufficient: true }
		);
		await render( '&blueprint=7' );
		await click( button( 'Apply to WordPress…' ) );
		expect( client.get ).toHaveBeenCalledWith( `${ BASE }/7/plan/` );
		const dialog = () => document.querySelector( '[role="dialog"]' )!;
		expect( dialog().textContent ).toContain(
			'This is what applying version 4 will do in WordPress. Nothing has changed yet.'
		);
		expect( dialog().textContent ).toContain(
			'2 to create, 1 to update, 1 edited in WordPress, 1 no longer in the structure, 2 unchanged.'
		);
		const groups = Object.fromEntries(
			[ ...dialog().querySelectorAll( '.igny8-sb__group' ) ].map(
				( group ) => [
					group.querySelector( 'h3' )!.textContent,
					[ ...group.querySelectorAll( '.igny8-sb__line-name' ) ].map(
						( name ) => name.textContent
					),
				]
			)
		);
		expect( groups ).toEqual( {
			'Will be created (2)': [ 'Our team', 'News' ],
			'Will be updated (1)': [ 'About us(opens in a new tab)' ],
			'Edited in WordPress since the last apply: not overwritten (1)': [
				'Contact(opens in a new tab)',
			],
			'No longer in the site structure (1)': [
				'Old offer(opens in a new tab)',
			],
			'Stay as they are (2)': [ 'Home(opens in a new tab)', 'Main menu' ],
		} );
		// A page to update shows what it becomes.
		expect(
			dialog().querySelector(
				'[data-group="update"] [data-key="about"]'
			)!.textContent
		).toBe(
			'PageAbout us(opens in a new tab)/about/now “About” in WordPress'
		);
		expect( dialog().textContent ).toContain(
			'The theme has no menu location "primary".'
		);
		// Nothing is applied before the person confirms.
		expect( client.post ).not.toHaveBeenCalledWith(
			`${ BASE }/7/apply/`,
			expect.anything()
		);

		await click( byText( 'label', 'Overwrite “Contact” anyway' ) );
		expect( dialog().textContent ).toContain(
			'Will be overwritten with the structure’s version'
		);
		await click( byText( 'label', 'Move them to the trash' ) );
		expect(
			dialog().querySelector( '[data-key="old-offer"]' )!.textContent
		).toContain( 'Move them to the trash' );

		jest.useFakeTimers();
		statusAnswers = [
			status( { active: run( { status: 'running' } ) } ),
			status( {
				last_applied_version: 4,
				changed_since_apply: false,
				applies: [ run( { status: 'succeeded', report: REPORT } ) ],
			} ),
		];
		await click( button( 'Apply, overwriting 1 edited item' ) );
		expect( client.post ).toHaveBeenCalledWith( `${ BASE }/7/apply/`, {
			expected_version: 4,
			removed: 'trash',
			overwrite_keys: [ 'contact' ],
		} );
		expect( dialog().textContent ).toContain(
			'Waiting to start: version 4'
		);

		await act( async () => {
			jest.advanceTimersByTime( POLL_MS );
		} );
		expect( dialog().textContent ).toContain( 'Applying: version 4' );
		await act( async () => {
			jest.advanceTimersByTime( POLL_MS );
		} );
		expect( dialog().textContent ).toContain( 'Applied: version 4' );
		expect( dialog().textContent ).toContain(
			'2 created, 2 updated, 1 no longer in the structure, 2 unchanged.'
		);
		const created = dialog().querySelector(
			'[data-group="create"] [data-key="team"] a'
		)!;
		expect( created.getAttribute( 'href' ) ).toBe( 'http://wp.test/team/' );
		expect(
			dialog().querySelector( '[data-key="old-offer"]' )!.textContent
		).toContain( 'Moved to the trash' );
		expect( notices() ).toContain(
			'Version 4 applied to WordPress: 2 created, 2 updated, 1 no longer in the structure, 2 unchanged.'
		);
	} );

	it( 'asks for a fresh look when the structure was saved since the plan', async () => {
		client.post.mockImplementation( async ( path: string ) => {
			if ( path === `${ BASE }/7/apply/` ) {
				throw new ApiError( 'conflict', 'saved since', {
					status: 409,
				} );
			}
			return { credits: 3, balance: 40, sufficient: true };
		} );
		await render( '&blueprint=7' );
		await click( button( 'Apply to WordPress…' ) );
		await click( button( 'Apply to WordPress' ) );
		expect( text() ).toContain(
			'The site structure was saved again since this list was made.'
		);
		await click( button( 'Look again' ) );
		expect(
			client.get.mock.calls.filter(
				( [ path ] ) => path === `${ BASE }/7/plan/`
			)
		).toHaveLength( 2 );
	} );

	it( 'shows an apply already under way when the structure is opened', async () => {
		statusAnswers = [ status( { active: run( { status: 'running' } ) } ) ];
		await render( '&blueprint=7' );
		expect( text() ).toContain( 'An apply to WordPress is under way.' );
		await click( button( 'Show its progress' ) );
		expect( text() ).toContain( 'Applying: version 4' );
		expect( client.get ).not.toHaveBeenCalledWith( `${ BASE }/7/plan/` );
	} );
} );

describe( 'IGNY8 → Site Builder: writing a page’s copy with AI', () => {
	const PARAGRAPH =
		'We are a small agency that builds websites people find and trust.';
	const WRITTEN: SiteBlueprint = {
		...BLUEPRINT,
		version: 5,
		pages: BLUEPRINT.pages.map( ( p ) =>
			p.key === 'home'
				? {
						...p,
						sections: [
							{ heading: 'Welcome', summary: PARAGRAPH },
						],
					}
				: p
		),
	};

	/**
	 * A cloud where a page's copy costs 1 credit and the run it starts has finished.
	 * @param written The blueprint once the run saved its version.
	 */
	function copyCloud( written: SiteBlueprint = WRITTEN ) {
		let saved = false;
		client.post.mockImplementation(
			async ( path: string, body: { function?: string } ) => {
				if ( path === '/billing/estimate/' ) {
					return {
						credits: body.function === 'write_page_copy' ? 1 : 3,
						balance: 40,
						sufficient: true,
					};
				}
				if ( path === '/site-builder/pages/100/write/' ) {
					saved = true;
					return { run_id: 31 };
				}
				throw new Error( `Unexpected POST ${ path }` );
			}
		);
		const reads = client.get.getMockImplementation()!;
		client.get.mockImplementation( async ( path: string ) => {
			if ( path === '/system/ai-runs/31/' ) {
				return {
					id: 31,
					function_name: 'write_page_copy',
					status: 'succeeded',
					progress: { stage: 'done', percent: 100, seq: 4 },
					output_summary: {
						blueprint_id: 7,
						version: 5,
						page_id: 100,
						sections: 1,
					},
					error: null,
				};
			}
			if ( path === `${ BASE }/7/` && saved ) {
				return written;
			}
			return reads( path );
		} );
	}

	const openHome = () =>
		click( byText( '.igny8-sb__title', 'Home' ).closest( 'button' )! );

	it( 'shows the price on the button, asks first, then loads the new version with the paragraphs filled', async () => {
		copyCloud();
		await render( '&blueprint=7' );
		await openHome();
		expect( client.post ).toHaveBeenCalledWith( '/billing/estimate/', {
			function: 'write_page_copy',
			input: { page_id: 100 },
		} );
		await click( button( 'Write the copy with AI (1 credit)' ) );
		const dialog = document.querySelector( '[role="dialog"]' )!;
		expect( dialog.textContent ).toContain(
			'Write the copy of “Home” with AI'
		);
		expect( dialog.textContent ).toContain(
			'This will use at most 1 credit. Your balance: 40 credits.'
		);
		// Nothing is started before the person says so.
		expect( client.post ).not.toHaveBeenCalledWith(
			'/site-builder/pages/100/write/',
			expect.anything()
		);

		await click( button( 'Write' ) );
		expect( client.post ).toHaveBeenCalledWith(
			'/site-builder/pages/100/write/',
			{ expected_version: 4 }
		);
		await act( async () => undefined );
		expect(
			document.querySelector( '[role="dialog"]' )!.textContent
		).toContain(
			'The copy is saved as version 5 and shown in the outline.'
		);
		expect( text() ).toContain( 'Version 5' );
		const paragraph = byText< HTMLLabelElement >( 'label', 'What it says' );
		expect(
			(
				document.getElementById(
					paragraph.htmlFor
				) as HTMLTextAreaElement
			 ).value
		).toBe( PARAGRAPH );
		expect( notices() ).toContain(
			'The copy of “Home” is written and saved as version 5.'
		);
	} );

	it( 'says why not now: unsaved changes, or a page without an outline', async () => {
		copyCloud();
		await render( '&blueprint=7' );
		await openHome();
		await fill( 'Title', 'Start' );
		const unsaved = button( 'Write the copy with AI' );
		expect( unsaved.getAttribute( 'aria-disabled' ) ).toBe( 'true' );
		expect(
			document.getElementById(
				unsaved.getAttribute( 'aria-describedby' )!
			)!.textContent
		).toBe(
			'Save your changes first: the copy is written for the saved version.'
		);
		await click( unsaved );
		expect( document.querySelector( '[role="dialog"]' ) ).toBeNull();
		await fill( 'Title', 'Home' );

		await click(
			byText( '.igny8-sb__title', 'Contact' ).closest( 'button' )!
		);
		const buttons = [
			...document.querySelectorAll< HTMLButtonElement >( 'button' ),
		].filter( ( b ) =>
			b.textContent?.startsWith( 'Write the copy with AI' )
		);
		expect( buttons ).toHaveLength( 2 );
		expect( buttons[ 1 ]!.textContent ).toBe( 'Write the copy with AI' );
		expect( buttons[ 1 ]!.getAttribute( 'aria-disabled' ) ).toBe( 'true' );
		expect( text() ).toContain(
			'Add the headings of the page’s outline first: a paragraph is written under each.'
		);
		// A page without sections is not priced: the cloud would refuse it.
		expect( client.post ).not.toHaveBeenCalledWith(
			'/billing/estimate/',
			expect.objectContaining( { input: { page_id: 102 } } )
		);
	} );

	it( 'offers viewers no copy writing', async () => {
		copyCloud();
		await render( '&blueprint=7', 'viewer' );
		await openHome();
		expect( text() ).not.toContain( 'Write the copy with AI' );
	} );
} );
