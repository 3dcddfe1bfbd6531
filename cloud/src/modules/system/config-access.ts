import type { Models } from '../../db/models';
import { PermissionDeniedError } from '../../http/errors';
import { can, type SiteUserPrincipal, type UserPrincipal } from '../auth';

/** A person: an account user, or a WordPress user through their site's session. */
export type ConfigActor = UserPrincipal | SiteUserPrincipal;

export type CannotChangeReason = 'role' | 'several_sites';

/**
 * Who may change the account's AI configuration (AI settings and key,
 * prompts, author profiles, strategies): its owners and admins. A WordPress
 * administrator (a site session with the admin role) counts as one only
 * while the account holds that one site — the plugin-first install, where
 * the WordPress admin is the account's only operator. Once the account
 * holds other sites (an agency), one site's session must not change what
 * every other client site writes with, or which provider receives their
 * content: that is decided in the console.
 */
export class ConfigAccess {
	constructor( private readonly models: Models ) {}

	async reason(
		principal: ConfigActor
	): Promise< CannotChangeReason | null > {
		if ( ! can( principal, 'manage_sites' ) ) {
			return 'role';
		}
		if ( principal.kind === 'site_user' ) {
			const others = await this.models.Site.count( {
				where: { account_id: principal.account.id },
			} );
			if ( others > 1 ) {
				return 'several_sites';
			}
		}
		return null;
	}

	async assert( principal: ConfigActor ): Promise< void > {
		const reason = await this.reason( principal );
		if ( reason === 'several_sites' ) {
			throw new PermissionDeniedError(
				'This IGNY8 account has several sites: its AI settings, prompts, author profiles and strategies are changed in the IGNY8 console by its owner or an admin.'
			);
		}
		if ( reason === 'role' ) {
			throw new PermissionDeniedError(
				`Your role (${ principal.role }) does not allow this action: the account's owner or an admin changes its AI configuration.`
			);
		}
	}
}
