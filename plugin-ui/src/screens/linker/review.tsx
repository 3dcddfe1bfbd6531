/**
 * External dependencies
 */
import type { LinkSuggestion } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, CheckboxControl, Modal } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage } from '../../api/errors';
import { announce } from '../../components/data-view/notices';
import { EmptyState, ErrorNotice, Loading } from '../../components/states';
import {
	applySuggestions,
	fetchSuggestions,
	LINKER,
	postRef,
	rejectSuggestions,
	type LinkerPostItem,
} from '../../store/linker';
import { applyMessage, suggestionCount } from './format';
import { postTitle } from './overview';
import { AnchorInContext, Strength } from './suggestion';

type Confirming = 'apply' | 'reject' | null;

/**
 * “Review suggestions” for one post: its open outbound suggestions, each
 * with its sentence and target; the chosen ones are applied or rejected
 * together, after a confirmation that names how many.
 * @param props         Component props.
 * @param props.post    The post.
 * @param props.canEdit Whether the user may apply or reject.
 * @param props.onClose Closes the modal.
 */
export function ReviewModal( {
	post,
	canEdit,
	onClose,
}: {
	post: LinkerPostItem;
	canEdit: boolean;
	onClose: () => void;
} ) {
	const ref = postRef( post );
	const [ suggestions, setSuggestions ] = useState< LinkSuggestion[] | null >(
		null
	);
	const [ loadError, setLoadError ] = useState< string | null >( null );
	const [ selected, setSelected ] = useState< string[] >( [] );
	const [ confirming, setConfirming ] = useState< Confirming >( null );
	const [ busy, setBusy ] = useState( false );
	const [ actionError, setActionError ] = useState< string | null >( null );
	const [ loads, setLoads ] = useState( 0 );
	const { invalidate } = useDispatch( LINKER ) as any;

	useEffect( () => {
		if ( ! ref ) {
			return;
		}
		let live = true;
		fetchSuggestions( ref ).then(
			( list ) => {
				if ( live ) {
					const open = list.filter(
						( suggestion ) => suggestion.status === 'open'
					);
					setSuggestions( open );
					setSelected( ( current ) =>
						current.filter( ( id ) =>
							open.some( ( suggestion ) => suggestion.id === id )
						)
					);
				}
			},
			( failure: unknown ) =>
				live &&
				setLoadError(
					errorMessage(
						failure,
						__(
							'Could not load this post’s suggestions.',
							'igny8-bridge'
						)
					)
				)
		);
		return () => {
			live = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- the post is fixed while the modal is open; `loads` reloads.
	}, [ post.id, loads ] );

	const scores = ( suggestions ?? [] ).map( ( item ) => item.score );
	const chosen = ( suggestions ?? [] ).filter( ( item ) =>
		selected.includes( item.id )
	);
	const toggle = ( id: string, on: boolean ) =>
		setSelected( ( current ) =>
			on
				? [ ...current, id ]
				: current.filter( ( other ) => other !== id )
		);

	const act = async () => {
		if ( ! ref || ! confirming ) {
			return;
		}
		setBusy( true );
		setActionError( null );
		try {
			const ids = chosen.map( ( item ) => item.id );
			if ( confirming === 'apply' ) {
				announce(
					applyMessage( await applySuggestions( ref, ids ), chosen )
				);
			} else {
				await rejectSuggestions( ids );
				announce(
					sprintf(
						/* translators: %s: e.g. “3 suggestions”. */
						__(
							'%s rejected: they are not suggested again.',
							'igny8-bridge'
						),
						suggestionCount( ids.length )
					)
				);
			}
			setSelected( [] );
			invalidate();
			setLoads( ( count ) => count + 1 );
		} catch ( failure ) {
			setActionError(
				errorMessage(
					failure,
					__( 'That did not work. Try again.', 'igny8-bridge' )
				)
			);
		} finally {
			setBusy( false );
			setConfirming( null );
		}
	};

	const title = sprintf(
		/* translators: %s: a post's title. */
		__( 'Link suggestions for “%s”', 'igny8-bridge' ),
		postTitle( post )
	);

	let body: React.ReactNode;
	if ( ! ref ) {
		body = (
			<p>
				{ __(
					'This post is not in WordPress or IGNY8 any more.',
					'igny8-bridge'
				) }
			</p>
		);
	} else if ( loadError ) {
		body = <ErrorNotice message={ loadError } />;
	} else if ( suggestions === null ) {
		body = <Loading />;
	} else if ( suggestions.length === 0 ) {
		body = (
			<EmptyState
				title={ __(
					'No open suggestions for this post.',
					'igny8-bridge'
				) }
			>
				<p>
					{ __(
						'Suggestions appear when other posts cover what a phrase of this post is about. Publish more posts on its topic, or rebuild the index on the Overview tab.',
						'igny8-bridge'
					) }
				</p>
			</EmptyState>
		);
	} else {
		body = (
			<>
				<p className="igny8-linker__hint">
					{ __(
						'Each suggestion links the highlighted words to another post of this site. Choose the ones to add.',
						'igny8-bridge'
					) }
				</p>
				{ canEdit && (
					<CheckboxControl
						__nextHasNoMarginBottom
						label={ __( 'Choose all', 'igny8-bridge' ) }
						checked={ chosen.length === suggestions.length }
						indeterminate={
							chosen.length > 0 &&
							chosen.length < suggestions.length
						}
						onChange={ ( on ) =>
							setSelected(
								on ? suggestions.map( ( item ) => item.id ) : []
							)
						}
					/>
				) }
				<ul className="igny8-linker__suggestions">
					{ suggestions.map( ( suggestion ) => (
						<li
							key={ suggestion.id }
							className="igny8-linker__suggestion"
						>
							{ canEdit && (
								<CheckboxControl
									__nextHasNoMarginBottom
									label={ sprintf(
										/* translators: 1: the link text, 2: the target post's title. */
										__(
											'Link “%1$s” to “%2$s”',
											'igny8-bridge'
										),
										suggestion.anchor,
										postTitle( suggestion.target )
									) }
									checked={ selected.includes(
										suggestion.id
									) }
									onChange={ ( on ) =>
										toggle( suggestion.id, on )
									}
								/>
							) }
							{ ! canEdit && (
								<strong>
									{ sprintf(
										/* translators: 1: the link text, 2: the target post's title. */
										__(
											'Link “%1$s” to “%2$s”',
											'igny8-bridge'
										),
										suggestion.anchor,
										postTitle( suggestion.target )
									) }
								</strong>
							) }
							<AnchorInContext suggestion={ suggestion } />
							<Strength
								suggestion={ suggestion }
								scores={ scores }
							/>
						</li>
					) ) }
				</ul>
			</>
		);
	}

	return (
		<Modal
			title={ title }
			className="igny8-linker__review"
			onRequestClose={ () => ! busy && onClose() }
			size="medium"
		>
			{ actionError && <ErrorNotice message={ actionError } /> }
			{ body }
			{ confirming && (
				<div
					className="igny8-linker__confirm"
					role="group"
					aria-label={ __( 'Confirm', 'igny8-bridge' ) }
				>
					<p>
						<strong>
							{ confirming === 'apply'
								? sprintf(
										/* translators: %s: e.g. “3 suggestions”. */
										__(
											'Add the links of %s to this post? A published post is updated in WordPress at once; nothing else in it changes.',
											'igny8-bridge'
										),
										suggestionCount( chosen.length )
									)
								: sprintf(
										/* translators: %s: e.g. “3 suggestions”. */
										__(
											'Reject %s? They are not suggested again for this post.',
											'igny8-bridge'
										),
										suggestionCount( chosen.length )
									) }
						</strong>
					</p>
					<div className="igny8-modal__actions">
						<Button
							variant="primary"
							isDestructive={ confirming === 'reject' }
							isBusy={ busy }
							disabled={ busy }
							accessibleWhenDisabled
							onClick={ act }
						>
							{ confirming === 'apply'
								? __( 'Add links', 'igny8-bridge' )
								: __( 'Reject', 'igny8-bridge' ) }
						</Button>
						<Button
							variant="tertiary"
							disabled={ busy }
							accessibleWhenDisabled
							onClick={ () => setConfirming( null ) }
						>
							{ __( 'Cancel', 'igny8-bridge' ) }
						</Button>
					</div>
				</div>
			) }
			{ ! confirming && (
				<div className="igny8-modal__actions">
					{ canEdit && suggestions && suggestions.length > 0 && (
						<>
							<Button
								variant="primary"
								disabled={ chosen.length === 0 }
								accessibleWhenDisabled
								onClick={ () => setConfirming( 'apply' ) }
							>
								{ chosen.length > 0
									? sprintf(
											/* translators: %d: number of suggestions chosen. */
											__( 'Apply (%d)', 'igny8-bridge' ),
											chosen.length
										)
									: __( 'Apply', 'igny8-bridge' ) }
							</Button>
							<Button
								variant="secondary"
								isDestructive
								disabled={ chosen.length === 0 }
								accessibleWhenDisabled
								onClick={ () => setConfirming( 'reject' ) }
							>
								{ __( 'Reject', 'igny8-bridge' ) }
							</Button>
						</>
					) }
					<Button variant="tertiary" onClick={ onClose }>
						{ __( 'Close', 'igny8-bridge' ) }
					</Button>
				</div>
			) }
		</Modal>
	);
}
