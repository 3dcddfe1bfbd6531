/**
 * Internal dependencies
 */
import { applyMessage, contextParts, removeMessage, strength } from '../format';

describe( 'strength', () => {
	it( 'reads scores on the engine’s scale', () => {
		// A target's title said in full, between posts that share little else.
		expect( strength( 0.2671, [ 0.2671 ] ) ).toBe( 'strong' );
		expect( strength( 0.9, [ 0.9, 0.2 ] ) ).toBe( 'strong' );
		expect( strength( 0.15, [ 0.9, 0.15 ] ) ).toBe( 'good' );
		expect( strength( 0.05, [ 0.9, 0.05 ] ) ).toBe( 'fair' );
	} );

	it( 'reads scores far above that scale against the best one shown', () => {
		expect( strength( 12, [ 12, 6, 1 ] ) ).toBe( 'strong' );
		expect( strength( 4, [ 12, 4, 1 ] ) ).toBe( 'good' );
		expect( strength( 1, [ 12, 4, 1 ] ) ).toBe( 'fair' );
		// A lone suggestion with a large score is the best there is.
		expect( strength( 7.5, [] ) ).toBe( 'strong' );
	} );
} );

describe( 'contextParts', () => {
	it( 'cuts the sentence around the anchor', () => {
		expect(
			contextParts( 'Good running shoes last.', 'running shoes' )
		).toEqual( {
			before: 'Good ',
			anchor: 'running shoes',
			after: ' last.',
		} );
	} );

	it( 'keeps the sentence’s own case when only the case differs', () => {
		expect(
			contextParts( 'Running shoes last.', 'running shoes' )
		).toEqual( { before: '', anchor: 'Running shoes', after: ' last.' } );
	} );

	it( 'shows the anchor alone when the sentence does not hold it', () => {
		expect( contextParts( 'Something else.', 'running shoes' ) ).toEqual( {
			before: '',
			anchor: 'running shoes',
			after: '',
		} );
	} );
} );

describe( 'applyMessage', () => {
	it( 'counts the links added and says the WordPress post changed', () => {
		expect(
			applyMessage( {
				applied: [ 'a', 'b' ],
				skipped: [],
				wordpress: 'updated',
			} )
		).toBe( '2 links added. The post in WordPress was updated.' );
	} );

	it( 'names each skipped suggestion by its anchor, with the reason', () => {
		expect(
			applyMessage(
				{
					applied: [ 'a' ],
					skipped: [
						{
							id: 'b',
							reason: 'The text is no longer in the post.',
						},
					],
					wordpress: 'not_published',
				},
				[
					{ id: 'a', anchor: 'trail shoes' },
					{ id: 'b', anchor: 'running shoes' },
				]
			)
		).toBe(
			'1 link added. The post is not published, so only IGNY8’s copy changed; WordPress gets the change when IGNY8 publishes it. 1 suggestion skipped: “running shoes”: The text is no longer in the post.'
		);
	} );

	it( 'says so when nothing was added', () => {
		expect(
			applyMessage( {
				applied: [],
				skipped: [ { id: 'x', reason: 'Already linked.' } ],
				wordpress: 'unchanged',
			} )
		).toBe( 'No link was added. 1 suggestion skipped: Already linked.' );
	} );
} );

describe( 'removeMessage', () => {
	it( 'counts the removed links', () => {
		expect(
			removeMessage( {
				removed: [ 'a', 'b', 'c' ],
				wordpress: 'updated',
			} )
		).toBe(
			'3 links that IGNY8 added were removed. The post in WordPress was updated.'
		);
		expect(
			removeMessage( { removed: [ 'a' ], wordpress: 'not_published' } )
		).toBe(
			'1 link that IGNY8 added was removed. The post is not published, so only IGNY8’s copy changed; WordPress gets the change when IGNY8 publishes it.'
		);
		expect( removeMessage( { removed: [], wordpress: 'unchanged' } ) ).toBe(
			'This post has no links IGNY8 added.'
		);
	} );
} );
