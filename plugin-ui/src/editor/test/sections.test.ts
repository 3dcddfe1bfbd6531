/**
 * Internal dependencies
 */
import { isClassicHtml } from '../convert-to-blocks';
import { headingsOf, sectionBlocks } from '../section-panel';

jest.mock( '@wordpress/blocks', () => ( {
	rawHandler: jest.fn(),
	serialize: jest.fn(),
} ) );

const heading = ( clientId: string, content: string, level = 2 ) => ( {
	name: 'core/heading',
	clientId,
	attributes: { content, level },
} );
const paragraph = ( clientId: string ) => ( {
	name: 'core/paragraph',
	clientId,
	attributes: { content: 'Text' },
} );

describe( 'headingsOf', () => {
	it( 'lists h2–h6 in order with their level, as the cloud counts them', () => {
		expect(
			headingsOf(
				'<h2>Why  <em>seeds</em></h2><p>x</p><h3>Kinds</h3><h1>Not a section</h1><h2>When</h2>'
			)
		).toEqual( [
			{ text: 'Why seeds', level: 2 },
			{ text: 'Kinds', level: 3 },
			{ text: 'When', level: 2 },
		] );
	} );
} );

describe( 'sectionBlocks', () => {
	const blocks = [
		heading( 'a', 'Why <em>seeds</em>' ),
		paragraph( 'b' ),
		heading( 'c', 'Kinds', 3 ),
		paragraph( 'd' ),
		heading( 'e', 'When' ),
		paragraph( 'f' ),
	];

	it( 'takes the heading and everything up to the next heading of its level, sub-sections included', () => {
		expect( sectionBlocks( blocks, 'Why seeds' ) ).toEqual( [
			'a',
			'b',
			'c',
			'd',
		] );
		expect( sectionBlocks( blocks, 'Kinds' ) ).toEqual( [ 'c', 'd' ] );
		expect( sectionBlocks( blocks, 'When' ) ).toEqual( [ 'e', 'f' ] );
	} );

	it( 'finds nothing when the heading is gone from the post', () => {
		expect( sectionBlocks( blocks, 'Renamed' ) ).toEqual( [] );
	} );
} );

describe( 'isClassicHtml', () => {
	it( 'is true only for a post that is nothing but Classic blocks', () => {
		const classic = { name: 'core/freeform', clientId: 'x' };
		expect( isClassicHtml( [ classic ] ) ).toBe( true );
		expect( isClassicHtml( [] ) ).toBe( false );
		expect(
			isClassicHtml( [
				classic,
				{ name: 'core/paragraph', clientId: 'y' },
			] )
		).toBe( false );
	} );
} );
