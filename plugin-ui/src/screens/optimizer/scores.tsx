/**
 * External dependencies
 */
import type { OptimizerAnalysis } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { ratingOf, type Rating } from '../../store/optimizer';
import { ratingLabel } from './format';

/**
 * A rating as a shape and a word: the shape differs per rating, so color
 * is never the only cue.
 * @param props        Component props.
 * @param props.rating The rating.
 */
export function RatingIcon( { rating }: { rating: Rating } ) {
	const shapes: Record< Rating, JSX.Element > = {
		good: <circle cx="6" cy="6" r="5" />,
		ok: <rect x="1.5" y="1.5" width="9" height="9" />,
		bad: <path d="M6 1 11 11H1Z" />,
	};
	return (
		<svg
			className="igny8-optimizer__icon"
			data-rating={ rating }
			width="12"
			height="12"
			viewBox="0 0 12 12"
			aria-hidden="true"
			focusable="false"
		>
			{ shapes[ rating ] }
		</svg>
	);
}

/**
 * One score out of 100 as a bar, its number and its rating's word.
 * @param props       Component props.
 * @param props.name  What is scored, e.g. “SEO”.
 * @param props.score 0–100.
 */
export function ScoreBar( { name, score }: { name: string; score: number } ) {
	const rating = ratingOf( score ) as Rating;
	return (
		<div className="igny8-optimizer__score" data-rating={ rating }>
			<div className="igny8-optimizer__score-head">
				<span className="igny8-optimizer__score-name">{ name }</span>
				<span className="igny8-optimizer__score-value">
					{ sprintf(
						/* translators: 1: a score out of 100, 2: its rating, e.g. “Good”. */
						__( '%1$d / 100 · %2$s', 'igny8-bridge' ),
						score,
						ratingLabel( rating )
					) }
				</span>
			</div>
			<div
				className="igny8-optimizer__meter"
				role="meter"
				aria-label={ name }
				aria-valuemin={ 0 }
				aria-valuemax={ 100 }
				aria-valuenow={ score }
				aria-valuetext={ sprintf(
					/* translators: 1: a score out of 100, 2: its rating. */
					__( '%1$d out of 100, %2$s', 'igny8-bridge' ),
					score,
					ratingLabel( rating )
				) }
			>
				<div
					className="igny8-optimizer__meter-bar"
					style={ {
						width: `${ Math.max( 0, Math.min( 100, score ) ) }%`,
					} }
				/>
			</div>
		</div>
	);
}

/**
 * The three scores of an analysis, overall first.
 * @param props          Component props.
 * @param props.analysis The analysis.
 */
export function ScoreBars( { analysis }: { analysis: OptimizerAnalysis } ) {
	return (
		<div className="igny8-optimizer__scores" data-testid="igny8-scores">
			<ScoreBar
				name={ __( 'Overall', 'igny8-bridge' ) }
				score={ analysis.score }
			/>
			<ScoreBar
				name={ __( 'SEO', 'igny8-bridge' ) }
				score={ analysis.seo_score }
			/>
			<ScoreBar
				name={ __( 'Readability', 'igny8-bridge' ) }
				score={ analysis.readability_score }
			/>
		</div>
	);
}
