import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PLUGIN_DIR, REPO_ROOT, STATE_DIR } from '../paths';
import { wpConfig } from './config';
import { ensureWordPressCore } from './core';
import type { WpConfigStorage } from './config';
import {
	defaultWpDatabase,
	dropDatabase,
	mysqlSettings,
	recreateDatabase,
	uniqueDatabaseName,
	type WpDatabase,
} from './database';
import { loginRestClient, WpRestClient, type WpUser } from './http';
import { freePort, PHP_PROBLEM, phpBinary, runPhpCli } from './php';
import { installSqliteIntegration, SQLITE_PLUGIN_FILE } from './sqlite';
import { linkTree } from './tree';

export type { WpUser } from './http';

/** The plugin as WordPress sees it. */
export const PLUGIN_SLUG = 'igny8-bridge';
export const PLUGIN_FILE = `${ PLUGIN_SLUG }/igny8-bridge.php`;

// PHP helpers stay in src/ (tsc does not copy them), found from the repo root in src/ and dist/ alike.
const PHP_HELPERS = path.join(
	REPO_ROOT,
	'tests',
	'harness',
	'src',
	'wordpress',
	'php'
);
const INSTALL_SCRIPT = path.join( PHP_HELPERS, 'install.php' );
const MU_PLUGIN = path.join( PHP_HELPERS, 'test-site-mu-plugin.php' );
const STATIC_ROUTER = path.join( PHP_HELPERS, 'static-router.php' );

/** Where one site lives on disk. */
export interface SiteLayout {
	/** The site's folder: holds `wordpress/` and the logs. */
	dir: string;
	/** ABSPATH: the WordPress tree with this site's wp-config.php. */
	wpDir: string;
	debugLogFile: string;
}

export interface BuildSiteOptions {
	dir: string;
	/** The MariaDB database's name (recreated empty), or the SQLite site's name. */
	database: string;
	url: string;
	/** MariaDB or SQLite (default: env `IGNY8_WP_DB`, else MariaDB). */
	db?: WpDatabase;
	/** Activate IGNY8 Bridge after installing (default true; false when not mounted). */
	activatePlugin?: boolean;
	/** Symlink the repo's plugin/ into wp-content/plugins (default true). */
	mountPlugin?: boolean;
	/** Extra wp-config.php constants. */
	constants?: Record< string, string | number | boolean >;
}

export interface BuiltSite extends SiteLayout {
	admin: WpUser;
	db: WpDatabase;
}

function phpLiteral( value: unknown ): string {
	// JSON inside base64 inside a PHP string: no quoting bugs, no injection.
	return `json_decode( base64_decode( '${ Buffer.from( JSON.stringify( value ) ).toString( 'base64' ) }' ), true )`;
}

function wordpressPrelude( wpDir: string, url: string ): string {
	const { hostname, port } = new URL( url );
	const host = port ? `${ hostname }:${ port }` : hostname;
	return [
		'<?php',
		`$_SERVER['HTTP_HOST'] = ${ phpLiteral( host ) };`,
		`$_SERVER['SERVER_NAME'] = ${ phpLiteral( hostname ) };`,
		`$_SERVER['SERVER_PORT'] = ${ phpLiteral( port || '80' ) };`,
		"$_SERVER['REQUEST_URI'] = '/';",
		`require ${ phpLiteral( path.join( wpDir, 'wp-load.php' ) ) };`,
		'',
	].join( '\n' );
}

/**
 * Runs PHP code with WordPress loaded (php CLI + wp-load.php) and returns its
 * stdout. Throws, with the output, when PHP exits non-zero.
 */
export async function runWordPressPhp(
	layout: SiteLayout,
	url: string,
	code: string
): Promise< string > {
	const scripts = path.join( layout.dir, 'scripts' );
	fs.mkdirSync( scripts, { recursive: true } );
	const file = path.join(
		scripts,
		`run-${ process.pid }-${ crypto.randomBytes( 4 ).toString( 'hex' ) }.php`
	);
	fs.writeFileSync(
		file,
		wordpressPrelude( layout.wpDir, url ) + code.replace( /^\s*<\?php/, '' )
	);
	try {
		const result = await runPhpCli( [ file ], { cwd: layout.wpDir } );
		if ( result.code !== 0 ) {
			throw new Error(
				`PHP exited with ${ result.code }.\n--- stdout\n${ result.stdout }\n--- stderr\n${ result.stderr }`
			);
		}
		return result.stdout;
	} finally {
		fs.rmSync( file, { force: true } );
	}
}

/**
 * Builds and installs a WordPress site in `dir` (no web server): core hard-linked
 * from the shared offline build, its own wp-config.php and wp-content, the repo's
 * plugin/ symlinked in as wp-content/plugins/igny8-bridge, a fresh database
 * (MariaDB, or an SQLite file in `dir/database` with the SQLite integration
 * installed and active), permalinks `/%postname%/`, and the plugin activated.
 */
export async function buildSite(
	options: BuildSiteOptions
): Promise< BuiltSite > {
	const core = ensureWordPressCore();
	const dir = options.dir;
	const db = options.db ?? defaultWpDatabase();
	const wpDir = path.join( dir, 'wordpress' );
	const debugLogFile = path.join( dir, 'debug.log' );

	fs.rmSync( dir, { recursive: true, force: true } );
	linkTree( core, wpDir );
	fs.rmSync( path.join( wpDir, '.igny8-core-complete' ), { force: true } );

	const mountPlugin = options.mountPlugin ?? true;
	if ( mountPlugin ) {
		const plugins = path.join( wpDir, 'wp-content', 'plugins' );
		fs.symlinkSync( PLUGIN_DIR, path.join( plugins, PLUGIN_SLUG ), 'dir' );
	}
	const muPlugins = path.join( wpDir, 'wp-content', 'mu-plugins' );
	fs.mkdirSync( muPlugins, { recursive: true } );
	fs.copyFileSync( MU_PLUGIN, path.join( muPlugins, 'igny8-test-site.php' ) );

	let storage: WpConfigStorage;
	if ( db === 'sqlite' ) {
		installSqliteIntegration( wpDir );
		// Outside the docroot: `php -S` must never serve the database file.
		storage = {
			engine: 'sqlite',
			dir: path.join( dir, 'database' ),
			file: 'wordpress.sqlite',
		};
		fs.mkdirSync( storage.dir, { recursive: true } );
	} else {
		storage = { engine: 'mariadb', mysql: mysqlSettings() };
		await recreateDatabase( options.database );
	}
	fs.writeFileSync(
		path.join( wpDir, 'wp-config.php' ),
		wpConfig( {
			database: options.database,
			storage,
			url: options.url,
			debugLog: debugLogFile,
			constants: options.constants,
		} )
	);

	const admin: WpUser = {
		id: 1,
		login: 'admin',
		password: crypto.randomBytes( 12 ).toString( 'base64url' ),
		email: 'admin@example.test',
		role: 'administrator',
	};
	const install = await runPhpCli(
		[
			INSTALL_SCRIPT,
			wpDir,
			JSON.stringify( {
				url: options.url,
				title: 'IGNY8 test site',
				adminUser: admin.login,
				adminPassword: admin.password,
				adminEmail: admin.email,
				permalinks: '/%postname%/',
			} ),
		],
		{ cwd: wpDir }
	);
	if ( install.code !== 0 || ! install.stdout.includes( '"ok":true' ) ) {
		throw new Error(
			`Installing WordPress failed.\n${ install.stdout }\n${ install.stderr }`
		);
	}

	const layout: SiteLayout = { dir, wpDir, debugLogFile };
	const activate: string[] = [];
	if ( db === 'sqlite' ) {
		// Active, as on a site that installed it; silently, as its drop-in does (no redirect to its screen).
		activate.push( SQLITE_PLUGIN_FILE );
	}
	if ( mountPlugin && ( options.activatePlugin ?? true ) ) {
		activate.push( PLUGIN_FILE );
	}
	if ( activate.length > 0 ) {
		const out = await runWordPressPhp(
			layout,
			options.url,
			`require_once ABSPATH . 'wp-admin/includes/plugin.php';
foreach ( ${ phpLiteral( activate ) } as $file ) {
	$result = activate_plugin( $file, '', false, ${ phpLiteral( SQLITE_PLUGIN_FILE ) } === $file );
	if ( is_wp_error( $result ) ) {
		echo 'ERROR ' . $file . ': ' . $result->get_error_message();
		return;
	}
}
echo 'ACTIVE';`
		);
		if ( out.trim() !== 'ACTIVE' ) {
			throw new Error(
				`Activating ${ activate.join( ', ' ) } failed: ${ out }`
			);
		}
	}
	return { ...layout, admin, db };
}

export interface StartWordPressOptions {
	/** Activate IGNY8 Bridge (default true). */
	activatePlugin?: boolean;
	/**
	 * Symlink the repo's plugin/ in (default true). False gives a WordPress
	 * without IGNY8 Bridge, e.g. to install the distributed zip through wp-admin.
	 */
	mountPlugin?: boolean;
	/** Extra wp-config.php constants. */
	constants?: Record< string, string | number | boolean >;
	/** MariaDB or SQLite (default: env `IGNY8_WP_DB`, else MariaDB). */
	db?: WpDatabase;
	/** `PHP_CLI_SERVER_WORKERS` (default 8: one worker deadlocks on WP → cloud → WP calls, and a browser's idle sockets can each hold one). */
	workers?: number;
	/** Keep the folder and database after stop() (default: env `IGNY8_KEEP_SITES=1`). */
	keep?: boolean;
	/**
	 * The port to serve on (default: a free one). Chosen first when a cloud
	 * must be told before it starts, e.g. to allow the site in IGNY8_OUTBOUND_ALLOW.
	 */
	port?: number;
}

export interface CreateUserOptions {
	role: string;
	login?: string;
	password?: string;
	email?: string;
}

export interface WordPressSite {
	url: string;
	adminUrl: string;
	/** The site's folder (logs, scripts); WordPress itself is in `wpDir`. */
	dir: string;
	wpDir: string;
	/** MariaDB: the database's name; SQLite: the site's name. */
	database: string;
	/** The database WordPress runs on. */
	db: WpDatabase;
	debugLogFile: string;
	/** The administrator created at install. */
	admin: WpUser;
	createUser( options: CreateUserOptions ): Promise< WpUser >;
	/** Logs in through wp-login.php; the client sends the cookie and a `wp_rest` nonce. */
	login( user: WpUser ): Promise< WpRestClient >;
	anonymous(): WpRestClient;
	/** Runs PHP with WordPress loaded; returns stdout. `<?php` is optional. */
	php( code: string ): Promise< string >;
	readDebugLog(): string[];
	/** Server stderr lines (access log lines excluded). */
	serverLog(): string[];
	/** PHP notices, warnings, deprecations and errors from the debug log and the server. */
	phpErrors(): string[];
	stop(): Promise< void >;
}

const running = new Set< ChildProcess >();
let exitHookInstalled = false;

function killGroup( child: ChildProcess, signal: NodeJS.Signals ): void {
	if (
		child.pid === undefined ||
		child.exitCode !== null ||
		child.signalCode !== null
	) {
		return;
	}
	try {
		// The server was spawned detached, so it leads its own group: its workers go with it.
		process.kill( -child.pid, signal );
	} catch {
		// Already gone.
	}
}

function installExitHook(): void {
	if ( exitHookInstalled ) {
		return;
	}
	exitHookInstalled = true;
	process.on( 'exit', () => {
		for ( const child of running ) {
			killGroup( child, 'SIGKILL' );
		}
	} );
}

async function waitUntilServing(
	url: string,
	server: ChildProcess,
	stderr: () => string
): Promise< void > {
	const deadline = Date.now() + 20_000;
	while ( Date.now() < deadline ) {
		if ( server.exitCode !== null ) {
			throw new Error(
				`php -S exited with ${ server.exitCode }:\n${ stderr() }`
			);
		}
		try {
			const response = await fetch( `${ url }/wp-login.php`, {
				redirect: 'manual',
			} );
			await response.arrayBuffer();
			if ( response.status === 200 ) {
				return;
			}
		} catch {
			// Not listening yet.
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
	}
	throw new Error(
		`WordPress at ${ url } did not answer within 20 s:\n${ stderr() }`
	);
}

const ACCESS_LINE =
	/^(\[\d+\] )?\[[^\]]+\] (127\.0\.0\.1:\d+ (Accepted|Closing|\[\d{3}\]: )|PHP [\d.]+ Development Server )/;

/**
 * Starts a fresh WordPress site on native `php -S` with its own database
 * (a MariaDB database, or an SQLite file: `options.db`), WP_DEBUG on, and
 * IGNY8 Bridge activated.
 */
export async function startWordPress(
	options: StartWordPressOptions = {}
): Promise< WordPressSite > {
	const id = crypto.randomBytes( 4 ).toString( 'hex' );
	const database = uniqueDatabaseName();
	const port = options.port ?? ( await freePort() );
	const url = `http://127.0.0.1:${ port }`;
	const dir = path.join( STATE_DIR, 'sites', `${ database }` );
	const keep = options.keep ?? process.env.IGNY8_KEEP_SITES === '1';
	const db = options.db ?? defaultWpDatabase();
	const dropOwnDatabase = (): Promise< void > =>
		db === 'mariadb' ? dropDatabase( database ) : Promise.resolve();

	let built: BuiltSite;
	try {
		built = await buildSite( {
			dir,
			database,
			db,
			url,
			activatePlugin: options.activatePlugin,
			mountPlugin: options.mountPlugin,
			constants: options.constants,
		} );
	} catch ( error ) {
		if ( ! keep ) {
			fs.rmSync( dir, { recursive: true, force: true } );
			await dropOwnDatabase().catch( () => undefined );
		}
		throw error;
	}

	installExitHook();
	const serverLogFile = path.join( dir, 'server.log' );
	const serverLog = fs.openSync( serverLogFile, 'a' );
	const server = spawn(
		phpBinary(),
		[ '-S', `127.0.0.1:${ port }`, '-t', built.wpDir, STATIC_ROUTER ],
		{
			cwd: built.wpDir,
			env: {
				...process.env,
				PHP_CLI_SERVER_WORKERS: String( options.workers ?? 8 ),
			},
			stdio: [ 'ignore', serverLog, serverLog ],
			detached: true,
		}
	);
	fs.closeSync( serverLog );
	running.add( server );
	server.once( 'exit', () => running.delete( server ) );

	const readServerLog = (): string[] =>
		fs.existsSync( serverLogFile )
			? fs
					.readFileSync( serverLogFile, 'utf8' )
					.split( '\n' )
					.filter(
						( line ) =>
							line.trim() !== '' && ! ACCESS_LINE.test( line )
					)
			: [];
	const readDebugLog = (): string[] =>
		fs.existsSync( built.debugLogFile )
			? fs
					.readFileSync( built.debugLogFile, 'utf8' )
					.split( '\n' )
					.filter( ( line ) => line.trim() !== '' )
			: [];

	let stopped = false;
	const stop = async (): Promise< void > => {
		if ( stopped ) {
			return;
		}
		stopped = true;
		if ( server.exitCode === null && server.signalCode === null ) {
			const exited = new Promise( ( resolve ) =>
				server.once( 'exit', resolve )
			);
			killGroup( server, 'SIGTERM' );
			const timer = setTimeout(
				() => killGroup( server, 'SIGKILL' ),
				3_000
			);
			await exited;
			clearTimeout( timer );
		}
		if ( ! keep ) {
			await dropOwnDatabase();
			fs.rmSync( dir, { recursive: true, force: true } );
		}
	};

	try {
		await waitUntilServing( url, server, () =>
			readServerLog().join( '\n' )
		);
	} catch ( error ) {
		await stop();
		throw error;
	}

	const php = ( code: string ): Promise< string > =>
		runWordPressPhp( built, url, code );

	return {
		url,
		adminUrl: `${ url }/wp-admin/`,
		dir,
		wpDir: built.wpDir,
		database,
		db,
		debugLogFile: built.debugLogFile,
		admin: built.admin,
		async createUser( userOptions: CreateUserOptions ): Promise< WpUser > {
			const login =
				userOptions.login ??
				`${ userOptions.role }_${ id }_${ crypto.randomBytes( 3 ).toString( 'hex' ) }`;
			const user = {
				login,
				password:
					userOptions.password ??
					crypto.randomBytes( 12 ).toString( 'base64url' ),
				email: userOptions.email ?? `${ login }@example.test`,
				role: userOptions.role,
			};
			const out = await php( `
$data = ${ phpLiteral( user ) };
if ( null === get_role( $data['role'] ) ) {
	echo json_encode( array( 'error' => 'No such role: ' . $data['role'] ) );
	return;
}
$id = wp_insert_user( array(
	'user_login' => $data['login'],
	'user_pass'  => $data['password'],
	'user_email' => $data['email'],
	'role'       => $data['role'],
) );
echo json_encode( is_wp_error( $id ) ? array( 'error' => $id->get_error_message() ) : array( 'id' => $id ) );
` );
			const result = JSON.parse( out.trim() ) as {
				id?: number;
				error?: string;
			};
			if ( ! result.id ) {
				throw new Error(
					`Creating user ${ login } failed: ${ result.error ?? out }`
				);
			}
			return { id: result.id, ...user };
		},
		login: ( user: WpUser ) => loginRestClient( url, user ),
		anonymous: () => new WpRestClient( url, null ),
		php,
		readDebugLog,
		serverLog: readServerLog,
		phpErrors: () =>
			[ ...readDebugLog(), ...readServerLog() ].filter( ( line ) =>
				PHP_PROBLEM.test( line )
			),
		stop,
	};
}
