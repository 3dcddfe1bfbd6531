/**
 * External dependencies
 */
import type { AiRun } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import { createReduxStore, register } from '@wordpress/data';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import type { Query } from '../api/client';
import { errorMessage } from '../api/errors';
import { getBootData } from '../boot';
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
 * IGNY8 → Activity's own lists: the cloud's AI runs (all of them, not only
 * the live ones the jobs store follows) and this site's outbox (a WordPress
 * route, `igny8/v1/outbox`). Publishing records live in the writer store.
 */

export const ACTIVITY = 'igny8/activity';

/** One event of `GET igny8/v1/outbox` (see OutboxController::row()). */
export interface OutboxEvent {
	id: number;
	event_id: string;
	kind: string;
	state: 'pending' | 'failing' | 'dead' | 'rejected';
	attempts: number;
	max_attempts: number;
	next_try_at: string | null;
	last_error: string | null;
	created_at: string | null;
	post: {
		id: number;
		title: string;
		edit_link: string | null;
		view_link: string | null;
	} | null;
	term: string | null;
}

type Kind = 'runs' | 'outbox';

interface State {
	runs: Collection< AiRun >;
	outbox: Collection< OutboxEvent >;
}

const { receiveList, receiveListError, receiveItems } = collectionActions<
	Kind,
	AiRun | OutboxEvent
>();

const actions = {
	receiveList,
	receiveListError,
	receiveItems,
	invalidate: invalidator< Kind >( {
		runs: 'getRuns',
		outbox: 'getOutbox',
	} ),
};

function reducer(
	state: State = { runs: emptyCollection(), outbox: emptyCollection() },
	action: { type: string; kind?: string }
): State {
	const runs = reduceCollection( 'runs', state.runs, action );
	const outbox = reduceCollection( 'outbox', state.outbox, action );
	return runs === state.runs && outbox === state.outbox
		? state
		: { runs, outbox };
}

const selectors = {
	getRuns: listSelector( ( state: State ) => state.runs ),
	getOutbox: listSelector( ( state: State ) => state.outbox ),
	getListError: ( state: State, kind: Kind, query: Query = {} ) =>
		state[ kind ].errors[ queryKey( query ) ] ?? null,
};

const resolvers = {
	getRuns: listResolver< 'runs' >( { runs: '/system/ai-runs/' } )( 'runs' ),
	getOutbox:
		( query: Query = {} ) =>
		async ( { dispatch }: ThunkArgs ) => {
			try {
				const page = await apiFetch< {
					results: OutboxEvent[];
					count: number;
				} >( {
					path: addQueryArgs(
						`/${ getBootData().restNamespace }/outbox`,
						query
					),
				} );
				dispatch(
					receiveList( 'outbox', query, page.results, page.count )
				);
			} catch ( error ) {
				dispatch(
					receiveListError(
						'outbox',
						query,
						errorMessage( error, 'Could not load the outbox.' )
					)
				);
			}
		},
};

export const store = createReduxStore( ACTIVITY, {
	reducer,
	actions,
	selectors,
	resolvers,
} );

register( store );
