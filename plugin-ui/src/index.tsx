/**
 * WordPress dependencies
 */
import { createRoot } from '@wordpress/element';

/**
 * Internal dependencies
 */
import './store';
import { resumeKeptSession } from './store/settings';
import { Workspace } from './components/workspace';
import './index.scss';

const ROOT_ID = 'igny8-root';

// The plugin enqueues this bundle in the footer, after the page printed the root element.
const container = document.getElementById( ROOT_ID );
if ( container ) {
	resumeKeptSession();
	createRoot( container ).render( <Workspace /> );
}
