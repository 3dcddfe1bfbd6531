import type { Role } from '@igny8/shared-types';
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
};
export type SiteKeyPrincipal = {
	kind: 'site_key';
	key: SiteApiKeyRow;
	site: SiteRow;
	account: AccountRow;
};
export type Principal = UserPrincipal | SiteKeyPrincipal;

declare module 'express-serve-static-core' {
	interface Request {
		principal?: Principal;
	}
}
