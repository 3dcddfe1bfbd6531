/**
 * External dependencies
 */
import type { Cluster, ContentIdea, Keyword } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import type { Collection } from '../collection';

export type PlannerKind = 'keywords' | 'clusters' | 'ideas';

export interface PlannerState {
	keywords: Collection< Keyword >;
	clusters: Collection< Cluster >;
	ideas: Collection< ContentIdea >;
}

export const PLANNER_PATHS: Record< PlannerKind, string > = {
	keywords: '/planner/keywords/',
	clusters: '/planner/clusters/',
	ideas: '/planner/ideas/',
};
