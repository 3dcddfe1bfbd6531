import { SYSTEM_ACTOR } from '../src/audit';
import {
	benchOwner,
	report,
	requestsPerSecond,
	runBench,
	startBenchCloud,
} from './support';

/**
 * An authenticated list, `GET /api/v1/auth/sites/`, against `/api/v1/health/`
 * on the same server in the same run: what authentication (JWT + user and
 * account lookups), throttling, scoping and pagination cost per request.
 */
runBench( async () => {
	const cloud = await startBenchCloud();
	try {
		const owner = await benchOwner( cloud, 'Bench Agency' );
		for ( let i = 1; i < 20; i++ ) {
			await cloud.context.services.sites.create(
				owner.accountId,
				{
					name: `Client site ${ i }`,
					wordpress_url: `https://client${ i }.example`,
				},
				SYSTEM_ACTOR
			);
		}
		const baseline = await requestsPerSecond(
			`${ cloud.url }/api/v1/health/`
		);
		const value = await requestsPerSecond(
			`${ cloud.url }/api/v1/auth/sites/`,
			{ headers: owner.auth }
		);
		report( {
			name: 'cloud.sites_list.requests_per_second',
			value,
			unit: 'req/s',
			baseline: 'GET /api/v1/health/ on the same server',
			baseline_value: baseline,
		} );
	} finally {
		await cloud.stop();
	}
} );
