/**
 * External dependencies
 */
import type { Content } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import type { ThunkArgs } from '../thunk';
import { listResolver } from '../collection';
import { receiveItems } from './actions';
import { WRITER_PATHS } from './types';

const listOf = listResolver( WRITER_PATHS );

export const getTasks = listOf( 'tasks' );
export const getContentList = listOf( 'content' );
export const getImages = listOf( 'images' );
export const getPublishingRecords = listOf( 'records' );

export const getContent =
	( id: number ) =>
	async ( { dispatch }: ThunkArgs ) => {
		const content = await getClient().get< Content >(
			`${ WRITER_PATHS.content }${ id }/`
		);
		dispatch( receiveItems( 'content', [ content ] ) );
	};
