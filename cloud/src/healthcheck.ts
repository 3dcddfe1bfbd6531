#!/usr/bin/env node
import Redis from 'ioredis';
import pg from 'pg';
import { loadConfig, type Config } from './config';
import { describeStartupError } from './fatal';

/**
 * The container health check of every cloud process (`docker/compose.yml`
 * runs it as `node cloud/dist/healthcheck.js` in each cloud service): reads
 * the same environment as the process beside it and exits 0 when that
 * process's role can do its work, 1 with one line saying why not.
 *
 * - `api` and `all` serve HTTP: the process's own readiness endpoint must
 *   answer 200 (it asks the database and the queue from inside the process).
 * - `worker` and `scheduler` have no HTTP to ask: what they work on must
 *   answer, PostgreSQL a query and Redis a PING, at the process's own
 *   `DATABASE_URL` and `REDIS_URL`.
 */

/** Below compose's `timeout` (5 s), so the reason is printed, not cut off. */
const TIMEOUT_MS = 4_000;

/** Where this container's own API listens: HOST, unless it binds every address. */
function ownAddress( config: Config ): string {
	const host = [ '0.0.0.0', '::', '' ].includes( config.host )
		? '127.0.0.1'
		: config.host;
	return host.includes( ':' ) ? `[${ host }]` : host;
}

async function checkApi( config: Config ): Promise< void > {
	const url = `http://${ ownAddress( config ) }:${ config.port }/api/v1/health/ready/`;
	let response: Response;
	try {
		response = await fetch( url, {
			signal: AbortSignal.timeout( TIMEOUT_MS ),
		} );
	} catch ( error ) {
		// fetch says only "fetch failed"; the reason is its cause.
		const cause = ( error as { cause?: NodeJS.ErrnoException } ).cause;
		throw new Error(
			`${ url }: ${ cause?.code ?? cause?.message ?? ( error as Error ).message }`
		);
	}
	const body = await response.text();
	if ( response.status !== 200 ) {
		throw new Error( `${ url } answered ${ response.status }: ${ body }` );
	}
}

async function checkDatabase( url: string ): Promise< void > {
	const client = new pg.Client( {
		connectionString: url,
		connectionTimeoutMillis: TIMEOUT_MS,
		query_timeout: TIMEOUT_MS,
	} );
	await client.connect();
	try {
		await client.query( 'SELECT 1' );
	} finally {
		await client.end();
	}
}

async function checkRedis( url: string ): Promise< void > {
	const client = new Redis( url, {
		lazyConnect: true,
		connectTimeout: TIMEOUT_MS,
		maxRetriesPerRequest: 0,
		retryStrategy: () => null,
	} );
	// ioredis reports a refused connection as an event and rejects with
	// "Connection is closed": keep the event's reason for the message.
	let reason: Error | undefined;
	client.on( 'error', ( error: Error ) => ( reason ??= error ) );
	try {
		await client.connect().catch( ( error: Error ) => {
			throw reason ?? error;
		} );
		const answer = await client.ping();
		if ( answer !== 'PONG' ) {
			throw new Error( `Redis answered ${ answer } to PING` );
		}
	} finally {
		client.disconnect();
	}
}

async function main(): Promise< void > {
	const config = loadConfig();
	if ( config.role === 'api' || config.role === 'all' ) {
		await checkApi( config );
	} else {
		// loadConfig refuses these roles without both URLs.
		await Promise.all( [
			checkDatabase( config.databaseUrl! ),
			checkRedis( config.redisUrl! ),
		] );
	}
	process.stdout.write( `igny8 ${ config.role }: healthy\n` );
}

main().then(
	() => process.exit( 0 ),
	( error: unknown ) => {
		process.stderr.write(
			`igny8 health check: ${ describeStartupError( error ) }\n`
		);
		process.exit( 1 );
	}
);
