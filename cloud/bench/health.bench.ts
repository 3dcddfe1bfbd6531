import http from 'node:http';
import { createTestDatabase, createTestRedis } from '@igny8/test-harness';
import { createApp } from '../src/app';
import { boot, shutdown } from '../src/boot';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { listen, report, requestsPerSecond } from './support';

/**
 * /api/v1/health/ on the production shape (PostgreSQL + Redis) against a bare
 * node:http server answering the same JSON: the price of the framework, the
 * middleware and the two dependency pings.
 */
async function main(): Promise< void > {
	const database = await createTestDatabase( 'bench' );
	const redis = createTestRedis( 'bench' );
	const config = loadConfig( {
		DATABASE_URL: database.url,
		REDIS_URL: redis.url,
		QUEUE_PREFIX: redis.prefix,
		LOG_LEVEL: 'silent',
	} );
	const context = await boot( config, createLogger( 'silent' ) );
	const api = http.createServer( createApp( context ) );
	const apiUrl = await listen( api );
	const body = await ( await fetch( `${ apiUrl }/api/v1/health/` ) ).text();
	const bare = http.createServer( ( _req, res ) => {
		res.writeHead( 200, {
			'content-type': 'application/json; charset=utf-8',
		} );
		res.end( body );
	} );
	const bareUrl = await listen( bare );
	try {
		const baseline = await requestsPerSecond( bareUrl );
		const value = await requestsPerSecond( `${ apiUrl }/api/v1/health/` );
		report( {
			name: 'cloud.health.requests_per_second',
			value,
			unit: 'req/s',
			baseline: 'node:http serving the same JSON',
			baseline_value: baseline,
		} );
	} finally {
		api.close();
		bare.close();
		await shutdown( context );
		await database.drop();
		await redis.cleanup();
	}
}

main().catch( ( error ) => {
	process.stderr.write(
		`${ error instanceof Error ? error.message : String( error ) }\n`
	);
	process.exit( 1 );
} );
