import type { ContentRow, TaskRow } from '../../db/content-models';

/**
 * WordPress → IGNY8 status mapping (docs/bridge-protocol.md → Status mapping).
 * WordPress is where a post's fate is decided, so its status wins over
 * whatever the task or content said before.
 */

export type WpState =
	| 'publish'
	| 'future'
	| 'draft'
	| 'pending'
	| 'private'
	| 'trash'
	| 'deleted';

export type MappedStatus = {
	task: TaskRow[ 'status' ];
	content: ContentRow[ 'sync_status' ];
};

export function mapWpStatus( state: WpState ): MappedStatus {
	switch ( state ) {
		case 'publish':
			return { task: 'published', content: 'published' };
		case 'future':
			return { task: 'completed', content: 'scheduled' };
		case 'trash':
			return { task: 'completed', content: 'trashed' };
		case 'deleted':
			return { task: 'completed', content: 'deleted' };
		default:
			return { task: 'completed', content: 'draft' };
	}
}

/** A WordPress status string, or null for one the mapping does not know (e.g. a plugin's custom status). */
export function wpState( status: string | undefined ): WpState | null {
	return status !== undefined &&
		[
			'publish',
			'future',
			'draft',
			'pending',
			'private',
			'trash',
		].includes( status )
		? ( status as WpState )
		: null;
}
