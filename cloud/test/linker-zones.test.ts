import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
	linkableRuns,
	shortcodeSpans,
	type TextRun,
} from '../src/modules/linker/text/zones';

/**
 * Where the Linker may put a link: every forbidden place the issue names
 * gets none, on the markup the block editor and the classic editor save.
 */

const fixture = ( name: string ) =>
	readFileSync( path.join( __dirname, 'fixtures/linker', name ), 'utf8' );

const texts = ( html: string ) => linkableRuns( html ).map( ( r ) => r.text );
const containing = ( runs: TextRun[], word: string ) =>
	runs.filter( ( r ) => r.text.toLowerCase().includes( word ) );

/** What every run must be, whatever the HTML. */
function expectWellFormed( html: string, runs: TextRun[] ) {
	let previous: TextRun | null = null;
	for ( const run of runs ) {
		expect( html.slice( run.start, run.end ) ).toBe( run.text );
		expect( run.text.trim() ).not.toBe( '' );
		expect( run.text ).not.toMatch(
			/&(?:#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i
		);
		expect( run.text ).not.toMatch( /\[\/?[a-z][\w-]*[^\]]*\]/i );
		expect( run.text ).not.toMatch( /<\/?[a-z!]/i );
		if ( previous ) {
			expect( run.start ).toBeGreaterThanOrEqual( previous.end );
			expect( run.paragraph ).toBeGreaterThanOrEqual(
				previous.paragraph
			);
		}
		previous = run;
	}
}

const PROSE =
	'\n\n<!-- wp:paragraph -->\n<p>Fermentation takes a whole night.</p>\n<!-- /wp:paragraph -->\n';

describe( 'the places a link may never go', () => {
	const places = [
		[ 'a heading', 'heading.html' ],
		[ 'an existing link', 'existing-link.html' ],
		[ 'a shortcode or between [caption] and [/caption]', 'shortcode.html' ],
		[ 'code', 'code.html' ],
		[ 'pre (preformatted and verse blocks)', 'pre.html' ],
		[ 'a button (Buttons, File and <button>)', 'button.html' ],
		[ 'an image or table caption', 'caption.html' ],
	] as const;

	it.each( places )(
		'gets no anchor in %s, though the word is there',
		( _place, file ) => {
			const html = fixture( file );
			expect( html.toLowerCase() ).toContain( 'fermentation' );
			const runs = linkableRuns( html );
			expectWellFormed( html, runs );
			// The post's prose is still found: only the forbidden place is left out.
			expect( runs.length ).toBeGreaterThan( 0 );
			expect( containing( runs, 'fermentation' ) ).toEqual( [] );
		}
	);

	it.each( places )(
		'finds the same word once it is written in prose after %s',
		( _place, file ) => {
			const html = fixture( file ) + PROSE;
			const runs = linkableRuns( html );
			expectWellFormed( html, runs );
			const found = containing( runs, 'fermentation' );
			expect( found ).toHaveLength( 1 );
			expect( found[ 0 ]?.text ).toBe(
				'Fermentation takes a whole night.'
			);
			expect( found[ 0 ]?.start ).toBe(
				html.indexOf( 'Fermentation takes' )
			);
			expect( found[ 0 ]?.paragraph ).toBe( runs.at( -1 )?.paragraph );
		}
	);

	it( 'reads the Buttons wrappers as buttons whatever element the button is', () => {
		const html =
			'<div class="wp-block-buttons is-layout-flex"><div class="wp-block-button is-style-outline"><span>Order bread</span></div></div>' +
			'<p>Order bread <span role="button" tabindex="0">Order now</span></p>';
		expect( texts( html ) ).toEqual( [ 'Order bread ' ] );
	} );

	it( 'leaves out an embed’s URL and any address written as text', () => {
		const html = fixture( 'post.html' );
		expect( texts( html ).join( '' ) ).not.toContain( 'youtube' );
		expect(
			texts(
				'<p>See https://example.com/bread/ or www.example.com today.</p>'
			)
		).toEqual( [ 'See ', ' or ', ' today.' ] );
	} );

	it( 'reads a link opened with `<a …/>` as a link, as browsers do', () => {
		expect(
			texts( '<p>Before <a href="/x"/>inside</a> after</p>' )
		).toEqual( [ 'Before ', ' after' ] );
	} );

	it( 'never reads script, style, template or SVG text', () => {
		const html =
			'<p>Bread</p><script>var bread = "Bread";</script><style>.bread{}</style><template><p>Bread</p></template><svg><title>Bread</title><text>Bread</text></svg>';
		expect( texts( html ) ).toEqual( [ 'Bread' ] );
	} );

	it( 'keeps text out of a heading even when a paragraph opens inside it', () => {
		expect(
			texts( '<h2>Rye <p>bread</p> loaf</h2><p>Rye bread</p>' )
		).toEqual( [ 'Rye bread' ] );
	} );
} );

describe( 'runs of text', () => {
	it( 'are one run when the parser hands the text over in pieces (a “<” that opens no tag)', () => {
		const html = '<p>If a < b and 3 <4 then bake.</p>';
		const runs = linkableRuns( html );
		expect( runs ).toEqual( [
			{
				paragraph: 0,
				start: 3,
				end: html.length - 4,
				text: 'If a < b and 3 <4 then bake.',
			},
		] );
	} );

	it( 'never hold an entity: the text on either side is a run of its own', () => {
		expect(
			texts( '<p>flour &amp; water&nbsp;now &#8211; or &#x2014;</p>' )
		).toEqual( [ 'flour ', ' water', 'now ', ' or ' ] );
	} );

	it( 'never hold a shortcode, and nothing of an enclosing one', () => {
		const html =
			'<p>Bake [timer minutes="40"] then [note]cool it[/note] and slice [gallery/] it.</p>';
		expect( texts( html ) ).toEqual( [
			'Bake ',
			' then ',
			' and slice ',
			' it.',
		] );
		expect(
			shortcodeSpans( html ).map( ( [ a, b ] ) => html.slice( a, b ) )
		).toEqual( [
			'[timer minutes="40"]',
			'[note]cool it[/note]',
			'[/note]',
			'[gallery/]',
		] );
	} );

	it( 'stop at inline tags but stay in their paragraph', () => {
		const runs = linkableRuns(
			'<p>Learn <strong>sourdough <em>baking</em></strong> today.<br>Then rest.<br/>Then eat.</p><p>Next</p>'
		);
		expect( runs.map( ( r ) => [ r.paragraph, r.text ] ) ).toEqual( [
			[ 0, 'Learn ' ],
			[ 0, 'sourdough ' ],
			[ 0, 'baking' ],
			[ 0, ' today.' ],
			[ 0, 'Then rest.' ],
			[ 0, 'Then eat.' ],
			[ 1, 'Next' ],
		] );
	} );

	it( 'are split by a comment but a block comment starts no paragraph by itself', () => {
		const runs = linkableRuns(
			'<!-- wp:paragraph --><p>one<!-- note -->two</p><!-- /wp:paragraph --><!-- wp:more --><!--more--><!-- /wp:more --><p>three</p>'
		);
		expect( runs.map( ( r ) => [ r.paragraph, r.text ] ) ).toEqual( [
			[ 0, 'one' ],
			[ 0, 'two' ],
			[ 1, 'three' ],
		] );
	} );

	it( 'count paragraphs the way a reader sees them: unclosed <p>, list items, cells, classic-editor blank lines', () => {
		const runs = linkableRuns(
			'<p>one<p>two<img src="a.jpg" alt="x">still two<ul><li>three<li>four</ul><table><tr><td>five<td>six</table>seven\n\neight\n \nnine\n<hr>ten'
		);
		expect( runs.map( ( r ) => [ r.paragraph, r.text.trim() ] ) ).toEqual( [
			[ 0, 'one' ],
			[ 1, 'two' ],
			[ 1, 'still two' ],
			[ 2, 'three' ],
			[ 3, 'four' ],
			[ 4, 'five' ],
			[ 5, 'six' ],
			[ 6, 'seven' ],
			[ 7, 'eight' ],
			[ 8, 'nine' ],
			[ 9, 'ten' ],
		] );
	} );

	it( 'count a heading as a paragraph, so the prose after it is another block', () => {
		const runs = linkableRuns( 'Intro text<h2>Title</h2>Body text' );
		expect( runs.map( ( r ) => [ r.paragraph, r.text ] ) ).toEqual( [
			[ 0, 'Intro text' ],
			[ 2, 'Body text' ],
		] );
	} );

	it( 'give UTF-16 offsets into the HTML as given, past accents and emoji', () => {
		const html = '<p>Café 🍞 — crème fraîche</p><p>Ünïcödé 👩‍🍳 bakers</p>';
		const runs = linkableRuns( html );
		expectWellFormed( html, runs );
		expect( runs.map( ( r ) => r.text ) ).toEqual( [
			'Café 🍞 — crème fraîche',
			'Ünïcödé 👩‍🍳 bakers',
		] );
		expect( runs[ 1 ]?.start ).toBe( html.indexOf( 'Ünïcödé' ) );
	} );

	it( 'are well formed on a whole realistic post', () => {
		const html = fixture( 'post.html' );
		const runs = linkableRuns( html );
		expectWellFormed( html, runs );
		const all = runs.map( ( r ) => r.text ).join( '|' );
		expect( all ).toContain( 'café down the street 🍞 sells one' );
		expect( all ).toContain( 'whole wheat flour' );
		expect( all ).toContain( 'Rye flour' );
		expect( all ).toContain( 'James Beard' );
		// Heading, caption, link, button, code and shortcode text is not there.
		for ( const absent of [
			'Building a sourdough',
			'on day five',
			'hydration guide',
			'Buy a sourdough',
			'flour + water',
			'recipe',
		] ) {
			expect( all ).not.toContain( absent );
		}
	} );
} );
