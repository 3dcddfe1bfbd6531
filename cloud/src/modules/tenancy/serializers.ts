import type {
	Account,
	Industry,
	IndustrySector,
	Plan,
	Sector,
	Site,
	SiteApiKey,
	User,
} from '@igny8/shared-types';
import type {
	AccountRow,
	IndustryRow,
	IndustrySectorRow,
	PlanRow,
	SectorRow,
	SiteApiKeyRow,
	SiteRow,
	UserRow,
} from '../../db/models';

/** Rows → API shapes. The only place that decides what leaves the database. */

const iso = ( date: Date ) => date.toISOString();
const isoOrNull = ( date: Date | null ) => ( date ? date.toISOString() : null );

export const serializePlan = ( row: PlanRow ): Plan => ( {
	id: row.id,
	name: row.name,
	slug: row.slug,
	max_sites: row.max_sites,
	max_sectors_per_site: row.max_sectors_per_site,
	max_keywords: row.max_keywords,
	monthly_credits: row.monthly_credits,
	features: row.features,
	is_active: row.is_active,
} );

export const serializeAccount = ( row: AccountRow ): Account => ( {
	id: row.id,
	name: row.name,
	slug: row.slug,
	owner_id: row.owner_id,
	plan_id: row.plan_id,
	credits: row.credits,
	status: row.status,
	created_at: iso( row.created_at ),
	updated_at: iso( row.updated_at ),
} );

export const serializeUser = ( row: UserRow ): User => ( {
	id: row.id,
	email: row.email,
	username: row.username,
	account_id: row.account_id,
	role: row.role,
	is_active: row.is_active,
	is_staff: row.is_staff,
	is_superuser: row.is_superuser,
	last_login: isoOrNull( row.last_login ),
	created_at: iso( row.created_at ),
} );

export const serializeIndustrySector = (
	row: IndustrySectorRow
): IndustrySector => ( {
	id: row.id,
	industry_id: row.industry_id,
	name: row.name,
	slug: row.slug,
} );

export const serializeIndustry = (
	row: IndustryRow,
	sectors: IndustrySectorRow[]
): Industry => ( {
	id: row.id,
	name: row.name,
	slug: row.slug,
	description: row.description,
	sectors: sectors.map( serializeIndustrySector ),
} );

export const serializeSite = ( row: SiteRow ): Site => ( {
	id: row.id,
	account_id: row.account_id,
	name: row.name,
	slug: row.slug,
	domain: row.domain,
	industry_id: row.industry_id,
	wordpress_url: row.wordpress_url,
	wordpress_username: row.wordpress_username,
	has_wordpress_password: row.wordpress_password_encrypted !== null,
	status: row.status,
	created_at: iso( row.created_at ),
	updated_at: iso( row.updated_at ),
} );

export const serializeSector = ( row: SectorRow ): Sector => ( {
	id: row.id,
	account_id: row.account_id,
	site_id: row.site_id,
	name: row.name,
	industry_sector_id: row.industry_sector_id,
	status: row.status,
	created_at: iso( row.created_at ),
	updated_at: iso( row.updated_at ),
} );

export const serializeSiteApiKey = ( row: SiteApiKeyRow ): SiteApiKey => ( {
	id: row.id,
	site_id: row.site_id,
	name: row.name,
	prefix: row.prefix,
	created_at: iso( row.created_at ),
	last_used_at: isoOrNull( row.last_used_at ),
	revoked_at: isoOrNull( row.revoked_at ),
} );
