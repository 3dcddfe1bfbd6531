/**
 * External dependencies
 */
import type {
	Content,
	Image,
	PublishingRecord,
	Task,
} from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import { collectionActions, invalidator } from '../collection';
import type { ThunkArgs } from '../thunk';
import { WRITER_PATHS, type PublishStatus, type WriterKind } from './types';

type Item = Task | Content | Image | PublishingRecord;

export const { receiveList, receiveListError, receiveItems, removeItems } =
	collectionActions< WriterKind, Item >();

const SELECTOR_OF: Record< WriterKind, string > = {
	tasks: 'getTasks',
	content: 'getContentList',
	images: 'getImages',
	records: 'getPublishingRecords',
};

export const invalidate = invalidator( SELECTOR_OF );

export const updateContent =
	( id: number, changes: Partial< Content > ) =>
	async ( { dispatch }: ThunkArgs ): Promise< Content > => {
		const content = await getClient().patch< Content >(
			`${ WRITER_PATHS.content }${ id }/`,
			changes
		);
		dispatch( receiveItems( 'content', [ content ] ) );
		return content;
	};

/**
 * Publishes content to this site through the cloud's publisher.
 * @param ids     Content ids.
 * @param status  draft, publish now, or schedule (future + dateGmt).
 * @param dateGmt ISO time for a scheduled post.
 * @param force   Overwrite a post edited in WordPress since the last push.
 */
export const publishContent =
	( ids: number[], status: PublishStatus, dateGmt?: string, force = false ) =>
	async ( { dispatch }: ThunkArgs ): Promise< PublishingRecord[] > => {
		const result = await getClient().post< {
			records: PublishingRecord[];
		} >( '/publisher/publish/', {
			content_ids: ids,
			status,
			...( dateGmt ? { date_gmt: dateGmt } : {} ),
			force,
		} );
		dispatch( receiveItems( 'records', result.records ) );
		dispatch.invalidate( 'content', 'tasks', 'records' );
		return result.records;
	};

export const updateImage =
	( id: number, changes: Partial< Image > ) =>
	async ( { dispatch }: ThunkArgs ): Promise< Image > => {
		const image = await getClient().patch< Image >(
			`${ WRITER_PATHS.images }${ id }/`,
			changes
		);
		dispatch( receiveItems( 'images', [ image ] ) );
		return image;
	};
