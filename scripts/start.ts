/**
 * `npm start`: the whole system on one machine, from a fresh checkout.
 *
 * 1. Builds what is missing or stale (the cloud with `tsc -b`, the wp-admin
 *    bundle and the agency console when their sources are newer than their
 *    builds).
 * 2. Starts the cloud (API + workers, embedded PGlite, inline queue) and waits
 *    for its health endpoint.
 * 3. Starts WordPress under the Playground CLI from a persistent tree, with the
 *    plugin mounted, activated and pointed at that cloud.
 * 4. Prints the two URLs, the admin's generated password and a one-time
 *    sign-in link for this machine; Ctrl-C (or SIGTERM) stops both children
 *    and exits 0.
 *
 * Everything lives under IGNY8_DATA_DIR (default `<repo>/.igny8`): the cloud's
 * database, the WordPress site and the logs. Ports come from IGNY8_CLOUD_PORT
 * and IGNY8_WP_PORT, else last start's ports when free, else free ones.
 * IGNY8_WP_OFFLINE=1 never tries to download WordPress.
 */
import fs from 'node:fs';
import path from 'node:path';
import { watchLaunchChain } from './lib/ancestors';
import { BuildError, buildAll } from './lib/build';
import {
	describeExit,
	runningChildren,
	stopChild,
	type LoggedChild,
} from './lib/child';
import { CLOUD_ENTRY, startCloud, waitForCloud } from './lib/cloud';
import { ensureLocalConnection } from './lib/connect';
import { acquireLock } from './lib/lock';
import { StartLog, tailLines } from './lib/log';
import { displayPath, ensureDir, resolvePaths } from './lib/paths';
import { choosePort, parsePort, PortError } from './lib/ports';
import { StartupError } from './lib/wait';
import {
	generatePassword,
	isGeneratedPassword,
	LOGIN_LINK_MINUTES,
	loginLink,
	newLoginToken,
	signInSetupPhp,
	writeSignInPlugin,
} from './lib/sign-in';
import {
	ADMIN_USER,
	checkLatestRelease,
	ensureWordPressTree,
	setOfflineShim,
	startWordPress,
	waitForWordPress,
	writeBlueprint,
} from './lib/wordpress';

const CLOUD_STOP_TIMEOUT_MS = 20_000;
const WORDPRESS_STOP_TIMEOUT_MS = 15_000;

interface SavedState {
	cloudPort?: number;
	wpPort?: number;
	/** The WordPress admin's password, generated on the first start. */
	adminPassword?: string;
}

const paths = resolvePaths();
ensureDir( paths.dataDir );
{
	// Before anything else touches the data folder (or rotates its logs).
	const owner = acquireLock( paths.lockFile );
	if ( owner !== undefined ) {
		process.stderr.write(
			`IGNY8 is already running from this data folder (${ displayPath(
				paths.dataDir
			) }, pid ${ owner }). Stop it first, or set IGNY8_DATA_DIR to start another one.\n`
		);
		process.exit( 1 );
	}
}
const log = new StartLog( paths.logDir );

let stopping: Promise< never > | undefined;
/** When the first stop signal arrived. */
let interruptedAt: number | undefined;
/**
 * A Ctrl-C reaches npm, sh, tsx and this process at once, and npm and tsx
 * relay it again: signals this close together are one request to stop.
 */
const REPEATED_SIGNAL_WINDOW_MS = 2_000;

/** Stops every child (the cloud first), then exits. Idempotent. */
function shutdown( code: number, reason: string ): Promise< never > {
	if ( stopping ) {
		return stopping;
	}
	log.note( `stopping (${ reason })` );
	stopping = ( async () => {
		const children = runningChildren();
		// Oldest first: the cloud is signalled before WordPress; both then stop together.
		const results = await Promise.all(
			children.map( async ( child ) => {
				const outcome = await stopChild(
					child,
					child.name === 'cloud'
						? CLOUD_STOP_TIMEOUT_MS
						: WORDPRESS_STOP_TIMEOUT_MS
				);
				log.note(
					`${ child.name } ${ outcome } (${ child.exit ? describeExit( child.exit ) : 'unknown' })`
				);
				return outcome;
			} )
		);
		if ( results.includes( 'killed' ) ) {
			log.note( 'a child had to be killed after its stop timeout' );
		}
		log.note( `exit ${ code }` );
		process.exit( code );
	} )();
	return stopping;
}

for ( const signal of [ 'SIGINT', 'SIGTERM', 'SIGHUP' ] as const ) {
	process.on( signal, () => {
		if ( interruptedAt !== undefined ) {
			if ( Date.now() - interruptedAt < REPEATED_SIGNAL_WINDOW_MS ) {
				return;
			}
			// A second Ctrl-C, later: do not wait any longer.
			for ( const child of runningChildren() ) {
				const pid = child.process.pid;
				try {
					if ( pid !== undefined && pid > 0 ) {
						process.kill( -pid, 'SIGKILL' );
					}
				} catch {
					// Gone.
				}
			}
			process.exit( 130 );
		}
		interruptedAt = Date.now();
		void shutdown( 0, signal );
	} );
}

// `npm start` stopped without passing the signal on (see lib/ancestors.ts).
watchLaunchChain(
	( pid ) => void shutdown( 0, `launching process ${ pid } exited` )
);

function readState(): SavedState {
	try {
		return JSON.parse(
			fs.readFileSync( paths.stateFile, 'utf8' )
		) as SavedState;
	} catch {
		return {};
	}
}

function fail( message: string ): Promise< never > {
	log.error( message );
	return shutdown( 1, 'startup failed' );
}

/** Resolves when a running child exits on its own: that ends the session. */
function watchForCrash( child: LoggedChild, what: string ): void {
	void child.exited.then( ( info ) => {
		if ( stopping ) {
			return;
		}
		void fail(
			`${ what } ${ describeExit( info ) } unexpectedly; stopping. Last lines of ${ displayPath(
				child.logFile
			) }:\n${ tailLines( child.logFile ) }`
		);
	} );
}

async function main(): Promise< void > {
	const offline = /^(1|true|yes)$/i.test(
		process.env.IGNY8_WP_OFFLINE ?? ''
	);
	const startedAt = Date.now();
	const firstStart = ! fs.existsSync( paths.wordpressDir );
	log.say(
		`Starting IGNY8${
			firstStart ? ' (the first start takes a few minutes)' : ''
		}. Logs: ${ displayPath( paths.logDir ) }${ path.sep }`
	);
	log.note(
		`data folder ${ paths.dataDir }; offline WordPress: ${ offline }`
	);

	// Ports first: a taken port is the cheapest mistake to report.
	const saved = readState();
	const cloudPort = await choosePort( {
		envName: 'IGNY8_CLOUD_PORT',
		requested: parsePort(
			'IGNY8_CLOUD_PORT',
			process.env.IGNY8_CLOUD_PORT
		),
		previous: saved.cloudPort,
		avoid: [],
	} );
	const wpPort = await choosePort( {
		envName: 'IGNY8_WP_PORT',
		requested: parsePort( 'IGNY8_WP_PORT', process.env.IGNY8_WP_PORT ),
		previous: saved.wpPort,
		avoid: [ cloudPort ],
	} );
	if ( cloudPort === wpPort ) {
		throw new PortError(
			'IGNY8_CLOUD_PORT and IGNY8_WP_PORT must differ.'
		);
	}
	const adminPassword = isGeneratedPassword( saved.adminPassword )
		? saved.adminPassword
		: generatePassword();
	fs.writeFileSync(
		paths.stateFile,
		JSON.stringify( {
			cloudPort,
			wpPort,
			adminPassword,
		} satisfies SavedState ) + '\n',
		{ mode: 0o600 }
	);
	fs.chmodSync( paths.stateFile, 0o600 );
	const cloudUrl = `http://127.0.0.1:${ cloudPort }`;
	const wpUrl = `http://127.0.0.1:${ wpPort }`;

	// Is wordpress.org reachable, and what is its newest release? Asked while
	// the build runs; never asked when IGNY8_WP_OFFLINE=1.
	const note = ( message: string ) => log.note( message );
	if ( offline ) {
		note( 'IGNY8_WP_OFFLINE=1: WordPress.org is not contacted' );
	}
	const latestRelease = offline
		? Promise.resolve( undefined )
		: checkLatestRelease( note );

	// Build.
	const buildLog = log.fresh( 'build.log' );
	await buildAll( {
		logFile: buildLog,
		note: ( message ) => log.note( message ),
	} );
	if ( ! fs.existsSync( CLOUD_ENTRY ) ) {
		throw new BuildError(
			`The build did not produce ${ displayPath( CLOUD_ENTRY ) }.`,
			buildLog
		);
	}
	log.note( `builds done after ${ Date.now() - startedAt } ms` );

	const latest = await latestRelease;
	// The WordPress tree (a download happens here, at most once per data folder),
	// prepared before the cloud starts so the two boots do not compete for long.
	const tree = await ensureWordPressTree( {
		wordpressDir: paths.wordpressDir,
		playgroundDir: paths.playgroundDir,
		latest,
		note,
	} );
	setOfflineShim( tree.dir, latest === undefined );
	writeSignInPlugin( tree.dir, ADMIN_USER );
	log.note(
		`WordPress ${ tree.version } (${ tree.source })${ tree.created ? ', installing on this start' : '' }`
	);

	// Cloud.
	const cloud = startCloud( {
		port: cloudPort,
		wordpressUrl: wpUrl,
		dataDir: paths.dataDir,
		logFile: log.fresh( 'cloud.log' ),
	} );
	watchForCrash( cloud, 'The IGNY8 cloud' );
	await waitForCloud( cloud, cloudUrl, () => stopping !== undefined );
	log.note(
		`cloud healthy at ${ cloudUrl } after ${ Date.now() - startedAt } ms`
	);

	// The plugin starts connected: the local tenant's site key goes into WordPress.
	const connection = await ensureLocalConnection( {
		cloudUrl,
		wordpressUrl: wpUrl,
		file: path.join( paths.dataDir, 'local-connection.json' ),
		note,
	} );

	// WordPress.
	const loginToken = newLoginToken();
	const blueprint = writeBlueprint(
		path.join( paths.playgroundDir, 'blueprint.json' ),
		cloudUrl,
		connection.apiKey,
		signInSetupPhp( ADMIN_USER, adminPassword, loginToken )
	);
	const wordpress = startWordPress( {
		port: wpPort,
		wordpressDir: tree.dir,
		pluginDir: paths.pluginDir,
		blueprint,
		logFile: log.fresh( 'wordpress.log' ),
	} );
	watchForCrash( wordpress, 'WordPress (Playground)' );
	await waitForWordPress( wordpress, wpUrl, () => stopping !== undefined );
	log.note(
		`WordPress ready at ${ wpUrl } after ${ Date.now() - startedAt } ms`
	);

	if ( stopping ) {
		return;
	}
	log.say( `IGNY8 cloud: ${ cloudUrl }` );
	log.note(
		`Agency console: ${ cloudUrl }/console/ (user ${ connection.email })`
	);
	process.stdout.write(
		`Agency console: ${ cloudUrl }/console/ (user ${ connection.email } / password ${ connection.password })\n`
	);
	// Secrets go to the terminal only; the log keeps the URL. The password is
	// in the start state (owner-only), the link's token nowhere.
	log.note( `WordPress admin: ${ wpUrl }/wp-admin/ (user ${ ADMIN_USER })` );
	process.stdout.write(
		`WordPress admin: ${ wpUrl }/wp-admin/ (user ${ ADMIN_USER } / password ${ adminPassword })\n`
	);
	process.stdout.write(
		`One-time sign-in link (this machine, ${ LOGIN_LINK_MINUTES } min): ${ loginLink(
			wpUrl,
			loginToken
		) }\n`
	);
	log.say( 'Ctrl-C to stop.' );
}

main().catch( ( error: unknown ) => {
	if ( stopping ) {
		// Startup was interrupted by Ctrl-C: the shutdown in progress decides the exit.
		return;
	}
	if ( error instanceof BuildError ) {
		void fail(
			`${ error.message } Last lines of ${ displayPath( error.logFile ) }:\n${ tailLines( error.logFile ) }`
		);
	} else if ( error instanceof StartupError || error instanceof PortError ) {
		void fail( error.message );
	} else {
		void fail(
			`npm start failed: ${ ( error as Error )?.stack ?? String( error ) }`
		);
	}
} );
