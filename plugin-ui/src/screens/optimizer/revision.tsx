/**
 * External dependencies
 */
import type { Content, OptimizerRevision } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Modal } from '@wordpress/components';
import { useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError } from '../../api/errors';
import { ErrorNotice } from '../../components/states';
import { label } from '../../labels';
import { acceptRevision, rejectRevision } from '../../store/optimizer';
import { diffParagraphs, diffStats, type DiffRow } from './diff';
import { paragraphCount } from './format';

/**
 * One field before and after, side by side; “unchanged” when equal.
 * @param props        Component props.
 * @param props.name   The field, e.g. “Title”.
 * @param props.before The draft's value.
 * @param props.after  The revision's value.
 */
function FieldChange( {
	name,
	before,
	after,
}: {
	name: string;
	before: string;
	after: string;
} ) {
	const changed = before.trim() !== after.trim();
	return (
		<div
			className="igny8-optimizer__diff-row"
			data-kind={ changed ? 'changed' : 'same' }
		>
			<div className="igny8-optimizer__diff-cell">
				<span className="igny8-optimizer__diff-label">{ name }</span>
				{ before || '—' }
			</div>
			<div className="igny8-optimizer__diff-cell">
				<span className="igny8-optimizer__diff-label">{ name }</span>
				{ changed ? after || '—' : __( '(unchanged)', 'igny8-bridge' ) }
			</div>
		</div>
	);
}

/**
 * What a diff row's kind means, for people who do not see its color.
 * @param row The row.
 */
function kindWord( row: DiffRow ): string {
	switch ( row.kind ) {
		case 'changed':
			return __( 'Changed', 'igny8-bridge' );
		case 'added':
			return __( 'Added', 'igny8-bridge' );
		case 'removed':
			return __( 'Removed', 'igny8-bridge' );
		default:
			return '';
	}
}

/**
 * The draft and the revision, paragraph by paragraph, side by side. Only
 * text is shown: the revision's HTML is not rendered.
 * @param props        Component props.
 * @param props.before The draft's HTML.
 * @param props.after  The revision's HTML.
 */
export function ParagraphDiff( {
	before,
	after,
}: {
	before: string;
	after: string;
} ) {
	const rows = useMemo(
		() => diffParagraphs( before, after ),
		[ before, after ]
	);
	const stats = diffStats( rows );
	return (
		<>
			<p className="igny8-optimizer__diff-stats">
				{ sprintf(
					/* translators: 1: e.g. “3 paragraphs” changed, 2: added, 3: removed, 4: unchanged. */
					__(
						'%1$s changed, %2$s added, %3$s removed, %4$s unchanged.',
						'igny8-bridge'
					),
					paragraphCount( stats.changed ),
					paragraphCount( stats.added ),
					paragraphCount( stats.removed ),
					paragraphCount( stats.same )
				) }
			</p>
			<div className="igny8-optimizer__diff" data-testid="igny8-diff">
				<div className="igny8-optimizer__diff-row igny8-optimizer__diff-head">
					<div>{ __( 'Current draft', 'igny8-bridge' ) }</div>
					<div>{ __( 'AI revision', 'igny8-bridge' ) }</div>
				</div>
				{ rows.map( ( row, index ) => (
					<div
						key={ index }
						className="igny8-optimizer__diff-row"
						data-kind={ row.kind }
					>
						<div className="igny8-optimizer__diff-cell">
							{ 'before' in row && (
								<span data-tag={ row.before.tag }>
									{ row.before.text }
								</span>
							) }
						</div>
						<div className="igny8-optimizer__diff-cell">
							{ row.kind !== 'same' && (
								<span className="igny8-optimizer__diff-label">
									{ kindWord( row ) }
								</span>
							) }
							{ 'after' in row &&
								( row.kind === 'same' ? (
									<span className="igny8-optimizer__diff-same">
										{ __( '(unchanged)', 'igny8-bridge' ) }
									</span>
								) : (
									<span data-tag={ row.after.tag }>
										{ row.after.text }
									</span>
								) ) }
						</div>
					</div>
				) ) }
			</div>
		</>
	);
}

/**
 * A proposed AI revision: what it changes next to the current draft, and
 * Accept (asked first, in words) or Reject. The draft changes only on Accept.
 * @param props           Component props.
 * @param props.revision  The proposed revision.
 * @param props.current   The draft as it is now.
 * @param props.canEdit   Whether the user may decide.
 * @param props.onDecided Called after Accept (with the new draft) or Reject.
 */
export function RevisionReview( {
	revision,
	current,
	canEdit,
	onDecided,
}: {
	revision: OptimizerRevision;
	current: Content;
	canEdit: boolean;
	onDecided: ( decision: 'accepted' | 'rejected', content?: Content ) => void;
} ) {
	const [ confirming, setConfirming ] = useState( false );
	const [ busy, setBusy ] = useState< 'accept' | 'reject' | null >( null );
	const [ error, setError ] = useState< string | null >( null );

	const accept = async () => {
		setBusy( 'accept' );
		setError( null );
		try {
			const content = await acceptRevision( revision.id );
			setConfirming( false );
			onDecided( 'accepted', content );
		} catch ( failure ) {
			setConfirming( false );
			setError(
				isApiError( failure ) && failure.kind === 'conflict'
					? __(
							'The draft changed after this revision was written, so it was not applied. Reject it and run “Fix with AI” again on the current draft.',
							'igny8-bridge'
						)
					: errorMessage(
							failure,
							__(
								'Could not accept the revision.',
								'igny8-bridge'
							)
						)
			);
		} finally {
			setBusy( null );
		}
	};
	const reject = async () => {
		setBusy( 'reject' );
		setError( null );
		try {
			await rejectRevision( revision.id );
			onDecided( 'rejected' );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'Could not reject the revision.', 'igny8-bridge' )
				)
			);
		} finally {
			setBusy( null );
		}
	};

	return (
		<section
			className="igny8-optimizer__revision"
			aria-labelledby={ `igny8-revision-${ revision.id }` }
		>
			<h2 id={ `igny8-revision-${ revision.id }` }>
				{ __( 'AI revision waiting for review', 'igny8-bridge' ) }
			</h2>
			<p>
				{ sprintf(
					/* translators: 1: list of check names, 2: score before, 3: score after. */
					__(
						'Written to fix: %1$s. Score %2$s → %3$s. The draft stays as it is until you accept.',
						'igny8-bridge'
					),
					revision.check_ids
						.map( ( id ) => label( 'optimizerCheck', id ) )
						.join( ', ' ),
					String( revision.score_before ?? '—' ),
					String( revision.score_after ?? '—' )
				) }
			</p>
			<div className="igny8-optimizer__diff igny8-optimizer__diff--fields">
				<FieldChange
					name={ __( 'Title', 'igny8-bridge' ) }
					before={ current.title }
					after={ revision.title }
				/>
				<FieldChange
					name={ __( 'Meta description', 'igny8-bridge' ) }
					before={ current.meta_description }
					after={ revision.meta_description }
				/>
			</div>
			<ParagraphDiff
				before={ current.content_html }
				after={ revision.content_html }
			/>
			{ error && <ErrorNotice message={ error } /> }
			{ canEdit && (
				<div className="igny8-optimizer__actions">
					<Button
						variant="primary"
						onClick={ () => setConfirming( true ) }
						disabled={ busy !== null }
						accessibleWhenDisabled
					>
						{ __( 'Accept…', 'igny8-bridge' ) }
					</Button>
					<Button
						variant="secondary"
						isDestructive
						onClick={ reject }
						isBusy={ busy === 'reject' }
						disabled={ busy !== null }
						accessibleWhenDisabled
					>
						{ __( 'Reject', 'igny8-bridge' ) }
					</Button>
				</div>
			) }
			{ confirming && (
				<Modal
					title={ __( 'Accept the AI revision?', 'igny8-bridge' ) }
					onRequestClose={ () => setConfirming( false ) }
					className="igny8-confirm"
				>
					<p>
						{ __(
							'The draft’s title, meta description and text are replaced with the revision’s. The current draft is kept in its revision history. A published post changes the next time IGNY8 sends it.',
							'igny8-bridge'
						) }
					</p>
					<div className="igny8-modal__actions">
						<Button
							variant="primary"
							onClick={ accept }
							isBusy={ busy === 'accept' }
							disabled={ busy !== null }
							accessibleWhenDisabled
						>
							{ __( 'Accept revision', 'igny8-bridge' ) }
						</Button>
						<Button
							variant="tertiary"
							onClick={ () => setConfirming( false ) }
						>
							{ __( 'Cancel', 'igny8-bridge' ) }
						</Button>
					</div>
				</Modal>
			) }
		</section>
	);
}
