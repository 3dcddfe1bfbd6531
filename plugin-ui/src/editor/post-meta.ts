/**
 * WordPress dependencies
 */
import { useSelect } from '@wordpress/data';

/** The `_igny8_*` post meta the plugin exposes to the editor (EditorSidebar::META). */
export interface Igny8Meta {
	_igny8_task_id?: number;
	_igny8_content_id?: number;
	_igny8_revision?: number;
	_igny8_managed?: string;
	_igny8_last_synced?: string;
	_igny8_wordpress_status?: string;
}

/**
 * Whether IGNY8 wrote this post (or was handed it to manage).
 * @param meta The post's IGNY8 meta.
 */
export function isManaged( meta: Igny8Meta ): boolean {
	return meta._igny8_managed === '1' || !! meta._igny8_content_id;
}

/** The edited post: its id, IGNY8 meta and what the SEO preview shows. */
export function usePostInfo() {
	return useSelect( ( select ) => {
		const editor = select( 'core/editor' ) as any;
		return {
			postId: editor.getCurrentPostId() as number | null,
			meta: ( editor.getEditedPostAttribute( 'meta' ) ??
				{} ) as Igny8Meta,
			title: ( editor.getEditedPostAttribute( 'title' ) ?? '' ) as string,
			excerpt: ( editor.getEditedPostAttribute( 'excerpt' ) ??
				'' ) as string,
			permalink: ( editor.getPermalink?.() ?? '' ) as string,
			status: ( editor.getEditedPostAttribute( 'status' ) ??
				'' ) as string,
		};
	}, [] );
}
