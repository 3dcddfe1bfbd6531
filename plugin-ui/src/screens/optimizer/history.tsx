/**
 * External dependencies
 */
import type { OptimizerHistoryEntry } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { label } from '../../labels';
import { ratingOf } from '../../store/optimizer';
import { ratingLabel } from './format';
import { RatingIcon } from './scores';

const WIDTH = 240;
const HEIGHT = 48;

/**
 * The overall score of each entry as a line, oldest on the left. Decorative:
 * the list beside it says the same in words.
 * @param props         Component props.
 * @param props.entries The history, newest first.
 */
function Trend( { entries }: { entries: OptimizerHistoryEntry[] } ) {
	if ( entries.length < 2 ) {
		return null;
	}
	const oldestFirst = [ ...entries ].reverse();
	const step = WIDTH / ( oldestFirst.length - 1 );
	const points = oldestFirst
		.map(
			( entry, index ) =>
				`${ Math.round( index * step ) },${ Math.round(
					HEIGHT - ( entry.score / 100 ) * HEIGHT
				) }`
		)
		.join( ' ' );
	return (
		<svg
			className="igny8-optimizer__trend"
			viewBox={ `0 0 ${ WIDTH } ${ HEIGHT }` }
			preserveAspectRatio="none"
			aria-hidden="true"
			focusable="false"
		>
			<polyline points={ points } fill="none" strokeWidth="2" />
		</svg>
	);
}

/**
 * Score history: each analysis of a saved revision, newest first, with the
 * checks that were not good.
 * @param props         Component props.
 * @param props.entries The history, newest first.
 */
export function ScoreHistory( {
	entries,
}: {
	entries: OptimizerHistoryEntry[];
} ) {
	if ( entries.length === 0 ) {
		return (
			<p className="igny8-optimizer__hint">
				{ __(
					'No saved analysis yet. “Analyze again” keeps the score of the saved draft here, so you can follow it over time.',
					'igny8-bridge'
				) }
			</p>
		);
	}
	return (
		<div className="igny8-optimizer__history">
			<Trend entries={ entries } />
			<ol className="igny8-optimizer__history-list">
				{ entries.map( ( entry ) => {
					const rating = ratingOf( entry.score )!;
					return (
						<li key={ entry.id } data-rating={ rating }>
							<RatingIcon rating={ rating } />
							<span>
								{ sprintf(
									/* translators: 1: date and time, 2: revision number, 3: score out of 100, 4: rating word. */
									__(
										'%1$s · revision %2$d · %3$d / 100 (%4$s)',
										'igny8-bridge'
									),
									new Date(
										entry.created_at
									).toLocaleString(),
									entry.revision,
									entry.score,
									ratingLabel( rating )
								) }
							</span>
							{ entry.failing.length > 0 && (
								<span className="igny8-optimizer__history-failing">
									{ sprintf(
										/* translators: %s: list of check names. */
										__( 'To improve: %s', 'igny8-bridge' ),
										entry.failing
											.map( ( id ) =>
												label( 'optimizerCheck', id )
											)
											.join( ', ' )
									) }
								</span>
							) }
						</li>
					);
				} ) }
			</ol>
		</div>
	);
}
