/** The auth module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { SiteApiKeyService } from './api-keys';

export {
	canonicalRequest,
	rawUrlEncode,
	sha256Hex,
	signRequest,
} from './bridge-signing';

export { decryptSecret, encryptSecret } from './crypto';

export { bearerOf, createGate } from './gate';

export { hashPassword } from './passwords';

export { type Permission, can, canManageRole } from './policy';

export {
	type Principal,
	type SiteKeyPrincipal,
	type SiteUserPrincipal,
	type UserPrincipal,
	actingUserId,
	confinedSiteId,
	narrowedSiteId,
	siteFilter,
} from './principal';

export { RequestTracker } from './request-tracker';

export { authRoutes } from './routes';

export { type Secrets, loadSecrets } from './secrets';

export { AuthService } from './service';

export { Throttle } from './throttle';

export { siteOfSessionToken } from './tokens';
