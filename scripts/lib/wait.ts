import type { LoggedChild } from './child';
import { describeExit } from './child';
import { tailLines } from './log';

export class StartupError extends Error {
	constructor(
		message: string,
		readonly logFile?: string
	) {
		super( message );
	}
}

export const sleep = ( ms: number ) =>
	new Promise< void >( ( resolve ) => setTimeout( resolve, ms ) );

/**
 * Polls `probe` until it returns true, failing early (with the child's last
 * log lines) when the child exits, or when `timeoutMs` passes.
 */
export async function waitUntilReady( options: {
	child: LoggedChild;
	what: string;
	probe: () => Promise< boolean >;
	timeoutMs: number;
	intervalMs: number;
	cancelled?: () => boolean;
} ): Promise< void > {
	const deadline = Date.now() + options.timeoutMs;
	for (;;) {
		if ( options.cancelled?.() ) {
			throw new StartupError( 'cancelled' );
		}
		if ( options.child.exit ) {
			throw new StartupError(
				`${ options.what } ${ describeExit( options.child.exit ) } before it was ready. Last lines of ${ options.child.logFile }:\n${ tailLines( options.child.logFile ) }`,
				options.child.logFile
			);
		}
		if ( await options.probe().catch( () => false ) ) {
			return;
		}
		if ( Date.now() > deadline ) {
			throw new StartupError(
				`${ options.what } was not ready after ${ Math.round( options.timeoutMs / 1000 ) } s. Last lines of ${ options.child.logFile }:\n${ tailLines( options.child.logFile ) }`,
				options.child.logFile
			);
		}
		await Promise.race( [
			sleep( options.intervalMs ),
			options.child.exited,
		] );
	}
}

/** GET with a per-request timeout; resolves the status and body text. */
export async function httpGet(
	url: string,
	timeoutMs: number
): Promise< { status: number; body: string } > {
	const response = await fetch( url, {
		signal: AbortSignal.timeout( timeoutMs ),
		redirect: 'manual',
	} );
	return { status: response.status, body: await response.text() };
}
