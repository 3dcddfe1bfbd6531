/**
 * The first-run guide's steps, and which one a site is on. Nothing here is
 * stored: each step is done when the cloud says so (a session, a sector,
 * keywords, a cluster), so leaving the guide and coming back, on any
 * browser, resumes at the first step not yet done.
 */

export type SetupStepId =
	'connect' | 'sector' | 'keywords' | 'cluster' | 'done';

export const SETUP_STEPS: readonly SetupStepId[] = [
	'connect',
	'sector',
	'keywords',
	'cluster',
	'done',
];

export interface SetupFacts {
	connected: boolean;
	sectorCount: number;
	/** Keywords in the selected sector; null while unknown. */
	keywordCount: number | null;
	/** Clusters in the selected sector; null while unknown. */
	clusterCount: number | null;
}

/**
 * The step to show. Null while the counts it depends on are still loading,
 * so the guide never flashes a step it is about to leave.
 * @param facts What the cloud says about this site.
 */
export function currentStep( facts: SetupFacts ): SetupStepId | null {
	if ( ! facts.connected ) {
		return 'connect';
	}
	if ( facts.sectorCount === 0 ) {
		return 'sector';
	}
	if ( facts.clusterCount === null || facts.keywordCount === null ) {
		return null;
	}
	// Clusters without keywords left still count: the first cluster is the goal.
	if ( facts.clusterCount > 0 ) {
		return 'done';
	}
	return facts.keywordCount === 0 ? 'keywords' : 'cluster';
}

export function stepState(
	step: SetupStepId,
	current: SetupStepId
): 'done' | 'current' | 'upcoming' {
	const at = SETUP_STEPS.indexOf( step );
	const now = SETUP_STEPS.indexOf( current );
	if ( at === now ) {
		return 'current';
	}
	return at < now ? 'done' : 'upcoming';
}
