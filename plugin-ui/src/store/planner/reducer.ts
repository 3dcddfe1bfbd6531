/**
 * Internal dependencies
 */
import { emptyCollection, reduceCollection } from '../collection';
import type { PlannerState } from './types';

export const initialState: PlannerState = {
	keywords: emptyCollection(),
	clusters: emptyCollection(),
	ideas: emptyCollection(),
};

export default function reducer(
	state: PlannerState = initialState,
	action: { type: string; kind?: string }
): PlannerState {
	const keywords = reduceCollection( 'keywords', state.keywords, action );
	const clusters = reduceCollection( 'clusters', state.clusters, action );
	const ideas = reduceCollection( 'ideas', state.ideas, action );
	if (
		keywords === state.keywords &&
		clusters === state.clusters &&
		ideas === state.ideas
	) {
		return state;
	}
	return { keywords, clusters, ideas };
}
