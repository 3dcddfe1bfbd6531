/**
 * Internal dependencies
 */
import { getBootData } from './boot';

/** What a draft or post needs for its links: the WordPress post it became, if any. */
export interface LinkedContent {
	/** The WordPress post ID, as the cloud keeps it (a string), or null before publishing. */
	external_id: string | null;
	sync_status?: string;
}

export interface PostLinks {
	/** wp-admin's block editor for the post. */
	edit: string;
	/** The post on the site; a preview while it is not published. */
	view: string;
	/** Whether `view` is a preview (the post is not public yet). */
	isPreview: boolean;
}

/**
 * "Open in editor" and "View post" for content that exists in this WordPress,
 * or null for a draft that has not been sent to WordPress yet. One place
 * builds these so every screen links the same way.
 * @param content The content row (or anything with its WordPress post ID).
 */
export function postLinks( content: LinkedContent ): PostLinks | null {
	const id = Number( content.external_id );
	if ( ! Number.isInteger( id ) || id <= 0 ) {
		return null;
	}
	const { adminUrl, siteUrl } = getBootData();
	const admin = adminUrl.endsWith( '/' ) ? adminUrl : `${ adminUrl }/`;
	const home = siteUrl.endsWith( '/' ) ? siteUrl : `${ siteUrl }/`;
	const isPreview = content.sync_status !== 'published';
	return {
		edit: `${ admin }post.php?post=${ id }&action=edit`,
		view: isPreview
			? `${ home }?p=${ id }&preview=true`
			: `${ home }?p=${ id }`,
		isPreview,
	};
}
