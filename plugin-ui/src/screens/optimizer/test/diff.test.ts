/**
 * Internal dependencies
 */
import { diffParagraphs, diffStats, paragraphsOf, textOf } from '../diff';

const block = ( text: string ) =>
	`<!-- wp:paragraph -->\n<p>${ text }</p>\n<!-- /wp:paragraph -->`;

describe( 'paragraphsOf', () => {
	it( 'reads paragraphs, headings and list items as text, in order, skipping empty ones', () => {
		const html = [
			'<!-- wp:heading --><h2 class="x">Why <em>tomatoes</em></h2><!-- /wp:heading -->',
			block( 'Sun &amp; water&nbsp;matter.' ),
			block( '   ' ),
			'<ul><li>Stake them</li><li>Pinch the &#8216;suckers&#x2019;</li></ul>',
		].join( '\n' );
		expect( paragraphsOf( html ) ).toEqual( [
			{ tag: 'h2', text: 'Why tomatoes' },
			{ tag: 'p', text: 'Sun & water matter.' },
			{ tag: 'li', text: 'Stake them' },
			{ tag: 'li', text: 'Pinch the ‘suckers’' },
		] );
	} );

	it( 'cuts plain text at blank lines', () => {
		expect( paragraphsOf( 'One.\n\nTwo\nlines.' ) ).toEqual( [
			{ tag: 'p', text: 'One.' },
			{ tag: 'p', text: 'Two lines.' },
		] );
	} );

	it( 'keeps markup out of the text it shows', () => {
		expect( textOf( 'Hi <script>alert(1)</script><b>there</b>' ) ).toBe(
			'Hi alert(1)there'
		);
	} );
} );

describe( 'diffParagraphs', () => {
	it( 'lines up an unchanged draft paragraph by paragraph', () => {
		const html = [ block( 'A.' ), block( 'B.' ) ].join( '' );
		const rows = diffParagraphs( html, html );
		expect( rows.map( ( row ) => row.kind ) ).toEqual( [ 'same', 'same' ] );
	} );

	it( 'pairs a rewritten paragraph with the one it replaces and leaves the rest alone', () => {
		const before = [
			block( 'Intro without the phrase.' ),
			block( 'Middle stays.' ),
			block( 'End stays.' ),
		].join( '' );
		const after = [
			block( 'Grow tomatoes: an intro with the phrase.' ),
			block( 'Middle stays.' ),
			block( 'End stays.' ),
			block( 'A new closing paragraph.' ),
		].join( '' );
		const rows = diffParagraphs( before, after );
		expect( rows ).toEqual( [
			{
				kind: 'changed',
				before: { tag: 'p', text: 'Intro without the phrase.' },
				after: {
					tag: 'p',
					text: 'Grow tomatoes: an intro with the phrase.',
				},
			},
			{
				kind: 'same',
				before: { tag: 'p', text: 'Middle stays.' },
				after: { tag: 'p', text: 'Middle stays.' },
			},
			{
				kind: 'same',
				before: { tag: 'p', text: 'End stays.' },
				after: { tag: 'p', text: 'End stays.' },
			},
			{
				kind: 'added',
				after: { tag: 'p', text: 'A new closing paragraph.' },
			},
		] );
		expect( diffStats( rows ) ).toEqual( {
			changed: 1,
			added: 1,
			removed: 0,
			same: 2,
		} );
	} );

	it( 'shows a dropped paragraph as removed', () => {
		const rows = diffParagraphs(
			[
				block( 'Keep.' ),
				block( 'Drop me.' ),
				block( 'Keep too.' ),
			].join( '' ),
			[ block( 'Keep.' ), block( 'Keep too.' ) ].join( '' )
		);
		expect( rows.map( ( row ) => row.kind ) ).toEqual( [
			'same',
			'removed',
			'same',
		] );
	} );

	it( 'treats a paragraph turned into a heading as a change', () => {
		const rows = diffParagraphs( block( 'Watering' ), '<h2>Watering</h2>' );
		expect( rows.map( ( row ) => row.kind ) ).toEqual( [ 'changed' ] );
	} );
} );
