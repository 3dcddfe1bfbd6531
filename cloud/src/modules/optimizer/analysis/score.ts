/**
 * Check scores (0–9) → the 0–100 scores the Optimizer shows: a group's
 * score is the mean of its checks scaled so all-9 is 100; the overall score
 * is the mean of the two groups, so neither outweighs the other by having
 * more checks.
 */
import type { OptimizerCheck } from '@igny8/shared-types';

export function groupScore(
	checks: readonly OptimizerCheck[],
	group: OptimizerCheck[ 'group' ]
): number {
	const scores = checks
		.filter( ( check ) => check.group === group )
		.map( ( check ) => check.score );
	if ( scores.length === 0 ) {
		return 0;
	}
	const mean =
		scores.reduce( ( sum, score ) => sum + score, 0 ) / scores.length;
	return Math.round( ( mean / 9 ) * 100 );
}

export function overallScore( seo: number, readability: number ): number {
	return Math.round( ( seo + readability ) / 2 );
}
