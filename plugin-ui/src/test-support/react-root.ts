/**
 * External dependencies
 */
import { act } from 'react';

/**
 * WordPress dependencies
 */
import { createRoot } from '@wordpress/element';

declare global {
	var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

export interface ReactRoot {
	/** The element the test renders into, in the document. */
	readonly container: HTMLDivElement;
	readonly root: ReturnType< typeof createRoot >;
}

/**
 * A fresh React root in the document for every test of the calling file:
 * registers the hooks that make it before each test and unmount it (and
 * empty the document, where modals and notices render) after.
 * @return The current test's container and root.
 */
export function reactRoot(): ReactRoot {
	let current: { container: HTMLDivElement; root: ReactRoot[ 'root' ] };
	beforeAll( () => {
		globalThis.IS_REACT_ACT_ENVIRONMENT = true;
	} );
	beforeEach( () => {
		const container = document.createElement( 'div' );
		document.body.appendChild( container );
		current = { container, root: createRoot( container ) };
	} );
	afterEach( () => {
		act( () => current.root.unmount() );
		current.container.remove();
		document.body.innerHTML = '';
	} );
	return {
		get container() {
			return current.container;
		},
		get root() {
			return current.root;
		},
	};
}
