import type { Role } from '@igny8/shared-types';
import { ValidationError } from '../../http/errors';
import type {
	AccountRow,
	SiteApiKeyRow,
	SiteRow,
	UserRow,
} from '../../db/models';

/** Who is calling: a person (JWT) or a WordPress site (its API key). */
export type UserPrincipal = {
	kind: 'user';
	user: UserRow;
	account: AccountRow;
	role: Role;
	/** The sign-in (refresh-token family) the access token belongs to. */
	sessionId?: string;
};
export type SiteKeyPrincipal = {
	kind: 'site_key';
	key: SiteApiKeyRow;
	site: SiteRow;
	account: AccountRow;
};
/**
 * A WordPress user working in wp-admin, through a token their site's plugin
 * obtained: confined to that site, with a role mapped from WordPress.
 */
export type SiteUserPrincipal = {
	kind: 'site_user';
	site: SiteRow;
	account: AccountRow;
	role: Role;
	wpUser: { id: number; login: string; display_name: string };
};
export type Principal = UserPrincipal | SiteKeyPrincipal | SiteUserPrincipal;

/** The one site a principal is confined to (site keys and WordPress users), or null for account users. */
export function confinedSiteId( principal: Principal ): number | null {
	return principal.kind === 'user' ? null : principal.site.id;
}

/** The `where` that keeps a confined principal inside its site; nothing for account users. */
export function siteFilter( principal: Principal ): { site_id?: number } {
	return principal.kind === 'user' ? {} : { site_id: principal.site.id };
}

/**
 * The site a list narrows to. A confined principal always gets its own site
 * (naming another is refused exactly like a site that does not exist); an
 * account user gets the one asked for, if any.
 */
export function narrowedSiteId(
	principal: Principal,
	requested: number | undefined
): number | undefined {
	const confined = confinedSiteId( principal );
	if ( confined === null ) {
		return requested;
	}
	if ( requested !== undefined && requested !== confined ) {
		throw new ValidationError( 'Invalid query.', {
			site_id: [ `site ${ requested } does not exist` ],
		} );
	}
	return confined;
}

/** The account user acting, for `created_by` columns; null for sites and WordPress users. */
export function actingUserId( principal: Principal ): number | null {
	return principal.kind === 'user' ? principal.user.id : null;
}

declare module 'express-serve-static-core' {
	interface Request {
		principal?: Principal;
	}
}
