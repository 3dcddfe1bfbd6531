import fs from 'node:fs';

/**
 * `npm start` runs this script as npm → sh → tsx → node. npm forwards a
 * SIGTERM (or SIGINT) only to `sh`, which dies of it without passing it on,
 * and npm then exits: this process would never hear of it and the cloud and
 * WordPress would keep running. So the launch chain is watched, and its
 * disappearance counts as a request to stop. Linux only (/proc); elsewhere
 * nothing is watched.
 */

interface ProcInfo {
	ppid: number;
	state: string;
	cmdline: string;
}

function procInfo( pid: number ): ProcInfo | undefined {
	try {
		const stat = fs.readFileSync( `/proc/${ pid }/stat`, 'utf8' );
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		const fields = stat.slice( stat.lastIndexOf( ')' ) + 2 ).split( ' ' );
		const cmdline = fs
			.readFileSync( `/proc/${ pid }/cmdline`, 'utf8' )
			.replace( /\0/g, ' ' )
			.trim();
		return {
			state: fields[ 0 ] ?? '',
			ppid: Number( fields[ 1 ] ),
			cmdline,
		};
	} catch {
		return undefined;
	}
}

function isAlive( pid: number ): boolean {
	const info = procInfo( pid );
	// A zombie has exited; it only waits for its parent to collect it.
	return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** The pids between this process and the npm that ran it (npm included), or none. */
export function launchChain(): number[] {
	if ( process.platform !== 'linux' || ! process.env.npm_lifecycle_event ) {
		return [];
	}
	const chain: number[] = [];
	let pid = process.ppid;
	for ( let depth = 0; depth < 5 && pid > 1; depth++ ) {
		const info = procInfo( pid );
		if ( ! info ) {
			return [];
		}
		chain.push( pid );
		if (
			/(^|[\s/])(npm|npx)(-cli\.js)?(\s|$)/.test( info.cmdline ) ||
			/npm-cli\.js|npx-cli\.js/.test( info.cmdline )
		) {
			return chain;
		}
		pid = info.ppid;
	}
	// No npm found close above: do not guess.
	return [];
}

/** Calls `onGone` once, when any process of the launch chain has exited. */
export function watchLaunchChain(
	onGone: ( pid: number ) => void,
	intervalMs = 1_000
): void {
	const chain = launchChain();
	if ( chain.length === 0 ) {
		return;
	}
	const timer = setInterval( () => {
		const gone = chain.find( ( pid ) => ! isAlive( pid ) );
		if ( gone !== undefined ) {
			clearInterval( timer );
			onGone( gone );
		}
	}, intervalMs );
	timer.unref();
}
