/**
 * The sidebar's “Internal links” panel: the links IGNY8 suggests from this
 * post to others (inserted into the editor's blocks at once, without a
 * reload, with an undo) and the posts that should link here (applied to
 * those posts). Works for every post, IGNY8's or not.
 */

/**
 * External dependencies
 */
import type { LinkSuggestion } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, PanelBody, TabPanel } from '@wordpress/components';
import { dispatch, select as selectFrom, useSelect } from '@wordpress/data';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { store as noticesStore } from '@wordpress/notices';
import { registerPlugin } from '@wordpress/plugins';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError } from '../api/errors';
import { EmptyState, ErrorNotice, Loading } from '../components/states';
import { safeUrl } from '../safe-url';
import { applyMessage } from '../screens/linker/format';
import { postTitle } from '../screens/linker/overview';
import { AnchorInContext, Strength } from '../screens/linker/suggestion';
import '../screens/linker/linker.scss';
import {
	applySuggestions,
	fetchInbound,
	fetchSuggestions,
	postRef,
	type PostRef,
} from '../store/linker';
import { Igny8SidebarPanels } from './index';
import { findBlockEdit, hasIgny8Link, type BlockLike } from './insert-link';
import { usePostInfo } from './post-meta';

const NOTICE_ID = 'igny8-link-inserted';

/**
 * How the cloud names the post being edited: its IGNY8 content when it has
 * one, else the WordPress post.
 */
function useEditedPostRef(): PostRef | null {
	const { postId, meta } = usePostInfo();
	if ( meta._igny8_content_id ) {
		return { content_id: meta._igny8_content_id };
	}
	return postId ? { post_id: postId } : null;
}

/**
 * A list loaded from the cloud for the edited post, loaded again on demand.
 * @param load Fetches the list.
 * @param ref  The post.
 */
function useSuggestions(
	load: ( ref: PostRef ) => Promise< LinkSuggestion[] >,
	ref: PostRef | null
) {
	const [ items, setItems ] = useState< LinkSuggestion[] | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	const [ loads, setLoads ] = useState( 0 );
	const key = JSON.stringify( ref );
	useEffect( () => {
		if ( ! ref ) {
			return;
		}
		let live = true;
		setError( null );
		load( ref ).then(
			( list ) => live && setItems( list ),
			( failure: unknown ) =>
				live &&
				setError(
					isApiError( failure ) && failure.kind === 'not_found'
						? __(
								'IGNY8 has not indexed this post yet. Save it (or publish it); its links are suggested once IGNY8 has read it.',
								'igny8-bridge'
							)
						: errorMessage(
								failure,
								__(
									'Could not load the link suggestions.',
									'igny8-bridge'
								)
							)
				)
		);
		return () => {
			live = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for ref; `loads` reloads.
	}, [ key, loads, load ] );
	const reload = useCallback( () => setLoads( ( count ) => count + 1 ), [] );
	return { items, error, reload };
}

/**
 * Inserts a suggestion's link into the first block holding its anchor, and
 * says so with an undo that puts the block's text back as it was.
 * @param suggestion The suggestion.
 * @return Whether the link was inserted.
 */
function insertSuggestion( suggestion: LinkSuggestion ): boolean {
	const href = safeUrl( suggestion.target.url );
	if ( ! href ) {
		return false;
	}
	const notices = dispatch( noticesStore );
	const blocks = (
		selectFrom( 'core/block-editor' ) as any
	 ).getBlocks() as BlockLike[];
	const edit = findBlockEdit(
		blocks,
		{ anchor: suggestion.anchor, href, id: suggestion.id },
		suggestion.context
	);
	if ( ! edit ) {
		notices.createWarningNotice(
			sprintf(
				/* translators: %s: the link text. */
				__(
					'“%s” is not in the post outside a link any more, so the link was not added.',
					'igny8-bridge'
				),
				suggestion.anchor
			),
			{ id: NOTICE_ID, type: 'snackbar' }
		);
		return false;
	}
	const blockEditor = dispatch( 'core/block-editor' ) as any;
	blockEditor.updateBlockAttributes( edit.clientId, {
		[ edit.attribute ]: edit.after,
	} );
	notices.createSuccessNotice( __( 'Link added', 'igny8-bridge' ), {
		id: NOTICE_ID,
		type: 'snackbar',
		actions: [
			{
				label: __( 'Undo', 'igny8-bridge' ),
				onClick: () =>
					blockEditor.updateBlockAttributes( edit.clientId, {
						[ edit.attribute ]: edit.before,
					} ),
			},
		],
	} );
	return true;
}

/**
 * The target (outbound) or source (inbound) of a suggestion, with its link.
 * @param props      Component props.
 * @param props.post The post.
 */
function OtherPost( { post }: { post: LinkSuggestion[ 'target' ] } ) {
	const url = safeUrl( post.url );
	return url ? (
		<a href={ url } target="_blank" rel="noreferrer">
			{ postTitle( post ) }
			<span className="screen-reader-text">
				{ __( '(opens in a new tab)', 'igny8-bridge' ) }
			</span>
		</a>
	) : (
		<strong>{ postTitle( post ) }</strong>
	);
}

/**
 * This post's outbound suggestions, each with “Insert”.
 * @param props         Component props.
 * @param props.postRef The edited post.
 */
function Outbound( { postRef: ref }: { postRef: PostRef } ) {
	const { items, error } = useSuggestions( fetchSuggestions, ref );
	// The post's text as edited now: a suggestion whose link is in it shows as inserted (and again after Undo, as not).
	const content = useSelect(
		( select ) =>
			( select( 'core/editor' ) as any ).getEditedPostContent() as string,
		[]
	);
	if ( error ) {
		return <ErrorNotice message={ error } />;
	}
	if ( items === null ) {
		return <Loading />;
	}
	const open = items.filter( ( item ) => item.status === 'open' );
	if ( open.length === 0 ) {
		return (
			<EmptyState
				title={ __(
					'No link to suggest from this post yet.',
					'igny8-bridge'
				) }
			>
				<p className="igny8-editor__hint">
					{ __(
						'Suggestions appear when other posts of this site cover something this post mentions.',
						'igny8-bridge'
					) }
				</p>
			</EmptyState>
		);
	}
	const scores = open.map( ( item ) => item.score );
	return (
		<ul className="igny8-links__list">
			{ open.map( ( suggestion ) => {
				const inserted = hasIgny8Link( content ?? '', suggestion.id );
				return (
					<li key={ suggestion.id } className="igny8-links__item">
						<AnchorInContext suggestion={ suggestion } />
						<span>
							{ __( 'Links to', 'igny8-bridge' ) }{ ' ' }
							<OtherPost post={ suggestion.target } />
						</span>
						<Strength suggestion={ suggestion } scores={ scores } />
						{ inserted ? (
							<span className="igny8-links__done" role="status">
								{ __( 'Inserted', 'igny8-bridge' ) }
							</span>
						) : (
							<Button
								variant="secondary"
								size="compact"
								disabled={ ! safeUrl( suggestion.target.url ) }
								accessibleWhenDisabled
								onClick={ () => insertSuggestion( suggestion ) }
								aria-label={ sprintf(
									/* translators: 1: the link text, 2: the target post's title. */
									__(
										'Insert a link from “%1$s” to “%2$s”',
										'igny8-bridge'
									),
									suggestion.anchor,
									postTitle( suggestion.target )
								) }
							>
								{ __( 'Insert', 'igny8-bridge' ) }
							</Button>
						) }
					</li>
				);
			} ) }
		</ul>
	);
}

/**
 * The posts that should link to this one, each with “Apply” (which adds the
 * link to that post, not this one).
 * @param props         Component props.
 * @param props.postRef The edited post.
 */
function Inbound( { postRef: ref }: { postRef: PostRef } ) {
	const { items, error, reload } = useSuggestions( fetchInbound, ref );
	const [ busy, setBusy ] = useState< string | null >( null );
	const [ applyError, setApplyError ] = useState< string | null >( null );
	if ( error ) {
		return <ErrorNotice message={ error } />;
	}
	if ( items === null ) {
		return <Loading />;
	}
	const open = items.filter( ( item ) => item.status === 'open' );
	if ( open.length === 0 ) {
		return (
			<EmptyState
				title={ __(
					'No other post is suggested to link here yet.',
					'igny8-bridge'
				) }
			>
				<p className="igny8-editor__hint">
					{ __(
						'Once this post is published and indexed, posts that mention its topic are listed here.',
						'igny8-bridge'
					) }
				</p>
			</EmptyState>
		);
	}
	const apply = async ( suggestion: LinkSuggestion ) => {
		const source = postRef( suggestion.source );
		if ( ! source ) {
			return;
		}
		setBusy( suggestion.id );
		setApplyError( null );
		try {
			const result = await applySuggestions( source, [ suggestion.id ] );
			dispatch( noticesStore ).createSuccessNotice(
				applyMessage( result, [ suggestion ] ),
				{ type: 'snackbar' }
			);
			reload();
		} catch ( failure ) {
			setApplyError(
				errorMessage(
					failure,
					__( 'The link was not added. Try again.', 'igny8-bridge' )
				)
			);
		} finally {
			setBusy( null );
		}
	};
	const scores = open.map( ( item ) => item.score );
	return (
		<>
			{ applyError && <ErrorNotice message={ applyError } /> }
			<ul className="igny8-links__list">
				{ open.map( ( suggestion ) => (
					<li key={ suggestion.id } className="igny8-links__item">
						<span>
							{ __( 'From', 'igny8-bridge' ) }{ ' ' }
							<OtherPost post={ suggestion.source } />
						</span>
						<AnchorInContext suggestion={ suggestion } />
						<Strength suggestion={ suggestion } scores={ scores } />
						<Button
							variant="secondary"
							size="compact"
							isBusy={ busy === suggestion.id }
							disabled={ busy !== null }
							accessibleWhenDisabled
							onClick={ () => apply( suggestion ) }
							aria-label={ sprintf(
								/* translators: 1: the other post's title, 2: the link text. */
								__(
									'Add the link to “%1$s” on “%2$s”',
									'igny8-bridge'
								),
								postTitle( suggestion.source ),
								suggestion.anchor
							) }
						>
							{ __( 'Apply', 'igny8-bridge' ) }
						</Button>
					</li>
				) ) }
			</ul>
		</>
	);
}

export function LinksPanel() {
	const ref = useEditedPostRef();
	return (
		<PanelBody
			title={ __( 'Internal links', 'igny8-bridge' ) }
			className="igny8-links"
			initialOpen={ false }
		>
			{ ! ref ? (
				<p className="igny8-editor__hint">
					{ __(
						'Save the post to get link suggestions.',
						'igny8-bridge'
					) }
				</p>
			) : (
				<TabPanel
					className="igny8-links__tabs"
					tabs={ [
						{
							name: 'outbound',
							title: __( 'From this post', 'igny8-bridge' ),
						},
						{
							name: 'inbound',
							title: __( 'To this post', 'igny8-bridge' ),
						},
					] }
				>
					{ ( tab ) =>
						tab.name === 'outbound' ? (
							<Outbound postRef={ ref } />
						) : (
							<Inbound postRef={ ref } />
						)
					}
				</TabPanel>
			) }
		</PanelBody>
	);
}

registerPlugin( 'igny8-links', {
	render: () => (
		<Igny8SidebarPanels.Fill>
			<LinksPanel />
		</Igny8SidebarPanels.Fill>
	),
} );
