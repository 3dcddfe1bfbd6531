import net from 'node:net';

/** Resolves true when nothing listens on host:port and we may bind it. */
export function isPortFree(
	port: number,
	host = '127.0.0.1'
): Promise< boolean > {
	return new Promise( ( resolve ) => {
		const server = net.createServer();
		server.unref();
		server.once( 'error', () => resolve( false ) );
		server.listen( { port, host, exclusive: true }, () => {
			server.close( () => resolve( true ) );
		} );
	} );
}

/** A port the operating system considers free right now. */
export function freePort( host = '127.0.0.1' ): Promise< number > {
	return new Promise( ( resolve, reject ) => {
		const server = net.createServer();
		server.unref();
		server.once( 'error', reject );
		server.listen( { port: 0, host, exclusive: true }, () => {
			const address = server.address();
			server.close( () =>
				typeof address === 'object' && address
					? resolve( address.port )
					: reject( new Error( 'no port' ) )
			);
		} );
	} );
}

export class PortError extends Error {}

export function parsePort(
	name: string,
	value: string | undefined
): number | undefined {
	if ( value === undefined || value.trim() === '' ) {
		return undefined;
	}
	const port = Number( value );
	if ( ! /^\d+$/.test( value.trim() ) || port < 1 || port > 65535 ) {
		throw new PortError(
			`${ name } must be a port number from 1 to 65535 (got "${ value }").`
		);
	}
	return port;
}

/**
 * The port to use: the one asked for (which must be free), else the one used
 * last time when it is still free (so URLs stored in WordPress content keep
 * working), else any free port.
 */
export async function choosePort( options: {
	envName: string;
	requested: number | undefined;
	previous: number | undefined;
	avoid: number[];
} ): Promise< number > {
	if ( options.requested !== undefined ) {
		if ( ! ( await isPortFree( options.requested ) ) ) {
			throw new PortError(
				`${ options.envName }=${ options.requested }, but something is already listening on 127.0.0.1:${ options.requested }.`
			);
		}
		return options.requested;
	}
	if (
		options.previous !== undefined &&
		! options.avoid.includes( options.previous ) &&
		( await isPortFree( options.previous ) )
	) {
		return options.previous;
	}
	for (;;) {
		const port = await freePort();
		if ( ! options.avoid.includes( port ) ) {
			return port;
		}
	}
}
