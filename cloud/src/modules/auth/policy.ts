import type { Role } from '@igny8/shared-types';
import { PermissionDeniedError } from '../../http/errors';
import type { Principal } from './principal';

/**
 * The role matrix (README → Roles). Every write route names one permission;
 * reads need `read`. `developer` is IGNY8 support staff: read-only, and the
 * only role that may read another account (by `account_id`).
 */
export type Permission =
	| 'read'
	| 'write_content'
	| 'manage_sites'
	| 'manage_users'
	| 'manage_account'
	| 'billing'
	/** A WordPress site pushing its own state (test-connection, outbox events): site keys only. */
	| 'site_sync';

export const ROLE_PERMISSIONS: Record< Role, readonly Permission[] > = {
	owner: [
		'read',
		'write_content',
		'manage_sites',
		'manage_users',
		'manage_account',
		'billing',
	],
	admin: [ 'read', 'write_content', 'manage_sites', 'manage_users' ],
	editor: [ 'read', 'write_content' ],
	system_bot: [ 'read', 'write_content' ],
	viewer: [ 'read' ],
	developer: [ 'read' ],
};

/**
 * What a WordPress user may do through a site session, at most: their own
 * site's content and (admins) its sectors and integration. Routes that run
 * the account (people, sites, keys, billing, account-wide AI settings) are
 * `account_user` routes and refuse site sessions outright.
 */
const SITE_USER_CEILING: readonly Permission[] = [
	'read',
	'write_content',
	'manage_sites',
];

export function can( principal: Principal, permission: Permission ): boolean {
	if ( principal.kind === 'site_key' ) {
		// A site key reads its own site and reports its own state; routes narrow it further.
		return permission === 'read' || permission === 'site_sync';
	}
	if (
		principal.kind === 'site_user' &&
		! SITE_USER_CEILING.includes( permission )
	) {
		return false;
	}
	return ROLE_PERMISSIONS[ principal.role ].includes( permission );
}

export function assertCan(
	principal: Principal,
	permission: Permission
): void {
	if ( ! can( principal, permission ) ) {
		throw new PermissionDeniedError(
			principal.kind === 'site_key'
				? 'A site API key does not allow this action.'
				: `Your role (${ principal.role }) does not allow this action${ principal.kind === 'site_user' ? ' from WordPress' : '' }.`
		);
	}
}

/** Roles an actor may hand out or take away: nobody manages someone above themselves. */
export function canManageRole( actor: Role, target: Role ): boolean {
	if ( actor === 'owner' ) {
		return target !== 'developer';
	}
	if ( actor === 'admin' ) {
		return [ 'admin', 'editor', 'viewer', 'system_bot' ].includes( target );
	}
	return false;
}
