import {
	benchOwner,
	report,
	requestsPerSecond,
	runBench,
	startBenchCloud,
} from './support';

/**
 * `GET /api/v1/planner/keywords/?page_size=100&intent=commercial` on a sector
 * holding 100,000 keywords, against `/api/v1/health/` on the same server in
 * the same run: what a filtered, counted, ordered page of a large sector
 * costs per request (authentication, scoping, COUNT, the page and its
 * cluster memberships).
 */
const KEYWORDS = Number( process.env.BENCH_KEYWORDS ?? 100_000 );

runBench( async () => {
	const cloud = await startBenchCloud();
	try {
		const { context, url } = cloud;
		const owner = await benchOwner( cloud, 'Bench Keywords' );
		const sector = await context.models.Sector.create( {
			account_id: owner.accountId,
			site_id: owner.siteId,
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
					account: owner.accountId,
					site: owner.siteId,
					sector: sector.id,
					n: KEYWORDS,
				},
			}
		);
		// The steady state autovacuum keeps a table in after a bulk load (visibility map set).
		await context.db.sequelize.query( 'VACUUM ANALYZE keywords' );
		const list = `${ url }/api/v1/planner/keywords/?sector_id=${ sector.id }&page_size=100&intent=commercial`;
		const probe = await fetch( list, {
			headers: owner.auth,
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
			headers: owner.auth,
		} );
		report( {
			name: 'cloud.keywords_list_100k.requests_per_second',
			value,
			unit: 'req/s',
			baseline: 'GET /api/v1/health/ on the same server',
			baseline_value: baseline,
		} );
	} finally {
		await cloud.stop();
	}
} );
