import type { Migration } from '../migrate';

/**
 * Tenancy: plans, accounts, users, reference industries, sites and sectors,
 * plus the credentials that hang off them (refresh-token families, site API
 * keys). Invariants the application also checks are enforced here as the
 * backstop: non-negative credits, known roles and statuses, unique emails.
 */
export const migration: Migration = {
	name: '0002-tenancy',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE plans (
				id BIGSERIAL PRIMARY KEY,
				name VARCHAR(100) NOT NULL,
				slug VARCHAR(100) NOT NULL UNIQUE,
				max_sites INTEGER NOT NULL CHECK (max_sites >= 1),
				max_sectors_per_site INTEGER NOT NULL CHECK (max_sectors_per_site BETWEEN 1 AND 5),
				monthly_credits INTEGER NOT NULL DEFAULT 0 CHECK (monthly_credits >= 0),
				features JSONB NOT NULL DEFAULT '[]'::jsonb,
				is_active BOOLEAN NOT NULL DEFAULT TRUE,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);

			CREATE TABLE accounts (
				id BIGSERIAL PRIMARY KEY,
				name VARCHAR(255) NOT NULL,
				slug VARCHAR(120) NOT NULL UNIQUE,
				owner_id BIGINT,
				plan_id BIGINT NOT NULL REFERENCES plans(id),
				credits INTEGER NOT NULL DEFAULT 0 CONSTRAINT accounts_credits_non_negative CHECK (credits >= 0),
				status VARCHAR(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'trial', 'cancelled')),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);

			CREATE TABLE users (
				id BIGSERIAL PRIMARY KEY,
				email VARCHAR(254) NOT NULL,
				username VARCHAR(150) NOT NULL,
				password_hash VARCHAR(255) NOT NULL,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				role VARCHAR(16) NOT NULL CHECK (role IN ('developer', 'owner', 'admin', 'editor', 'viewer', 'system_bot')),
				is_active BOOLEAN NOT NULL DEFAULT TRUE,
				is_staff BOOLEAN NOT NULL DEFAULT FALSE,
				is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
				last_login TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE UNIQUE INDEX users_email_unique ON users (LOWER(email));
			CREATE UNIQUE INDEX users_username_unique ON users (LOWER(username));
			CREATE INDEX users_account ON users (account_id);

			ALTER TABLE accounts ADD CONSTRAINT accounts_owner_fk
				FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;

			CREATE TABLE industries (
				id BIGSERIAL PRIMARY KEY,
				name VARCHAR(255) NOT NULL,
				slug VARCHAR(100) NOT NULL UNIQUE,
				description TEXT NOT NULL DEFAULT ''
			);

			CREATE TABLE industry_sectors (
				id BIGSERIAL PRIMARY KEY,
				industry_id BIGINT NOT NULL REFERENCES industries(id) ON DELETE CASCADE,
				name VARCHAR(255) NOT NULL,
				slug VARCHAR(100) NOT NULL,
				UNIQUE (industry_id, slug)
			);

			CREATE TABLE sites (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				name VARCHAR(255) NOT NULL,
				slug VARCHAR(100) NOT NULL,
				domain VARCHAR(2000),
				industry_id BIGINT REFERENCES industries(id) ON DELETE SET NULL,
				wordpress_url VARCHAR(2000),
				wordpress_username VARCHAR(150),
				wordpress_password_encrypted TEXT,
				status VARCHAR(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'suspended')),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				UNIQUE (account_id, slug)
			);

			CREATE TABLE sectors (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				name VARCHAR(255) NOT NULL,
				industry_sector_id BIGINT REFERENCES industry_sectors(id) ON DELETE SET NULL,
				status VARCHAR(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE UNIQUE INDEX sectors_site_name_unique ON sectors (site_id, LOWER(name));
			CREATE INDEX sectors_account ON sectors (account_id);

			CREATE TABLE refresh_tokens (
				id BIGSERIAL PRIMARY KEY,
				user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
				family_id UUID NOT NULL,
				token_hash CHAR(64) NOT NULL UNIQUE,
				expires_at TIMESTAMPTZ NOT NULL,
				used_at TIMESTAMPTZ,
				revoked_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
			CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

			CREATE TABLE site_api_keys (
				id BIGSERIAL PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				site_id BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
				name VARCHAR(255) NOT NULL,
				prefix VARCHAR(16) NOT NULL,
				key_hash CHAR(64) NOT NULL UNIQUE,
				created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
				last_used_at TIMESTAMPTZ,
				revoked_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE INDEX site_api_keys_site ON site_api_keys (site_id);

			CREATE TABLE account_request_stats (
				account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
				day DATE NOT NULL,
				requests BIGINT NOT NULL DEFAULT 0,
				PRIMARY KEY (account_id, day)
			);
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP TABLE IF EXISTS account_request_stats, site_api_keys, refresh_tokens, sectors, sites,
				industry_sectors, industries;
			ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_owner_fk;
			DROP TABLE IF EXISTS users, accounts, plans;
		` );
	},
};
