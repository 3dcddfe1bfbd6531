/**
 * Check scores (0–9) → the 0–100 scores the Optimizer shows: a group's
 * score is the mean of its checks scaled so all-9 is 100, and so is the
 * overall score over every check. SEO has more checks than readability and
 * so weighs more in the overall score, on purpose: a draft too short to
 * rank reads easily, and averaging the two groups would call it good.
 */
import type { OptimizerCheck } from '@igny8/shared-types';

export function groupScore(
	checks: readonly OptimizerCheck[],
	group?: OptimizerCheck[ 'group' ]
): number {
	const scores = checks
		.filter( ( check ) => group === undefined || check.group === group )
		.map( ( check ) => check.score );
	if ( scores.length === 0 ) {
		return 0;
	}
	const mean =
		scores.reduce( ( sum, score ) => sum + score, 0 ) / scores.length;
	return Math.round( ( mean / 9 ) * 100 );
}
