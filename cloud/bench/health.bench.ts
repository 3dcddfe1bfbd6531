import http from 'node:http';
import {
	listen,
	report,
	requestsPerSecond,
	runBench,
	startBenchCloud,
} from './support';

/**
 * /api/v1/health/ on the production shape (PostgreSQL + Redis) against a bare
 * node:http server answering the same JSON: the price of the framework, the
 * middleware and the two dependency pings.
 */
runBench( async () => {
	const cloud = await startBenchCloud();
	const body = await (
		await fetch( `${ cloud.url }/api/v1/health/` )
	).text();
	const bare = http.createServer( ( _req, res ) => {
		res.writeHead( 200, {
			'content-type': 'application/json; charset=utf-8',
		} );
		res.end( body );
	} );
	const bareUrl = await listen( bare );
	try {
		const baseline = await requestsPerSecond( bareUrl );
		const value = await requestsPerSecond(
			`${ cloud.url }/api/v1/health/`
		);
		report( {
			name: 'cloud.health.requests_per_second',
			value,
			unit: 'req/s',
			baseline: 'node:http serving the same JSON',
			baseline_value: baseline,
		} );
	} finally {
		bare.close();
		await cloud.stop();
	}
} );
