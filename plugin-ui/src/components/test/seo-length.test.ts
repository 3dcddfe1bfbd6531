/**
 * Internal dependencies
 */
import {
	breadcrumbUrl,
	buildSnippet,
	checkDescription,
	checkTitle,
	containsKeyphrase,
	DESCRIPTION_MAX_CHARS,
	slugOf,
	TITLE_MAX_PX,
	titleWidthPx,
} from '../seo-length';

const words = ( count: number, word = 'garden' ) =>
	Array.from( { length: count }, () => word ).join( ' ' );

describe( 'checkTitle', () => {
	it( 'calls an empty title missing', () => {
		expect( checkTitle( '   ' ) ).toEqual( {
			verdict: 'missing',
			chars: 0,
			px: 0,
		} );
	} );

	it( 'calls a title under 30 characters too short', () => {
		expect( checkTitle( 'Tomato seeds' ).verdict ).toBe( 'short' );
	} );

	it( 'accepts a title of about 50 characters', () => {
		const check = checkTitle(
			'How to grow tomato seeds indoors: a starter guide'
		);
		expect( check.verdict ).toBe( 'good' );
		expect( check.chars ).toBe( 49 );
		expect( check.px ).toBeGreaterThan( 300 );
		expect( check.px ).toBeLessThanOrEqual( TITLE_MAX_PX );
	} );

	it( 'calls a title over 60 characters too long', () => {
		const check = checkTitle( words( 10 ) ); // 69 characters
		expect( check.chars ).toBe( 69 );
		expect( check.verdict ).toBe( 'long' );
	} );

	it( 'calls a title of wide letters too long before 60 characters', () => {
		const wide = 'W'.repeat( 40 );
		expect( titleWidthPx( wide ) ).toBeGreaterThan( TITLE_MAX_PX );
		expect( checkTitle( wide ).verdict ).toBe( 'long' );
	} );

	it( 'measures narrow letters narrower than wide ones', () => {
		expect( titleWidthPx( 'iiii' ) ).toBeLessThan( titleWidthPx( 'mmmm' ) );
		expect( titleWidthPx( '' ) ).toBe( 0 );
	} );
} );

describe( 'checkDescription', () => {
	it( 'grades by the 120–156 character window', () => {
		expect( checkDescription( '' ).verdict ).toBe( 'missing' );
		expect( checkDescription( 'x'.repeat( 119 ) ).verdict ).toBe( 'short' );
		expect( checkDescription( 'x'.repeat( 120 ) ).verdict ).toBe( 'good' );
		expect( checkDescription( 'x'.repeat( 156 ) ).verdict ).toBe( 'good' );
		expect( checkDescription( 'x'.repeat( 157 ) ) ).toEqual( {
			verdict: 'long',
			chars: 157,
			px: 0,
		} );
	} );

	it( 'counts an emoji as one character', () => {
		expect( checkDescription( '🍅'.repeat( 3 ) ).chars ).toBe( 3 );
	} );
} );

describe( 'buildSnippet', () => {
	it( 'falls back to the post title and the excerpt', () => {
		expect(
			buildSnippet( {
				seoTitle: '',
				postTitle: 'Tomato  seeds',
				url: 'https://www.example.com/guides/tomato-seeds/',
				description: '',
				excerpt: 'A short guide.',
			} )
		).toEqual( {
			title: 'Tomato seeds',
			url: 'example.com › guides › tomato-seeds',
			description: 'A short guide.',
		} );
	} );

	it( 'prefers the SEO title and meta description when set', () => {
		const snippet = buildSnippet( {
			seoTitle: 'Grow tomatoes from seed',
			postTitle: 'Tomato seeds',
			url: 'https://example.com/?p=4',
			description: 'Everything about seeds.',
			excerpt: 'Unused.',
		} );
		expect( snippet.title ).toBe( 'Grow tomatoes from seed' );
		expect( snippet.description ).toBe( 'Everything about seeds.' );
	} );

	it( 'cuts a long title at a word within 580 px, with an ellipsis', () => {
		const snippet = buildSnippet( {
			seoTitle: words( 20 ),
			postTitle: '',
			url: 'https://example.com/',
			description: '',
		} );
		expect( snippet.title.endsWith( ' …' ) ).toBe( true );
		expect( titleWidthPx( snippet.title ) ).toBeLessThanOrEqual(
			TITLE_MAX_PX
		);
		expect( snippet.title.replace( ' …', '' ).split( ' ' ) ).toEqual(
			expect.arrayContaining( [ 'garden' ] )
		);
		expect( snippet.title ).not.toMatch( /gard …|garde …/ );
	} );

	it( 'cuts a long description at 156 characters on a word', () => {
		const snippet = buildSnippet( {
			seoTitle: 'T',
			postTitle: '',
			url: 'https://example.com/',
			description: words( 40, 'tomato' ),
		} );
		expect( [ ...snippet.description ].length ).toBeLessThanOrEqual(
			DESCRIPTION_MAX_CHARS
		);
		expect( snippet.description ).toMatch( /^(tomato )+…$/ );
	} );
} );

describe( 'addresses and keyphrases', () => {
	it( 'prints an address as breadcrumbs', () => {
		expect( breadcrumbUrl( 'https://shop.example.org/a/b%C3%A9/' ) ).toBe(
			'shop.example.org › a › bé'
		);
		expect( breadcrumbUrl( 'not a url' ) ).toBe( 'not a url' );
	} );

	it( 'makes a slug the way WordPress does for plain titles', () => {
		expect( slugOf( 'Crème brûlée: 5 tips!' ) ).toBe(
			'creme-brulee-5-tips'
		);
	} );

	it( 'finds every word of the keyphrase, ignoring case and accents', () => {
		expect(
			containsKeyphrase( 'Tomato seeds', 'Growing tomato-seeds indoors' )
		).toBe( true );
		expect(
			containsKeyphrase( 'creme brulee', 'Crème Brûlée at home' )
		).toBe( true );
		expect(
			containsKeyphrase( 'tomato seeds', 'Tomatoes and seedlings' )
		).toBe( false );
		expect( containsKeyphrase( '', 'anything' ) ).toBe( false );
	} );
} );
