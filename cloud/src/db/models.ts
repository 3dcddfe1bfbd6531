import {
	DataTypes,
	type CreationOptional,
	type InferAttributes,
	type InferCreationAttributes,
	type Model,
	type ModelStatic,
	type Sequelize,
} from 'sequelize';
import type { Role } from '@igny8/shared-types';
import { defineAiModels, type AiModels } from './ai-models';
import { bigint, id, tableOptions, timestamp, timestamps } from './attributes';
import { defineContentModels, type ContentModels } from './content-models';
import {
	defineIntegrationModels,
	type IntegrationModels,
} from './integration-models';
import { defineSystemModels, type SystemModels } from '../modules/system';

/**
 * Sequelize models over the tables the migrations create. Defined per
 * Sequelize instance (not as global classes) so several databases can live in
 * one process, as they do in tests and benchmarks.
 */

type Row< T extends Model > = ModelStatic< T >;
type Ts = CreationOptional< Date >;

export interface PlanRow extends Model<
	InferAttributes< PlanRow >,
	InferCreationAttributes< PlanRow >
> {
	id: CreationOptional< number >;
	name: string;
	slug: string;
	max_sites: number;
	max_sectors_per_site: number;
	/** Keywords an account on the plan may hold, across its sites. */
	max_keywords: CreationOptional< number >;
	monthly_credits: number;
	features: CreationOptional< string[] >;
	is_active: CreationOptional< boolean >;
	created_at: Ts;
	updated_at: Ts;
}

export type AccountStatus = 'active' | 'suspended' | 'trial' | 'cancelled';

export interface AccountRow extends Model<
	InferAttributes< AccountRow >,
	InferCreationAttributes< AccountRow >
> {
	id: CreationOptional< number >;
	name: string;
	slug: string;
	owner_id: number | null;
	plan_id: number;
	credits: CreationOptional< number >;
	status: CreationOptional< AccountStatus >;
	created_at: Ts;
	updated_at: Ts;
}

export interface UserRow extends Model<
	InferAttributes< UserRow >,
	InferCreationAttributes< UserRow >
> {
	id: CreationOptional< number >;
	email: string;
	username: string;
	password_hash: string;
	account_id: number;
	role: Role;
	is_active: CreationOptional< boolean >;
	is_staff: CreationOptional< boolean >;
	is_superuser: CreationOptional< boolean >;
	last_login: Date | null;
	created_at: Ts;
	updated_at: Ts;
}

export interface IndustryRow extends Model<
	InferAttributes< IndustryRow >,
	InferCreationAttributes< IndustryRow >
> {
	id: CreationOptional< number >;
	name: string;
	slug: string;
	description: string;
}

export interface IndustrySectorRow extends Model<
	InferAttributes< IndustrySectorRow >,
	InferCreationAttributes< IndustrySectorRow >
> {
	id: CreationOptional< number >;
	industry_id: number;
	name: string;
	slug: string;
}

export interface SiteRow extends Model<
	InferAttributes< SiteRow >,
	InferCreationAttributes< SiteRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	name: string;
	slug: string;
	domain: string | null;
	industry_id: number | null;
	wordpress_url: string | null;
	wordpress_username: string | null;
	wordpress_password_encrypted: string | null;
	status: CreationOptional< 'active' | 'inactive' | 'suspended' >;
	created_at: Ts;
	updated_at: Ts;
}

export interface SectorRow extends Model<
	InferAttributes< SectorRow >,
	InferCreationAttributes< SectorRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	name: string;
	industry_sector_id: number | null;
	status: CreationOptional< 'active' | 'inactive' >;
	created_at: Ts;
	updated_at: Ts;
}

export interface RefreshTokenRow extends Model<
	InferAttributes< RefreshTokenRow >,
	InferCreationAttributes< RefreshTokenRow >
> {
	id: CreationOptional< number >;
	user_id: number;
	family_id: string;
	token_hash: string;
	expires_at: Date;
	used_at: Date | null;
	revoked_at: Date | null;
	created_at: Ts;
}

export interface SiteApiKeyRow extends Model<
	InferAttributes< SiteApiKeyRow >,
	InferCreationAttributes< SiteApiKeyRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	name: string;
	prefix: string;
	key_hash: string;
	created_by: number | null;
	last_used_at: Date | null;
	revoked_at: Date | null;
	/** The derived signing secret, sealed; null until the key pairs. */
	signing_secret: CreationOptional< string | null >;
	paired_at: CreationOptional< Date | null >;
	/** A replaced key is refused from then on (null: not scheduled). */
	retires_at: CreationOptional< Date | null >;
	created_at: Ts;
}

export interface CreditTransactionRow extends Model<
	InferAttributes< CreditTransactionRow >,
	InferCreationAttributes< CreditTransactionRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	type: 'grant' | 'topup' | 'reserve' | 'settle' | 'refund' | 'adjustment';
	amount: number;
	balance_after: number;
	job_id: string | null;
	idempotency_key: string | null;
	site_id: number | null;
	function_name: string | null;
	description: string;
	created_by: number | null;
	created_at: CreationOptional< Date >;
}

export type Models = ContentModels &
	AiModels &
	IntegrationModels &
	SystemModels & {
		/** Read-only here: CreditService writes the ledger. */
		CreditTransaction: Row< CreditTransactionRow >;
		Plan: Row< PlanRow >;
		Account: Row< AccountRow >;
		User: Row< UserRow >;
		Industry: Row< IndustryRow >;
		IndustrySector: Row< IndustrySectorRow >;
		Site: Row< SiteRow >;
		Sector: Row< SectorRow >;
		RefreshToken: Row< RefreshTokenRow >;
		SiteApiKey: Row< SiteApiKeyRow >;
	};

export function defineModels( sequelize: Sequelize ): Models {
	const Plan = sequelize.define< PlanRow >(
		'Plan',
		{
			id: id(),
			name: { type: DataTypes.STRING( 100 ), allowNull: false },
			slug: {
				type: DataTypes.STRING( 100 ),
				allowNull: false,
				unique: true,
			},
			max_sites: { type: DataTypes.INTEGER, allowNull: false },
			max_sectors_per_site: { type: DataTypes.INTEGER, allowNull: false },
			max_keywords: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 1000,
			},
			monthly_credits: { type: DataTypes.INTEGER, allowNull: false },
			features: {
				type: DataTypes.JSONB,
				allowNull: false,
				defaultValue: [],
			},
			is_active: {
				type: DataTypes.BOOLEAN,
				allowNull: false,
				defaultValue: true,
			},
			...timestamps(),
		},
		tableOptions( 'plans' )
	);
	const Account = sequelize.define< AccountRow >(
		'Account',
		{
			id: id(),
			name: { type: DataTypes.STRING( 255 ), allowNull: false },
			slug: { type: DataTypes.STRING( 120 ), allowNull: false },
			owner_id: bigint( true ),
			plan_id: bigint(),
			credits: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 0,
			},
			status: {
				type: DataTypes.STRING( 16 ),
				allowNull: false,
				defaultValue: 'active',
			},
			...timestamps(),
		},
		tableOptions( 'accounts' )
	);
	const User = sequelize.define< UserRow >(
		'User',
		{
			id: id(),
			email: { type: DataTypes.STRING( 254 ), allowNull: false },
			username: { type: DataTypes.STRING( 150 ), allowNull: false },
			password_hash: { type: DataTypes.STRING( 255 ), allowNull: false },
			account_id: bigint(),
			role: { type: DataTypes.STRING( 16 ), allowNull: false },
			is_active: {
				type: DataTypes.BOOLEAN,
				allowNull: false,
				defaultValue: true,
			},
			is_staff: {
				type: DataTypes.BOOLEAN,
				allowNull: false,
				defaultValue: false,
			},
			is_superuser: {
				type: DataTypes.BOOLEAN,
				allowNull: false,
				defaultValue: false,
			},
			last_login: { type: DataTypes.DATE, allowNull: true },
			...timestamps(),
		},
		tableOptions( 'users' )
	);
	const Industry = sequelize.define< IndustryRow >(
		'Industry',
		{
			id: id(),
			name: { type: DataTypes.STRING( 255 ), allowNull: false },
			slug: { type: DataTypes.STRING( 100 ), allowNull: false },
			description: {
				type: DataTypes.TEXT,
				allowNull: false,
				defaultValue: '',
			},
		},
		{ tableName: 'industries', timestamps: false }
	);
	const IndustrySector = sequelize.define< IndustrySectorRow >(
		'IndustrySector',
		{
			id: id(),
			industry_id: bigint(),
			name: { type: DataTypes.STRING( 255 ), allowNull: false },
			slug: { type: DataTypes.STRING( 100 ), allowNull: false },
		},
		{ tableName: 'industry_sectors', timestamps: false }
	);
	const Site = sequelize.define< SiteRow >(
		'Site',
		{
			id: id(),
			account_id: bigint(),
			name: { type: DataTypes.STRING( 255 ), allowNull: false },
			slug: { type: DataTypes.STRING( 100 ), allowNull: false },
			domain: { type: DataTypes.STRING( 2000 ), allowNull: true },
			industry_id: bigint( true ),
			wordpress_url: { type: DataTypes.STRING( 2000 ), allowNull: true },
			wordpress_username: {
				type: DataTypes.STRING( 150 ),
				allowNull: true,
			},
			wordpress_password_encrypted: {
				type: DataTypes.TEXT,
				allowNull: true,
			},
			status: {
				type: DataTypes.STRING( 16 ),
				allowNull: false,
				defaultValue: 'active',
			},
			...timestamps(),
		},
		tableOptions( 'sites' )
	);
	const Sector = sequelize.define< SectorRow >(
		'Sector',
		{
			id: id(),
			account_id: bigint(),
			site_id: bigint(),
			name: { type: DataTypes.STRING( 255 ), allowNull: false },
			industry_sector_id: bigint( true ),
			status: {
				type: DataTypes.STRING( 16 ),
				allowNull: false,
				defaultValue: 'active',
			},
			...timestamps(),
		},
		tableOptions( 'sectors' )
	);
	const RefreshToken = sequelize.define< RefreshTokenRow >(
		'RefreshToken',
		{
			id: id(),
			user_id: bigint(),
			family_id: { type: DataTypes.UUID, allowNull: false },
			token_hash: { type: DataTypes.CHAR( 64 ), allowNull: false },
			expires_at: { type: DataTypes.DATE, allowNull: false },
			used_at: { type: DataTypes.DATE, allowNull: true },
			revoked_at: { type: DataTypes.DATE, allowNull: true },
			created_at: timestamp(),
		},
		tableOptions( 'refresh_tokens', false )
	);
	const SiteApiKey = sequelize.define< SiteApiKeyRow >(
		'SiteApiKey',
		{
			id: id(),
			account_id: bigint(),
			site_id: bigint(),
			name: { type: DataTypes.STRING( 255 ), allowNull: false },
			prefix: { type: DataTypes.STRING( 16 ), allowNull: false },
			key_hash: { type: DataTypes.CHAR( 64 ), allowNull: false },
			created_by: bigint( true ),
			last_used_at: { type: DataTypes.DATE, allowNull: true },
			revoked_at: { type: DataTypes.DATE, allowNull: true },
			signing_secret: { type: DataTypes.TEXT, allowNull: true },
			paired_at: { type: DataTypes.DATE, allowNull: true },
			retires_at: { type: DataTypes.DATE, allowNull: true },
			created_at: timestamp(),
		},
		tableOptions( 'site_api_keys', false )
	);
	const CreditTransaction = sequelize.define< CreditTransactionRow >(
		'CreditTransaction',
		{
			id: id(),
			account_id: bigint(),
			type: { type: DataTypes.STRING( 16 ), allowNull: false },
			amount: { type: DataTypes.INTEGER, allowNull: false },
			balance_after: { type: DataTypes.INTEGER, allowNull: false },
			job_id: { type: DataTypes.STRING( 128 ), allowNull: true },
			idempotency_key: { type: DataTypes.STRING( 128 ), allowNull: true },
			site_id: bigint( true ),
			function_name: { type: DataTypes.STRING( 64 ), allowNull: true },
			description: { type: DataTypes.STRING( 500 ), allowNull: false },
			created_by: bigint( true ),
			created_at: timestamp(),
		},
		tableOptions( 'credit_transactions', false )
	);
	return {
		...defineContentModels( sequelize ),
		...defineAiModels( sequelize ),
		...defineIntegrationModels( sequelize ),
		...defineSystemModels( sequelize ),
		CreditTransaction,
		Plan,
		Account,
		User,
		Industry,
		IndustrySector,
		Site,
		Sector,
		RefreshToken,
		SiteApiKey,
	};
}
