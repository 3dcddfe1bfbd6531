import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { createTestDatabase, createTestRedis } from '@igny8/test-harness';
import { SYSTEM_ACTOR } from '../src/audit';
import { createApp } from '../src/app';
import { boot, shutdown } from '../src/boot';
import { loadConfig } from '../src/config';
import type { AppContext } from '../src/context';
import { createLogger } from '../src/logger';
import { hashPassword } from '../src/modules/auth/passwords';

export type BenchResult = {
	name: string;
	value: number;
	unit: string;
	baseline: string;
	baseline_value: number;
	ratio: number;
};

/** One measurement against its baseline, as one JSON line; a benchmark prints one per baseline it compares with. */
export function report( result: Omit< BenchResult, 'ratio' > ): void {
	const ratio =
		result.baseline_value === 0 ? 0 : result.value / result.baseline_value;
	process.stdout.write(
		`${ JSON.stringify( { ...result, ratio: Number( ratio.toFixed( 3 ) ) } ) }\n`
	);
}

export async function listen( server: http.Server ): Promise< string > {
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	return `http://127.0.0.1:${ ( server.address() as AddressInfo ).port }`;
}

/** Average requests per second over a fixed window; fails on any non-2xx. */
export async function requestsPerSecond(
	url: string,
	options: {
		seconds?: number;
		connections?: number;
		headers?: Record< string, string >;
	} = {}
): Promise< number > {
	const result = await autocannon( {
		url,
		connections: options.connections ?? 10,
		duration: options.seconds ?? Number( process.env.BENCH_SECONDS ?? 5 ),
		headers: options.headers,
	} );
	if ( result.non2xx > 0 || result.errors > 0 ) {
		throw new Error(
			`${ url }: ${ result.non2xx } non-2xx answers and ${ result.errors } errors`
		);
	}
	return Math.round( result.requests.average );
}

/** A real cloud on PostgreSQL + Redis (bee-queue) behind a real HTTP server, for one benchmark. */
export type BenchCloud = {
	url: string;
	context: AppContext;
	dataDir: string;
	databaseUrl: string;
	stop(): Promise< void >;
};

export async function startBenchCloud(
	options: { workers?: boolean; env?: Record< string, string > } = {}
): Promise< BenchCloud > {
	const database = await createTestDatabase( 'bench' );
	const redis = createTestRedis( 'bench' );
	const dataDir = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-bench-' ) );
	const config = loadConfig( {
		DATABASE_URL: database.url,
		REDIS_URL: redis.url,
		QUEUE_PREFIX: redis.prefix,
		IGNY8_DATA_DIR: dataDir,
		LOG_LEVEL: 'silent',
		// One client hammers the API from one address: the throttles are not what is measured.
		THROTTLE_USER_PER_MINUTE: '100000000',
		THROTTLE_ANON_PER_MINUTE: '100000000',
		...options.env,
	} );
	const context = await boot( config, createLogger( 'silent' ) );
	if ( options.workers ) {
		await context.queue.startWorkers();
	}
	const server = http.createServer( createApp( context ) );
	const url = await listen( server );
	return {
		url,
		context,
		dataDir,
		databaseUrl: database.url,
		async stop() {
			server.close();
			await shutdown( context );
			await database.drop();
			await redis.cleanup();
			fs.rmSync( dataDir, { recursive: true, force: true } );
		},
	};
}

/** An agency account with an owner and one site, signed in through the API. */
export async function benchOwner(
	cloud: BenchCloud,
	name: string
): Promise< {
	accountId: number;
	siteId: number;
	auth: Record< string, string >;
} > {
	const { models, services } = cloud.context;
	const plan = await models.Plan.findOne( { where: { slug: 'agency' } } );
	const slug = name.toLowerCase().replace( /\W+/g, '-' );
	const account = await models.Account.create( {
		name,
		slug,
		owner_id: null,
		plan_id: plan!.id,
	} );
	const email = `${ slug }@example.test`;
	await models.User.create( {
		email,
		username: slug,
		password_hash: await hashPassword( 'bench password 123' ),
		account_id: account.id,
		role: 'owner',
		last_login: null,
	} );
	const site = await services.sites.create(
		account.id,
		{
			name: `${ name } site`,
			wordpress_url: 'https://bench.example',
		},
		SYSTEM_ACTOR
	);
	const login = ( await fetch( `${ cloud.url }/api/v1/auth/login/`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify( { email, password: 'bench password 123' } ),
	} ).then( ( r ) => r.json() ) ) as { data: { access: string } };
	return {
		accountId: account.id,
		siteId: site.id,
		auth: { authorization: `Bearer ${ login.data.access }` },
	};
}

/** Runs a benchmark's main; a failure prints its stack and exits 1 (the runner reports it). */
export function runBench( main: () => Promise< void > ): void {
	main().catch( ( error: unknown ) => {
		process.stderr.write(
			`${ error instanceof Error ? error.stack : String( error ) }\n`
		);
		process.exit( 1 );
	} );
}
