/**
 * External dependencies
 */
import type { SiteBlueprint } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import {
	addItem,
	draftOf,
	hasProblems,
	moveAmongSiblings,
	placeItem,
	problemsFromServer,
	problemsOf,
	removePage,
	setParent,
	structureOf,
	type Draft,
	type DraftPage,
} from '../tree';

const STAMP = '2026-12-07T06:00:00.000Z';

const page = (
	key: string,
	title: string,
	parent: string | null = null,
	position = 0
) => ( {
	id: position + 1,
	blueprint_id: 7,
	site_id: 3,
	key,
	parent_key: parent,
	title,
	slug: key,
	page_type: 'custom' as const,
	status: 'publish' as const,
	sections: [],
	target_keywords: [],
	cluster_id: null,
	position,
	created_at: STAMP,
	updated_at: STAMP,
} );

/** Home, About (Team, Careers), Services (SEO), Contact — listed children first, as a cloud may. */
const BLUEPRINT = {
	id: 7,
	site_id: 3,
	name: 'Agency',
	description: '',
	source: 'manual',
	version: 4,
	page_count: 7,
	category_count: 1,
	menu_count: 1,
	last_applied_version: null,
	last_applied_at: null,
	created_by: null,
	created_at: STAMP,
	updated_at: STAMP,
	pages: [
		page( 'team', 'Team', 'about', 0 ),
		page( 'home', 'Home', null, 0 ),
		page( 'about', 'About', null, 1 ),
		page( 'careers', 'Careers', 'about', 1 ),
		page( 'services', 'Services', null, 2 ),
		page( 'seo', 'SEO', 'services', 0 ),
		page( 'contact', 'Contact', null, 3 ),
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
			name: 'Main',
			location: 'primary',
			items: [
				{
					key: 'page-about',
					parent_key: null,
					label: '',
					type: 'page',
					target_key: 'about',
					url: null,
				},
				{
					key: 'page-team',
					parent_key: 'page-about',
					label: '',
					type: 'page',
					target_key: 'team',
					url: null,
				},
				{
					key: 'login',
					parent_key: null,
					label: 'Log in',
					type: 'custom',
					target_key: null,
					url: 'https://app.example.test/',
				},
			],
		},
	],
} as SiteBlueprint;

const keys = ( draft: { pages: { key: string }[] } ) =>
	draft.pages.map( ( p ) => p.key );
const parents = ( pages: DraftPage[] ) =>
	Object.fromEntries( pages.map( ( p ) => [ p.key, p.parent_key ] ) );

const WORDS = {
	blank: 'blank',
	badSlug: 'bad slug',
	takenSlug: 'taken',
	noTarget: 'no target',
	badUrl: 'bad url',
	noLabel: 'no label',
};

describe( 'the draft of a blueprint', () => {
	it( 'lists parents before their children, siblings in their order', () => {
		expect( keys( draftOf( BLUEPRINT ) ) ).toEqual( [
			'home',
			'about',
			'team',
			'careers',
			'services',
			'seo',
			'contact',
		] );
	} );

	it( 'saves what it loaded unchanged, keys and slugs kept', () => {
		const saved = structureOf( draftOf( BLUEPRINT ) );
		expect(
			saved.pages.map( ( p ) => [ p.key, p.parent_key, p.slug ] )
		).toEqual( [
			[ 'home', null, 'home' ],
			[ 'about', null, 'about' ],
			[ 'team', 'about', 'team' ],
			[ 'careers', 'about', 'careers' ],
			[ 'services', null, 'services' ],
			[ 'seo', 'services', 'seo' ],
			[ 'contact', null, 'contact' ],
		] );
		expect( saved.menus[ 0 ]!.items ).toEqual(
			BLUEPRINT.menus[ 0 ]!.items
		);
		expect( saved.menus[ 0 ]!.location ).toBe( 'primary' );
	} );
} );

describe( 'moving pages', () => {
	const pages = draftOf( BLUEPRINT ).pages;

	it( 'moves a page up among its siblings, taking its own pages along', () => {
		const moved = moveAmongSiblings( pages, 'services', -1 );
		expect( keys( { pages: moved } ) ).toEqual( [
			'home',
			'services',
			'seo',
			'about',
			'team',
			'careers',
			'contact',
		] );
	} );

	it( 'changes nothing past either end', () => {
		expect( moveAmongSiblings( pages, 'home', -1 ) ).toEqual( pages );
		expect( moveAmongSiblings( pages, 'careers', 1 ) ).toEqual( pages );
	} );

	it( 'drops a page before, after or inside another', () => {
		const before = placeItem( pages, 'contact', 'about', 'before' );
		expect( keys( { pages: before } ) ).toEqual( [
			'home',
			'contact',
			'about',
			'team',
			'careers',
			'services',
			'seo',
		] );
		const inside = placeItem( pages, 'contact', 'about', 'inside' );
		expect( parents( inside ).contact ).toBe( 'about' );
		expect( keys( { pages: inside } ) ).toEqual( [
			'home',
			'about',
			'team',
			'careers',
			'contact',
			'services',
			'seo',
		] );
		const after = placeItem( pages, 'home', 'seo', 'after' );
		expect( parents( after ).home ).toBe( 'services' );
	} );

	it( 'never puts a page under itself or its own pages', () => {
		expect( placeItem( pages, 'about', 'team', 'inside' ) ).toEqual(
			pages
		);
		expect( placeItem( pages, 'about', 'about', 'before' ) ).toEqual(
			pages
		);
		expect( setParent( pages, 'about', 'careers' ) ).toEqual( pages );
	} );

	it( 'puts a page under another parent, last, or back at the top level', () => {
		const moved = setParent( pages, 'seo', 'about' );
		expect( keys( { pages: moved } ) ).toEqual( [
			'home',
			'about',
			'team',
			'careers',
			'seo',
			'services',
			'contact',
		] );
		expect(
			keys( { pages: setParent( moved, 'team', null ) } ).slice( -1 )
		).toEqual( [ 'team' ] );
	} );
} );

describe( 'adding and removing', () => {
	it( 'moves the pages under a removed page up to its place, and drops the menu links to it', () => {
		const draft = removePage( draftOf( BLUEPRINT ), 'about' );
		expect( keys( draft ) ).toEqual( [
			'home',
			'team',
			'careers',
			'services',
			'seo',
			'contact',
		] );
		expect( parents( draft.pages ).team ).toBeNull();
		// The link to About goes; the link to Team under it moves up.
		expect(
			draft.menus[ 0 ]!.items.map( ( item ) => [
				item.key,
				item.parent_key,
			] )
		).toEqual( [
			[ 'page-team', null ],
			[ 'login', null ],
		] );
	} );

	it( 'gives new pages keys made from their slug, unique, and points their children and links at them', () => {
		const base = draftOf( BLUEPRINT );
		const pricing: DraftPage = {
			key: 'igny8-new-1',
			isNew: true,
			parent_key: null,
			title: 'Contact',
			slug: '',
			page_type: 'custom',
			status: 'draft',
			sections: [ { heading: ' Plans ', summary: '' } ],
			target_keywords: [ ' seo pricing', '' ],
			cluster_id: null,
		};
		const child: DraftPage = {
			...pricing,
			key: 'igny8-new-2',
			parent_key: 'igny8-new-1',
			title: 'Enterprise plan',
		};
		const draft: Draft = {
			...base,
			pages: addItem( addItem( base.pages, pricing ), child ),
			menus: [
				{
					...base.menus[ 0 ]!,
					items: [
						...base.menus[ 0 ]!.items,
						{
							key: 'igny8-new-3',
							isNew: true,
							parent_key: null,
							label: '',
							type: 'page',
							target_key: 'igny8-new-2',
							url: '',
						},
					],
				},
			],
		};
		const saved = structureOf( draft );
		const made = saved.pages.slice( -2 );
		// “contact” is taken by the page already saved.
		expect( made ).toEqual( [
			{
				key: 'contact-2',
				parent_key: null,
				title: 'Contact',
				page_type: 'custom',
				status: 'draft',
				sections: [ { heading: 'Plans', summary: '' } ],
				target_keywords: [ 'seo pricing' ],
				cluster_id: null,
			},
			expect.objectContaining( {
				key: 'enterprise-plan',
				parent_key: 'contact-2',
			} ),
		] );
		expect( saved.menus[ 0 ]!.items!.at( -1 ) ).toEqual( {
			key: 'page-enterprise-plan',
			parent_key: null,
			label: '',
			type: 'page',
			target_key: 'enterprise-plan',
			url: null,
		} );
	} );
} );

describe( 'problems said before saving', () => {
	it( 'finds blank titles, bad and taken slugs, links without a target or address', () => {
		const base = draftOf( BLUEPRINT );
		const draft: Draft = {
			...base,
			pages: base.pages.map( ( p ) => {
				if ( p.key === 'team' ) {
					return { ...p, title: ' ' };
				}
				if ( p.key === 'careers' ) {
					return { ...p, slug: 'team' };
				}
				return p.key === 'seo' ? { ...p, slug: 'Not A Slug' } : p;
			} ),
			menus: [
				{
					...base.menus[ 0 ]!,
					items: base.menus[ 0 ]!.items.map( ( item ) =>
						item.key === 'login'
							? { ...item, url: 'ftp://x' }
							: item
					),
				},
			],
		};
		const problems = problemsOf( draft, WORDS );
		expect( problems.pages ).toEqual( {
			team: { title: 'blank' },
			careers: { slug: 'taken' },
			seo: { slug: 'bad slug' },
		} );
		expect( problems.items ).toEqual( {
			main: { login: { url: 'bad url' } },
		} );
		expect( hasProblems( problemsOf( base, WORDS ) ) ).toBe( false );
	} );

	it( 'places the cloud’s field errors on the items at those places', () => {
		const draft = draftOf( BLUEPRINT );
		expect(
			problemsFromServer(
				{
					'pages.2.slug': [ 'is taken' ],
					'menus.0.items.2.url': [ 'must be a valid http(s) URL' ],
				},
				draft
			)
		).toEqual( {
			pages: { team: { slug: 'is taken' } },
			categories: {},
			menus: {},
			items: { main: { login: { url: 'must be a valid http(s) URL' } } },
		} );
	} );
} );
