/**
 * WordPress dependencies
 */
import { createRoot } from '@wordpress/element';

/**
 * Internal dependencies
 */
import './store';
import { Workspace } from './components/workspace';
import './index.scss';

const ROOT_ID = 'igny8-root';

// The plugin enqueues this bundle in the footer, after the page printed the root element.
const container = document.getElementById( ROOT_ID );
if ( container ) {
	createRoot( container ).render( <Workspace /> );
}
