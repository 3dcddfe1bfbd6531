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

/**
 * Deletes tasks one by one (the cloud has no bulk delete for them); the ones
 * deleted leave the lists even when a later one fails.
 * @param ids The tasks.
 * @return How many were deleted.
 */
export const deleteTasks =
	( ids: number[] ) =>
	async ( { dispatch }: ThunkArgs ): Promise< { affected: number } > => {
		const done: number[] = [];
		try {
			for ( const id of ids ) {
				await getClient().delete( `${ WRITER_PATHS.tasks }${ id }/` );
				done.push( id );
			}
		} finally {
			dispatch( removeItems( 'tasks', done ) );
			dispatch.invalidate( 'tasks' );
		}
		return { affected: done.length };
	};

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

/**
 * Makes one image its content's featured image. The cloud un-features the
 * others in the same transaction; the loaded copies follow here, so the
 * grid updates without reloading.
 * @param id The image to feature.
 */
export const setFeaturedImage =
	( id: number ) =>
	async ( { dispatch, select }: ThunkArgs ): Promise< Image > => {
		const image = await getClient().patch< Image >(
			`${ WRITER_PATHS.images }${ id }/`,
			{ is_featured: true }
		);
		const formerlyFeatured = ( select.getKnownImages() as Image[] ).filter(
			( other ) =>
				other.id !== image.id &&
				other.is_featured &&
				sameDraft( other, image )
		);
		dispatch(
			receiveItems( 'images', [
				image,
				...formerlyFeatured.map( ( other ) => ( {
					...other,
					is_featured: false,
				} ) ),
			] )
		);
		return image;
	};

/**
 * Whether two images compete for "featured": the same content, or (images
 * without content) the same task — the cloud's rule.
 * @param a An image.
 * @param b Another image.
 */
export function sameDraft( a: Image, b: Image ): boolean {
	if ( a.content_id !== null || b.content_id !== null ) {
		return a.content_id === b.content_id;
	}
	return a.task_id !== null && a.task_id === b.task_id;
}
