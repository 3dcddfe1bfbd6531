import { benchSector, probeList } from './sector';
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
		const owner = await benchOwner( cloud, 'Bench Keywords' );
		const sectorId = await benchSector( cloud, owner, 'Big', KEYWORDS );
		const list = `${ cloud.url }/api/v1/planner/keywords/?sector_id=${ sectorId }&page_size=100&intent=commercial`;
		await probeList( list, owner.auth, {
			count: KEYWORDS / 4,
			results: 100,
		} );
		const baseline = await requestsPerSecond(
			`${ cloud.url }/api/v1/health/`
		);
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
