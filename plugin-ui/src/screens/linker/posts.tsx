/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { DataView, type Action } from '../../components/data-view';
import { announce } from '../../components/data-view/notices';
import { useList } from '../../hooks/use-list';
import {
	oneOf,
	useUrlView,
	viewQuery,
	type ViewSpec,
} from '../../hooks/use-url-view';
import { label, labelOptions } from '../../labels';
import { postLinks } from '../../post-links';
import { safeUrl } from '../../safe-url';
import {
	applySuggestions,
	fetchSuggestions,
	LINKER,
	postRef,
	removeLinks,
	type LinkerPostItem,
} from '../../store/linker';
import { PER_PAGE_OPTIONS } from '../keywords';
import {
	applyMessage,
	linkCount,
	postCount,
	removeMessage,
	suggestionCount,
} from './format';
import { PostTitleLink, postTitle } from './overview';
import { ReviewModal } from './review';

export const POSTS_VIEW: ViewSpec = {
	filters: { filter: oneOf( [ 'orphans', 'with_suggestions' ] ) },
	sortFields: [ 'title', 'inbound', 'outbound', 'open_suggestions' ],
	// The index's own order (the cloud's default) until a column is sorted.
	defaultSort: '',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'type', 'inbound', 'outbound', 'suggestions' ],
};

/** The most open suggestions “Apply top suggestions” adds to one post. */
const TOP = 5;

/**
 * The block editor of a post of the index, if it is a post of this site.
 * @param post The post.
 */
function editLink( post: LinkerPostItem ): string | null {
	return (
		postLinks( {
			external_id: post.post_id === null ? null : String( post.post_id ),
		} )?.edit ?? null
	);
}

/**
 * Linker → Posts: every post of the index with its link counts and open
 * suggestions; review a post's suggestions, remove the links IGNY8 added,
 * or add the best suggestions to several posts at once.
 * @param props         Component props.
 * @param props.canEdit Whether the user may change posts.
 */
export function PostsTab( { canEdit }: { canEdit: boolean } ) {
	const [ view, setView ] = useUrlView( POSTS_VIEW );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ reviewing, setReviewing ] = useState< LinkerPostItem | null >(
		null
	);
	const { invalidate } = useDispatch( LINKER ) as any;
	const posts = useList< LinkerPostItem >(
		LINKER,
		'getPosts',
		'posts',
		viewQuery( view )
	);

	const applyTop = async ( items: LinkerPostItem[] ) => {
		let added = 0;
		const problems: string[] = [];
		for ( const post of items ) {
			const ref = postRef( post );
			if ( ! ref ) {
				continue;
			}
			const open = ( await fetchSuggestions( ref, TOP * 2 ) ).filter(
				( suggestion ) => suggestion.status === 'open'
			);
			const top = open.slice( 0, TOP );
			if ( top.length === 0 ) {
				continue;
			}
			const result = await applySuggestions(
				ref,
				top.map( ( suggestion ) => suggestion.id )
			);
			added += result.applied.length;
			if ( result.skipped.length > 0 ) {
				problems.push(
					sprintf(
						/* translators: 1: a post's title, 2: what happened, e.g. “1 link added. 1 suggestion skipped: …”. */
						__( '“%1$s”: %2$s', 'igny8-bridge' ),
						postTitle( post ),
						applyMessage( result, top )
					)
				);
			}
		}
		invalidate();
		announce(
			[
				sprintf(
					/* translators: 1: e.g. “12 links”, 2: e.g. “3 posts”. */
					__( '%1$s added to %2$s.', 'igny8-bridge' ),
					linkCount( added ),
					postCount( items.length )
				),
				...problems,
			].join( ' ' )
		);
	};

	const actions: Action< LinkerPostItem >[] = [
		{
			id: 'review',
			label: __( 'Review suggestions', 'igny8-bridge' ),
			isEligible: ( post ) => postRef( post ) !== null,
			callback: ( items ) => setReviewing( items[ 0 ] ?? null ),
		},
		{
			id: 'edit',
			label: __( 'Open in editor', 'igny8-bridge' ),
			href: editLink,
		},
		{
			id: 'view',
			label: __( 'View post', 'igny8-bridge' ),
			href: ( post ) => safeUrl( post.url ) ?? null,
		},
		...( canEdit
			? [
					{
						id: 'apply-top',
						label: __( 'Apply top suggestions', 'igny8-bridge' ),
						supportsBulk: true,
						supportsRow: false,
						isEligible: ( post: LinkerPostItem ) =>
							post.open_suggestions > 0 &&
							postRef( post ) !== null,
						confirm: ( items: LinkerPostItem[] ) =>
							sprintf(
								/* translators: 1: a number of links, 2: e.g. “3 posts”. */
								__(
									'Add up to %1$d of the best suggested links to each of %2$s? Published posts are updated in WordPress at once; nothing else in them changes.',
									'igny8-bridge'
								),
								TOP,
								postCount( items.length )
							),
						confirmLabel: __( 'Add links', 'igny8-bridge' ),
						callback: applyTop,
					},
					{
						id: 'remove',
						label: __( 'Remove IGNY8 links', 'igny8-bridge' ),
						isDestructive: true,
						isEligible: ( post: LinkerPostItem ) =>
							postRef( post ) !== null && post.outbound > 0,
						confirm: ( items: LinkerPostItem[] ) =>
							sprintf(
								/* translators: %s: a post's title. */
								__(
									'Remove every link IGNY8 added to “%s”? The words stay; only the links go. Links you added yourself are kept.',
									'igny8-bridge'
								),
								items[ 0 ] ? postTitle( items[ 0 ] ) : ''
							),
						confirmLabel: __( 'Remove links', 'igny8-bridge' ),
						callback: async ( items: LinkerPostItem[] ) => {
							const ref = items[ 0 ] && postRef( items[ 0 ] );
							if ( ! ref ) {
								return;
							}
							const result = await removeLinks( ref );
							invalidate();
							announce( removeMessage( result ) );
						},
					},
				]
			: [] ),
	];

	return (
		<>
			<DataView< LinkerPostItem >
				label={ __( 'Posts and their links', 'igny8-bridge' ) }
				fields={ [
					{
						id: 'title',
						label: __( 'Post', 'igny8-bridge' ),
						enableHiding: false,
						sortField: 'title',
						render: ( post ) => (
							<PostTitleLink post={ post } withView={ false } />
						),
					},
					{
						id: 'type',
						label: __( 'Type', 'igny8-bridge' ),
						render: ( post ) =>
							`${ label( 'contentType', post.post_type ) } · ${ label(
								'postStatus',
								post.status
							) }`,
					},
					{
						id: 'inbound',
						label: __( 'Links to it', 'igny8-bridge' ),
						sortField: 'inbound',
						render: ( post ) =>
							post.inbound === 0 ? (
								<span
									className="igny8-status"
									data-status="orphan"
								>
									{ __( 'None (orphan)', 'igny8-bridge' ) }
								</span>
							) : (
								post.inbound.toLocaleString()
							),
					},
					{
						id: 'outbound',
						label: __( 'Links from it', 'igny8-bridge' ),
						sortField: 'outbound',
						render: ( post ) => post.outbound.toLocaleString(),
					},
					{
						id: 'suggestions',
						label: __( 'Suggestions', 'igny8-bridge' ),
						sortField: 'open_suggestions',
						// The count opens the review: it is what a person wants to act on.
						render: ( post ) =>
							post.open_suggestions > 0 && postRef( post ) ? (
								<Button
									variant="link"
									onClick={ () => setReviewing( post ) }
									aria-label={ sprintf(
										/* translators: 1: e.g. “3 suggestions”, 2: a post's title. */
										__(
											'Review %1$s for “%2$s”',
											'igny8-bridge'
										),
										suggestionCount(
											post.open_suggestions
										),
										postTitle( post )
									) }
								>
									{ post.open_suggestions.toLocaleString() }
								</Button>
							) : (
								post.open_suggestions.toLocaleString()
							),
					},
				] }
				filters={ [
					{
						id: 'filter',
						type: 'select',
						label: __( 'Show', 'igny8-bridge' ),
						anyLabel: __( 'All posts', 'igny8-bridge' ),
						options: labelOptions( 'linkerFilter' ),
					},
				] }
				view={ view }
				onChangeView={ setView }
				perPageOptions={ PER_PAGE_OPTIONS }
				items={ posts.items }
				count={ posts.count }
				isLoading={ posts.isLoading }
				error={ posts.error }
				actions={ actions }
				itemTitle={ postTitle }
				countLabel={ postCount }
				searchLabel={ __( 'Search posts', 'igny8-bridge' ) }
				selection={ canEdit ? selected : undefined }
				onChangeSelection={
					canEdit
						? ( ids ) => setSelected( ids.slice( 0, 20 ) )
						: undefined
				}
				empty={ {
					title: __(
						'No posts indexed yet — rebuild the index or publish a post.',
						'igny8-bridge'
					),
					body: (
						<p>
							{ __(
								'Rebuild the index on the Overview tab. Each post then shows how many links lead to it and from it, and the links IGNY8 suggests adding.',
								'igny8-bridge'
							) }
						</p>
					),
				} }
				emptyFiltered={ __(
					'No posts match this search or filter.',
					'igny8-bridge'
				) }
			/>
			{ reviewing && (
				<ReviewModal
					post={ reviewing }
					canEdit={ canEdit }
					onClose={ () => setReviewing( null ) }
				/>
			) }
		</>
	);
}
