/**
 * WordPress dependencies
 */
import { useCallback, useEffect, useState } from '@wordpress/element';
import { addQueryArgs, getQueryArg } from '@wordpress/url';

/**
 * Where on the Automation screen a person is, kept in the page URL so a
 * reload, a bookmark and back/forward return there: a tab's list
 * (`&tab=runs`), the rule builder (`&rule=new`, `&rule=12`) or one run
 * (`&run=7`). Going somewhere pushes a history entry that keeps only the
 * page and the place (a list's view starts fresh on the way back, as a
 * tab's does).
 */

export type Tab = 'rules' | 'runs';
export const TABS: Tab[] = [ 'rules', 'runs' ];

export type Place =
	| { kind: 'list'; tab: Tab; ruleId?: number }
	| { kind: 'rule'; id: number | 'new' }
	| { kind: 'run'; id: number };

const ID = /^[1-9]\d{0,9}$/;

/**
 * The place a URL names; the rules list when it names none (or nonsense).
 * @param url The page URL.
 */
export function placeFrom( url: string ): Place {
	const rule = getQueryArg( url, 'rule' );
	if ( rule === 'new' ) {
		return { kind: 'rule', id: 'new' };
	}
	if ( typeof rule === 'string' && ID.test( rule ) ) {
		return { kind: 'rule', id: Number( rule ) };
	}
	const run = getQueryArg( url, 'run' );
	if ( typeof run === 'string' && ID.test( run ) ) {
		return { kind: 'run', id: Number( run ) };
	}
	const tab = getQueryArg( url, 'tab' );
	return { kind: 'list', tab: tab === 'runs' ? 'runs' : 'rules' };
}

/**
 * The address of a place on this screen.
 * @param place Where to go.
 */
export function placeUrl( place: Place ): string {
	const page = getQueryArg( window.location.href, 'page' );
	switch ( place.kind ) {
		case 'rule':
			return addQueryArgs( window.location.pathname, {
				page,
				rule: place.id,
			} );
		case 'run':
			return addQueryArgs( window.location.pathname, {
				page,
				run: place.id,
			} );
	}
	return addQueryArgs( window.location.pathname, {
		page,
		...( place.tab === 'rules' ? {} : { tab: place.tab } ),
		// The Runs list, filtered to one rule's runs.
		...( place.ruleId ? { rule_id: place.ruleId } : {} ),
	} );
}

/**
 * The current place and a way to go to another.
 */
export function usePlace(): [ Place, ( next: Place ) => void ] {
	const [ place, setPlace ] = useState( () =>
		placeFrom( window.location.href )
	);
	useEffect( () => {
		const onPop = () => setPlace( placeFrom( window.location.href ) );
		window.addEventListener( 'popstate', onPop );
		return () => window.removeEventListener( 'popstate', onPop );
	}, [] );
	const go = useCallback( ( next: Place ) => {
		window.history.pushState( null, '', placeUrl( next ) );
		setPlace( next );
		window.scrollTo?.( 0, 0 );
	}, [] );
	return [ place, go ];
}
