import { Router } from 'express';
import { sendSuccess } from '../../http/envelope';
import type { HealthService } from './health';

export function healthRoutes( health: HealthService ): Router {
	const router = Router();
	router.get( '/health', async ( req, res ) => {
		const roundTrip = req.query.check === 'queue';
		sendSuccess( req, res, await health.report( { roundTrip } ) );
	} );
	return router;
}
