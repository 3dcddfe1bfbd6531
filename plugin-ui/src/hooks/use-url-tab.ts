/**
 * WordPress dependencies
 */
import { useEffect, useState } from '@wordpress/element';
import { addQueryArgs, getQueryArg } from '@wordpress/url';

/**
 * A screen's tab kept in the page URL (`&tab=…`): reload, bookmarks and
 * back/forward restore it. Choosing a tab pushes a history entry that keeps
 * only the page (each tab starts from its own default view: one tab's
 * filters mean nothing to the next). TabPanel's selection moves from outside
 * only by remounting, so `panelKey` changes with each back/forward.
 *
 * @param names The screen's tabs; the first is the default.
 */
export function useUrlTab< T extends string >(
	names: readonly T[]
): {
	tab: T;
	panelKey: number;
	onSelect: ( name: string ) => void;
} {
	const fromUrl = (): T => {
		const requested = getQueryArg( window.location.href, 'tab' );
		return names.find( ( name ) => name === requested ) ?? names[ 0 ]!;
	};
	const [ tab, setTab ] = useState( fromUrl );
	const [ panelKey, setPanelKey ] = useState( 0 );
	useEffect( () => {
		const onPopState = () => {
			setTab( fromUrl() );
			setPanelKey( ( key ) => key + 1 );
		};
		window.addEventListener( 'popstate', onPopState );
		return () => window.removeEventListener( 'popstate', onPopState );
		// eslint-disable-next-line react-hooks/exhaustive-deps -- the tabs of a screen do not change.
	}, [] );

	const onSelect = ( name: string ) => {
		if ( name === fromUrl() ) {
			return;
		}
		window.history.pushState(
			null,
			'',
			addQueryArgs( window.location.pathname, {
				page: getQueryArg( window.location.href, 'page' ),
				tab: name,
			} )
		);
		setTab( name as T );
	};
	return { tab, panelKey, onSelect };
}
