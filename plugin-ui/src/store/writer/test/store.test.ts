/**
 * WordPress dependencies
 */
import { createRegistry } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { setClient } from '../../../api';
import type { CloudClient } from '../../../api/client';
import reducer, { initialState } from '../reducer';
import { receiveItems, sameDraft } from '../actions';
import { getLatestRecordFor } from '../selectors';
import { store as writerStore } from '..';

describe( 'writer store', () => {
	afterEach( () => setClient( null ) );

	it( 'finds the newest publishing record of a content item', () => {
		const state = reducer(
			initialState,
			receiveItems( 'records', [
				{ id: 1, content_id: 3, status: 'failed' },
				{ id: 4, content_id: 3, status: 'published' },
				{ id: 9, content_id: 8, status: 'queued' },
			] as never )
		);
		expect( getLatestRecordFor( state, 3 )?.status ).toBe( 'published' );
		expect( getLatestRecordFor( state, 99 ) ).toBeUndefined();
	} );

	it( 'publishes through the cloud publisher and keeps the records', async () => {
		const post = jest.fn( async () => ( {
			records: [
				{
					id: 2,
					content_id: 5,
					status: 'published',
					wp_status: 'publish',
				},
			],
		} ) );
		setClient( { post } as unknown as CloudClient );
		const registry = createRegistry();
		registry.register( writerStore );
		await registry
			.dispatch( writerStore )
			.publishContent( [ 5 ], 'future', '2030-01-01T10:00:00.000Z' );
		expect( post ).toHaveBeenCalledWith( '/publisher/publish/', {
			content_ids: [ 5 ],
			status: 'future',
			date_gmt: '2030-01-01T10:00:00.000Z',
			force: false,
		} );
		expect(
			registry.select( writerStore ).getLatestRecordFor( 5 )?.status
		).toBe( 'published' );
	} );

	it( 'features one image and un-features the others of its content only', async () => {
		const image = ( id: number, content: number | null, task = 1 ) => ( {
			id,
			content_id: content,
			task_id: task,
			is_featured: id !== 2,
		} );
		const patch = jest.fn( async () => ( {
			...image( 2, 10 ),
			is_featured: true,
		} ) );
		setClient( { patch } as unknown as CloudClient );
		const registry = createRegistry();
		registry.register( writerStore );
		// 1: featured in the same content; 3: another content's; 4: a task-only image.
		registry
			.dispatch( writerStore )
			.receiveItems( 'images', [
				image( 1, 10 ),
				image( 2, 10 ),
				image( 3, 20 ),
				image( 4, null ),
			] as never );
		await registry.dispatch( writerStore ).setFeaturedImage( 2 );
		expect( patch ).toHaveBeenCalledWith( '/writer/images/2/', {
			is_featured: true,
		} );
		const featured = (
			registry.select( writerStore ).getKnownImages() as {
				id: number;
				is_featured: boolean;
			}[]
		 )
			.filter( ( i ) => i.is_featured )
			.map( ( i ) => i.id );
		expect( featured ).toEqual( [ 2, 3, 4 ] );
	} );

	it( 'tells images apart by the draft they compete in', () => {
		const of = ( content: number | null, task: number | null ) =>
			( { content_id: content, task_id: task } ) as never;
		expect( sameDraft( of( 1, 5 ), of( 1, 6 ) ) ).toBe( true );
		expect( sameDraft( of( 1, 5 ), of( 2, 5 ) ) ).toBe( false );
		expect( sameDraft( of( null, 5 ), of( null, 5 ) ) ).toBe( true );
		expect( sameDraft( of( null, 5 ), of( 1, 5 ) ) ).toBe( false );
		expect( sameDraft( of( null, null ), of( null, null ) ) ).toBe( false );
	} );
} );
