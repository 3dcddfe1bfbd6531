/**
 * External dependencies
 */
import type {
	AiRun,
	Content,
	OptimizerAnalysis,
	OptimizerCheckId,
	OptimizerHistoryEntry,
	OptimizerRevision,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Notice } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError, type ApiErrorKind } from '../../api/errors';
import { AiActionModal } from '../../components/ai-action';
import { ErrorNotice, Loading } from '../../components/states';
import { label } from '../../labels';
import { postLinks } from '../../post-links';
import {
	analyzeContent,
	fetchContent,
	fetchHistory,
	fetchProposedRevisions,
	OPTIMIZER,
} from '../../store/optimizer';
import { ChecksList } from './checks';
import { RevisionReview } from './revision';
import { ScoreBars } from './scores';
import { ScoreHistory } from './history';
import { analysisUrl } from './use-content-param';

interface Loaded {
	content: Content;
	analysis: OptimizerAnalysis;
	history: OptimizerHistoryEntry[];
	revision: OptimizerRevision | null;
}

type Failure = { message: string; kind?: ApiErrorKind };

/**
 * Loads one content's draft, analyzes it (the result joins its history),
 * then its history and the AI revision waiting for review.
 * @param contentId The content.
 */
async function loadAll( contentId: number ): Promise< Loaded > {
	const [ content, analysis, revisions ] = await Promise.all( [
		fetchContent( contentId ),
		analyzeContent( contentId ),
		fetchProposedRevisions( contentId ),
	] );
	// After the analysis, so the entry it just kept is in the list.
	const history = await fetchHistory( contentId );
	return { content, analysis, history, revision: revisions[ 0 ] ?? null };
}

/**
 * Key facts of an analysis in one line: keyphrase, words, reading ease.
 * @param props          Component props.
 * @param props.analysis The analysis.
 */
function Facts( { analysis }: { analysis: OptimizerAnalysis } ) {
	return (
		<p className="igny8-optimizer__facts">
			{ [
				analysis.keyphrase
					? sprintf(
							/* translators: %s: the focus keyphrase. */
							__( 'Focus keyphrase: “%s”', 'igny8-bridge' ),
							analysis.keyphrase
						)
					: __( 'No focus keyphrase set', 'igny8-bridge' ),
				sprintf(
					/* translators: %s: a number of words. */
					__( '%s words', 'igny8-bridge' ),
					analysis.word_count.toLocaleString()
				),
				analysis.flesch_reading_ease === null
					? __( 'Reading ease: not measured', 'igny8-bridge' )
					: sprintf(
							/* translators: %s: the Flesch reading ease score. */
							__( 'Reading ease: %s', 'igny8-bridge' ),
							analysis.flesch_reading_ease.toFixed( 1 )
						),
			].join( ' · ' ) }
		</p>
	);
}

/**
 * Optimizer → one content: its scores and checks, “Fix with AI” on the
 * failing checks the AI can address, its score history, and the AI
 * revision waiting for review with the compare view.
 * @param props           Component props.
 * @param props.contentId The content.
 * @param props.canEdit   Whether the user may change content.
 * @param props.onBack    Returns to the dashboard.
 */
export function AnalysisView( {
	contentId,
	canEdit,
	onBack,
}: {
	contentId: number;
	canEdit: boolean;
	onBack: () => void;
} ) {
	const [ loaded, setLoaded ] = useState< Loaded | null >( null );
	const [ error, setError ] = useState< Failure | null >( null );
	const [ loads, setLoads ] = useState( 0 );
	const [ busy, setBusy ] = useState( false );
	const [ fixing, setFixing ] = useState< OptimizerCheckId[] | null >( null );
	const [ decided, setDecided ] = useState< string | null >( null );
	const { invalidate } = useDispatch( OPTIMIZER ) as any;

	useEffect( () => {
		let live = true;
		setBusy( true );
		setError( null );
		loadAll( contentId ).then(
			( next ) => {
				if ( live ) {
					setLoaded( next );
					setBusy( false );
				}
			},
			( failure: unknown ) => {
				if ( ! live ) {
					return;
				}
				setBusy( false );
				setError( {
					message:
						isApiError( failure ) && failure.kind === 'not_found'
							? __(
									'This content no longer exists in IGNY8. Go back to the list and choose another.',
									'igny8-bridge'
								)
							: errorMessage(
									failure,
									__(
										'Could not analyze this content.',
										'igny8-bridge'
									)
								),
					kind: isApiError( failure ) ? failure.kind : undefined,
				} );
			}
		);
		return () => {
			live = false;
		};
	}, [ contentId, loads ] );

	const reload = useCallback( () => {
		setLoads( ( count ) => count + 1 );
		invalidate();
	}, [ invalidate ] );

	const back = (
		<p className="igny8-optimizer__back">
			<a
				href={ analysisUrl( null ) }
				onClick={ ( event ) => {
					event.preventDefault();
					onBack();
				} }
			>
				{ __( '← All posts', 'igny8-bridge' ) }
			</a>
		</p>
	);

	if ( ! loaded ) {
		return (
			<div className="igny8-optimizer__analysis">
				{ back }
				{ error ? (
					<ErrorNotice
						message={ error.message }
						kind={ error.kind }
						onRetry={
							error.kind === 'not_found' ? undefined : reload
						}
					/>
				) : (
					<Loading label={ __( 'Analyzing…', 'igny8-bridge' ) } />
				) }
			</div>
		);
	}

	const { content, analysis, history, revision } = loaded;
	const links = postLinks( content );
	const onFinished = ( run: AiRun ) => {
		if ( run.status === 'succeeded' ) {
			reload();
		}
	};

	return (
		<div className="igny8-optimizer__analysis" data-content={ content.id }>
			{ back }
			<div className="igny8-optimizer__head">
				<h2>{ content.title || __( '(no title)', 'igny8-bridge' ) }</h2>
				<div className="igny8-optimizer__actions">
					<Button
						variant="secondary"
						onClick={ reload }
						isBusy={ busy }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ __( 'Analyze again', 'igny8-bridge' ) }
					</Button>
					{ links && (
						<Button variant="tertiary" href={ links.edit }>
							{ __( 'Open in editor', 'igny8-bridge' ) }
						</Button>
					) }
				</div>
			</div>
			<Facts analysis={ analysis } />
			{ error && (
				<ErrorNotice message={ error.message } kind={ error.kind } />
			) }
			{ decided && (
				<Notice status="success" onRemove={ () => setDecided( null ) }>
					{ decided }
				</Notice>
			) }
			{ revision && (
				<RevisionReview
					revision={ revision }
					current={ content }
					canEdit={ canEdit }
					onDecided={ ( decision ) => {
						setDecided(
							decision === 'accepted'
								? __(
										'The revision is now the draft. Its new score is below.',
										'igny8-bridge'
									)
								: __(
										'Revision rejected; the draft is unchanged.',
										'igny8-bridge'
									)
						);
						reload();
					} }
				/>
			) }
			<div className="igny8-optimizer__columns">
				<section className="igny8-optimizer__main">
					<ScoreBars analysis={ analysis } />
					<ChecksList
						checks={ analysis.checks }
						onFix={
							canEdit && ! revision
								? ( ids ) => setFixing( ids )
								: undefined
						}
					/>
					{ canEdit && revision && (
						<p className="igny8-optimizer__hint">
							{ __(
								'Accept or reject the AI revision above before asking for another fix.',
								'igny8-bridge'
							) }
						</p>
					) }
				</section>
				<section className="igny8-optimizer__side">
					<h3>{ __( 'Score history', 'igny8-bridge' ) }</h3>
					<ScoreHistory entries={ history } />
				</section>
			</div>
			{ fixing && (
				<AiActionModal
					title={ __( 'Fix with AI', 'igny8-bridge' ) }
					fn="optimize_content"
					// The AI function prices a list of drafts; a fix is a list of one.
					estimateInput={ {
						content_ids: [ content.id ],
						check_ids: fixing,
					} }
					path="/optimizer/fix/"
					body={ { content_id: content.id, check_ids: fixing } }
					startLabel={ __( 'Write a revision', 'igny8-bridge' ) }
					onClose={ () => setFixing( null ) }
					onFinished={ onFinished }
					result={ () => (
						<p>
							{ __(
								'The AI revision is ready. Close this window to compare it with the draft, then accept or reject it. The draft has not changed.',
								'igny8-bridge'
							) }
						</p>
					) }
				>
					<p>
						{ __(
							'The AI rewrites the draft to address these checks and leaves the rest as it is:',
							'igny8-bridge'
						) }
					</p>
					<ul className="igny8-optimizer__fix-list">
						{ fixing.map( ( id ) => (
							<li key={ id }>
								{ label( 'optimizerCheck', id ) }
							</li>
						) ) }
					</ul>
					<p>
						{ __(
							'The result is a revision you compare and accept; nothing is overwritten.',
							'igny8-bridge'
						) }
					</p>
				</AiActionModal>
			) }
		</div>
	);
}
