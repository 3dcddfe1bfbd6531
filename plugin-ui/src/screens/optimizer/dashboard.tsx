/**
 * External dependencies
 */
import type { OptimizerBulkResult } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Notice, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage } from '../../api/errors';
import { AiActionModal, useActiveRunId } from '../../components/ai-action';
import { DataView, type Action } from '../../components/data-view';
import { announce } from '../../components/data-view/notices';
import { ErrorNotice, Loading } from '../../components/states';
import { useList } from '../../hooks/use-list';
import {
	oneOf,
	useUrlView,
	viewQuery,
	type ViewSpec,
} from '../../hooks/use-url-view';
import { labelOptions } from '../../labels';
import {
	analyzeContent,
	OPTIMIZER,
	type OptimizerScoreItem,
	type OptimizerSummary,
} from '../../store/optimizer';
import { PER_PAGE_OPTIONS } from '../keywords';
import { contentCount, ratingLabel } from './format';
import { RatingIcon } from './scores';
import { analysisUrl } from './use-content-param';

export const SCORES_VIEW: ViewSpec = {
	filters: { rating: oneOf( [ 'good', 'ok', 'bad' ] ) },
	sortFields: [ 'title', 'score', 'analyzed_at' ],
	// The cloud's own order (newest content first) until a column is sorted.
	defaultSort: '',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'score', 'rating', 'keyphrase', 'analyzed', 'review' ],
};

/** The most drafts one bulk run takes (the cloud's limit). */
const BULK_MAX = 1000;
/** Drafts at or above this score are left alone unless the person says otherwise. */
const DEFAULT_MIN_SCORE = 70;

const titleOf = ( row: OptimizerScoreItem ) =>
	row.title.trim() || __( '(no title)', 'igny8-bridge' );

/**
 * A figure of the summary.
 * @param props       Component props.
 * @param props.title What it counts.
 * @param props.value The figure.
 */
function Figure( { title, value }: { title: string; value: string } ) {
	return (
		<div className="igny8-optimizer__figure">
			<dt>{ title }</dt>
			<dd>{ value }</dd>
		</div>
	);
}

/** Counts by rating and the average score of the site's contents. */
function Summary() {
	const { summary, error } = useSelect( ( select ) => {
		const store = select( OPTIMIZER ) as any;
		return {
			summary: store.getSummary() as OptimizerSummary | null,
			error: store.getSummaryError() as string | null,
		};
	}, [] );
	const { invalidate } = useDispatch( OPTIMIZER ) as any;
	if ( error ) {
		return <ErrorNotice message={ error } onRetry={ invalidate } />;
	}
	if ( ! summary ) {
		return <Loading label={ __( 'Counting scores…', 'igny8-bridge' ) } />;
	}
	return (
		<>
			<dl
				className="igny8-optimizer__figures"
				data-testid="igny8-optimizer-summary"
			>
				<Figure
					title={ __( 'Average score', 'igny8-bridge' ) }
					value={
						summary.average === null
							? '—'
							: sprintf(
									/* translators: %d: a score out of 100. */
									__( '%d / 100', 'igny8-bridge' ),
									summary.average
								)
					}
				/>
				<Figure
					title={ ratingLabel( 'good' ) }
					value={ summary.good.toLocaleString() }
				/>
				<Figure
					title={ ratingLabel( 'ok' ) }
					value={ summary.ok.toLocaleString() }
				/>
				<Figure
					title={ ratingLabel( 'bad' ) }
					value={ summary.bad.toLocaleString() }
				/>
				<Figure
					title={ __( 'Not analyzed', 'igny8-bridge' ) }
					value={ summary.unanalyzed.toLocaleString() }
				/>
				<Figure
					title={ __( 'Reviews pending', 'igny8-bridge' ) }
					value={ summary.pending.toLocaleString() }
				/>
			</dl>
		</>
	);
}

/** Titles a notice names before it says “and N more”. */
const LEFT_OUT_NAMED = 3;

/**
 * Which selected drafts the credit cap left out of a bulk run, by title,
 * so the person can start another run for them.
 * @param props        Component props.
 * @param props.answer What the bulk action answered.
 * @param props.items  The drafts that were selected.
 */
export function LeftOut( {
	answer,
	items,
}: {
	answer: OptimizerBulkResult;
	items: OptimizerScoreItem[];
} ) {
	const leftOut = answer.left_out ?? [];
	if ( leftOut.length === 0 ) {
		return null;
	}
	const titles = new Map(
		items.map( ( item ) => [ item.content_id, titleOf( item ) ] )
	);
	const named = leftOut
		.slice( 0, LEFT_OUT_NAMED )
		.map( ( id ) => `“${ titles.get( id ) ?? `#${ id }` }”` )
		.join( ', ' );
	const more = leftOut.length - LEFT_OUT_NAMED;
	return (
		<Notice status="warning" isDismissible={ false }>
			{ sprintf(
				/* translators: 1: e.g. “30 posts”, 2: e.g. “50 posts”. */
				__(
					'The credit cap covers %1$s of the %2$s selected.',
					'igny8-bridge'
				),
				contentCount( answer.content_ids.length ),
				contentCount( answer.content_ids.length + leftOut.length )
			) }{ ' ' }
			{ more > 0
				? sprintf(
						/* translators: 1: quoted titles, 2: e.g. “17 posts”. */
						__( 'Left out: %1$s and %2$s more.', 'igny8-bridge' ),
						named,
						contentCount( more )
					)
				: sprintf(
						/* translators: %s: quoted titles. */
						__( 'Left out: %s.', 'igny8-bridge' ),
						named
					) }{ ' ' }
			{ __(
				'Select them and start another run when this one is done.',
				'igny8-bridge'
			) }
		</Notice>
	);
}

/** What a finished optimization run leaves: revisions to review. */
function RevisionsWaiting() {
	return (
		<p>
			{ __(
				'Each rewritten draft now has an AI revision waiting for review (“Review pending” in the list). Nothing changes in a draft until you accept its revision.',
				'igny8-bridge'
			) }
		</p>
	);
}

/**
 * An optimization run going on for the site (started here before a reload
 * or before its dialog was closed, or from the block editor): a link opens
 * its progress, which stays open with the result once it ends.
 * @param props        Component props.
 * @param props.onDone Called once the run ends.
 */
export function ActiveOptimization( { onDone }: { onDone: () => void } ) {
	const runId = useActiveRunId( 'optimize_content' );
	// The run shown stays shown after it ends (no longer active), with its result.
	const [ shown, setShown ] = useState< number | null >( null );
	if ( shown !== null ) {
		return (
			<AiActionModal
				title={ __( 'Optimizing with AI', 'igny8-bridge' ) }
				fn="optimize_content"
				estimateInput={ {} }
				path="/optimizer/bulk/"
				body={ {} }
				startLabel=""
				runId={ shown }
				onClose={ () => setShown( null ) }
				onFinished={ onDone }
				result={ () => <RevisionsWaiting /> }
			/>
		);
	}
	if ( runId === null ) {
		return null;
	}
	return (
		<p className="igny8-optimizer__active">
			<Button variant="link" onClick={ () => setShown( runId ) }>
				{ __(
					'AI optimization in progress — show progress',
					'igny8-bridge'
				) }
			</Button>
		</p>
	);
}

/**
 * “Optimize with AI” for a selection: the credit estimate, a credit cap and
 * the score to leave alone, then the run's progress.
 * @param props         Component props.
 * @param props.items   The selected contents.
 * @param props.onClose Closes the dialog.
 * @param props.onDone  Called once the run ends.
 */
function BulkOptimize( {
	items,
	onClose,
	onDone,
}: {
	items: OptimizerScoreItem[];
	onClose: () => void;
	onDone: () => void;
} ) {
	const [ cap, setCap ] = useState( '100' );
	const [ minScore, setMinScore ] = useState( String( DEFAULT_MIN_SCORE ) );
	const ids = items.map( ( item ) => item.content_id ).slice( 0, BULK_MAX );
	const capValue = /^\d{1,9}$/.test( cap ) ? Number( cap ) : NaN;
	const minValue = /^\d{1,3}$/.test( minScore ) ? Number( minScore ) : NaN;
	const capError =
		Number.isNaN( capValue ) || capValue < 1
			? __(
					'Enter a whole number of credits, 1 or more.',
					'igny8-bridge'
				)
			: null;
	const minError =
		Number.isNaN( minValue ) || minValue > 100
			? __( 'Enter a score from 0 to 100.', 'igny8-bridge' )
			: null;
	return (
		<AiActionModal
			title={ sprintf(
				/* translators: %s: e.g. “3 posts”. */
				__( 'Optimize %s with AI', 'igny8-bridge' ),
				contentCount( ids.length )
			) }
			fn="optimize_content"
			estimateInput={ {
				content_ids: ids,
				min_score: minError ? DEFAULT_MIN_SCORE : minValue,
			} }
			path="/optimizer/bulk/"
			body={ {
				content_ids: ids,
				credit_cap: capError ? 0 : capValue,
				min_score: minError ? DEFAULT_MIN_SCORE : minValue,
			} }
			startLabel={ __( 'Start optimizing', 'igny8-bridge' ) }
			onClose={ onClose }
			onFinished={ onDone }
			started={ ( answer ) => (
				<LeftOut
					answer={ answer as unknown as OptimizerBulkResult }
					items={ items }
				/>
			) }
			result={ () => <RevisionsWaiting /> }
		>
			<p>
				{ __(
					'Each selected draft scoring below the minimum is rewritten to fix its failing checks. The rewrites arrive as revisions to compare and accept one by one; no draft changes by itself.',
					'igny8-bridge'
				) }
			</p>
			<div className="igny8-optimizer__bulk-fields">
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="number"
					min={ 1 }
					label={ __( 'Credit cap', 'igny8-bridge' ) }
					help={
						capError ??
						__(
							'The run stops before a draft that would take it past this many credits.',
							'igny8-bridge'
						)
					}
					value={ cap }
					onChange={ setCap }
				/>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="number"
					min={ 0 }
					max={ 100 }
					label={ __(
						'Leave alone at or above score',
						'igny8-bridge'
					) }
					help={ minError ?? undefined }
					value={ minScore }
					onChange={ setMinScore }
				/>
			</div>
			{ ( capError || minError ) && (
				<ErrorNotice
					message={ __(
						'Correct the fields above before starting.',
						'igny8-bridge'
					) }
				/>
			) }
		</AiActionModal>
	);
}

/**
 * Optimizer → Dashboard: the site's figures, then every content with its
 * latest score; open one to see its checks, analyze a few again, or
 * optimize a selection with AI.
 * @param props         Component props.
 * @param props.canEdit Whether the user may change content.
 * @param props.onOpen  Shows one content's analysis.
 */
export function Dashboard( {
	canEdit,
	onOpen,
}: {
	canEdit: boolean;
	onOpen: ( contentId: number ) => void;
} ) {
	const [ view, setView ] = useUrlView( SCORES_VIEW );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ bulk, setBulk ] = useState< OptimizerScoreItem[] | null >( null );
	const { invalidate } = useDispatch( OPTIMIZER ) as any;
	const rows = useList< OptimizerScoreItem >(
		OPTIMIZER,
		'getScores',
		'scores',
		viewQuery( view )
	);

	const analyze = async ( items: OptimizerScoreItem[] ) => {
		const failures: string[] = [];
		for ( const item of items ) {
			try {
				await analyzeContent( item.content_id );
			} catch ( failure ) {
				failures.push(
					sprintf(
						/* translators: 1: a content's title, 2: what went wrong. */
						__( '“%1$s”: %2$s', 'igny8-bridge' ),
						titleOf( item ),
						errorMessage(
							failure,
							__( 'Could not analyze.', 'igny8-bridge' )
						)
					)
				);
			}
		}
		invalidate();
		announce(
			[
				sprintf(
					/* translators: %s: e.g. “3 posts”. */
					__( 'Analyzed %s.', 'igny8-bridge' ),
					contentCount( items.length - failures.length )
				),
				...failures,
			].join( ' ' )
		);
	};

	const actions: Action< OptimizerScoreItem >[] = [
		{
			id: 'open',
			label: __( 'Open analysis', 'igny8-bridge' ),
			callback: ( items ) => items[ 0 ] && onOpen( items[ 0 ].id ),
		},
		{
			id: 'analyze',
			label: __( 'Analyze', 'igny8-bridge' ),
			supportsBulk: true,
			callback: analyze,
		},
		...( canEdit
			? [
					{
						id: 'optimize',
						label: __( 'Optimize with AI', 'igny8-bridge' ),
						supportsBulk: true,
						supportsRow: false,
						callback: ( items: OptimizerScoreItem[] ) =>
							setBulk( items ),
					},
				]
			: [] ),
	];

	return (
		<>
			<Summary />
			{ ! bulk && <ActiveOptimization onDone={ () => invalidate() } /> }
			<DataView< OptimizerScoreItem >
				label={ __( 'Contents and their scores', 'igny8-bridge' ) }
				fields={ [
					{
						id: 'title',
						label: __( 'Content', 'igny8-bridge' ),
						enableHiding: false,
						sortField: 'title',
						render: ( row ) => (
							<a
								href={ analysisUrl( row.id ) }
								onClick={ ( event ) => {
									event.preventDefault();
									onOpen( row.id );
								} }
							>
								{ titleOf( row ) }
							</a>
						),
					},
					{
						id: 'score',
						label: __( 'Score', 'igny8-bridge' ),
						sortField: 'score',
						render: ( row ) =>
							row.score === null
								? __( 'Not analyzed', 'igny8-bridge' )
								: sprintf(
										/* translators: 1: overall score, 2: SEO score, 3: readability score (all out of 100). */
										__(
											'%1$d (SEO %2$s, readability %3$s)',
											'igny8-bridge'
										),
										row.score,
										String( row.seo_score ?? '—' ),
										String( row.readability_score ?? '—' )
									),
					},
					{
						id: 'rating',
						label: __( 'Rating', 'igny8-bridge' ),
						render: ( row ) =>
							row.rating ? (
								<span
									className="igny8-optimizer__rating"
									data-rating={ row.rating }
								>
									<RatingIcon rating={ row.rating } />
									{ ratingLabel( row.rating ) }
								</span>
							) : (
								'—'
							),
					},
					{
						id: 'keyphrase',
						label: __( 'Focus keyphrase', 'igny8-bridge' ),
						render: ( row ) =>
							row.keyphrase || __( '(none set)', 'igny8-bridge' ),
					},
					{
						id: 'analyzed',
						label: __( 'Last analyzed', 'igny8-bridge' ),
						sortField: 'analyzed_at',
						render: ( row ) =>
							row.analyzed_at
								? new Date( row.analyzed_at ).toLocaleString()
								: '—',
					},
					{
						id: 'review',
						label: __( 'AI revision', 'igny8-bridge' ),
						render: ( row ) =>
							row.pending_revision_id !== null ? (
								<span
									className="igny8-status"
									data-status="review"
								>
									{ __( 'Review pending', 'igny8-bridge' ) }
								</span>
							) : (
								'—'
							),
					},
				] }
				filters={ [
					{
						id: 'rating',
						type: 'select',
						label: __( 'Rating', 'igny8-bridge' ),
						anyLabel: __( 'Any rating', 'igny8-bridge' ),
						options: labelOptions( 'optimizerRating' ),
					},
				] }
				view={ view }
				onChangeView={ setView }
				perPageOptions={ PER_PAGE_OPTIONS }
				items={ rows.items }
				count={ rows.count }
				isLoading={ rows.isLoading }
				error={ rows.error }
				actions={ actions }
				itemTitle={ titleOf }
				countLabel={ contentCount }
				searchLabel={ __( 'Search posts', 'igny8-bridge' ) }
				selection={ canEdit ? selected : undefined }
				onChangeSelection={
					canEdit
						? ( ids ) => setSelected( ids.slice( 0, BULK_MAX ) )
						: undefined
				}
				empty={ {
					title: __(
						'No content to score yet — write a draft or sync the site’s posts.',
						'igny8-bridge'
					),
					body: (
						<p>
							{ __(
								'Drafts written in IGNY8 → Content and the posts IGNY8 reads from this site appear here with their SEO and readability scores.',
								'igny8-bridge'
							) }
						</p>
					),
				} }
				emptyFiltered={ __(
					'No content matches this search or rating.',
					'igny8-bridge'
				) }
			/>
			{ bulk && (
				<BulkOptimize
					items={ bulk }
					onClose={ () => setBulk( null ) }
					onDone={ () => {
						setSelected( [] );
						invalidate();
					} }
				/>
			) }
		</>
	);
}
