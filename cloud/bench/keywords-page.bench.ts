import http from 'node:http';
import { benchSector, probeList } from './sector';
import {
	benchOwner,
	listen,
	report,
	requestsPerSecond,
	runBench,
	startBenchCloud,
} from './support';

/**
 * `GET /api/v1/planner/keywords/?sector_id=…&page_size=100` on a sector of
 * exactly 100 keywords: an authenticated, tenant-scoped page of 100 rows,
 * with its count, as a screen asks for it. Measured in one run against
 * `/api/v1/health/` on the same server, and against a bare node:http server
 * in this process answering the very same JSON (so the ratio is the price
 * of the framework, authentication, scoping and the database). Two lines:
 * one per baseline.
 */
runBench( async () => {
	const cloud = await startBenchCloud();
	let bare: http.Server | undefined;
	try {
		const owner = await benchOwner( cloud, 'Bench Page' );
		const sectorId = await benchSector( cloud, owner, 'Page', 100 );
		const list = `${ cloud.url }/api/v1/planner/keywords/?sector_id=${ sectorId }&page_size=100`;
		const body = await probeList( list, owner.auth, {
			count: 100,
			results: 100,
		} );
		const server = http.createServer( ( _req, res ) => {
			res.writeHead( 200, {
				'content-type': 'application/json; charset=utf-8',
			} );
			res.end( body );
		} );
		bare = server;
		const bareUrl = await listen( server );
		const health = await requestsPerSecond(
			`${ cloud.url }/api/v1/health/`
		);
		const bareValue = await requestsPerSecond( bareUrl );
		const value = await requestsPerSecond( list, {
			headers: owner.auth,
		} );
		report( {
			name: 'cloud.keywords_list_page.requests_per_second',
			value,
			unit: 'req/s',
			baseline: 'GET /api/v1/health/ on the same server',
			baseline_value: health,
		} );
		report( {
			name: 'cloud.keywords_list_page_vs_node_http.requests_per_second',
			value,
			unit: 'req/s',
			baseline: 'node:http in the same process serving the same JSON',
			baseline_value: bareValue,
		} );
	} finally {
		bare?.close();
		await cloud.stop();
	}
} );
