import path from 'node:path';
import { spawnLogged, type LoggedChild } from './child';
import { REPO_ROOT } from './paths';
import { httpGet, waitUntilReady } from './wait';

export const CLOUD_ENTRY = path.join( REPO_ROOT, 'cloud', 'dist', 'server.js' );

/**
 * `host:port` of a URL, as an IGNY8_OUTBOUND_ALLOW entry; none for no URL.
 */
function allowEntry( url: string | undefined ): string[] {
	if ( ! url?.trim() ) {
		return [];
	}
	try {
		const { protocol, hostname, port } = new URL( url );
		return [
			`${ hostname }:${ port || ( protocol === 'https:' ? 443 : 80 ) }`,
		];
	} catch {
		// The cloud's own config check names the bad URL.
		return [];
	}
}

/**
 * The embedded shape: PGlite under the data folder, inline queue, API +
 * workers in one process. The cloud may call back the local WordPress, and
 * the AI endpoints the developer configured in the shell (say a local model
 * server); every other internal address stays refused, as in production.
 */
export function cloudEnv(
	port: number,
	dataDir: string,
	wordpressUrl: string
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: String( port ),
		HOST: '127.0.0.1',
		IGNY8_DATA_DIR: dataDir,
		LOG_LEVEL: process.env.LOG_LEVEL || 'info',
		IGNY8_OUTBOUND_ALLOW: [
			...( process.env.IGNY8_OUTBOUND_ALLOW?.trim()
				? [ process.env.IGNY8_OUTBOUND_ALLOW.trim() ]
				: [] ),
			...allowEntry( wordpressUrl ),
			...allowEntry( process.env.OPENAI_BASE_URL ),
			...allowEntry( process.env.RUNWARE_BASE_URL ),
		].join( ',' ),
	};
	// A DATABASE_URL or REDIS_URL from the shell would silently switch the
	// cloud to another database or queue; `npm start` is the embedded shape.
	delete env.DATABASE_URL;
	delete env.REDIS_URL;
	// npm's variables describe `npm start`, not the server.
	for ( const name of Object.keys( env ) ) {
		if ( name.startsWith( 'npm_' ) ) {
			delete env[ name ];
		}
	}
	return env;
}

export function startCloud( options: {
	port: number;
	dataDir: string;
	logFile: string;
	/** The local WordPress the cloud publishes to and syncs from. */
	wordpressUrl: string;
} ): LoggedChild {
	return spawnLogged( 'cloud', process.execPath, [ CLOUD_ENTRY ], {
		cwd: REPO_ROOT,
		env: cloudEnv( options.port, options.dataDir, options.wordpressUrl ),
		logFile: options.logFile,
	} );
}

/** The health endpoint answers 200 in the API envelope once the database and queue are up. */
export async function cloudIsHealthy( url: string ): Promise< boolean > {
	const { status, body } = await httpGet( `${ url }/api/v1/health/`, 5_000 );
	if ( status !== 200 ) {
		return false;
	}
	const envelope = JSON.parse( body ) as { success?: unknown };
	return envelope.success === true;
}

export async function waitForCloud(
	child: LoggedChild,
	url: string,
	cancelled: () => boolean
): Promise< void > {
	await waitUntilReady( {
		child,
		what: 'The IGNY8 cloud',
		probe: () => cloudIsHealthy( url ),
		timeoutMs: 120_000,
		intervalMs: 250,
		cancelled,
	} );
}
