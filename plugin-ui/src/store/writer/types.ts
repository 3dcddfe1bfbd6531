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
import type { Collection } from '../collection';

export type WriterKind = 'tasks' | 'content' | 'images' | 'records';

export interface WriterState {
	tasks: Collection< Task >;
	content: Collection< Content >;
	images: Collection< Image >;
	records: Collection< PublishingRecord >;
}

export const WRITER_PATHS: Record< WriterKind, string > = {
	tasks: '/writer/tasks/',
	content: '/writer/content/',
	images: '/writer/images/',
	records: '/publisher/publishing-records/',
};

export type PublishStatus = 'draft' | 'pending' | 'publish' | 'future';
