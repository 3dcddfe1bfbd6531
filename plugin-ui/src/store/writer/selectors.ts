/**
 * External dependencies
 */
import type { Content, Image, PublishingRecord } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { createSelector } from '@wordpress/data';

/**
 * Internal dependencies
 */
import type { Query } from '../../api/client';
import { listSelector, queryKey } from '../collection';
import type { WriterKind, WriterState } from './types';

export const getTasks = listSelector( ( state: WriterState ) => state.tasks );
export const getContentList = listSelector(
	( state: WriterState ) => state.content
);
export const getImages = listSelector( ( state: WriterState ) => state.images );
export const getPublishingRecords = listSelector(
	( state: WriterState ) => state.records
);

/** Every image loaded so far, whatever list it came with. */
export const getKnownImages = createSelector(
	( state: WriterState ): Image[] => Object.values( state.images.byId ),
	( state: WriterState ) => [ state.images.byId ]
);

export function getContent(
	state: WriterState,
	id: number
): Content | undefined {
	return state.content.byId[ id ];
}

/**
 * The newest publishing record of a content item among those loaded.
 * @param state     The writer state.
 * @param contentId The content whose records these are.
 */
export function getLatestRecordFor(
	state: WriterState,
	contentId: number
): PublishingRecord | undefined {
	let latest: PublishingRecord | undefined;
	Object.values( state.records.byId ).forEach( ( record ) => {
		if (
			record.content_id === contentId &&
			( ! latest || record.id > latest.id )
		) {
			latest = record;
		}
	} );
	return latest;
}

export function getListError(
	state: WriterState,
	kind: WriterKind,
	query: Query = {}
): string | null {
	return state[ kind ].errors[ queryKey( query ) ] ?? null;
}
