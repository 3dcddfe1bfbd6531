/**
 * External dependencies
 */
import type {
	BlueprintApplyReport,
	BlueprintApplyRun,
	BlueprintStatus,
	BlueprintStructureInput,
	BlueprintVersion,
	SiteBlueprint,
	SiteBlueprintSummary,
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
 * IGNY8 → Site Builder's data: the site's blueprints (the cloud's
 * `/site-builder/blueprints/`, without their pages). One blueprint, its
 * versions, its plan, applies and preview are loaded where they are shown
 * and not kept here: each changes with every save or apply.
 */

export const SITE_BUILDER = 'igny8/site-builder';

const BLUEPRINTS = '/site-builder/blueprints';

type Kind = 'blueprints';

interface State {
	blueprints: Collection< SiteBlueprintSummary >;
}

const { receiveList, receiveListError, removeItems } = collectionActions<
	Kind,
	SiteBlueprintSummary
>();

const invalidateLists = invalidator< Kind >( { blueprints: 'getBlueprints' } );

const actions = {
	receiveList,
	receiveListError,
	removeItems,
	/** Loads the visible lists again (after a save, a generation or a delete). */
	invalidate:
		() =>
		( { dispatch }: ThunkArgs ) => {
			dispatch( invalidateLists( 'blueprints' ) as any );
		},
};

function reducer(
	state: State = { blueprints: emptyCollection() },
	action: { type: string; kind?: string }
): State {
	const blueprints = reduceCollection(
		'blueprints',
		state.blueprints,
		action
	);
	return blueprints === state.blueprints ? state : { blueprints };
}

const selectors = {
	getBlueprints: listSelector( ( state: State ) => state.blueprints ),
	getListError: ( state: State, kind: Kind, query: Query = {} ) =>
		state[ kind ].errors[ queryKey( query ) ] ?? null,
};

const resolvers = {
	getBlueprints:
		( query: Query = {} ) =>
		async ( { dispatch }: ThunkArgs ) => {
			try {
				const page = await getClient().list< SiteBlueprintSummary >(
					`${ BLUEPRINTS }/`,
					query
				);
				dispatch(
					receiveList( 'blueprints', query, page.results, page.count )
				);
			} catch ( error ) {
				dispatch(
					receiveListError(
						'blueprints',
						query,
						errorMessage(
							error,
							'Could not load the site structures.'
						)
					)
				);
			}
		},
};

export const store = createReduxStore( SITE_BUILDER, {
	reducer,
	actions,
	selectors,
	resolvers,
} );

register( store );

/* The calls the screen makes directly: each answer is shown where it was asked for. */

/** A structure as the editor saves it, with the blueprint's name. */
export type BlueprintSave = BlueprintStructureInput & {
	name: string;
	description?: string;
};

/**
 * One blueprint with its pages, categories and menus.
 * @param id The blueprint.
 */
export function fetchBlueprint( id: number ): Promise< SiteBlueprint > {
	return getClient().get< SiteBlueprint >( `${ BLUEPRINTS }/${ id }/` );
}

/**
 * A blueprint written by hand (version 1).
 * @param siteId The session's site.
 * @param body   Its name and structure.
 */
export function createBlueprint(
	siteId: number,
	body: BlueprintSave
): Promise< SiteBlueprint > {
	return getClient().post< SiteBlueprint >( `${ BLUEPRINTS }/`, {
		site_id: siteId,
		...body,
	} );
}

/**
 * Saves the whole structure as a new version. Answers 409 `conflict` when
 * someone saved since `expectedVersion`.
 * @param id              The blueprint.
 * @param body            Its name and structure.
 * @param expectedVersion The version the editor started from.
 * @param message         What changed, for the version list.
 */
export function saveBlueprint(
	id: number,
	body: BlueprintSave,
	expectedVersion: number,
	message?: string
): Promise< SiteBlueprint > {
	return getClient().put< SiteBlueprint >( `${ BLUEPRINTS }/${ id }/`, {
		...body,
		expected_version: expectedVersion,
		...( message ? { message } : {} ),
	} );
}

/**
 * Deletes a blueprint and its versions; WordPress keeps what was applied.
 * @param id The blueprint.
 */
export function deleteBlueprint( id: number ): Promise< void > {
	return getClient().delete( `${ BLUEPRINTS }/${ id }/` );
}

/**
 * Every saved version, newest first.
 * @param id The blueprint.
 */
export async function fetchVersions(
	id: number
): Promise< BlueprintVersion[] > {
	const page = await getClient().list< BlueprintVersion >(
		`${ BLUEPRINTS }/${ id }/versions/`,
		{ page_size: 100 }
	);
	return page.results;
}

/**
 * Makes an earlier version the current one, as a new version.
 * @param id              The blueprint.
 * @param version         The version to go back to.
 * @param expectedVersion The version the editor shows.
 */
export function revertBlueprint(
	id: number,
	version: number,
	expectedVersion: number
): Promise< SiteBlueprint > {
	return getClient().post< SiteBlueprint >(
		`${ BLUEPRINTS }/${ id }/revert/`,
		{ version, expected_version: expectedVersion }
	);
}

export type RemovedMode = 'keep' | 'draft' | 'trash';

/**
 * What applying the saved version would do in WordPress; changes nothing.
 * @param id The blueprint.
 */
export function fetchPlan( id: number ): Promise< BlueprintApplyReport > {
	return getClient().get< BlueprintApplyReport >(
		`${ BLUEPRINTS }/${ id }/plan/`
	);
}

/**
 * Starts applying the saved version to WordPress (the cloud answers at once;
 * the status says when it is done).
 * @param id                       The blueprint.
 * @param options                  What the person chose after reading the plan.
 * @param options.expected_version The version the plan was of.
 * @param options.removed          What happens to pages no longer in the blueprint.
 * @param options.overwrite_keys   Items edited in WordPress to overwrite all the same.
 */
export function startApply(
	id: number,
	options: {
		expected_version: number;
		removed: RemovedMode;
		overwrite_keys: string[];
	}
): Promise< BlueprintApplyRun > {
	return getClient().post< BlueprintApplyRun >(
		`${ BLUEPRINTS }/${ id }/apply/`,
		options
	);
}

/**
 * The blueprint's applies (newest first) and whether it changed since.
 * @param id The blueprint.
 */
export function fetchStatus( id: number ): Promise< BlueprintStatus > {
	return getClient().get< BlueprintStatus >(
		`${ BLUEPRINTS }/${ id }/status/`
	);
}

export interface BlueprintPreview {
	playground_blueprint: Record< string, unknown >;
	playground_url: string;
}

/**
 * A Playground blueprint of the saved version, and the link that opens it.
 * @param id The blueprint.
 */
export function fetchPreview( id: number ): Promise< BlueprintPreview > {
	return getClient().get< BlueprintPreview >(
		`${ BLUEPRINTS }/${ id }/preview/`
	);
}
