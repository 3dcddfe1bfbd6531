/** The tenancy module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { AccountService, type NewUser } from './accounts';

export { tenancyRoutes } from './routes';

export { InviteService } from './invites';

export { findOwned } from './scope';

export { SectorService } from './sectors';

export {
	serializeAccount,
	serializeSite,
	serializeSiteApiKey,
	serializeUser,
} from './serializers';

export { SiteService } from './sites';

export { uniqueSlug } from './slugs';

export { UserService } from './users';
