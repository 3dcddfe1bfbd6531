/**
 * WordPress dependencies
 */
import { createReduxStore, dispatch, register } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { getSession } from '../../api';
import { getBootData } from '../../boot';
import * as actions from './actions';
import reducer from './reducer';
import * as resolvers from './resolvers';
import * as selectors from './selectors';

export const STORE_NAME = 'igny8/settings';

export const store = createReduxStore( STORE_NAME, {
	reducer,
	actions,
	selectors,
	resolvers,
} );

register( store );

/**
 * Starts the store with the session this tab kept from the last IGNY8 page
 * (see tabSessionStore()), so the first render already asks for the
 * sectors and the screen's data instead of waiting a resolver round for a
 * session that is at hand. Without one, `getSession` resolves as usual.
 * @param dispatchTo The registry's dispatch (tests pass their own).
 */
export function resumeKeptSession(
	dispatchTo: typeof dispatch = dispatch
): void {
	const kept = getBootData().connected ? getSession().current() : null;
	if ( ! kept ) {
		return;
	}
	const settings = dispatchTo( store ) as unknown as {
		receiveSession: typeof actions.receiveSession;
		startResolution: ( selector: string, args: unknown[] ) => void;
		finishResolution: ( selector: string, args: unknown[] ) => void;
	};
	settings.startResolution( 'getSession', [] );
	settings.receiveSession( {
		siteId: kept.site_id,
		role: kept.role,
		cloudUrl: kept.cloud_url,
	} );
	settings.finishResolution( 'getSession', [] );
}
