import { randomUUID } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import type {
	RegisterRequest,
	SiteSession,
	SiteSessionRequest,
	TokenPair,
} from '@igny8/shared-types';
import type { Database } from '../../db/connection';
import type { AccountRow, Models, UserRow } from '../../db/models';
import {
	ApiError,
	NotAuthenticatedError,
	ValidationError,
} from '../../http/errors';
import { serializeUser } from '../tenancy/serializers';
import { uniqueSlug } from '../tenancy/slugs';
import { randomToken, sha256 } from './crypto';
import { hashPassword, verifyPassword } from './passwords';
import type {
	Principal,
	SiteKeyPrincipal,
	SiteUserPrincipal,
	UserPrincipal,
} from './principal';
import type { Secrets } from './secrets';
import type { Throttle } from './throttle';
import {
	REFRESH_TOKEN_DAYS,
	signAccessToken,
	verifyAccessToken,
} from './tokens';

const REFUSED_ACCOUNT_STATUSES = [ 'suspended', 'cancelled' ];
const DEFAULT_PLAN = 'free';

/** Sign-in, tokens and registration. Routes stay thin; the rules live here. */
export class AuthService {
	constructor(
		private readonly db: Database,
		private readonly models: Models,
		private readonly secrets: Secrets,
		private readonly throttle: Throttle
	) {}

	async login(
		email: string,
		password: string,
		ip: string
	): Promise< TokenPair > {
		const normalized = email.trim().toLowerCase();
		await this.throttle.assertLoginAllowed( normalized, ip );
		const user = await this.models.User.findOne( {
			where: { email: normalized },
		} );
		const valid = await verifyPassword( user?.password_hash, password );
		if ( ! user || ! valid ) {
			await this.throttle.loginFailed( normalized, ip );
			throw new ApiError(
				'authentication_failed',
				'Invalid email or password.'
			);
		}
		const account = await this.activeAccountOf( user );
		await this.throttle.loginSucceeded( normalized, ip );
		await user.update( { last_login: new Date() } );
		return this.issueTokens( user, account, randomUUID() );
	}

	/**
	 * Rotates a refresh token: each one works once. Presenting one that was
	 * already used means it leaked, so its whole family is revoked and every
	 * holder must sign in again.
	 */
	async refresh( presented: string ): Promise< TokenPair > {
		const invalid = () =>
			new ApiError(
				'authentication_failed',
				'Refresh token is invalid or expired.'
			);
		const outcome = await this.db.sequelize.transaction(
			async ( transaction ) => {
				const token = await this.models.RefreshToken.findOne( {
					where: { token_hash: sha256( presented ) },
					lock: transaction.LOCK.UPDATE,
					transaction,
				} );
				if (
					! token ||
					token.revoked_at ||
					token.expires_at.getTime() <= Date.now()
				) {
					return { refused: invalid() };
				}
				if ( token.used_at ) {
					// Committed, not thrown: the revocation must survive this request's failure.
					await this.revokeFamily( token.family_id, transaction );
					return {
						refused: new ApiError(
							'authentication_failed',
							'Refresh token was already used; all sessions from it are signed out.'
						),
					};
				}
				await token.update( { used_at: new Date() }, { transaction } );
				const user = await this.models.User.findByPk( token.user_id, {
					transaction,
				} );
				if ( ! user || ! user.is_active ) {
					return { refused: invalid() };
				}
				const account = await this.activeAccountOf( user, transaction );
				return {
					tokens: await this.issueTokens(
						user,
						account,
						token.family_id,
						transaction
					),
				};
			}
		);
		if ( 'refused' in outcome ) {
			throw outcome.refused;
		}
		return outcome.tokens;
	}

	/** Signs out the session a refresh token belongs to. Unknown tokens are ignored: logout is idempotent. */
	async logout( presented: string ): Promise< void > {
		const token = await this.models.RefreshToken.findOne( {
			where: { token_hash: sha256( presented ) },
		} );
		if ( token ) {
			await this.revokeFamily( token.family_id );
		}
	}

	async register( input: RegisterRequest ): Promise< TokenPair > {
		const plan = await this.models.Plan.findOne( {
			where: { slug: DEFAULT_PLAN },
		} );
		if ( ! plan ) {
			throw new Error(
				`The default plan "${ DEFAULT_PLAN }" is missing; run migrations.`
			);
		}
		const passwordHash = await hashPassword( input.password );
		return this.db.sequelize.transaction( async ( transaction ) => {
			await this.assertIdentityFree(
				input.email,
				input.username ?? input.email,
				transaction
			);
			const account = await this.models.Account.create(
				{
					name: input.account_name,
					slug: await uniqueSlug(
						this.models.Account,
						input.account_name,
						{},
						transaction
					),
					owner_id: null,
					plan_id: plan.id,
					credits: plan.monthly_credits,
					status: 'trial',
				},
				{ transaction }
			);
			const user = await this.models.User.create(
				{
					email: input.email,
					username: input.username ?? input.email,
					password_hash: passwordHash,
					account_id: account.id,
					role: 'owner',
					last_login: new Date(),
				},
				{ transaction }
			);
			await account.update( { owner_id: user.id }, { transaction } );
			return this.issueTokens( user, account, randomUUID(), transaction );
		} );
	}

	async changePassword(
		principal: UserPrincipal,
		current: string,
		next: string
	): Promise< void > {
		const user = principal.user;
		if ( ! ( await verifyPassword( user.password_hash, current ) ) ) {
			throw new ValidationError( 'Invalid body.', {
				current_password: [ 'is not your current password' ],
			} );
		}
		await user.update( { password_hash: await hashPassword( next ) } );
		// Other sessions were opened with the old password: end them.
		await this.models.RefreshToken.update(
			{ revoked_at: new Date() },
			{ where: { user_id: user.id, revoked_at: null } }
		);
	}

	/**
	 * A site-scoped session for the WordPress user the plugin vouches for.
	 * The site key proves the site; the plugin's capability check proves the
	 * role. No refresh token: the plugin asks again before expiry.
	 */
	issueSiteSession(
		site: SiteKeyPrincipal,
		request: SiteSessionRequest
	): SiteSession {
		const { token, expiresAt } = signAccessToken( this.secrets.jwtSecret, {
			sub: `wp:${ site.site.id }:${ request.wp_user.id }`,
			account_id: site.account.id,
			role: request.role,
			site_id: site.site.id,
			wp_user: {
				id: request.wp_user.id,
				login: request.wp_user.login,
				display_name: request.wp_user.display_name,
			},
		} );
		return {
			access: token,
			expires_at: expiresAt.toISOString(),
			site_id: site.site.id,
			role: request.role,
		};
	}

	/** The person behind an access token, refused at once if deactivated or suspended since it was issued. */
	async principalFromAccessToken( token: string ): Promise< Principal > {
		const claims = verifyAccessToken( this.secrets.jwtSecret, token );
		if ( ! claims ) {
			throw new NotAuthenticatedError(
				'Access token is invalid or expired.'
			);
		}
		if ( claims.site_id !== undefined && claims.wp_user ) {
			return this.siteUserPrincipal(
				claims.site_id,
				claims.account_id,
				claims.role,
				claims.wp_user
			);
		}
		const user = await this.models.User.findByPk( Number( claims.sub ) );
		if ( ! user || ! user.is_active ) {
			throw new NotAuthenticatedError( 'This user is deactivated.' );
		}
		const account = await this.activeAccountOf( user );
		return { kind: 'user', user, account, role: user.role };
	}

	/** A WordPress user's token stops working as soon as its site or account is switched off. */
	private async siteUserPrincipal(
		siteId: number,
		accountId: number,
		role: SiteUserPrincipal[ 'role' ],
		wpUser: SiteUserPrincipal[ 'wpUser' ]
	): Promise< SiteUserPrincipal > {
		const [ site, account ] = await Promise.all( [
			this.models.Site.findOne( {
				where: { id: siteId, account_id: accountId },
			} ),
			this.models.Account.findByPk( accountId ),
		] );
		if (
			! site ||
			site.status !== 'active' ||
			! account ||
			REFUSED_ACCOUNT_STATUSES.includes( account.status )
		) {
			throw new NotAuthenticatedError(
				'This site session is no longer valid.'
			);
		}
		return { kind: 'site_user', site, account, role, wpUser };
	}

	async assertIdentityFree(
		email: string,
		username: string,
		transaction?: Transaction
	): Promise< void > {
		const clash = await this.models.User.findOne( {
			where: {
				[ Op.or ]: [ { email: email.toLowerCase() }, { username } ],
			},
			transaction,
		} );
		if ( clash ) {
			throw new ValidationError(
				'Invalid body.',
				clash.email === email.toLowerCase()
					? { email: [ 'is already registered' ] }
					: { username: [ 'is already taken' ] }
			);
		}
	}

	private async activeAccountOf(
		user: UserRow,
		transaction?: Transaction
	): Promise< AccountRow > {
		if ( ! user.is_active ) {
			throw new NotAuthenticatedError( 'This user is deactivated.' );
		}
		const account = await this.models.Account.findByPk( user.account_id, {
			transaction,
		} );
		if (
			! account ||
			REFUSED_ACCOUNT_STATUSES.includes( account.status )
		) {
			throw new NotAuthenticatedError(
				`This account is ${ account?.status ?? 'missing' }.`
			);
		}
		return account;
	}

	private async issueTokens(
		user: UserRow,
		account: AccountRow,
		familyId: string,
		transaction?: Transaction
	): Promise< TokenPair > {
		const refresh = randomToken();
		await this.models.RefreshToken.create(
			{
				user_id: user.id,
				family_id: familyId,
				token_hash: sha256( refresh ),
				expires_at: new Date(
					Date.now() + REFRESH_TOKEN_DAYS * 86_400_000
				),
				used_at: null,
				revoked_at: null,
			},
			{ transaction }
		);
		const access = signAccessToken( this.secrets.jwtSecret, {
			sub: String( user.id ),
			account_id: account.id,
			role: user.role,
		} );
		return {
			access: access.token,
			refresh,
			access_expires_at: access.expiresAt.toISOString(),
			user: serializeUser( user ),
		};
	}

	private async revokeFamily(
		familyId: string,
		transaction?: Transaction
	): Promise< void > {
		await this.models.RefreshToken.update(
			{ revoked_at: new Date() },
			{ where: { family_id: familyId, revoked_at: null }, transaction }
		);
	}
}
