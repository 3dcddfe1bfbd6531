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
import { receiveItems } from '../actions';
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
} );
