import {
	siteHealthListSchema,
	siteHealthQuerySchema,
} from '@igny8/shared-types';
import { route, type AnyRoute } from '../../http/route';
import type { SiteHealthService } from './service';

/**
 * The agency console's Sites page. Under `/integration/` with the rest of
 * a site's connection; an account's people only (any role reads it), never
 * a site's key nor a WordPress user's session: it spans every site.
 */
export function siteHealthRoutes( health: SiteHealthService ): AnyRoute[] {
	return [
		route( {
			method: 'get',
			path: '/integration/site-health/',
			summary:
				'Every site of your account with its health: connection, WordPress and plugin versions, last sync, outbox backlog and dead letters the plugin reported, publish failures and conflicts, orphans and broken links, average optimizer score, and why it needs attention',
			tag: 'integration',
			auth: 'account_user',
			query: siteHealthQuerySchema,
			response: { data: siteHealthListSchema },
			handler: async ( { query, principal } ) => ( {
				data: await health.list( principal.account.id, query.site_id ),
			} ),
		} ),
	];
}
