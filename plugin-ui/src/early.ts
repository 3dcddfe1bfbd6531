/**
 * The early script: printed in the head of the IGNY8 wp-admin pages, it
 * starts the page's first cloud requests while WordPress's scripts load
 * (see api/early.ts).
 */

/**
 * Internal dependencies
 */
import { startEarlyRequests } from './api/early';

startEarlyRequests( window.igny8Early?.sessionScope ?? '' );
