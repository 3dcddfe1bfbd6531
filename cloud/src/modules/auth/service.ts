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
import { serializeUser, type AccountService } from '../tenancy';
import { randomToken, sha256 } from './crypto';
import { hashPassword, verifyPassword } from './passwords';
import type {
	Principal,
	SiteKeyPrincipal,
	SiteUserPrincipal,
	UserPrincipal,
} from './principal';
import { PrincipalCache } from './principal-cache';
import { PrincipalRows, REFUSED_ACCOUNT_STATUSES } from './principal-rows';
import type { Secrets } from './secrets';
import type { Throttle } from './throttle';
import {
	REFRESH_TOKEN_DAYS,
	isSiteSession,
	signAccessToken,
	verifyAccessToken,
	type SiteSessionClaims,
} from './tokens';

const DEFAULT_PLAN = 'free';

/** Sign-in, tokens and registration. Routes stay thin; the rules live here. */
export class AuthService {
	private readonly rows: PrincipalRows;

	constructor(
		private readonly db: Database,
		private readonly models: Models,
		private readonly secrets: Secrets,
		private readonly throttle: Throttle,
		/** Accounts and users are tenancy's: sign-up and sign-in change them through it. */
		private readonly accounts: AccountService
	) {
		this.rows = new PrincipalRows(
			models,
			new PrincipalCache( db.sequelize, throttle.principalSignals )
		);
	}

	async login(
		email: string,
		password: string,
		ip: string
	): Promise< TokenPair > {
		const normalized = email.trim().toLowerCase();
		// Counted before the password is checked, atomically: parallel guesses cannot all pass.
		await this.throttle.loginAttempt( normalized, ip );
		const user = await this.models.User.findOne( {
			where: { email: normalized },
		} );
		const valid = await verifyPassword( user?.password_hash, password );
		if ( ! user || ! valid ) {
			throw new ApiError(
				'authentication_failed',
				'Invalid email or password.'
			);
		}
		const account = await this.activeAccountOf( user );
		await this.throttle.loginSucceeded( normalized, ip );
		await this.accounts.recordLogin( user );
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
			const { account, user } = await this.accounts.open( transaction, {
				name: input.account_name,
				plan,
				credits: plan.monthly_credits,
				status: 'trial',
				owner: {
					email: input.email,
					username: input.username ?? input.email,
					password_hash: passwordHash,
					last_login: new Date(),
				},
			} );
			return this.issueTokens( user, account, randomUUID(), transaction );
		} );
	}

	/** Signs in a person just made (an accepted invite), in the transaction that made them. */
	async signInNewUser(
		user: UserRow,
		transaction: Transaction
	): Promise< TokenPair > {
		const account = await this.activeAccountOf( user, transaction );
		return this.issueTokens( user, account, randomUUID(), transaction );
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
		await this.accounts.setPasswordHash( user, await hashPassword( next ) );
		// Other sessions were opened with the old password: end them (their
		// access tokens with them); the one changing it stays signed in.
		await this.models.RefreshToken.update(
			{ revoked_at: new Date() },
			{
				where: {
					user_id: user.id,
					revoked_at: null,
					...( principal.sessionId
						? { family_id: { [ Op.ne ]: principal.sessionId } }
						: {} ),
				},
			}
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
			kid: site.key.id,
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

	/**
	 * The caller behind an access token, checked against the database (one
	 * query, or the PrincipalCache: at once after this process's own
	 * changes, on the signal or within seconds after another's): a person is
	 * refused once deactivated, their account suspended, or the sign-in the
	 * token belongs to signed out (logout, password change, a reused refresh
	 * token); a site session once its site or account is switched off or the
	 * key that opened it revoked or retired. A role taken away applies
	 * likewise: the role is read from the row.
	 */
	async principalFromAccessToken( token: string ): Promise< Principal > {
		const claims = verifyAccessToken( this.secrets.jwtSecret, token );
		if ( ! claims ) {
			throw new NotAuthenticatedError(
				'Access token is invalid or expired.'
			);
		}
		if ( isSiteSession( claims ) ) {
			return this.siteUserPrincipal( claims );
		}
		const found = await this.rows.user( Number( claims.sub ), claims.sid );
		if ( ! found || ! found.user.is_active ) {
			throw new NotAuthenticatedError( 'This user is deactivated.' );
		}
		const { user, account } = found;
		if ( REFUSED_ACCOUNT_STATUSES.includes( account.status ) ) {
			throw new NotAuthenticatedError(
				`This account is ${ account.status }.`
			);
		}
		if ( ! found.signedIn ) {
			throw new NotAuthenticatedError(
				'This session has ended; sign in again.'
			);
		}
		return {
			kind: 'user',
			user,
			account,
			role: user.role,
			sessionId: claims.sid,
		};
	}

	private async siteUserPrincipal(
		claims: SiteSessionClaims
	): Promise< SiteUserPrincipal > {
		const found = await this.rows.siteSession( {
			siteId: claims.site_id,
			accountId: claims.account_id,
			keyId: claims.kid,
		} );
		if (
			! found ||
			found.site.status !== 'active' ||
			REFUSED_ACCOUNT_STATUSES.includes( found.account.status )
		) {
			throw new NotAuthenticatedError(
				'This site session is no longer valid.'
			);
		}
		return {
			kind: 'site_user',
			site: found.site,
			account: found.account,
			role: claims.role,
			wpUser: {
				id: claims.wp_user.id,
				login: claims.wp_user.login,
				display_name: claims.wp_user.display_name,
			},
		};
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
			sid: familyId,
		} );
		return {
			access: access.token,
			refresh,
			access_expires_at: access.expiresAt.toISOString(),
			user: serializeUser( user ),
		};
	}

	/** Signs a person out everywhere (their refresh tokens; their access tokens with them). */
	async revokeSessionsOf(
		userId: number,
		transaction?: Transaction
	): Promise< void > {
		await this.models.RefreshToken.update(
			{ revoked_at: new Date() },
			{ where: { user_id: userId, revoked_at: null }, transaction }
		);
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
