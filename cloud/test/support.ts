import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import {
	createTestDatabase,
	createTestRedis,
	joinAllow,
	outboundAllow,
} from '@igny8/test-harness';
import { createApp } from '../src/app';
import { boot, shutdown } from '../src/boot';
import { loadConfig } from '../src/config';
import type { AppContext } from '../src/context';
import { createLogger } from '../src/logger';

export type Modes = { db: 'postgres' | 'pglite'; queue: 'bee' | 'inline' };

export const ALL_MODES: Modes[] = [
	{ db: 'postgres', queue: 'bee' },
	{ db: 'postgres', queue: 'inline' },
	{ db: 'pglite', queue: 'inline' },
	{ db: 'pglite', queue: 'bee' },
];

export type TestCloud = {
	context: AppContext;
	app: Express;
	stop(): Promise< void >;
};

/**
 * A real cloud for one test file: a fresh PostgreSQL database (or a PGlite in
 * a temp folder) and a private Redis key prefix, migrated and with workers on
 * unless told otherwise.
 */
export async function startTestCloud(
	modes: Modes,
	env: NodeJS.ProcessEnv = {},
	options: { workers?: boolean; scheduler?: boolean } = {}
): Promise< TestCloud > {
	const dataDir = fs.mkdtempSync(
		path.join( os.tmpdir(), 'igny8-cloud-test-' )
	);
	const database =
		modes.db === 'postgres'
			? await createTestDatabase( 'cloud' )
			: undefined;
	const redis =
		modes.queue === 'bee' ? createTestRedis( 'cloud' ) : undefined;
	const config = loadConfig( {
		NODE_ENV: 'test',
		IGNY8_DATA_DIR: dataDir,
		DATABASE_URL: database?.url,
		REDIS_URL: redis?.url,
		QUEUE_PREFIX: redis?.prefix,
		LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
		// One connection, as in the embedded (PGlite) mode: a query that escapes
		// its transaction then deadlocks here, in a test, not in a user's run.
		DATABASE_POOL_MAX: '1',
		DATABASE_ACQUIRE_TIMEOUT_MS: '10000',
		// Fixtures sign many users in from one address; the throttle tests set their own budgets.
		THROTTLE_ANON_PER_MINUTE: '100000',
		THROTTLE_USER_PER_MINUTE: '100000',
		SHUTDOWN_TIMEOUT_MS: '5000',
		...env,
		// The fake AI servers a test points the cloud at are allowed, exactly;
		// every other internal address stays refused, as in production.
		IGNY8_OUTBOUND_ALLOW: joinAllow(
			env.IGNY8_OUTBOUND_ALLOW,
			outboundAllow( env.OPENAI_BASE_URL, env.RUNWARE_BASE_URL )
		),
	} );
	const context = await boot( config, createLogger( config.logLevel ) );
	// `workers: false` is an API-only process: separate worker processes take the jobs.
	if ( options.workers !== false ) {
		await context.queue.startWorkers();
	}
	// The periodic work (publisher retries, run reconciliation, monthly grants …) only where a
	// test asks for it: a grant landing mid-test would move the balances other tests assert.
	if ( options.scheduler ) {
		context.scheduler.start();
	}
	return {
		context,
		app: createApp( context ),
		async stop( options = {} ) {
			await shutdown( context );
			if ( ! options.keepDatabase ) {
				await database?.drop();
			}
			await redis?.cleanup();
			fs.rmSync( dataDir, { recursive: true, force: true } );
		},
	};
}

export async function waitFor< T >(
	probe: () => Promise< T | undefined > | T | undefined,
	timeoutMs = 10_000
): Promise< T > {
	const started = Date.now();
	for (;;) {
		const value = await probe();
		if ( value !== undefined ) {
			return value;
		}
		if ( Date.now() - started > timeoutMs ) {
			throw new Error( `Condition not met within ${ timeoutMs } ms` );
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 20 ) );
	}
}

/**
 * What the scheduler does every second, until every subscriber has had
 * every event recorded so far. Dispatch hands over only events of
 * transactions older than every one still running on the server — any
 * database's, so a test running beside this one can hold delivery back a
 * moment: one dispatch answering 0 does not mean nothing is left.
 */
export async function deliverEvents(
	cloud: TestCloud,
	timeoutMs = 30_000
): Promise< void > {
	const { domainEvents } = cloud.context.services;
	await waitFor( async () => {
		while ( ( await domainEvents.dispatch() ) > 0 ) {
			// Keep going.
		}
		const [ pending ] = ( await cloud.context.db.sequelize.query(
			`SELECT count(*)::int AS n FROM domain_events e
			 WHERE EXISTS (SELECT 1 FROM domain_event_cursors c WHERE (c.last_tx, c.last_id) < (e.tx, e.id))`,
			{ type: 'SELECT' }
		) ) as { n: number }[];
		return pending!.n === 0 ? true : undefined;
	}, timeoutMs );
}
