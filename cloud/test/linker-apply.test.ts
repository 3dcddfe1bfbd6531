import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
	contextAround,
	insertLinks,
	LinkPlacementError,
	linkIdsIn,
	relocateAnchor,
	removeLinks,
	utf8Offset,
	type LinkToInsert,
} from '../src/modules/linker/text/apply';
import { extractLinks, normalizePath } from '../src/modules/linker/text/links';
import { linkableRuns, type TextRun } from '../src/modules/linker/text/zones';

/**
 * Applying the Linker's links to a post: everything outside the inserted
 * `<a>` tags stays byte for byte, IGNY8's links come out again exactly, and
 * an anchor is found again after the post changed.
 */

const post = readFileSync(
	path.join( __dirname, 'fixtures/linker/post.html' ),
	'utf8'
);

/** The place of the nth occurrence of the text inside a linkable run. */
function place( html: string, text: string, nth = 0 ) {
	const found: Array< { run: TextRun; start: number; end: number } > = [];
	for ( const run of linkableRuns( html ) ) {
		for (
			let at = run.text.indexOf( text );
			at !== -1;
			at = run.text.indexOf( text, at + 1 )
		) {
			found.push( {
				run,
				start: run.start + at,
				end: run.start + at + text.length,
			} );
		}
	}
	const hit = found[ nth ];
	if ( ! hit ) {
		throw new Error( `"${ text }" #${ nth } is not in a linkable run` );
	}
	return hit;
}

function link( html: string, text: string, id: string, href = `/${ id }/` ) {
	const { start, end } = place( html, text );
	return { start, end, id, href };
}

/**
 * The HTML with exactly the tags insertLinks wrote taken out again, found
 * as the literal strings it must have written (not with removeLinks).
 */
function stripInserted(
	html: string,
	links: LinkToInsert[],
	escaped: string[]
) {
	let out = html;
	links.forEach( ( l, i ) => {
		const open = `<a href="${ escaped[ i ] }" data-igny8-link="${ l.id }">`;
		const at = out.indexOf( open );
		expect( at ).toBeGreaterThanOrEqual( 0 );
		const textEnd = at + open.length + ( l.end - l.start );
		expect( out.slice( textEnd, textEnd + 4 ) ).toBe( '</a>' );
		out =
			out.slice( 0, at ) +
			out.slice( at + open.length, textEnd ) +
			out.slice( textEnd + 4 );
	} );
	return out;
}

describe( 'inserting links', () => {
	const links = [
		link( post, 'Sourdough bread', 'l1', '/sourdough-bread/' ),
		link( post, 'whole wheat flour', 'l2', '/whole-wheat/' ),
		link( post, 'café', 'l3', 'https://example.com/cafés/?a=1&b="2"<x>' ),
		link( post, 'Crème fraîche', 'l4', '/creme-fraiche/' ),
		link( post, 'Rye flour', 'l5', '/rye/' ),
	];
	const applied = insertLinks( post, links );

	it( 'wraps exactly the anchors and leaves every other byte of the post as it was', () => {
		expect( applied ).not.toBe( post );
		expect( applied ).toContain(
			'<a href="/sourdough-bread/" data-igny8-link="l1">Sourdough bread</a> is made'
		);
		expect( applied ).toContain(
			'than <strong><a href="/whole-wheat/" data-igny8-link="l2">whole wheat flour</a></strong>,'
		);
		expect(
			stripInserted( applied, links, [
				'/sourdough-bread/',
				'/whole-wheat/',
				'https://example.com/cafés/?a=1&amp;b=&quot;2&quot;&lt;x&gt;',
				'/creme-fraiche/',
				'/rye/',
			] ) === post
		).toBe( true );
	} );

	it( 'gives the same HTML whatever order the links come in', () => {
		expect( insertLinks( post, [ ...links ].reverse() ) ).toBe( applied );
		expect(
			insertLinks( post, [
				links[ 2 ]!,
				links[ 0 ]!,
				links[ 4 ]!,
				links[ 1 ]!,
				links[ 3 ]!,
			] )
		).toBe( applied );
	} );

	it( 'marks every link it added, so applying again is refused and the caller skips', () => {
		expect( linkIdsIn( applied ) ).toEqual( [
			'l1',
			'l3',
			'l5',
			'l2',
			'l4',
		] );
		// The same id again, even at another place: refused, nothing changes.
		const again = { ...link( applied, 'Spelt flour', 'l1' ) };
		expect( () => insertLinks( applied, [ again ] ) ).toThrow(
			expect.objectContaining( {
				problem: 'already_linked',
				linkId: 'l1',
			} )
		);
		// What the caller does: skip the ids already there; applying twice = once.
		const present = new Set( linkIdsIn( applied ) );
		const todo = links.filter( ( l ) => ! present.has( l.id ) );
		expect( todo ).toEqual( [] );
	} );

	it( 'no longer offers text it linked as a place for another link', () => {
		const runs = linkableRuns( applied )
			.map( ( r ) => r.text )
			.join( '|' );
		expect( runs ).not.toContain( 'whole wheat flour' );
		expect( runs ).not.toContain( 'Crème fraîche' );
		expect( runs ).toContain( 'Spelt flour' );
	} );

	it.each( [
		[ 'in a heading', 'Building a sourdough starter', 'outside_text' ],
		[ 'in an image caption', 'on day five', 'outside_text' ],
		[ 'in an existing link', 'hydration guide', 'outside_text' ],
		[ 'in a button', 'Buy a sourdough', 'outside_text' ],
		[ 'in code', 'flour + water', 'outside_text' ],
	] )( 'refuses a link %s', ( _where, text, problem ) => {
		const start = post.indexOf( text );
		expect( start ).toBeGreaterThan( 0 );
		expect( () =>
			insertLinks( post, [
				{ start, end: start + text.length, href: '/x/', id: 'x1' },
			] )
		).toThrow( expect.objectContaining( { problem } ) );
	} );

	it( 'refuses ranges that cross a tag or an entity, overlap, are empty, or ids that are not ids', () => {
		const across = post.indexOf( 'than <strong>whole' );
		const entity = post.indexOf( 'flour &amp; water' );
		const cases: Array< [ LinkToInsert[], string ] > = [
			[
				[ { start: across, end: across + 18, href: '/x/', id: 'a' } ],
				'outside_text',
			],
			[
				[ { start: entity, end: entity + 17, href: '/x/', id: 'a' } ],
				'outside_text',
			],
			[
				[
					{ ...links[ 0 ]!, id: 'a' },
					{
						...links[ 0 ]!,
						start: links[ 0 ]!.start + 4,
						end: links[ 0 ]!.end + 3,
						id: 'b',
					},
				],
				'overlap',
			],
			[
				[ { ...links[ 0 ]!, end: links[ 0 ]!.start, id: 'a' } ],
				'empty_range',
			],
			[
				[
					{ ...links[ 0 ]!, id: 'a' },
					{ ...links[ 1 ]!, id: 'a' },
				],
				'duplicate_id',
			],
			[ [ { ...links[ 0 ]!, id: 'x" onclick="y' } ], 'invalid_id' ],
			[
				[ { ...links[ 0 ]!, href: ' JavaScript:alert(1)', id: 'a' } ],
				'invalid_href',
			],
			[
				[
					{
						...links[ 2 ]!,
						start: links[ 2 ]!.end + 16,
						end: links[ 2 ]!.end + 18,
						id: 'a',
					},
				],
				'outside_text',
			],
			[
				[
					{
						start: post.length + 1,
						end: post.length + 5,
						href: '/x/',
						id: 'a',
					},
				],
				'outside_text',
			],
		];
		for ( const [ batch, problem ] of cases ) {
			let error: unknown;
			try {
				insertLinks( post, batch );
			} catch ( e ) {
				error = e;
			}
			expect( error ).toBeInstanceOf( LinkPlacementError );
			expect( error ).toMatchObject( { problem } );
		}
	} );
} );

describe( 'removing links', () => {
	const a = link( post, 'Sourdough bread', 'keep-me' );
	const b = link( post, 'Rye flour', 'drop_me' );
	const both = insertLinks( post, [ a, b ] );

	it( 'gives back exactly the original post once all IGNY8 links are removed', () => {
		const { html, removed } = removeLinks( both );
		expect( html === post ).toBe( true );
		expect( removed ).toEqual( [ 'keep-me', 'drop_me' ] );
	} );

	it( 'removes one of two and leaves the other as it was inserted', () => {
		const { html, removed } = removeLinks( both, [ 'drop_me' ] );
		expect( removed ).toEqual( [ 'drop_me' ] );
		expect( html ).toBe( insertLinks( post, [ a ] ) );
		expect( linkIdsIn( html ) ).toEqual( [ 'keep-me' ] );
	} );

	it( 'reports nothing removed for an id that is not there', () => {
		expect( removeLinks( both, [ 'gone' ] ) ).toEqual( {
			html: both,
			removed: [],
		} );
		expect( removeLinks( post ) ).toEqual( { html: post, removed: [] } );
	} );

	it( 'never touches other links, nor IGNY8 markup in a comment or a script', () => {
		const html =
			'<p>See <a href="/hydration/">hydration</a> and <a data-igny8-link="e1" rel="noopener" href="/rye/" target="_blank">rye <em>flour</em></a>.</p>' +
			'<!-- <a data-igny8-link="e2" href="/x/">x</a> --><script>const t = \'<a data-igny8-link="e3">y</a>\';</script>' +
			'<p><A HREF="/spelt/" DATA-IGNY8-LINK="e4">spelt</A ></p>';
		expect( linkIdsIn( html ) ).toEqual( [ 'e1', 'e4' ] );
		expect(
			linkIdsIn( '<a HREF="/x/" Data-Igny8-Link="e5">x</a>' )
		).toEqual( [ 'e5' ] );
		const { html: out, removed } = removeLinks( html );
		expect( removed ).toEqual( [ 'e1', 'e4' ] );
		expect( out ).toBe(
			'<p>See <a href="/hydration/">hydration</a> and rye <em>flour</em>.</p>' +
				'<!-- <a data-igny8-link="e2" href="/x/">x</a> --><script>const t = \'<a data-igny8-link="e3">y</a>\';</script>' +
				'<p>spelt</p>'
		);
	} );

	it( 'applies and removes any set of links on the post and gets the original back', () => {
		const words = linkableRuns( post ).flatMap( ( run ) =>
			[ ...run.text.matchAll( /[\p{L}\p{N}]+/gu ) ].map( ( m ) => ( {
				start: run.start + m.index,
				end: run.start + m.index + m[ 0 ].length,
			} ) )
		);
		fc.assert(
			fc.property(
				fc.uniqueArray(
					fc.integer( { min: 0, max: words.length - 1 } ),
					{
						minLength: 1,
						maxLength: 12,
					}
				),
				fc.webUrl(),
				( picks, href ) => {
					const batch = picks.map( ( i, n ) => ( {
						...words[ i ]!,
						href,
						id: `p${ n }`,
					} ) );
					const html = insertLinks( post, batch );
					expect( linkIdsIn( html ).sort() ).toEqual(
						batch.map( ( l ) => l.id ).sort()
					);
					const escaped = batch.map( () =>
						href
							.replace( /&/g, '&amp;' )
							.replace( /"/g, '&quot;' )
							.replace( /</g, '&lt;' )
							.replace( />/g, '&gt;' )
					);
					expect(
						stripInserted( html, batch, escaped ) === post
					).toBe( true );
					expect( removeLinks( html ).html === post ).toBe( true );
					const first = batch[ 0 ]!;
					expect( removeLinks( html, [ first.id ] ).html ).toBe(
						insertLinks( post, batch.slice( 1 ) )
					);
				}
			),
			{ numRuns: 150 }
		);
	} );
} );

describe( 'finding an anchor again after the post changed', () => {
	const anchor = 'Crème fraîche';
	const at = place( post, anchor );
	const hint = {
		paragraph: at.run.paragraph,
		context: contextAround( post, at.run, at.start, at.end ),
	};

	it( 'finds it where it was in an unchanged post', () => {
		expect( relocateAnchor( post, anchor, hint ) ).toMatchObject( {
			start: at.start,
			end: at.end,
			paragraph: at.run.paragraph,
			similarity: 1,
		} );
	} );

	it( 'finds it moved down when a paragraph was added above it', () => {
		const added =
			'<!-- wp:paragraph -->\n<p>Update: we now sell crème fraîche too. 🎉</p>\n<!-- /wp:paragraph -->\n\n';
		const edited = added + post;
		const found = relocateAnchor( edited, anchor, hint );
		expect( found ).not.toBeNull();
		expect( found?.start ).toBe( at.start + added.length );
		expect( edited.slice( found!.start, found!.end ) ).toBe( anchor );
		expect( found?.paragraph ).toBe( at.run.paragraph + 1 );
	} );

	it( 'is null when the sentence with the anchor was deleted', () => {
		const edited = post.replace(
			' Crème fraîche makes a fine topping for the warm slices.',
			''
		);
		expect( edited ).not.toBe( post );
		expect( relocateAnchor( edited, anchor, hint ) ).toBeNull();
	} );

	it( 'is null when the anchor is now inside a heading or a link', () => {
		const heading = post.replace(
			'<p>Once the starter is lively, bake your first loaf of sourdough bread. Crème fraîche makes a fine topping for the warm slices.</p>',
			'<h3>Crème fraîche on warm slices</h3>'
		);
		expect( heading ).not.toBe( post );
		expect( relocateAnchor( heading, anchor, hint ) ).toBeNull();
		const linked = post.replace(
			anchor,
			`<a href="/cream/">${ anchor }</a>`
		);
		expect( relocateAnchor( linked, anchor, hint ) ).toBeNull();
	} );

	it( 'prefers the sentence most like the hint’s over the nearest paragraph', () => {
		const html =
			'<p>Rye flour is dense.</p><p>Spelt is nutty.</p><p>We sift rye flour twice for the dark loaf.</p><p>Rye flour again.</p>';
		const target = html.indexOf( 'rye flour twice' );
		const found = relocateAnchor( html, 'flour', {
			paragraph: 0,
			context: 'We always sift rye flour twice for the dark loaf.',
		} );
		expect( found ).toMatchObject( { start: target + 4, paragraph: 2 } );
		// With no context to go by, the nearest paragraph wins.
		expect(
			relocateAnchor( html, 'flour', { paragraph: 3, context: '' } )
		).toMatchObject( {
			paragraph: 3,
		} );
	} );

	it( 'matches whole words only, case-sensitively', () => {
		const html = '<p>Breadcrumbs and starters. Sourdough and bread.</p>';
		const found = relocateAnchor( html, 'bread', {
			paragraph: 0,
			context: '',
		} );
		expect( found?.start ).toBe( html.indexOf( 'bread.' ) );
		expect(
			relocateAnchor( html, 'starter', { paragraph: 0, context: '' } )
		).toBeNull();
		expect(
			relocateAnchor( html, 'sourdough', { paragraph: 0, context: '' } )
		).toBeNull();
		expect(
			relocateAnchor( '<p>Le café crème.</p>', 'caf', {
				paragraph: 0,
				context: '',
			} )
		).toBeNull();
		expect(
			relocateAnchor( '<p>Le café crème.</p>', 'café', {
				paragraph: 0,
				context: '',
			} )
		).toMatchObject( { start: 6, end: 10 } );
	} );

	it( 'can require a sentence that much alike', () => {
		const html = '<p>Rye flour is dense.</p>';
		expect(
			relocateAnchor(
				html,
				'Rye flour',
				{ paragraph: 0, context: 'Something else entirely.' },
				{ minSimilarity: 0.5 }
			)
		).toBeNull();
		expect(
			relocateAnchor(
				html,
				'Rye flour',
				{ paragraph: 0, context: 'Rye flour is dense.' },
				{ minSimilarity: 0.5 }
			)
		).not.toBeNull();
	} );
} );

describe( 'the context of an anchor', () => {
	it( 'is the plain-text sentence around it, entities decoded, across inline tags and line breaks', () => {
		const wheat = place( post, 'whole wheat flour' );
		expect( contextAround( post, wheat.run, wheat.start, wheat.end ) ).toBe(
			'Rye flour ferments faster than whole wheat flour, and whole wheat faster than white flour.'
		);
		const water = place( post, 'water in a clean jar' );
		expect( contextAround( post, water.run, water.start, water.end ) ).toBe(
			'Mix equal weights of flour & water in a clean jar.'
		);
		const cover = place( post, 'Cover it' );
		// The no-break space between 24 and hours is plain white space to a reader.
		expect( contextAround( post, cover.run, cover.start, cover.end ) ).toBe(
			'Cover it loosely and keep it at room temperature for 24 hours.'
		);
	} );

	it( 'is cut at words to about 200 characters in a long sentence', () => {
		const long = `<p>${ 'flour and water and '.repeat( 30 ) }the starter${ ' and salt and time'.repeat( 30 ) }.</p>`;
		const at = place( long, 'the starter' );
		const context = contextAround( long, at.run, at.start, at.end );
		expect( context.length ).toBeLessThanOrEqual( 200 );
		expect( context.length ).toBeGreaterThan( 150 );
		expect( context ).toContain( 'and the starter and' );
		expect( context ).toMatch( /^[a-z]+ .* [a-z]+$/ );
	} );
} );

describe( 'UTF-8 offsets for WordPress', () => {
	it( 'count bytes past accents and emoji as PHP does', () => {
		const bytes = Buffer.from( post, 'utf8' );
		for ( const text of [
			'café',
			'sells one',
			'Crème fraîche',
			'James Beard',
		] ) {
			const { start, end } = place( post, text );
			expect( utf8Offset( post, start ) ).toBe(
				bytes.indexOf( Buffer.from( text, 'utf8' ) )
			);
			expect( utf8Offset( post, end ) - utf8Offset( post, start ) ).toBe(
				Buffer.byteLength( text, 'utf8' )
			);
		}
		expect( utf8Offset( 'é🍞x', 3 ) ).toBe( 6 );
		expect( utf8Offset( 'é🍞x', 4 ) ).toBe( 7 );
	} );

	it( 'refuse an index inside an emoji or outside the string', () => {
		expect( () => utf8Offset( 'a🍞b', 2 ) ).toThrow( RangeError );
		expect( () => utf8Offset( 'ab', 3 ) ).toThrow( RangeError );
		expect( () => utf8Offset( 'ab', -1 ) ).toThrow( RangeError );
	} );
} );

describe( 'the internal links a post already has', () => {
	const site = 'https://example.com';

	it( 'keeps relative and same-host links, with or without www. and whatever the scheme', () => {
		const html =
			'<p><a href="/guides/Rye-Flour">rye</a> <a href="http://www.example.com/spelt/#top">spelt&nbsp;<b>flour</b></a> ' +
			'<a href="https://EXAMPLE.com/caf%C3%A9/?utm_source=x">café</a> <a href="https://example.com/cr%C3%A8me/">crème</a> ' +
			'<a href="https://other.org/bread/">other</a> <a href="//cdn.example.net/x/">cdn</a> <a href="#starter">jump</a> ' +
			'<a href="mailto:hi@example.com">mail</a> <a href="tel:+123">call</a> <a href="javascript:void(0)">js</a> ' +
			'<a href="/wp-admin/post.php?post=3&amp;action=edit">edit</a> <a href="https://example.com/wp-content/uploads/2024/05/a.pdf">pdf</a> ' +
			'<a href="/?p=12&amp;preview=true">by id</a> <a href="https://example.com/?page_id=7">page</a> <a data-igny8-link="l9" href="/rye/">ours</a> <a name="x">no href</a></p>';
		expect( extractLinks( html, site ) ).toEqual( [
			{
				href: '/guides/Rye-Flour',
				path: '/guides/rye-flour/',
				anchor: 'rye',
				igny8Id: null,
			},
			{
				href: 'http://www.example.com/spelt/#top',
				path: '/spelt/',
				anchor: 'spelt flour',
				igny8Id: null,
			},
			{
				href: 'https://EXAMPLE.com/caf%C3%A9/?utm_source=x',
				path: '/café/',
				anchor: 'café',
				igny8Id: null,
			},
			{
				href: 'https://example.com/cr%C3%A8me/',
				path: '/crème/',
				anchor: 'crème',
				igny8Id: null,
			},
			{
				href: '/?p=12&preview=true',
				path: '/?p=12',
				anchor: 'by id',
				igny8Id: null,
			},
			{
				href: 'https://example.com/?page_id=7',
				path: '/?page_id=7',
				anchor: 'page',
				igny8Id: null,
			},
			{ href: '/rye/', path: '/rye/', anchor: 'ours', igny8Id: 'l9' },
		] );
	} );

	it( 'counts only relative links as internal when the site’s address is not known', () => {
		const html =
			'<a href="/rye/">rye</a><a href="https://example.com/spelt/">spelt</a>';
		expect( extractLinks( html, null ).map( ( l ) => l.path ) ).toEqual( [
			'/rye/',
		] );
	} );

	it( 'normalizes a post’s own address to the same key as the links to it', () => {
		expect(
			normalizePath( 'https://www.example.com/Caf%c3%a9', 'example.com' )
		).toBe( '/café/' );
		expect(
			normalizePath(
				'https://example.com/café/',
				'https://www.example.com/'
			)
		).toBe( '/café/' );
		expect( normalizePath( 'https://example.com/', site ) ).toBe( '/' );
		expect( normalizePath( 'https://example.com/?p=12', site ) ).toBe(
			'/?p=12'
		);
		expect(
			normalizePath( 'https://example.com/index.php?p=12#c', site )
		).toBe( '/?p=12' );
		expect(
			normalizePath( 'https://example.com:8080/x/', site )
		).toBeNull();
		expect( normalizePath( 'rye/', 'https://example.com/blog/' ) ).toBe(
			'/blog/rye/'
		);
		expect( normalizePath( '#top', site ) ).toBeNull();
	} );
} );
