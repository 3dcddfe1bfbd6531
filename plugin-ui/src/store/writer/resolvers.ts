/**
 * External dependencies
 */
import type { Content } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import type { Query } from '../../api/client';
import { errorMessage } from '../../api/errors';
import type { ThunkArgs } from '../thunk';
import { receiveItems, receiveList, receiveListError } from './actions';
import { WRITER_PATHS, type WriterKind } from './types';

function listResolver( kind: WriterKind ) {
	return ( query: Query = {} ) =>
		async ( { dispatch }: ThunkArgs ) => {
			try {
				const page = await getClient().list< never >(
					WRITER_PATHS[ kind ],
					query
				);
				dispatch(
					receiveList( kind, query, page.results, page.count )
				);
			} catch ( error ) {
				dispatch(
					receiveListError(
						kind,
						query,
						errorMessage( error, 'Could not load the list.' )
					)
				);
			}
		};
}

export const getTasks = listResolver( 'tasks' );
export const getContentList = listResolver( 'content' );
export const getImages = listResolver( 'images' );
export const getPublishingRecords = listResolver( 'records' );

export const getContent =
	( id: number ) =>
	async ( { dispatch }: ThunkArgs ) => {
		const content = await getClient().get< Content >(
			`${ WRITER_PATHS.content }${ id }/`
		);
		dispatch( receiveItems( 'content', [ content ] ) );
	};
