/**
 * Internal dependencies
 */
import { cutToFit, deviceSnippet, SNIPPET_LIMITS } from '../snippet-preview';
import { charCount, titleWidthPx } from '../seo-length';

const DESCRIPTION =
	'Grow tomatoes in pots on a sunny balcony: which varieties to pick, how deep a pot they need, when to water and feed them, and how to keep blight away all summer long.';

describe( 'deviceSnippet', () => {
	it( 'keeps a short title and description whole, on both devices', () => {
		for ( const device of [ 'desktop', 'mobile' ] as const ) {
			const snippet = deviceSnippet( device, {
				title: 'Growing tomatoes',
				url: 'https://www.example.com/guides/tomatoes/',
				description: 'Sun, water and patience.',
			} );
			expect( snippet ).toEqual( {
				title: 'Growing tomatoes',
				url: 'example.com › guides › tomatoes',
				description: 'Sun, water and patience.',
				titleCut: false,
				descriptionCut: false,
			} );
		}
	} );

	it( 'cuts the description at a word, about 156 characters on a desktop and 120 on a phone', () => {
		expect( charCount( DESCRIPTION ) ).toBeGreaterThan( 156 );
		const desktop = deviceSnippet( 'desktop', {
			title: 'T',
			url: '',
			description: DESCRIPTION,
		} );
		const mobile = deviceSnippet( 'mobile', {
			title: 'T',
			url: '',
			description: DESCRIPTION,
		} );
		expect( desktop.descriptionCut ).toBe( true );
		expect( mobile.descriptionCut ).toBe( true );
		expect( charCount( desktop.description ) ).toBeLessThanOrEqual( 156 );
		expect( charCount( desktop.description ) ).toBeGreaterThan( 140 );
		expect( charCount( mobile.description ) ).toBeLessThanOrEqual( 120 );
		expect( charCount( mobile.description ) ).toBeGreaterThan( 100 );
		// Cut between words, with an ellipsis.
		expect( desktop.description ).toMatch( /[a-z] …$/ );
		expect(
			DESCRIPTION.startsWith( desktop.description.slice( 0, -2 ) )
		).toBe( true );
		expect(
			desktop.description.startsWith( mobile.description.slice( 0, -2 ) )
		).toBe( true );
	} );

	it( 'cuts a title wider than about 600 pixels', () => {
		const title =
			'The Complete Guide to Growing Tomatoes on a Balcony, From Seed to Harvest';
		expect( titleWidthPx( title ) ).toBeGreaterThan(
			SNIPPET_LIMITS.desktop.titlePx
		);
		const snippet = deviceSnippet( 'desktop', {
			title,
			url: '',
			description: '',
		} );
		expect( snippet.titleCut ).toBe( true );
		expect( titleWidthPx( snippet.title ) ).toBeLessThanOrEqual( 600 );
		expect( snippet.title ).toMatch( / …$/ );
		expect( snippet.description ).toBe( '' );
	} );
} );

describe( 'cutToFit', () => {
	it( 'cuts inside a single word wider than the room', () => {
		expect(
			cutToFit( 'Supercalifragilistic', ( text ) => text.length <= 6 )
		).toBe( 'Super…' );
	} );
} );
