import http from 'node:http';
import { createTestDatabase, createTestRedis } from '@igny8/test-harness';
import { createApp } from '../src/app';
import { boot, shutdown } from '../src/boot';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { hashPassword } from '../src/modules/auth/passwords';
import { listen, report, requestsPerSecond } from './support';

/**
 * `GET /api/v1/planner/keywords/?page_size=100&intent=commercial` on a sector
 * holding 100,000 keywords, against `/api/v1/health/` on the same server in
 * the same run: what a filtered, counted, ordered page of a large sector
 * costs per request (authentication, scoping, COUNT, the page and its
 * cluster memberships).
 */
const KEYWORDS = Number( process.env.BENCH_KEYWORDS ?? 100_000 );

async function main(): Promise< void > {
	const database = await createTestDatabase( 'bench' );
	const redis = createTestRedis( 'bench' );
	const config = loadConfig( {
		DATABASE_URL: database.url,
		REDIS_URL: redis.url,
		QUEUE_PREFIX: redis.prefix,
		LOG_LEVEL: 'silent',
		THROTTLE_USER_PER_MINUTE: '100000000',
	} );
	const context = await boot( config, createLogger( 'silent' ) );
	const server = http.createServer( createApp( context ) );
	const url = await listen( server );
	try {
		const { models } = context;
		const plan = await models.Plan.findOne( { where: { slug: 'agency' } } );
		const account = await models.Account.create( {
			name: 'Bench Keywords',
			slug: 'bench-keywords',
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
		const site = ( await context.services.sites.create( account.id, {
			name: 'Bench site',
			wordpress_url: 'https://bench.example',
		} ) ) as { id: number };
		const sector = await models.Sector.create( {
			account_id: account.id,
			site_id: site.id,
			name: 'Big',
			industry_sector_id: null,
		} );
		await context.db.sequelize.query(
			`INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, search_volume, difficulty, intent, source)
			 SELECT :account, :site, :sector, 'bench keyword ' || i, 'bench keyword ' || i, (i * 7919) % 100000, i % 101,
				(ARRAY['informational', 'commercial', 'transactional', 'navigational'])[1 + i % 4], 'csv_import'
			 FROM generate_series(1, :n) AS i`,
			{
				replacements: {
					account: account.id,
					site: site.id,
					sector: sector.id,
					n: KEYWORDS,
				},
			}
		);
		await context.db.sequelize.query( 'ANALYZE keywords' );
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
		const list = `${ url }/api/v1/planner/keywords/?sector_id=${ sector.id }&page_size=100&intent=commercial`;
		const probe = await fetch( list, {
			headers: { authorization: `Bearer ${ login.data.access }` },
		} );
		const body = ( await probe.json() ) as {
			count?: number;
			results?: unknown[];
		};
		if (
			probe.status !== 200 ||
			body.count !== KEYWORDS / 4 ||
			body.results?.length !== 100
		) {
			throw new Error(
				`unexpected list answer: ${ probe.status } count=${ body.count } results=${ body.results?.length }`
			);
		}
		const baseline = await requestsPerSecond( `${ url }/api/v1/health/` );
		const value = await requestsPerSecond( list, {
			headers: { authorization: `Bearer ${ login.data.access }` },
		} );
		report( {
			name: 'cloud.keywords_list_100k.requests_per_second',
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
