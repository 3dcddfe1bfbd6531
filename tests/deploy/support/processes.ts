import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { REPO_ROOT } from './compose';

/**
 * The host processes that stand in for containers: started with an exact
 * environment (nothing inherited), their output kept for assertions, ended
 * by their own pid only.
 */

export type HostProcess = {
	name: string;
	child: ChildProcess;
	pid: number;
	/** Everything it wrote so far, stdout and stderr interleaved. */
	output(): string;
	/** Resolves with the exit code (null after a signal) once it has exited. */
	exited: Promise< number | null >;
};

/** A compose command as a host command: `node` is this test's Node.js. */
function hostCommand( command: string[] ): [ string, string[] ] {
	const [ program = '', ...args ] = command;
	return [ program === 'node' ? process.execPath : program, args ];
}

export function startProcess(
	name: string,
	command: string[],
	env: Record< string, string >,
	cwd = REPO_ROOT
): HostProcess {
	const [ program, args ] = hostCommand( command );
	const child = spawn( program, args, {
		cwd,
		env,
		stdio: [ 'ignore', 'pipe', 'pipe' ],
	} );
	let output = '';
	child.stdout!.on( 'data', ( chunk: Buffer ) => ( output += chunk ) );
	child.stderr!.on( 'data', ( chunk: Buffer ) => ( output += chunk ) );
	const exited = new Promise< number | null >( ( resolve ) => {
		child.once( 'exit', ( code ) => resolve( code ) );
		child.once( 'error', () => resolve( -1 ) );
	} );
	if ( child.pid === undefined ) {
		throw new Error( `${ name }: ${ program } did not start` );
	}
	return { name, child, pid: child.pid, output: () => output, exited };
}

export function isRunning( proc: HostProcess ): boolean {
	return proc.child.exitCode === null && proc.child.signalCode === null;
}

/** Waits until the output matches; fails early, with the output, if the process exits. */
export async function waitForOutput(
	proc: HostProcess,
	pattern: RegExp,
	timeoutMs = 30_000
): Promise< void > {
	const deadline = Date.now() + timeoutMs;
	while ( ! pattern.test( proc.output() ) ) {
		if ( ! isRunning( proc ) ) {
			throw new Error(
				`${ proc.name } exited (${ proc.child.exitCode ?? proc.child.signalCode }) before printing ${ pattern }:\n${ proc.output() }`
			);
		}
		if ( Date.now() > deadline ) {
			throw new Error(
				`${ proc.name } did not print ${ pattern } within ${ timeoutMs } ms:\n${ proc.output() }`
			);
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 50 ) );
	}
}

/** Sends a signal to this process (by its pid) and waits for it to exit. */
export async function stopProcess(
	proc: HostProcess,
	signal: NodeJS.Signals = 'SIGTERM'
): Promise< number | null > {
	if ( isRunning( proc ) ) {
		proc.child.kill( signal );
	}
	return proc.exited;
}

/** Runs a one-off command to its end (a compose `run`, a health check). */
export async function runToEnd(
	command: string[],
	env: Record< string, string >,
	timeoutMs = 60_000
): Promise< { code: number | null; output: string } > {
	const proc = startProcess( command.join( ' ' ), command, env );
	const timer = setTimeout( () => proc.child.kill( 'SIGKILL' ), timeoutMs );
	const code = await proc.exited;
	clearTimeout( timer );
	return { code, output: proc.output() };
}

/** Polls until `probe` returns a value (not undefined); its last error is in the failure. */
export async function eventually< T >(
	what: string,
	probe: () => Promise< T | undefined >,
	timeoutMs = 30_000,
	everyMs = 250
): Promise< T > {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while ( Date.now() < deadline ) {
		try {
			const value = await probe();
			if ( value !== undefined ) {
				return value;
			}
		} catch ( error ) {
			last = error;
		}
		await new Promise( ( resolve ) => setTimeout( resolve, everyMs ) );
	}
	throw new Error(
		`${ what }: not within ${ timeoutMs } ms${
			last ? ` (last error: ${ ( last as Error ).message })` : ''
		}`
	);
}

/**
 * Which of the processes has an open TCP connection to a local port (from
 * /proc: the kernel's connection table and each process's descriptors).
 */
export function processesConnectedTo(
	port: number,
	procs: HostProcess[]
): HostProcess[] {
	const inodes = new Set< string >();
	for ( const table of [ '/proc/net/tcp', '/proc/net/tcp6' ] ) {
		if ( ! fs.existsSync( table ) ) {
			continue;
		}
		for ( const line of fs
			.readFileSync( table, 'utf8' )
			.split( '\n' )
			.slice( 1 ) ) {
			const fields = line.trim().split( /\s+/ );
			const remote = fields[ 2 ];
			const state = fields[ 3 ];
			const inode = fields[ 9 ];
			// 01: ESTABLISHED.
			if (
				remote &&
				state === '01' &&
				inode &&
				parseInt( remote.split( ':' )[ 1 ]!, 16 ) === port
			) {
				inodes.add( inode );
			}
		}
	}
	return procs.filter( ( proc ) => {
		if ( ! isRunning( proc ) ) {
			return false;
		}
		const fdDir = `/proc/${ proc.pid }/fd`;
		let fds: string[];
		try {
			fds = fs.readdirSync( fdDir );
		} catch {
			return false;
		}
		return fds.some( ( fd ) => {
			try {
				const target = fs.readlinkSync( `${ fdDir }/${ fd }` );
				return inodes.has(
					/^socket:\[(\d+)\]$/.exec( target )?.[ 1 ] ?? ''
				);
			} catch {
				return false;
			}
		} );
	} );
}
