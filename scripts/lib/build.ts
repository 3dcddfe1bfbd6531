import fs from 'node:fs';
import path from 'node:path';
import { describeExit, runLogged } from './child';
import { REPO_ROOT } from './paths';

export class BuildError extends Error {
	constructor(
		message: string,
		readonly logFile: string
	) {
		super( message );
	}
}

/** The newest modification time under a folder (0 when it does not exist). */
export function newestMtime( target: string ): number {
	let stat: fs.Stats;
	try {
		stat = fs.statSync( target );
	} catch {
		return 0;
	}
	if ( ! stat.isDirectory() ) {
		return stat.mtimeMs;
	}
	let newest = stat.mtimeMs;
	for ( const entry of fs.readdirSync( target, { withFileTypes: true } ) ) {
		if ( entry.name === 'node_modules' || entry.name.startsWith( '.' ) ) {
			continue;
		}
		newest = Math.max(
			newest,
			newestMtime( path.join( target, entry.name ) )
		);
	}
	return newest;
}

const UI_ENTRY = path.join( REPO_ROOT, 'plugin-ui', 'src', 'index.tsx' );
const UI_BUNDLE = path.join( REPO_ROOT, 'plugin', 'build', 'index.js' );
/** What the wp-admin bundle is built from: its sources and the contract it bundles. */
const UI_INPUTS = [
	path.join( REPO_ROOT, 'plugin-ui', 'src' ),
	path.join( REPO_ROOT, 'plugin-ui', 'package.json' ),
	path.join( REPO_ROOT, 'plugin-ui', 'tsconfig.json' ),
	path.join( REPO_ROOT, 'shared-types', 'src' ),
];

export function uiBuildReason(): string | undefined {
	if ( ! fs.existsSync( UI_ENTRY ) ) {
		return undefined;
	}
	if ( ! fs.existsSync( UI_BUNDLE ) ) {
		return 'plugin/build/index.js is missing';
	}
	const built = fs.statSync( UI_BUNDLE ).mtimeMs;
	const newest = Math.max( ...UI_INPUTS.map( newestMtime ) );
	return newest > built
		? 'the plugin-ui sources changed since the last build'
		: undefined;
}

export async function buildAll( options: {
	logFile: string;
	note: ( message: string ) => void;
} ): Promise< void > {
	const env = { ...process.env };
	const npmCli = process.env.npm_execpath;
	const tsc = require.resolve( 'typescript/bin/tsc', {
		paths: [ REPO_ROOT ],
	} );

	const started = Date.now();
	const types = await runLogged(
		'tsc',
		process.execPath,
		[ tsc, '-b', 'shared-types', 'cloud' ],
		{
			cwd: REPO_ROOT,
			env,
			logFile: options.logFile,
		}
	);
	if ( types.code !== 0 ) {
		throw new BuildError(
			`Building the cloud (tsc -b shared-types cloud) ${ describeExit( types ) }.`,
			options.logFile
		);
	}
	options.note( `tsc -b shared-types cloud: ${ Date.now() - started } ms` );

	if ( ! fs.existsSync( UI_ENTRY ) ) {
		options.note(
			'plugin-ui/src/index.tsx does not exist yet: no wp-admin bundle to build'
		);
		return;
	}
	const reason = uiBuildReason();
	if ( ! reason ) {
		options.note( 'plugin/build is up to date' );
		return;
	}
	options.note( `building the wp-admin screens: ${ reason }` );
	const uiStarted = Date.now();
	// npm's own CLI when `npm start` runs us; `npm` on the PATH otherwise.
	const [ command, args ] =
		npmCli && /\.(c|m)?js$/.test( npmCli )
			? [
					process.execPath,
					[ npmCli, 'run', 'build', '-w', 'plugin-ui' ],
				]
			: [
					process.platform === 'win32' ? 'npm.cmd' : 'npm',
					[ 'run', 'build', '-w', 'plugin-ui' ],
				];
	const ui = await runLogged( 'plugin-ui build', command, args, {
		cwd: REPO_ROOT,
		env,
		logFile: options.logFile,
	} );
	if ( ui.code !== 0 ) {
		throw new BuildError(
			`Building the wp-admin screens (npm run build -w plugin-ui) ${ describeExit( ui ) }.`,
			options.logFile
		);
	}
	// webpack leaves an unchanged bundle unwritten (its mtime old): mark it current.
	if ( fs.existsSync( UI_BUNDLE ) ) {
		const now = new Date();
		fs.utimesSync( UI_BUNDLE, now, now );
	}
	options.note(
		`npm run build -w plugin-ui: ${ Date.now() - uiStarted } ms`
	);
}
