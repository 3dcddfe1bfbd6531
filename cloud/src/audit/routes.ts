import { auditEntrySchema, auditLogQuerySchema } from '@igny8/shared-types';
import { route, type AnyRoute } from '../http/route';
import type { AuditLog } from './index';

/**
 * The account's audit log, for the people who manage its people and sites
 * (owners and admins): editors and viewers are refused, and so are site keys
 * and WordPress sessions (an `account_user` route).
 */
export function auditRoutes( log: AuditLog ): AnyRoute[] {
	return [
		route( {
			method: 'get',
			path: '/system/audit-log/',
			summary:
				'Who changed what in your account, newest first (owners and admins; filter by action or kind like user., person, site, target type, days)',
			tag: 'system',
			auth: 'account_user',
			permission: 'manage_users',
			query: auditLogQuerySchema,
			response: { list: auditEntrySchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await log.list( principal.account.id, query, req ),
			} ),
		} ),
	];
}
