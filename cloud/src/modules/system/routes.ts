import { z } from 'zod';
import { healthSchema } from '@igny8/shared-types';
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
	];
}
