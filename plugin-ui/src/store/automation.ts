/**
 * External dependencies
 */
import type {
	AutomationDryRun,
	AutomationRule,
	AutomationRuleCreate,
	AutomationRun,
	AutomationSpend,
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
	listResolver,
	listSelector,
	queryKey,
	reduceCollection,
	type Collection,
} from './collection';
import type { ThunkArgs } from './thunk';

/**
 * IGNY8 → Automation's data: the site's rules, their runs (the cloud's
 * `automation/tasks/`, the seed's scheduled tasks) and this month's
 * automation spend. One rule or one run is loaded where it is shown (the
 * builder, a run's detail) and not kept here: a running run changes with
 * every step.
 */

export const AUTOMATION = 'igny8/automation';

export const RULES_PATH = '/automation/rules/';
export const RUNS_PATH = '/automation/tasks/';
export const SPEND_PATH = '/automation/spend/';

/** A run that has not ended: it can still be cancelled, and its detail follows it. */
export const ACTIVE_RUN_STATUSES: readonly AutomationRun[ 'status' ][] = [
	'queued',
	'running',
	'waiting',
];
/** A run that stopped before its last step: it can continue from the step it stopped at. */
export const RESUMABLE_RUN_STATUSES: readonly AutomationRun[ 'status' ][] = [
	'failed',
	'capped',
];

type Kind = 'rules' | 'runs';

interface State {
	rules: Collection< AutomationRule >;
	runs: Collection< AutomationRun >;
	spend: AutomationSpend | null;
	spendError: string | null;
}

const { receiveList, receiveListError, receiveItems, removeItems } =
	collectionActions< Kind, AutomationRule | AutomationRun >();

const invalidateLists = invalidator< Kind >( {
	rules: 'getRules',
	runs: 'getRuns',
} );

const actions = {
	receiveList,
	receiveListError,
	receiveItems,
	removeItems,
	receiveSpend: ( spend: AutomationSpend ) => ( {
		type: 'RECEIVE_SPEND' as const,
		spend,
	} ),
	receiveSpendError: ( error: string ) => ( {
		type: 'RECEIVE_SPEND_ERROR' as const,
		error,
	} ),
	/**
	 * Loads the visible lists and the month's spend again (after a save, a
	 * pause, a run started or stopped).
	 * @param kinds Which lists; both when none is named.
	 */
	invalidate:
		( ...kinds: Kind[] ) =>
		( { dispatch }: ThunkArgs ) => {
			const every: Kind[] = [ 'rules', 'runs' ];
			dispatch(
				invalidateLists( ...( kinds.length ? kinds : every ) ) as any
			);
			dispatch.invalidateResolutionForStoreSelector( 'getSpend' );
		},
};

function reducer(
	state: State = {
		rules: emptyCollection(),
		runs: emptyCollection(),
		spend: null,
		spendError: null,
	},
	action: {
		type: string;
		kind?: string;
		spend?: AutomationSpend;
		error?: string;
	}
): State {
	if ( action.type === 'RECEIVE_SPEND' && action.spend ) {
		return { ...state, spend: action.spend, spendError: null };
	}
	if ( action.type === 'RECEIVE_SPEND_ERROR' ) {
		return { ...state, spendError: action.error ?? null };
	}
	const rules = reduceCollection( 'rules', state.rules, action );
	if ( rules !== state.rules ) {
		return { ...state, rules };
	}
	const runs = reduceCollection( 'runs', state.runs, action );
	return runs === state.runs ? state : { ...state, runs };
}

const selectors = {
	getRules: listSelector( ( state: State ) => state.rules ),
	getRuns: listSelector( ( state: State ) => state.runs ),
	getListError: ( state: State, kind: Kind, query: Query = {} ) =>
		state[ kind ].errors[ queryKey( query ) ] ?? null,
	/**
	 * This month's automation spend.
	 * @param state The store's state.
	 * @param query `site_id`, as the resolver sends it.
	 */
	// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the resolver's argument.
	getSpend: ( state: State, query: Query = {} ) => state.spend,
	getSpendError: ( state: State ) => state.spendError,
};

const lists = listResolver< Kind >( { rules: RULES_PATH, runs: RUNS_PATH } );

const resolvers = {
	getRules: lists( 'rules' ),
	getRuns: lists( 'runs' ),
	getSpend:
		( query: Query = {} ) =>
		async ( { dispatch }: ThunkArgs ) => {
			try {
				dispatch(
					actions.receiveSpend(
						await getClient().get< AutomationSpend >(
							SPEND_PATH,
							query
						)
					)
				);
			} catch ( error ) {
				dispatch(
					actions.receiveSpendError(
						errorMessage(
							error,
							'Could not load this month’s automation spend.'
						)
					)
				);
			}
		},
};

export const store = createReduxStore( AUTOMATION, {
	reducer,
	actions,
	selectors,
	resolvers,
} );

register( store );

/* The calls the screen makes directly: each answer is shown where it was asked for. */

/**
 * One rule, for the builder.
 * @param id The rule.
 */
export function fetchRule( id: number ): Promise< AutomationRule > {
	return getClient().get< AutomationRule >( `${ RULES_PATH }${ id }/` );
}

/**
 * Saves a new rule.
 * @param rule The rule as the builder made it.
 */
export function createRule(
	rule: AutomationRuleCreate
): Promise< AutomationRule > {
	return getClient().post< AutomationRule >( RULES_PATH, rule );
}

/**
 * Saves changes to a rule (its site stays).
 * @param id      The rule.
 * @param changes The fields to change.
 */
export function updateRule(
	id: number,
	changes: Partial< Omit< AutomationRuleCreate, 'site_id' > >
): Promise< AutomationRule > {
	return getClient().patch< AutomationRule >(
		`${ RULES_PATH }${ id }/`,
		changes
	);
}

/**
 * Deletes a rule; its runs stay in the history.
 * @param id The rule.
 */
export function deleteRule( id: number ): Promise< void > {
	return getClient().delete( `${ RULES_PATH }${ id }/` );
}

/**
 * Stops a rule from starting until it is resumed.
 * @param id The rule.
 */
export function pauseRule( id: number ): Promise< AutomationRule > {
	return getClient().post< AutomationRule >(
		`${ RULES_PATH }${ id }/pause/`,
		{}
	);
}

/**
 * Lets a paused rule start again.
 * @param id The rule.
 */
export function resumeRule( id: number ): Promise< AutomationRule > {
	return getClient().post< AutomationRule >(
		`${ RULES_PATH }${ id }/resume/`,
		{}
	);
}

/**
 * Starts a run of a rule now, whatever its trigger.
 * @param id The rule.
 */
export function runRule( id: number ): Promise< AutomationRun > {
	return getClient().post< AutomationRun >(
		`${ RULES_PATH }${ id }/run/`,
		{}
	);
}

/**
 * What each step of a rule not saved yet would do and cost now; nothing is
 * charged or changed.
 * @param rule The rule as the builder has it.
 */
export function dryRunRule(
	rule: AutomationRuleCreate
): Promise< AutomationDryRun > {
	return getClient().post< AutomationDryRun >(
		`${ RULES_PATH }dry_run/`,
		rule
	);
}

/**
 * What each step of a saved rule would do and cost now, against what its
 * day and month caps have left; nothing is charged or changed.
 * @param id The rule.
 */
export function dryRunSavedRule( id: number ): Promise< AutomationDryRun > {
	return getClient().post< AutomationDryRun >(
		`${ RULES_PATH }${ id }/dry_run/`,
		{}
	);
}

/**
 * One run with its steps.
 * @param id The run.
 */
export function fetchRun( id: number ): Promise< AutomationRun > {
	return getClient().get< AutomationRun >( `${ RUNS_PATH }${ id }/` );
}

/**
 * Continues a failed or capped run from the step it stopped at.
 * @param id The run.
 */
export function resumeRun( id: number ): Promise< AutomationRun > {
	return getClient().post< AutomationRun >(
		`${ RUNS_PATH }${ id }/resume/`,
		{}
	);
}

/**
 * Stops a run that has not ended; the steps it finished stay done.
 * @param id The run.
 */
export function cancelRun( id: number ): Promise< AutomationRun > {
	return getClient().post< AutomationRun >(
		`${ RUNS_PATH }${ id }/cancel/`,
		{}
	);
}
