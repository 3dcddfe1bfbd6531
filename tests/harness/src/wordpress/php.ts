import { execFile } from 'node:child_process';
import net from 'node:net';

export interface PhpRunResult {
	stdout: string;
	stderr: string;
	code: number;
}

/** The PHP binary the harness uses (`IGNY8_PHP`, default `php` on PATH). */
export function phpBinary(): string {
	return process.env.IGNY8_PHP ?? 'php';
}

/** Runs the PHP CLI and resolves whatever the exit code (callers decide what failure means). */
export function runPhpCli(
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}
): Promise< PhpRunResult > {
	return new Promise( ( resolve, reject ) => {
		execFile(
			phpBinary(),
			args,
			{
				cwd: options.cwd,
				env: { ...process.env, ...options.env },
				timeout: options.timeoutMs ?? 120_000,
				maxBuffer: 64 * 1024 * 1024,
			},
			( error, stdout, stderr ) => {
				if ( error && typeof error.code !== 'number' ) {
					reject(
						new Error(
							`Could not run ${ phpBinary() } ${ args.join( ' ' ) }: ${ error.message }`
						)
					);
					return;
				}
				resolve( {
					stdout,
					stderr,
					code: error ? Number( error.code ) : 0,
				} );
			}
		);
	} );
}

/** A TCP port nobody listens on right now. */
export function freePort( host = '127.0.0.1' ): Promise< number > {
	return new Promise( ( resolve, reject ) => {
		const server = net.createServer();
		server.unref();
		server.on( 'error', reject );
		server.listen( 0, host, () => {
			const address = server.address();
			server.close( () => {
				if ( address && typeof address === 'object' ) {
					resolve( address.port );
				} else {
					reject( new Error( 'Could not find a free port' ) );
				}
			} );
		} );
	} );
}

/** Lines of PHP/WordPress output that report a problem (notice, warning, deprecation, error). */
export const PHP_PROBLEM =
	/PHP (Fatal error|Parse error|Recoverable fatal error|Warning|Notice|Deprecated|Strict Standards)|WordPress database error/;
