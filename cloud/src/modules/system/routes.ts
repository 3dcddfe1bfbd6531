import { z } from 'zod';
import { healthSchema } from '@igny8/shared-types';
import { ApiError } from '../../http/errors';
import { route, type AnyRoute } from '../../http/route';
import type { HealthService } from './health';

const healthReportSchema = healthSchema.extend( {
	queue: healthSchema.shape.queue.extend( {
		round_trip_ms: z.number().optional(),
	} ),
} );

export function healthRoutes( health: HealthService ): AnyRoute[] {
	return [
		route( {
			method: 'get',
			path: '/health/',
			summary:
				'Liveness of the API, its database and its queue (?check=queue: a job round trip)',
			tag: 'system',
			auth: 'public',
			throttled: false,
			query: z.object( { check: z.enum( [ 'queue' ] ).optional() } ),
			response: { data: healthReportSchema },
			handler: async ( { query } ) => ( {
				data: await health.report( {
					roundTrip: query.check === 'queue',
				} ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/health/ready/',
			summary:
				'Readiness for a load balancer: 200 when the database and the queue answer, else 503 saying which does not',
			tag: 'system',
			auth: 'public',
			throttled: false,
			response: { data: healthReportSchema },
			handler: async () => {
				const report = await health.report( { roundTrip: false } );
				if ( report.status !== 'ok' ) {
					const down = [
						report.db.state === 'down' ? 'the database' : null,
						report.queue.state === 'down' ? 'the queue' : null,
					].filter( Boolean );
					throw new ApiError(
						'service_unavailable',
						`Not ready: ${ down.join( ' and ' ) } does not answer.`
					);
				}
				return { data: report };
			},
		} ),
	];
}
