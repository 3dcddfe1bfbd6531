/**
 * Preloaded into the Playground CLI by `npm start` (node --require).
 *
 * The CLI has no host option: it listens on every interface, and php-wasm
 * reports every client to PHP as REMOTE_ADDR 127.0.0.1. The one-time sign-in
 * link is meant for this machine only, so WordPress must listen on loopback,
 * like the cloud does, for that address to be true.
 */
'use strict';
const net = require( 'node:net' );

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function ( ...args ) {
	// listen( port[, backlog][, callback] ): no host given, so add loopback.
	if ( typeof args[ 0 ] === 'number' && typeof args[ 1 ] !== 'string' ) {
		args.splice( 1, 0, '127.0.0.1' );
	} else if (
		args[ 0 ] &&
		typeof args[ 0 ] === 'object' &&
		typeof args[ 0 ].port === 'number' &&
		args[ 0 ].host === undefined &&
		args[ 0 ].path === undefined
	) {
		args[ 0 ] = { ...args[ 0 ], host: '127.0.0.1' };
	}
	return listen.apply( this, args );
};
