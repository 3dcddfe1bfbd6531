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
/** Playground installs WordPress with this admin; `npm start` then sets a generated password (lib/sign-in.ts). */
export const ADMIN_USER = 'admin';
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

/** The newest WordPress release, as api.wordpress.org describes it. */
export interface Release {
	version: string;
	url: string;
}

/**
 * Asks api.wordpress.org for the newest release. Doubles as the check whether
 * wordpress.org is reachable at all: any failure (offline, DNS, slow,
 * unexpected answer) resolves undefined within 4 s.
 */
export async function checkLatestRelease(
	note: Note
): Promise< Release | undefined > {
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
		note(
			`wordpress.org is reachable; the newest WordPress is ${ version }`
		);
		return { version, url };
	} catch ( error ) {
		note( `wordpress.org is not reachable (${ describeError( error ) })` );
		return undefined;
	}
}

/**
 * The persistent WordPress tree: core files, wp-config.php and the SQLite
 * database, all under the data folder so a restart finds the same site. It is
 * created once: from the newest release when one was found and downloads
 * (never when IGNY8_WP_OFFLINE=1), else from the offline 6.6-RC3 build in
 * node_modules.
 */
export async function ensureWordPressTree( options: {
	wordpressDir: string;
	playgroundDir: string;
	latest: Release | undefined;
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
		const zip = options.latest
			? await downloadRelease(
					options.latest,
					path.join( playgroundDir, 'downloads' ),
					note
				)
			: undefined;
		if ( zip && options.latest ) {
			extractZip( zip, path.join( scratch, 'download' ) );
			const candidate = path.join( scratch, 'download', 'wordpress' );
			if (
				fs.existsSync(
					path.join( candidate, 'wp-includes', 'version.php' )
				)
			) {
				tree = candidate;
				version = options.latest.version;
				source = 'download';
			} else {
				note(
					`the downloaded archive ${ zip } holds no wordpress/ tree; using the offline build`
				);
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
 * The release zip, cached under `cacheDir`; undefined when the download fails
 * (no answer within 5 s, a 10 s stall, over 3 minutes in all).
 */
export async function downloadRelease(
	release: Release,
	cacheDir: string,
	note: Note
): Promise< string | undefined > {
	const zip = path.join( cacheDir, `wordpress-${ release.version }.zip` );
	if ( fs.existsSync( zip ) ) {
		note( `WordPress ${ release.version }: using the cached ${ zip }` );
		return zip;
	}
	note( `downloading WordPress ${ release.version } from ${ release.url }` );
	fs.mkdirSync( cacheDir, { recursive: true } );
	const partial = `${ zip }.partial-${ process.pid }`;
	try {
		await downloadFile( release.url, partial );
		fs.renameSync( partial, zip );
		return zip;
	} catch ( error ) {
		note(
			`could not download WordPress ${ release.version } (${ describeError(
				error
			) }); using the offline ${ OFFLINE_VERSION } build`
		);
		return undefined;
	}
}

const OFFLINE_SHIM = 'igny8-npm-start-offline.php';

/**
 * Without wordpress.org, each of WordPress's calls to it (update checks, the
 * dashboard's PHP and browser checks) waits for a timeout: 5 s per dashboard
 * view under Playground. When this start found wordpress.org unreachable, a
 * must-use plugin makes those calls fail at once; a start that reaches it
 * removes the plugin again. Other hosts (the cloud) are never touched.
 */
export function setOfflineShim( wordpressDir: string, offline: boolean ): void {
	const dir = path.join( wordpressDir, 'wp-content', 'mu-plugins' );
	const file = path.join( dir, OFFLINE_SHIM );
	if ( ! offline ) {
		fs.rmSync( file, { force: true } );
		return;
	}
	fs.mkdirSync( dir, { recursive: true } );
	fs.writeFileSync(
		file,
		`<?php
/**
 * Written by \`npm start\` (scripts/lib/wordpress.ts): wordpress.org was not
 * reachable when this start began, so requests to it fail at once instead of
 * waiting for a timeout. Removed by the next start that can reach it.
 */
add_filter(
	'pre_http_request',
	static function ( $preempt, $args, $url ) {
		$host = strtolower( (string) wp_parse_url( $url, PHP_URL_HOST ) );
		if ( preg_match( '/(^|\\.)(wordpress\\.org|w\\.org|wordpress\\.com|gravatar\\.com)$/', $host ) ) {
			return new WP_Error( 'http_request_failed', 'wordpress.org is not reachable from this machine.' );
		}
		return $preempt;
	},
	10,
	3
);
`
	);
}

/** fetch says only "fetch failed"; the reason (ENOTFOUND, ECONNREFUSED…) is its cause. */
function describeError( error: unknown ): string {
	const message = error instanceof Error ? error.message : String( error );
	const cause =
		error instanceof Error
			? ( error.cause as { code?: string; message?: string } | undefined )
			: undefined;
	const detail = cause?.code ?? cause?.message;
	return detail ? `${ message }: ${ detail }` : message;
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
 * changed since the last start; then `signInPhp` (the admin password and the
 * one-time link's token, lib/sign-in.ts). Holds secrets: readable by the owner only.
 */
export function writeBlueprint(
	file: string,
	cloudUrl: string,
	apiKey: string,
	signInPhp: string
): string {
	if ( ! /^[A-Za-z0-9_-]+$/.test( apiKey ) ) {
		throw new Error( 'Unexpected characters in the site API key.' );
	}
	const blueprint = {
		$schema: 'https://playground.wordpress.net/blueprint-schema.json',
		steps: [
			{
				step: 'activatePlugin',
				pluginPath: PLUGIN_FILE,
				pluginName: 'IGNY8 Bridge',
			},
			{ step: 'setSiteOptions', options: { igny8_cloud_url: cloudUrl } },
			// The key is a secret: stored without autoload, as the plugin itself stores it.
			// Then the plugin's own "Test connection": the cloud learns this start's
			// WordPress address, which it publishes to.
			{
				step: 'runPHP',
				code: `<?php require '/wordpress/wp-load.php'; update_option( 'igny8_api_key', '${ apiKey }', false ); \\IGNY8\\Bridge\\Plugin::instance()->connect();`,
			},
			{
				step: 'runPHP',
				code: `<?php require '/wordpress/wp-load.php'; ${ signInPhp }`,
			},
		],
	};
	fs.mkdirSync( path.dirname( file ), { recursive: true } );
	fs.writeFileSync( file, JSON.stringify( blueprint, null, '\t' ) + '\n', {
		mode: 0o600,
	} );
	fs.chmodSync( file, 0o600 );
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
		// Loopback only (lib/loopback-only.cjs): the sign-in link relies on it.
		[
			'--require',
			path.join( __dirname, 'loopback-only.cjs' ),
			cli,
			...playgroundArgs( options ),
		],
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
