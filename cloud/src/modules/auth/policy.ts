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
	| 'billing';

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

export function can( principal: Principal, permission: Permission ): boolean {
	if ( principal.kind === 'site_key' ) {
		// A site key reads its own site; routes that take keys narrow it further.
		return permission === 'read';
	}
	return ROLE_PERMISSIONS[ principal.role ].includes( permission );
}

export function assertCan(
	principal: Principal,
	permission: Permission
): void {
	if ( ! can( principal, permission ) ) {
		throw new PermissionDeniedError(
			principal.kind === 'user'
				? `Your role (${ principal.role }) does not allow this action.`
				: 'A site API key does not allow this action.'
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
