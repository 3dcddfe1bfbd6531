/**
 * External dependencies
 */
import type {
	Content,
	OptimizerAnalysis,
	OptimizerAnalyzeInput,
	OptimizerCheck,
	OptimizerHistoryEntry,
	OptimizerRevision,
	OptimizerScoreRow,
	OptimizerSummary,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { createReduxStore, register } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import type { Query } from '../api/client';
import { errorMessage } from '../api/errors';
import {
	collectionActions,
	emptyCollection,
	invalidator,
	listSelector,
	queryKey,
	reduceCollection,
	type Collection,
} from './collection';
import type { ThunkArgs } from './thunk';

/**
 * IGNY8 → Optimizer's data: the latest score of each content of the site
 * (the cloud's `/optimizer/scores/`) and the dashboard's summary of them.
 * An analysis, its history and the AI revisions of one content are loaded
 * where they are shown and not kept here: each changes with every analysis
 * or decision.
 */

export const OPTIMIZER = 'igny8/optimizer';

/** A row of the dashboard's list: the content id is the row id. */
export type OptimizerScoreItem = OptimizerScoreRow & { id: number };

export type Rating = 'good' | 'ok' | 'bad';

/** The dashboard's figures over every content of the site (`/optimizer/summary/`). */
export type { OptimizerSummary };

/**
 * The rating of a 0–100 score, as the cloud rates it: good ≥ 70, ok ≥ 40.
 * @param score The score; null when never analyzed.
 */
export function ratingOf( score: number | null ): Rating | null {
	if ( score === null ) {
		return null;
	}
	if ( score >= 70 ) {
		return 'good';
	}
	return score >= 40 ? 'ok' : 'bad';
}

/** A check's severity for sorting: what to fix first comes first. */
const SEVERITY: Record< Rating, number > = { bad: 0, ok: 1, good: 2 };

/**
 * The checks of an analysis by group, the ones to fix first on top (bad,
 * then ok, then good; the cloud's order within each).
 * @param checks The analysis's checks.
 */
export function groupChecks( checks: OptimizerCheck[] ): {
	seo: OptimizerCheck[];
	readability: OptimizerCheck[];
} {
	const sorted = checks
		.map( ( check, index ) => ( { check, index } ) )
		.sort(
			( a, b ) =>
				SEVERITY[ a.check.rating ] - SEVERITY[ b.check.rating ] ||
				a.index - b.index
		)
		.map( ( { check } ) => check );
	return {
		seo: sorted.filter( ( check ) => check.group === 'seo' ),
		readability: sorted.filter(
			( check ) => check.group === 'readability'
		),
	};
}

/**
 * The failing checks "Fix with AI" can address.
 * @param checks The analysis's checks.
 */
export function fixableChecks( checks: OptimizerCheck[] ): OptimizerCheck[] {
	return checks.filter(
		( check ) => check.rating !== 'good' && check.ai_fixable
	);
}

type Kind = 'scores';

interface State {
	scores: Collection< OptimizerScoreItem >;
	summary: OptimizerSummary | null;
	summaryError: string | null;
}

const { receiveList, receiveListError } = collectionActions<
	Kind,
	OptimizerScoreItem
>();

const invalidateScores = invalidator< Kind >( { scores: 'getScores' } );

const actions = {
	receiveList,
	receiveListError,
	receiveSummary: ( summary: OptimizerSummary ) => ( {
		type: 'RECEIVE_SUMMARY' as const,
		summary,
	} ),
	receiveSummaryError: ( error: string ) => ( {
		type: 'RECEIVE_SUMMARY_ERROR' as const,
		error,
	} ),
	/** Loads the summary and every visible page again (after an analysis, a run or a decision). */
	invalidate:
		() =>
		( { dispatch }: ThunkArgs ) => {
			dispatch( invalidateScores( 'scores' ) as any );
			dispatch.invalidateResolutionForStoreSelector( 'getSummary' );
		},
};

function reducer(
	state: State = {
		scores: emptyCollection(),
		summary: null,
		summaryError: null,
	},
	action: {
		type: string;
		kind?: string;
		summary?: OptimizerSummary;
		error?: string;
	}
): State {
	if ( action.type === 'RECEIVE_SUMMARY' && action.summary ) {
		return { ...state, summary: action.summary, summaryError: null };
	}
	if ( action.type === 'RECEIVE_SUMMARY_ERROR' ) {
		return { ...state, summaryError: action.error ?? null };
	}
	const scores = reduceCollection( 'scores', state.scores, action );
	return scores === state.scores ? state : { ...state, scores };
}

const selectors = {
	getScores: listSelector( ( state: State ) => state.scores ),
	getListError: ( state: State, kind: Kind, query: Query = {} ) =>
		state[ kind ].errors[ queryKey( query ) ] ?? null,
	getSummary: ( state: State ) => state.summary,
	getSummaryError: ( state: State ) => state.summaryError,
};

const resolvers = {
	getScores:
		( query: Query = {} ) =>
		async ( { dispatch }: ThunkArgs ) => {
			try {
				const page = await getClient().list< OptimizerScoreRow >(
					'/optimizer/scores/',
					query
				);
				dispatch(
					receiveList(
						'scores',
						query,
						page.results.map( ( row ) => ( {
							...row,
							id: row.content_id,
						} ) ),
						page.count
					)
				);
			} catch ( error ) {
				dispatch(
					receiveListError(
						'scores',
						query,
						errorMessage( error, 'Could not load the scores.' )
					)
				);
			}
		},
	getSummary:
		() =>
		async ( { dispatch }: ThunkArgs ) => {
			try {
				dispatch(
					actions.receiveSummary(
						await getClient().get< OptimizerSummary >(
							'/optimizer/summary/'
						)
					)
				);
			} catch ( error ) {
				dispatch(
					actions.receiveSummaryError(
						errorMessage( error, 'Could not load the scores.' )
					)
				);
			}
		},
};

export const store = createReduxStore( OPTIMIZER, {
	reducer,
	actions,
	selectors,
	resolvers,
} );

register( store );

/* The calls the screens and the editor make directly: each answer is shown where it was asked for. */

/**
 * Analyzes text as it is now (the editor's): nothing is kept.
 * @param input      What to analyze (title, keyphrase, …).
 * @param input.html The content's HTML.
 */
export function analyzeText(
	input: OptimizerAnalyzeInput & { html: string }
): Promise< OptimizerAnalysis > {
	return getClient().post< OptimizerAnalysis >(
		'/optimizer/analyze/',
		input
	);
}

/**
 * Analyzes a content's saved draft; the result joins its score history.
 * @param contentId The content.
 */
export function analyzeContent(
	contentId: number
): Promise< OptimizerAnalysis > {
	return getClient().post< OptimizerAnalysis >( '/optimizer/analyze/', {
		content_id: contentId,
	} );
}

/**
 * A content's score history, newest first.
 * @param contentId The content.
 * @param limit     How many entries at most.
 */
export async function fetchHistory(
	contentId: number,
	limit = 20
): Promise< OptimizerHistoryEntry[] > {
	const page = await getClient().list< OptimizerHistoryEntry >(
		'/optimizer/history/',
		{ content_id: contentId, page_size: limit }
	);
	return page.results;
}

/**
 * A content's AI revisions waiting for a decision, newest first.
 * @param contentId The content.
 */
export async function fetchProposedRevisions(
	contentId: number
): Promise< OptimizerRevision[] > {
	const page = await getClient().list< OptimizerRevision >(
		'/optimizer/revisions/',
		{ content_id: contentId, status: 'proposed' }
	);
	return page.results;
}

/**
 * One revision.
 * @param id The revision.
 */
export function fetchRevision( id: number ): Promise< OptimizerRevision > {
	return getClient().get< OptimizerRevision >(
		`/optimizer/revisions/${ id }/`
	);
}

/**
 * Makes a proposed revision the draft. Answers 409 `conflict` when the draft
 * changed since the revision was written.
 * @param id The revision.
 * @return The updated content.
 */
export function acceptRevision( id: number ): Promise< Content > {
	return getClient().post< Content >(
		`/optimizer/revisions/${ id }/accept/`,
		{}
	);
}

/**
 * Turns a proposed revision down; the draft stays as it is.
 * @param id The revision.
 */
export function rejectRevision( id: number ): Promise< OptimizerRevision > {
	return getClient().post< OptimizerRevision >(
		`/optimizer/revisions/${ id }/reject/`,
		{}
	);
}

/**
 * A content's draft, for the compare view's "current" side.
 * @param contentId The content.
 */
export function fetchContent( contentId: number ): Promise< Content > {
	return getClient().get< Content >( `/writer/content/${ contentId }/` );
}
