/**
 * WordPress dependencies
 */
import { createRoot } from '@wordpress/element';

/**
 * Internal dependencies
 */
import { App } from './app';
import '@wordpress/components/build-style/style.css';
import './style.scss';

const root = document.getElementById( 'root' );
if ( root ) {
	createRoot( root ).render( <App /> );
}
