/**
 * Internal dependencies
 */
import {
	findBlockEdit,
	hasIgny8Link,
	insertLink,
	plainText,
	type BlockLike,
} from '../insert-link';

const link = ( anchor: string, id = 's1' ) => ( {
	anchor,
	href: 'https://example.org/running-shoes/',
	id,
} );
const A = ( text: string, id = 's1' ) =>
	`<a href="https://example.org/running-shoes/" data-igny8-link="${ id }">${ text }</a>`;

describe( 'insertLink', () => {
	it( 'wraps the anchor and leaves every other byte as it was', () => {
		const html = 'Pick <strong>good</strong> running shoes for trails.';
		expect( insertLink( html, link( 'running shoes' ) ) ).toBe(
			`Pick <strong>good</strong> ${ A( 'running shoes' ) } for trails.`
		);
	} );

	it( 'links only the first occurrence', () => {
		expect(
			insertLink(
				'running shoes, more running shoes',
				link( 'running shoes' )
			)
		).toBe( `${ A( 'running shoes' ) }, more running shoes` );
	} );

	it( 'never links text inside an existing link, but finds it after one', () => {
		const html =
			'See <a href="/x">running shoes here</a>; running shoes matter.';
		expect( insertLink( html, link( 'running shoes' ) ) ).toBe(
			`See <a href="/x">running shoes here</a>; ${ A(
				'running shoes'
			) } matter.`
		);
		expect(
			insertLink(
				'<a href="/x">running <em>shoes</em> running shoes</a>',
				link( 'running shoes' )
			)
		).toBeNull();
	} );

	it( 'skips code and buttons', () => {
		expect(
			insertLink( 'Run <code>npm test</code> now', link( 'npm test' ) )
		).toBeNull();
	} );

	it( 'matches whole words only', () => {
		expect(
			insertLink( 'Shoelaces and shoes.', link( 'shoe' ) )
		).toBeNull();
		expect( insertLink( 'The shoes, the shoe.', link( 'shoe' ) ) ).toBe(
			`The shoes, the ${ A( 'shoe' ) }.`
		);
		// A tag between letters does not make a word boundary.
		expect( insertLink( '<b>foo</b>bar', link( 'bar' ) ) ).toBeNull();
	} );

	it( 'matches across HTML entities and keeps them as written', () => {
		expect(
			insertLink(
				'Tom &amp; Jerry&#8217;s shoes',
				link( 'Tom & Jerry’s' )
			)
		).toBe( `${ A( 'Tom &amp; Jerry&#8217;s' ) } shoes` );
		expect(
			insertLink( 'trail&nbsp;running tips', link( 'trail running' ) )
		).toBe( `${ A( 'trail&nbsp;running' ) } tips` );
		// A straight apostrophe in the anchor finds a curly one in the text.
		expect( insertLink( 'Jerry’s shoes', link( "Jerry's shoes" ) ) ).toBe(
			A( 'Jerry’s shoes' )
		);
	} );

	it( 'prefers the exact case, else matches ignoring case', () => {
		expect(
			insertLink(
				'running Shoes and Running Shoes',
				link( 'Running Shoes' )
			)
		).toBe( `running Shoes and ${ A( 'Running Shoes' ) }` );
		expect( insertLink( 'Running shoes.', link( 'running shoes' ) ) ).toBe(
			`${ A( 'Running shoes' ) }.`
		);
	} );

	it( 'does not link across a tag boundary', () => {
		expect(
			insertLink( 'running <em>shoes</em>', link( 'running shoes' ) )
		).toBeNull();
	} );

	it( 'returns null when the anchor is absent or empty', () => {
		expect(
			insertLink( 'Nothing here.', link( 'running shoes' ) )
		).toBeNull();
		expect( insertLink( 'Nothing here.', link( '   ' ) ) ).toBeNull();
		expect( insertLink( '', link( 'x' ) ) ).toBeNull();
	} );

	it( 'escapes the address and id into the attributes', () => {
		expect(
			insertLink( 'shoes', {
				anchor: 'shoes',
				href: 'https://example.org/?a=1&b="2"',
				id: 'x"y',
			} )
		).toBe(
			'<a href="https://example.org/?a=1&amp;b=&quot;2&quot;" data-igny8-link="x&quot;y">shoes</a>'
		);
	} );

	it( 'hasIgny8Link finds the inserted link by suggestion id', () => {
		const html = insertLink(
			'running shoes',
			link( 'running shoes', 'abc' )
		);
		expect( hasIgny8Link( html ?? '', 'abc' ) ).toBe( true );
		expect( hasIgny8Link( html ?? '', 'ab' ) ).toBe( false );
	} );
} );

describe( 'plainText', () => {
	it( 'drops tags, decodes entities and folds white space', () => {
		expect( plainText( '<b>Tom</b> &amp;&nbsp;Jerry\n ran' ) ).toBe(
			'Tom & Jerry ran'
		);
	} );
} );

describe( 'findBlockEdit', () => {
	const block = (
		clientId: string,
		name: string,
		content: unknown,
		innerBlocks: BlockLike[] = []
	): BlockLike => ( {
		clientId,
		name,
		attributes:
			name === 'core/pullquote' ? { value: content } : { content },
		innerBlocks,
	} );

	it( 'walks inner blocks and skips headings', () => {
		const blocks = [
			block( 'h', 'core/heading', 'Running shoes' ),
			block( 'g', 'core/group', undefined, [
				block( 'l', 'core/list', undefined, [
					block( 'li', 'core/list-item', 'Buy running shoes' ),
				] ),
			] ),
		];
		expect( findBlockEdit( blocks, link( 'running shoes' ) ) ).toEqual( {
			clientId: 'li',
			attribute: 'content',
			before: 'Buy running shoes',
			after: `Buy ${ A( 'running shoes' ) }`,
		} );
	} );

	it( 'prefers the block that holds the suggestion’s sentence', () => {
		const blocks = [
			block( 'p1', 'core/paragraph', 'Old running shoes wear out.' ),
			block( 'p2', 'core/paragraph', 'New running shoes need care.' ),
		];
		expect(
			findBlockEdit(
				blocks,
				link( 'running shoes' ),
				'New running shoes need care.'
			)?.clientId
		).toBe( 'p2' );
		expect(
			findBlockEdit( blocks, link( 'running shoes' ), 'Gone sentence.' )
				?.clientId
		).toBe( 'p1' );
	} );

	it( 'reads rich-text objects through their string form', () => {
		const richText = { toString: () => 'Trail running shoes' };
		expect(
			findBlockEdit(
				[ block( 'p', 'core/paragraph', richText ) ],
				link( 'running shoes' )
			)?.after
		).toBe( `Trail ${ A( 'running shoes' ) }` );
	} );

	it( 'returns null when no block holds the anchor outside a link', () => {
		expect(
			findBlockEdit(
				[
					block(
						'p',
						'core/paragraph',
						`Buy ${ A( 'running shoes' ) }`
					),
				],
				link( 'running shoes', 's2' )
			)
		).toBeNull();
	} );
} );
