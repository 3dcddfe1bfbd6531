import fs from 'node:fs';
import path from 'node:path';

/** The repository root, found from this file (scripts/lib/). */
export const REPO_ROOT = path.resolve( __dirname, '..', '..' );

export interface StartPaths {
	/** Everything `npm start` keeps: `IGNY8_DATA_DIR`, default `<repo>/.igny8`. */
	dataDir: string;
	logDir: string;
	/** The persistent WordPress tree (core + wp-config.php + SQLite database). */
	wordpressDir: string;
	/** Scratch and cache space for the Playground setup (downloads, blueprint). */
	playgroundDir: string;
	pluginDir: string;
	lockFile: string;
	stateFile: string;
}

export function resolvePaths(
	env: NodeJS.ProcessEnv = process.env
): StartPaths {
	const configured = env.IGNY8_DATA_DIR?.trim();
	const dataDir = path.resolve(
		configured ? configured : path.join( REPO_ROOT, '.igny8' )
	);
	const playgroundDir = path.join( dataDir, 'playground' );
	return {
		dataDir,
		logDir: path.join( dataDir, 'logs' ),
		wordpressDir: path.join( playgroundDir, 'wordpress' ),
		playgroundDir,
		pluginDir: path.join( REPO_ROOT, 'plugin' ),
		lockFile: path.join( dataDir, 'start.pid' ),
		stateFile: path.join( dataDir, 'start-state.json' ),
	};
}

/** Shows a path relative to the current directory when that is shorter. */
export function displayPath( file: string ): string {
	const relative = path.relative( process.cwd(), file );
	return relative &&
		! relative.startsWith( '..' ) &&
		relative.length < file.length
		? relative
		: file;
}

export function ensureDir( dir: string ): string {
	fs.mkdirSync( dir, { recursive: true } );
	return dir;
}
