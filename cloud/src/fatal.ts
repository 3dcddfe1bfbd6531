import { ConfigError } from './config';

/**
 * Turns a start-up failure into one line a person can act on. Config errors
 * and refused connections are expected; anything else keeps its message.
 */
export function describeStartupError( error: unknown ): string {
	if ( error instanceof ConfigError ) {
		return `invalid configuration: ${ error.message }`;
	}
	type NetError = NodeJS.ErrnoException & { address?: string; port?: number };
	const err = error as NetError & { parent?: NetError };
	const cause = err?.parent ?? err;
	if ( cause?.code === 'ECONNREFUSED' ) {
		return `cannot connect to ${ cause.address ?? 'a service' }:${ cause.port ?? '' } (connection refused)`;
	}
	if ( cause?.code === 'EADDRINUSE' ) {
		return `port already in use: ${ cause.message }`;
	}
	return err instanceof Error
		? ( err.message.split( '\n' )[ 0 ] ?? 'unknown error' )
		: String( error );
}

export function exitWith( error: unknown ): never {
	process.stderr.write( `igny8-cloud: ${ describeStartupError( error ) }\n` );
	process.exit( 1 );
}
