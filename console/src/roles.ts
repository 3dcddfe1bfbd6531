/**
 * External dependencies
 */
import type { Role } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * What each role may do, as the cloud decides it (cloud/src/modules/auth/
 * policy.ts): the console hides what a role may not do, and the cloud refuses
 * it anyway.
 * @param role The person's role.
 */
export const mayManageUsers = ( role: Role ): boolean =>
	role === 'owner' || role === 'admin';

export const mayManageSites = ( role: Role ): boolean =>
	role === 'owner' || role === 'admin';

/**
 * Who changed what: for those who manage the people and sites (the cloud asks `manage_users`).
 * @param role The person's role.
 */
export const mayReadAudit = ( role: Role ): boolean =>
	role === 'owner' || role === 'admin';

/** The roles a person hands out in the console (bots and support staff are not managed here). */
export const ASSIGNABLE: readonly Role[] = [
	'owner',
	'admin',
	'editor',
	'viewer',
];

/**
 * Nobody manages someone above themselves: owners everyone, admins up to admin.
 * @param actor  The role of who acts.
 * @param target The role handed out or taken away.
 */
export function mayManageRole( actor: Role, target: Role ): boolean {
	if ( actor === 'owner' ) {
		return target !== 'developer';
	}
	if ( actor === 'admin' ) {
		return [ 'admin', 'editor', 'viewer', 'system_bot' ].includes( target );
	}
	return false;
}

const ROLE_LABELS: Record< Role, string > = {
	owner: __( 'Owner' ),
	admin: __( 'Admin' ),
	editor: __( 'Editor' ),
	viewer: __( 'Viewer' ),
	developer: __( 'Support' ),
	system_bot: __( 'Automation' ),
};

export const roleLabel = ( role: Role ): string => ROLE_LABELS[ role ] ?? role;
