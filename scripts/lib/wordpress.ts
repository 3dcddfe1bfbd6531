import fs from 'node:fs';
import path from 'node:path';
import {
	ensureWordPressCore,
	extractZip,
	OFFLINE_VERSION,
} from '../../tests/harness/src/wordpress/core';
import { spawnLogged, type LoggedChild } from './child';
import { REPO_ROOT } from './paths';
import { httpGet, waitUntilReady } from './wait';

export const PLUGIN_SLUG = 'igny8-bridge';
export const PLUGIN_FILE = `${ PLUGIN_SLUG }/${ PLUGIN_SLUG }.php`;
export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'password';
/** Fewer request workers deadlock when WordPress calls the cloud and the cloud calls back. */
export const PLAYGROUND_WORKERS = 6;
export const PHP_VERSION = '8.3';

const MARKER = '.igny8-wordpress.json';
const VERSION_CHECK_URL = 'https://api.wordpress.org/core/version-check/1.7/';
/** The oldest WordPress the plugin supports (react-jsx-runtime script handle). */
const MIN_VERSION = [ 6, 6 ];

export interface WordPressTree {
	dir: string;
	version: string;
	source: 'download' | 'offline';
	/** True when this start created the tree (WordPress installs on this boot). */
	created: boolean;
}

type Note = ( message: string ) => void;

/**
 * The persistent WordPress tree: core files, wp-config.php and the SQLite
 * database, all under the data folder so a restart finds the same site. It is
 * created once: from the newest release when it can be downloaded (never when
 * IGNY8_WP_OFFLINE=1), else from the offline 6.6-RC3 build in node_modules.
 */
export async function ensureWordPressTree( options: {
	wordpressDir: string;
	playgroundDir: string;
	offline: boolean;
	note: Note;
} ): Promise< WordPressTree > {
	const { wordpressDir, playgroundDir, note } = options;
	const marker = path.join( wordpressDir, MARKER );
	if ( fs.existsSync( marker ) ) {
		const recorded = JSON.parse( fs.readFileSync( marker, 'utf8' ) ) as {
			version: string;
			source: 'download' | 'offline';
		};
		return { dir: wordpressDir, ...recorded, created: false };
	}
	fs.mkdirSync( playgroundDir, { recursive: true } );
	// A tree without the marker is a half-made one from an interrupted first start.
	fs.rmSync( wordpressDir, { recursive: true, force: true } );

	const scratch = fs.mkdtempSync( path.join( playgroundDir, '.assemble-' ) );
	try {
		let tree: string | undefined;
		let version = OFFLINE_VERSION;
		let source: WordPressTree[ 'source' ] = 'offline';
		if ( options.offline ) {
			note(
				'IGNY8_WP_OFFLINE=1: using the offline WordPress build, no download attempted'
			);
		} else {
			const downloaded = await downloadLatestWordPress(
				path.join( playgroundDir, 'downloads' ),
				note
			);
			if ( downloaded ) {
				extractZip( downloaded.zip, path.join( scratch, 'download' ) );
				const candidate = path.join( scratch, 'download', 'wordpress' );
				if (
					fs.existsSync(
						path.join( candidate, 'wp-includes', 'version.php' )
					)
				) {
					tree = candidate;
					version = downloaded.version;
					source = 'download';
				} else {
					note(
						`the downloaded archive ${ downloaded.zip } holds no wordpress/ tree; using the offline build`
					);
				}
			}
		}
		if ( ! tree ) {
			tree = ensureWordPressCore( path.join( scratch, 'offline' ) );
		}
		fs.writeFileSync(
			path.join( tree, MARKER ),
			JSON.stringify( { version, source } ) + '\n'
		);
		fs.renameSync( tree, wordpressDir );
		note(
			`WordPress ${ version } (${ source }) laid out in ${ wordpressDir }`
		);
		return { dir: wordpressDir, version, source, created: true };
	} finally {
		fs.rmSync( scratch, { recursive: true, force: true } );
	}
}

function atLeastMinimum( version: string ): boolean {
	const [ major = 0, minor = 0 ] = version
		.split( '.' )
		.map( ( part ) => parseInt( part, 10 ) || 0 );
	const [ minMajor = 0, minMinor = 0 ] = MIN_VERSION;
	return major > minMajor || ( major === minMajor && minor >= minMinor );
}

/**
 * The newest WordPress release zip, cached under `cacheDir`. Any failure
 * (offline, DNS, slow, unexpected answer) returns undefined within seconds:
 * asking costs at most 4 s, and a download that stalls for 10 s is dropped.
 */
export async function downloadLatestWordPress(
	cacheDir: string,
	note: Note
): Promise< { version: string; zip: string } | undefined > {
	try {
		const check = await fetch( VERSION_CHECK_URL, {
			signal: AbortSignal.timeout( 4_000 ),
		} );
		if ( ! check.ok ) {
			throw new Error( `version check answered ${ check.status }` );
		}
		const answer = ( await check.json() ) as {
			offers?: {
				response?: string;
				version?: string;
				download?: string;
				packages?: { full?: string };
			}[];
		};
		const offer =
			answer.offers?.find(
				( item ) =>
					item.response === 'upgrade' || item.response === 'latest'
			) ?? answer.offers?.[ 0 ];
		const version = offer?.version;
		const url = offer?.packages?.full || offer?.download;
		if (
			! version ||
			! url ||
			! /^\d+\.\d+(\.\d+)?$/.test( version ) ||
			! atLeastMinimum( version )
		) {
			throw new Error(
				`unexpected version check answer: ${ JSON.stringify( offer ) }`
			);
		}
		const zip = path.join( cacheDir, `wordpress-${ version }.zip` );
		if ( fs.existsSync( zip ) ) {
			note( `WordPress ${ version }: using the cached ${ zip }` );
			return { version, zip };
		}
		note( `downloading WordPress ${ version } from ${ url }` );
		fs.mkdirSync( cacheDir, { recursive: true } );
		const partial = `${ zip }.partial-${ process.pid }`;
		await downloadFile( url, partial );
		fs.renameSync( partial, zip );
		return { version, zip };
	} catch ( error ) {
		note(
			`could not download the newest WordPress (${ ( error as Error ).message }); using the offline ${ OFFLINE_VERSION } build`
		);
		return undefined;
	}
}

async function downloadFile( url: string, file: string ): Promise< void > {
	const controller = new AbortController();
	let idle = setTimeout(
		() => controller.abort( new Error( 'no answer within 5 s' ) ),
		5_000
	);
	const overall = setTimeout(
		() => controller.abort( new Error( 'download took over 3 minutes' ) ),
		180_000
	);
	const out = fs.openSync( file, 'w' );
	try {
		const response = await fetch( url, { signal: controller.signal } );
		if ( ! response.ok || ! response.body ) {
			throw new Error( `${ url } answered ${ response.status }` );
		}
		const reader = response.body.getReader();
		for (;;) {
			clearTimeout( idle );
			idle = setTimeout(
				() =>
					controller.abort(
						new Error( 'download stalled for 10 s' )
					),
				10_000
			);
			const { done, value } = await reader.read();
			if ( done ) {
				break;
			}
			fs.writeSync( out, value );
		}
	} catch ( error ) {
		fs.closeSync( out );
		fs.rmSync( file, { force: true } );
		throw controller.signal.aborted &&
			controller.signal.reason instanceof Error
			? controller.signal.reason
			: error;
	} finally {
		clearTimeout( idle );
		clearTimeout( overall );
	}
	fs.closeSync( out );
}

/**
 * Steps Playground runs after every boot: activate the plugin (a no-op when
 * it is active) and point it at this start's cloud URL, whose port may have
 * changed since the last start.
 */
export function writeBlueprint( file: string, cloudUrl: string ): string {
	const blueprint = {
		$schema: 'https://playground.wordpress.net/blueprint-schema.json',
		steps: [
			{
				step: 'activatePlugin',
				pluginPath: PLUGIN_FILE,
				pluginName: 'IGNY8 Bridge',
			},
			{ step: 'setSiteOptions', options: { igny8_cloud_url: cloudUrl } },
		],
	};
	fs.mkdirSync( path.dirname( file ), { recursive: true } );
	fs.writeFileSync( file, JSON.stringify( blueprint, null, '\t' ) + '\n' );
	return file;
}

export function playgroundArgs( options: {
	port: number;
	wordpressDir: string;
	pluginDir: string;
	blueprint: string;
} ): string[] {
	return [
		'server',
		`--port=${ options.port }`,
		`--php=${ PHP_VERSION }`,
		`--workers=${ PLAYGROUND_WORKERS }`,
		// The persistent tree is /wordpress itself. Mounted before install, so the
		// installer (first start only: "if needed" checks for an installed site)
		// writes wp-config.php and the SQLite database into it, and the CLI never
		// downloads WordPress.
		'--mount-dir-before-install',
		options.wordpressDir,
		'/wordpress',
		'--wordpress-install-mode=install-from-existing-files-if-needed',
		// The plugin is the working copy: edits show up on the next request.
		'--mount-dir',
		options.pluginDir,
		`/wordpress/wp-content/plugins/${ PLUGIN_SLUG }`,
		`--blueprint=${ options.blueprint }`,
		'--login',
		// Application passwords over plain HTTP (integrators, scripts).
		'--define',
		'WP_ENVIRONMENT_TYPE',
		'local',
	];
}

export function startWordPress( options: {
	port: number;
	wordpressDir: string;
	pluginDir: string;
	blueprint: string;
	logFile: string;
} ): LoggedChild {
	const cli = path.join(
		path.dirname(
			require.resolve( '@wp-playground/cli/package.json', {
				paths: [ REPO_ROOT ],
			} )
		),
		'wp-playground.js'
	);
	const env: NodeJS.ProcessEnv = { ...process.env };
	for ( const name of Object.keys( env ) ) {
		if ( name.startsWith( 'npm_' ) ) {
			delete env[ name ];
		}
	}
	return spawnLogged(
		'wordpress',
		process.execPath,
		[ cli, ...playgroundArgs( options ) ],
		{
			cwd: REPO_ROOT,
			env,
			logFile: options.logFile,
		}
	);
}

/** WordPress is up once its REST index answers (Playground serves after the blueprint ran). */
export async function wordpressIsReady( url: string ): Promise< boolean > {
	const { status, body } = await httpGet( `${ url }/wp-json/`, 30_000 );
	return status === 200 && body.includes( '"namespaces"' );
}

export async function waitForWordPress(
	child: LoggedChild,
	url: string,
	cancelled: () => boolean
): Promise< void > {
	await waitUntilReady( {
		child,
		what: 'WordPress (Playground)',
		probe: () => wordpressIsReady( url ),
		// The first start installs WordPress under WebAssembly on a small machine.
		timeoutMs: 600_000,
		intervalMs: 1_000,
		cancelled,
	} );
}
