/**
 * External dependencies
 */
import type {
	LinkSuggestion,
	LinkerApplyResult,
	LinkerGraph,
	LinkerPostRow,
	LinkerRebuildStatus,
	LinkerRemoveResult,
	LinkerReport,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { createReduxStore, register } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import type { Query } from '../api/client';
import { errorMessage } from '../api/errors';
import {
	collectionActions,
	emptyCollection,
	invalidator,
	listSelector,
	queryKey,
	reduceCollection,
	type Collection,
} from './collection';
import type { ThunkArgs } from './thunk';

/**
 * IGNY8 → Linker's data: the site's link report and its indexed posts (the
 * cloud's `/linker/` routes; the site session names the site). Suggestions
 * are loaded where they are shown (a post's review, the editor's panel) and
 * are not kept here: they change with every apply.
 */

export const LINKER = 'igny8/linker';

/** A post of the index as the lists hold it: the index's id is the row id. */
export type LinkerPostItem = LinkerPostRow & { id: number };

/** How the cloud names one post: by IGNY8 content when it has one, else by WordPress post. */
export type PostRef = { content_id: number } | { post_id: number };

/**
 * The name the cloud's per-post routes take for a post of the index.
 * @param post            A post of the index (or a suggestion's source or target).
 * @param post.content_id Its IGNY8 content, if any.
 * @param post.post_id    Its WordPress post, if any.
 */
export function postRef( post: {
	content_id: number | null;
	post_id: number | null;
} ): PostRef | null {
	if ( post.content_id !== null ) {
		return { content_id: post.content_id };
	}
	return post.post_id !== null ? { post_id: post.post_id } : null;
}

type Kind = 'posts';

interface State {
	posts: Collection< LinkerPostItem >;
	report: LinkerReport | null;
	reportError: string | null;
}

const { receiveList, receiveListError } = collectionActions<
	Kind,
	LinkerPostItem
>();

const invalidatePosts = invalidator< Kind >( { posts: 'getPosts' } );

const actions = {
	receiveList,
	receiveListError,
	receiveReport: ( report: LinkerReport ) => ( {
		type: 'RECEIVE_REPORT' as const,
		report,
	} ),
	receiveReportError: ( error: string ) => ( {
		type: 'RECEIVE_REPORT_ERROR' as const,
		error,
	} ),
	/** Loads the report and every visible page of posts again (after an apply or a rebuild). */
	invalidate:
		() =>
		( { dispatch }: ThunkArgs ) => {
			dispatch( invalidatePosts( 'posts' ) as any );
			dispatch.invalidateResolutionForStoreSelector( 'getReport' );
		},
};

function reducer(
	state: State = {
		posts: emptyCollection(),
		report: null,
		reportError: null,
	},
	action: {
		type: string;
		kind?: string;
		report?: LinkerReport;
		error?: string;
	}
): State {
	if ( action.type === 'RECEIVE_REPORT' && action.report ) {
		return { ...state, report: action.report, reportError: null };
	}
	if ( action.type === 'RECEIVE_REPORT_ERROR' ) {
		return { ...state, reportError: action.error ?? null };
	}
	const posts = reduceCollection( 'posts', state.posts, action );
	return posts === state.posts ? state : { ...state, posts };
}

const selectors = {
	getPosts: listSelector( ( state: State ) => state.posts ),
	getListError: ( state: State, kind: Kind, query: Query = {} ) =>
		state[ kind ].errors[ queryKey( query ) ] ?? null,
	getReport: ( state: State ) => state.report,
	getReportError: ( state: State ) => state.reportError,
};

const resolvers = {
	getPosts:
		( query: Query = {} ) =>
		async ( { dispatch }: ThunkArgs ) => {
			try {
				const page = await getClient().list< LinkerPostRow >(
					'/linker/posts/',
					query
				);
				dispatch(
					receiveList(
						'posts',
						query,
						page.results.map( ( row ) => ( {
							...row,
							id: row.document_id,
						} ) ),
						page.count
					)
				);
			} catch ( error ) {
				dispatch(
					receiveListError(
						'posts',
						query,
						errorMessage( error, 'Could not load the posts.' )
					)
				);
			}
		},
	getReport:
		() =>
		async ( { dispatch }: ThunkArgs ) => {
			try {
				dispatch(
					actions.receiveReport(
						await getClient().get< LinkerReport >(
							'/linker/report/'
						)
					)
				);
			} catch ( error ) {
				dispatch(
					actions.receiveReportError(
						errorMessage( error, 'Could not load the link report.' )
					)
				);
			}
		},
};

export const store = createReduxStore( LINKER, {
	reducer,
	actions,
	selectors,
	resolvers,
} );

register( store );

/* The calls the screens make directly: each answer is shown where it was asked for. */

/**
 * A post's open outbound suggestions, best first.
 * @param ref   The post.
 * @param limit How many at most.
 */
export async function fetchSuggestions(
	ref: PostRef,
	limit = 50
): Promise< LinkSuggestion[] > {
	const page = await getClient().list< LinkSuggestion >(
		'/linker/suggestions/',
		{ ...ref, limit }
	);
	return page.results;
}

/**
 * The other posts that should link to this one.
 * @param ref   The post.
 * @param limit How many at most.
 */
export async function fetchInbound(
	ref: PostRef,
	limit = 50
): Promise< LinkSuggestion[] > {
	const page = await getClient().list< LinkSuggestion >( '/linker/inbound/', {
		...ref,
		limit,
	} );
	return page.results;
}

/**
 * Applies suggestions to their source post (the cloud copy and, when it is
 * published, the WordPress post).
 * @param ref The source post.
 * @param ids The suggestions.
 */
export function applySuggestions(
	ref: PostRef,
	ids: string[]
): Promise< LinkerApplyResult > {
	return getClient().post< LinkerApplyResult >( '/linker/apply/', {
		...ref,
		suggestion_ids: ids,
	} );
}

/**
 * Rejects suggestions: they are not offered again.
 * @param ids The suggestions.
 */
export function rejectSuggestions( ids: string[] ): Promise< unknown > {
	return getClient().post( '/linker/reject/', { suggestion_ids: ids } );
}

/**
 * Removes the links IGNY8 added to a post (all of them, or the given ones).
 * @param ref     The post.
 * @param linkIds The links, by their `data-igny8-link` id; all when absent.
 */
export function removeLinks(
	ref: PostRef,
	linkIds?: string[]
): Promise< LinkerRemoveResult > {
	return getClient().post< LinkerRemoveResult >( '/linker/remove/', {
		...ref,
		...( linkIds ? { link_ids: linkIds } : {} ),
	} );
}

/** Starts rebuilding the site's index. */
/** Posts competing for one keyword (the site's, for a site session) and links between sites. */
export function fetchGraph(): Promise< LinkerGraph > {
	return getClient().get< LinkerGraph >( '/linker/graph/' );
}

export function startRebuild(): Promise< LinkerRebuildStatus > {
	return getClient().post< LinkerRebuildStatus >( '/linker/rebuild/', {} );
}

/**
 * Where a rebuild stands.
 * @param id The rebuild.
 */
export function fetchRebuild( id: number ): Promise< LinkerRebuildStatus > {
	return getClient().get< LinkerRebuildStatus >( `/linker/rebuild/${ id }/` );
}
