import http from 'node:http';
import { createTestDatabase, createTestRedis } from '@igny8/test-harness';
import { createApp } from '../src/app';
import { boot, shutdown } from '../src/boot';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { hashPassword } from '../src/modules/auth/passwords';
import { listen, report, requestsPerSecond } from './support';

/**
 * An authenticated list, `GET /api/v1/auth/sites/`, against `/api/v1/health/`
 * on the same server in the same run: what authentication (JWT + user and
 * account lookups), throttling, scoping and pagination cost per request.
 */
async function main(): Promise< void > {
	const database = await createTestDatabase( 'bench' );
	const redis = createTestRedis( 'bench' );
	const config = loadConfig( {
		DATABASE_URL: database.url,
		REDIS_URL: redis.url,
		QUEUE_PREFIX: redis.prefix,
		LOG_LEVEL: 'silent',
		// The benchmark is one user hammering the API: lift the per-user throttle out of the way.
		THROTTLE_USER_PER_MINUTE: '100000000',
	} );
	const context = await boot( config, createLogger( 'silent' ) );
	const server = http.createServer( createApp( context ) );
	const url = await listen( server );
	try {
		const { models } = context;
		const plan = await models.Plan.findOne( { where: { slug: 'agency' } } );
		const account = await models.Account.create( {
			name: 'Bench Agency',
			slug: 'bench-agency',
			owner_id: null,
			plan_id: plan!.id,
		} );
		await models.User.create( {
			email: 'bench@example.test',
			username: 'bench',
			password_hash: await hashPassword( 'bench password 123' ),
			account_id: account.id,
			role: 'owner',
			last_login: null,
		} );
		for ( let i = 0; i < 20; i++ ) {
			await context.services.sites.create( account.id, {
				name: `Client site ${ i }`,
				wordpress_url: `https://client${ i }.example`,
			} );
		}
		const login = await fetch( `${ url }/api/v1/auth/login/`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify( {
				email: 'bench@example.test',
				password: 'bench password 123',
			} ),
		} ).then(
			( r ) => r.json() as Promise< { data: { access: string } } >
		);
		const baseline = await requestsPerSecond( `${ url }/api/v1/health/` );
		const value = await requestsPerSecond( `${ url }/api/v1/auth/sites/`, {
			headers: { authorization: `Bearer ${ login.data.access }` },
		} );
		report( {
			name: 'cloud.sites_list.requests_per_second',
			value,
			unit: 'req/s',
			baseline: 'GET /api/v1/health/ on the same server',
			baseline_value: baseline,
		} );
	} finally {
		server.close();
		await shutdown( context );
		await database.drop();
		await redis.cleanup();
	}
}

main().catch( ( error ) => {
	process.stderr.write(
		`${ error instanceof Error ? error.stack : String( error ) }\n`
	);
	process.exit( 1 );
} );
