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

/** A browser bundle `npm start` builds when its sources are newer than it. */
type Bundle = {
	workspace: string;
	/** What people call it, in the build log. */
	name: string;
	entry: string;
	output: string;
	inputs: string[];
};

const SHARED_TYPES = path.join( REPO_ROOT, 'shared-types', 'src' );
const workspaceInputs = ( workspace: string ) => [
	path.join( REPO_ROOT, workspace, 'src' ),
	path.join( REPO_ROOT, workspace, 'package.json' ),
	path.join( REPO_ROOT, workspace, 'tsconfig.json' ),
	// The contract both bundle.
	SHARED_TYPES,
];

const BUNDLES: Bundle[] = [
	{
		workspace: 'plugin-ui',
		name: 'the wp-admin screens',
		entry: path.join( REPO_ROOT, 'plugin-ui', 'src', 'index.tsx' ),
		output: path.join( REPO_ROOT, 'plugin', 'build', 'index.js' ),
		inputs: workspaceInputs( 'plugin-ui' ),
	},
	{
		workspace: 'console',
		name: 'the agency console',
		entry: path.join( REPO_ROOT, 'console', 'src', 'index.tsx' ),
		output: path.join( REPO_ROOT, 'console', 'build', 'index.html' ),
		inputs: workspaceInputs( 'console' ),
	},
];

function bundleBuildReason( bundle: Bundle ): string | undefined {
	if ( ! fs.existsSync( bundle.entry ) ) {
		return undefined;
	}
	if ( ! fs.existsSync( bundle.output ) ) {
		return `${ path.relative( REPO_ROOT, bundle.output ) } is missing`;
	}
	const built = fs.statSync( bundle.output ).mtimeMs;
	const newest = Math.max( ...bundle.inputs.map( newestMtime ) );
	return newest > built
		? `the ${ bundle.workspace } sources changed since the last build`
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

	for ( const bundle of BUNDLES ) {
		await buildBundle( bundle, npmCli, env, options );
	}
}

async function buildBundle(
	bundle: Bundle,
	npmCli: string | undefined,
	env: NodeJS.ProcessEnv,
	options: { logFile: string; note: ( message: string ) => void }
): Promise< void > {
	if ( ! fs.existsSync( bundle.entry ) ) {
		options.note(
			`${ path.relative( REPO_ROOT, bundle.entry ) } does not exist yet: no ${ bundle.workspace } bundle to build`
		);
		return;
	}
	const reason = bundleBuildReason( bundle );
	if ( ! reason ) {
		options.note(
			`${ path.relative( REPO_ROOT, path.dirname( bundle.output ) ) } is up to date`
		);
		return;
	}
	options.note( `building ${ bundle.name }: ${ reason }` );
	const started = Date.now();
	const script = [ 'run', 'build', '-w', bundle.workspace ];
	// npm's own CLI when `npm start` runs us; `npm` on the PATH otherwise.
	const [ command, args ] =
		npmCli && /\.(c|m)?js$/.test( npmCli )
			? [ process.execPath, [ npmCli, ...script ] ]
			: [ process.platform === 'win32' ? 'npm.cmd' : 'npm', script ];
	const built = await runLogged(
		`${ bundle.workspace } build`,
		command,
		args,
		{
			cwd: REPO_ROOT,
			env,
			logFile: options.logFile,
		}
	);
	if ( built.code !== 0 ) {
		throw new BuildError(
			`Building ${ bundle.name } (npm run build -w ${ bundle.workspace }) ${ describeExit( built ) }.`,
			options.logFile
		);
	}
	// webpack leaves an unchanged output unwritten (its mtime old): mark it current.
	if ( fs.existsSync( bundle.output ) ) {
		const now = new Date();
		fs.utimesSync( bundle.output, now, now );
	}
	options.note(
		`npm run build -w ${ bundle.workspace }: ${ Date.now() - started } ms`
	);
}
