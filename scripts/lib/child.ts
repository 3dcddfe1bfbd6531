import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface ExitInfo {
	code: number | null;
	signal: NodeJS.Signals | null;
}

/** A child process whose output goes to a log file. */
export interface LoggedChild {
	name: string;
	logFile: string;
	process: ChildProcess;
	/** Settles when the process has exited (never rejects). */
	exited: Promise< ExitInfo >;
	/** Set once the process has exited. */
	exit?: ExitInfo;
}

const running = new Set< LoggedChild >();

/**
 * Each child leads its own process group, so a Ctrl-C at the terminal reaches
 * only `npm start`, which then stops the children in order. Should this
 * process die without stopping them (an uncaught error), they are killed on
 * the way out rather than left holding ports and data.
 */
process.on( 'exit', () => {
	for ( const child of running ) {
		signalGroup( child, 'SIGKILL' );
	}
} );

export function spawnLogged(
	name: string,
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }
): LoggedChild {
	const fd = fs.openSync( options.logFile, 'a' );
	let proc: ChildProcess;
	try {
		proc = spawn( command, args, {
			cwd: options.cwd,
			env: options.env,
			stdio: [ 'ignore', fd, fd ],
			detached: true,
		} );
	} finally {
		fs.closeSync( fd );
	}
	const child: LoggedChild = {
		name,
		logFile: options.logFile,
		process: proc,
		exited: new Promise< ExitInfo >( ( resolve ) => {
			let settled = false;
			const settle = ( info: ExitInfo ) => {
				if ( ! settled ) {
					settled = true;
					child.exit = info;
					running.delete( child );
					resolve( info );
				}
			};
			proc.once( 'exit', ( code, signal ) => settle( { code, signal } ) );
			proc.once( 'error', ( error ) => {
				fs.appendFileSync(
					options.logFile,
					`\n[npm start] could not run ${ command }: ${ error.message }\n`
				);
				settle( { code: 127, signal: null } );
			} );
		} ),
	};
	running.add( child );
	return child;
}

function signalGroup( child: LoggedChild, signal: NodeJS.Signals ): void {
	if ( child.exit || child.process.pid === undefined ) {
		return;
	}
	try {
		// Negative pid: the child's whole process group (it is the leader).
		process.kill( -child.process.pid, signal );
	} catch {
		try {
			child.process.kill( signal );
		} catch {
			// Already gone.
		}
	}
}

/** Asks a child to stop, waits, and kills it if it has not stopped in time. */
export async function stopChild(
	child: LoggedChild,
	timeoutMs: number
): Promise< 'stopped' | 'killed' > {
	if ( child.exit ) {
		return 'stopped';
	}
	signalGroup( child, 'SIGTERM' );
	let timer: NodeJS.Timeout | undefined;
	const timedOut = await Promise.race( [
		child.exited.then( () => false ),
		new Promise< boolean >( ( resolve ) => {
			timer = setTimeout( () => resolve( true ), timeoutMs );
		} ),
	] );
	clearTimeout( timer );
	if ( ! timedOut ) {
		return 'stopped';
	}
	signalGroup( child, 'SIGKILL' );
	await child.exited;
	return 'killed';
}

/** Runs a command to completion with its output appended to a log file. */
export async function runLogged(
	name: string,
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }
): Promise< ExitInfo & { child: LoggedChild } > {
	fs.appendFileSync(
		options.logFile,
		`\n$ ${ [ command, ...args ].join( ' ' ) }\n`
	);
	const child = spawnLogged( name, command, args, options );
	const info = await child.exited;
	return { ...info, child };
}

export function describeExit( info: ExitInfo ): string {
	return info.signal
		? `was killed by ${ info.signal }`
		: `exited with code ${ info.code }`;
}

/** Children still running, oldest first. */
export function runningChildren(): LoggedChild[] {
	return [ ...running ];
}
