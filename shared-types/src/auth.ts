import { z } from 'zod';
import {
	idParam,
	idSchema,
	nameSchema,
	slugSchema,
	timestampSchema,
	urlSchema,
} from './common';

export const ROLES = [
	'developer',
	'owner',
	'admin',
	'editor',
	'viewer',
	'system_bot',
] as const;
export const roleSchema = z.enum( ROLES );
export type Role = z.infer< typeof roleSchema >;

export const accountStatusSchema = z.enum( [
	'active',
	'suspended',
	'trial',
	'cancelled',
] );
export const siteStatusSchema = z.enum( [ 'active', 'inactive', 'suspended' ] );
export const sectorStatusSchema = z.enum( [ 'active', 'inactive' ] );

export const emailSchema = z
	.string()
	.trim()
	.toLowerCase()
	.max( 254 )
	.pipe( z.email( 'must be a valid email address' ) );
export const usernameSchema = z
	.string()
	.trim()
	.min( 3 )
	.max( 150 )
	.regex( /^[\w.@+-]+$/, 'may contain only letters, digits and @ . + - _' );
/** Long enough to matter, bounded so hashing cannot be used to burn CPU. */
export const passwordSchema = z
	.string()
	.min( 10, 'must be at least 10 characters' )
	.max( 256 );

// --- resources ---------------------------------------------------------------

export const planSchema = z.object( {
	id: idSchema,
	name: z.string(),
	slug: z.string(),
	max_sites: z.number().int(),
	max_sectors_per_site: z.number().int(),
	/** Keywords an account on the plan may hold, across its sites. */
	max_keywords: z.number().int(),
	monthly_credits: z.number().int(),
	features: z.array( z.string() ),
	is_active: z.boolean(),
} );

export const accountSchema = z.object( {
	id: idSchema,
	name: z.string(),
	slug: z.string(),
	owner_id: idSchema.nullable(),
	plan_id: idSchema,
	credits: z.number().int(),
	status: accountStatusSchema,
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

export const userSchema = z.object( {
	id: idSchema,
	email: z.string(),
	username: z.string(),
	account_id: idSchema,
	role: roleSchema,
	is_active: z.boolean(),
	is_staff: z.boolean(),
	is_superuser: z.boolean(),
	last_login: timestampSchema.nullable(),
	created_at: timestampSchema,
} );

export const industrySectorSchema = z.object( {
	id: idSchema,
	industry_id: idSchema,
	name: z.string(),
	slug: z.string(),
} );

export const industrySchema = z.object( {
	id: idSchema,
	name: z.string(),
	slug: z.string(),
	description: z.string(),
	sectors: z.array( industrySectorSchema ),
} );

export const siteSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	name: z.string(),
	slug: z.string(),
	domain: z.string().nullable(),
	industry_id: idSchema.nullable(),
	wordpress_url: z.string().nullable(),
	wordpress_username: z.string().nullable(),
	/** Never the password itself: whether one is stored. */
	has_wordpress_password: z.boolean(),
	status: siteStatusSchema,
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

export const sectorSchema = z.object( {
	id: idSchema,
	account_id: idSchema,
	site_id: idSchema,
	name: z.string(),
	industry_sector_id: idSchema.nullable(),
	status: sectorStatusSchema,
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );

export const siteApiKeySchema = z.object( {
	id: idSchema,
	site_id: idSchema,
	name: z.string(),
	/** The first characters of the key, enough to recognise it in a list. */
	prefix: z.string(),
	created_at: timestampSchema,
	last_used_at: timestampSchema.nullable(),
	revoked_at: timestampSchema.nullable(),
} );

/** Returned once, at creation: the only time the full key is visible. */
export const createdSiteApiKeySchema = siteApiKeySchema.extend( {
	key: z.string(),
} );

export const tokenPairSchema = z.object( {
	access: z.string(),
	refresh: z.string(),
	access_expires_at: timestampSchema,
	user: userSchema,
} );

/**
 * A WordPress user's session on the cloud, minted through their site's key:
 * a short-lived token restricted to that one site. The plugin maps the role
 * from WordPress capabilities (README → Roles).
 */
export const SITE_SESSION_ROLES = [ 'admin', 'editor', 'viewer' ] as const;

export const siteSessionSchema = z.object( {
	access: z.string(),
	expires_at: timestampSchema,
	site_id: z.number().int(),
	role: z.enum( SITE_SESSION_ROLES ),
} );

// --- requests ----------------------------------------------------------------

export const siteSessionRequestSchema = z.strictObject( {
	wp_user: z.strictObject( {
		id: z.number().int().positive(),
		login: z.string().trim().min( 1 ).max( 60 ),
		email: z.string().trim().max( 254 ).optional(),
		display_name: z.string().trim().max( 250 ).default( '' ),
	} ),
	role: z.enum( SITE_SESSION_ROLES ),
} );

export const loginRequestSchema = z.strictObject( {
	email: z.string().trim().toLowerCase().min( 1 ).max( 254 ),
	password: z.string().min( 1 ).max( 256 ),
} );

export const registerRequestSchema = z.strictObject( {
	account_name: nameSchema,
	email: emailSchema,
	username: usernameSchema.optional(),
	password: passwordSchema,
} );

export const refreshRequestSchema = z.strictObject( {
	refresh: z.string().min( 1 ).max( 512 ),
} );

export const changePasswordRequestSchema = z.strictObject( {
	current_password: z.string().min( 1 ).max( 256 ),
	new_password: passwordSchema,
} );

export const accountUpdateSchema = z.strictObject( { name: nameSchema } );

/** Roles an account's own users can hold; `developer` is IGNY8 staff, set by the CLI only. */
export const assignableRoleSchema = z.enum( [
	'owner',
	'admin',
	'editor',
	'viewer',
	'system_bot',
] );

export const userCreateSchema = z.strictObject( {
	email: emailSchema,
	username: usernameSchema,
	password: passwordSchema,
	role: assignableRoleSchema,
} );

export const userUpdateSchema = z
	.strictObject( {
		username: usernameSchema.optional(),
		role: assignableRoleSchema.optional(),
		is_active: z.boolean().optional(),
	} )
	.refine(
		( body ) => Object.keys( body ).length > 0,
		'send at least one field to change'
	);

const siteFields = {
	name: nameSchema,
	slug: slugSchema.optional(),
	domain: urlSchema.nullable().optional(),
	industry_id: idSchema.nullable().optional(),
	wordpress_url: urlSchema.nullable().optional(),
	wordpress_username: z.string().trim().max( 150 ).nullable().optional(),
	wordpress_password: z.string().max( 256 ).nullable().optional(),
	status: siteStatusSchema.optional(),
};

export const siteCreateSchema = z.strictObject( siteFields );
export const siteUpdateSchema = z
	.strictObject( { ...siteFields, name: nameSchema.optional() } )
	.refine(
		( body ) => Object.keys( body ).length > 0,
		'send at least one field to change'
	);

export const sectorCreateSchema = z.strictObject( {
	site_id: idSchema,
	name: nameSchema,
	industry_sector_id: idSchema.nullable().optional(),
	status: sectorStatusSchema.optional(),
} );

export const sectorUpdateSchema = z
	.strictObject( {
		name: nameSchema.optional(),
		industry_sector_id: idSchema.nullable().optional(),
		status: sectorStatusSchema.optional(),
	} )
	.refine(
		( body ) => Object.keys( body ).length > 0,
		'send at least one field to change'
	);

export const siteApiKeyCreateSchema = z.strictObject( {
	name: nameSchema.default( 'WordPress' ),
} );

export const idPathSchema = z.object( { id: idParam } );

export type Plan = z.infer< typeof planSchema >;
export type Account = z.infer< typeof accountSchema >;
export type User = z.infer< typeof userSchema >;
export type Industry = z.infer< typeof industrySchema >;
export type IndustrySector = z.infer< typeof industrySectorSchema >;
export type Site = z.infer< typeof siteSchema >;
export type Sector = z.infer< typeof sectorSchema >;
export type SiteApiKey = z.infer< typeof siteApiKeySchema >;
export type CreatedSiteApiKey = z.infer< typeof createdSiteApiKeySchema >;
export type TokenPair = z.infer< typeof tokenPairSchema >;
export type SiteSession = z.infer< typeof siteSessionSchema >;
export type SiteSessionRequest = z.infer< typeof siteSessionRequestSchema >;
export type LoginRequest = z.infer< typeof loginRequestSchema >;
export type RegisterRequest = z.infer< typeof registerRequestSchema >;
