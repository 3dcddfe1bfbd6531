import { createHash, randomBytes } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import type {
	CreatedInvite,
	Invite,
	InviteAccept,
	InviteCreate,
	InvitePreview,
	InviteRole,
	TokenPair,
} from '@igny8/shared-types';
import { personActor, recordAudit, type AuditActor } from '../../audit';
import type { Database } from '../../db/connection';
import { rowCountOf } from '../../db/row-count';
import type { Models } from '../../db/models';
import {
	ApiError,
	NotFoundError,
	PermissionDeniedError,
	ValidationError,
} from '../../http/errors';
import {
	canManageRole,
	hashPassword,
	type AuthService,
	type Throttle,
	type UserPrincipal,
} from '../auth';

/** How long an invite link works. */
export const INVITE_DAYS = 7;

/** Where the console's accept page lives; the token rides in the fragment, so it never reaches a server log. */
const ACCEPT_PATH = '/console/accept/#token=';

type InviteRow = {
	id: string | number;
	account_id: string | number;
	email: string;
	role: InviteRole;
	expires_at: Date | string;
	accepted_at: Date | string | null;
	revoked_at: Date | string | null;
	invited_by: string | number | null;
	created_at: Date | string;
};

/** The token is 32 random bytes: a fast hash is enough, and lookups stay indexed. */
const sha256 = ( value: string ) =>
	createHash( 'sha256' ).update( value ).digest( 'hex' );

const iso = ( value: Date | string ) => new Date( value ).toISOString();

function serializeInvite( row: InviteRow ): Invite {
	return {
		id: Number( row.id ),
		email: row.email,
		role: row.role,
		expires_at: iso( row.expires_at ),
		invited_by: row.invited_by === null ? null : Number( row.invited_by ),
		created_at: iso( row.created_at ),
	};
}

/**
 * Why a token does not work, in words that say what to do. A guesser only
 * ever sees "not valid": the other answers need a real token, and tell its
 * holder nothing they could not ask the person who invited them.
 */
function refusal( row: InviteRow | undefined ): ApiError {
	if ( ! row ) {
		return new ApiError(
			'bad_request',
			'This invite link is not valid. Check that you opened the whole link, or ask for a new invite.'
		);
	}
	if ( row.accepted_at ) {
		return new ApiError(
			'bad_request',
			'This invite was already used. Sign in, or ask for a new invite.'
		);
	}
	if ( row.revoked_at ) {
		return new ApiError(
			'bad_request',
			'This invite was withdrawn. Ask for a new invite.'
		);
	}
	return new ApiError(
		'bad_request',
		'This invite has expired. Ask for a new invite.'
	);
}

/**
 * Invites to an account: a link for one email that makes, once, a person
 * with the invited role. Only the token's SHA-256 is kept; the link is
 * answered to its creator once. Accepting claims the invite with one
 * conditional UPDATE in the transaction that inserts the user, so two
 * accepts racing make one person, and a failed insert leaves it unused.
 */
export class InviteService {
	constructor(
		private readonly db: Database,
		private readonly models: Models,
		private readonly auth: AuthService,
		private readonly throttle: Throttle,
		private readonly publicUrl: string
	) {}

	async create(
		actor: UserPrincipal,
		input: InviteCreate,
		who: AuditActor
	): Promise< CreatedInvite > {
		if ( ! canManageRole( actor.role, input.role ) ) {
			throw new PermissionDeniedError(
				`Your role (${ actor.role }) cannot invite someone as ${ input.role }.`
			);
		}
		const token = randomBytes( 32 ).toString( 'base64url' );
		const row = await this.db.sequelize.transaction(
			async ( transaction ) => {
				// One invite at a time per email: the account row serializes two managers inviting the same person.
				await this.models.Account.findByPk( actor.account.id, {
					transaction,
					lock: transaction.LOCK.UPDATE,
				} );
				const member = await this.models.User.findOne( {
					where: { account_id: actor.account.id, email: input.email },
					transaction,
				} );
				if ( member ) {
					throw new ValidationError( 'Invalid body.', {
						email: [ 'already belongs to someone in your account' ],
					} );
				}
				// A new invite replaces an earlier one to the same email: only the newest link works.
				await this.db.sequelize.query(
					`UPDATE invites SET revoked_at = NOW()
					 WHERE account_id = :account AND email = :email
					   AND accepted_at IS NULL AND revoked_at IS NULL`,
					{
						replacements: {
							account: actor.account.id,
							email: input.email,
						},
						transaction,
					}
				);
				const [ created ] = await this.db.sequelize.query< InviteRow >(
					`INSERT INTO invites (account_id, email, role, token_hash, expires_at, invited_by)
					 VALUES (:account, :email, :role, :hash, NOW() + make_interval(days => :days), :by)
					 RETURNING *`,
					{
						replacements: {
							account: actor.account.id,
							email: input.email,
							role: input.role,
							hash: sha256( token ),
							days: INVITE_DAYS,
							by: actor.user.id,
						},
						type: QueryTypes.SELECT,
						transaction,
					}
				);
				await this.audit(
					transaction,
					created!,
					who,
					'invite.created'
				);
				return created!;
			}
		);
		return {
			...serializeInvite( row ),
			link: `${ this.publicUrl }${ ACCEPT_PATH }${ token }`,
		};
	}

	/** The account's invites that can still be accepted. */
	async pending( accountId: number ): Promise< Invite[] > {
		const rows = await this.db.sequelize.query< InviteRow >(
			`SELECT * FROM invites
			 WHERE account_id = :account AND accepted_at IS NULL
			   AND revoked_at IS NULL AND expires_at > NOW()
			 ORDER BY id DESC`,
			{ replacements: { account: accountId }, type: QueryTypes.SELECT }
		);
		return rows.map( serializeInvite );
	}

	/** Withdraws a pending invite of the actor's account; any other id is "not found". */
	async revoke(
		actor: UserPrincipal,
		id: number,
		who: AuditActor
	): Promise< void > {
		const [ row ] = await this.db.sequelize.query< InviteRow >(
			'SELECT * FROM invites WHERE id = :id AND account_id = :account',
			{
				replacements: { id, account: actor.account.id },
				type: QueryTypes.SELECT,
			}
		);
		if ( ! row || row.accepted_at || row.revoked_at ) {
			throw new NotFoundError( 'Invite not found.' );
		}
		if ( ! canManageRole( actor.role, row.role ) ) {
			throw new PermissionDeniedError(
				`Your role (${ actor.role }) cannot withdraw an invite as ${ row.role }.`
			);
		}
		await this.db.sequelize.transaction( async ( transaction ) => {
			const [ , meta ] = await this.db.sequelize.query(
				'UPDATE invites SET revoked_at = NOW() WHERE id = :id AND revoked_at IS NULL',
				{ replacements: { id }, transaction }
			);
			// A racing revoke got there first: theirs is the entry.
			if ( rowCountOf( meta ) === 1 ) {
				await this.audit( transaction, row, who, 'invite.revoked' );
			}
		} );
	}

	/** Who a token invites, for the accept page; refused like `accept`. */
	async preview( token: string, ip: string ): Promise< InvitePreview > {
		const key = this.throttleKey( token );
		await this.throttle.loginAttempt( key, ip );
		const [ row ] = await this.db.sequelize.query<
			InviteRow & { account_name: string; usable: boolean }
		>(
			`SELECT invites.*, accounts.name AS account_name,
			        (invites.expires_at > NOW()) AS usable
			 FROM invites JOIN accounts ON accounts.id = invites.account_id
			 WHERE invites.token_hash = :hash`,
			{ replacements: { hash: sha256( token ) }, type: QueryTypes.SELECT }
		);
		if ( ! row || row.accepted_at || row.revoked_at || ! row.usable ) {
			throw refusal( row );
		}
		await this.throttle.loginSucceeded( key, ip );
		return {
			email: row.email,
			role: row.role,
			account_name: row.account_name,
			expires_at: iso( row.expires_at ),
		};
	}

	/**
	 * Makes the invited person and signs them in. Counted like a sign-in
	 * before the token is looked at, so guesses are throttled per address.
	 */
	async accept( input: InviteAccept, ip: string ): Promise< TokenPair > {
		const key = this.throttleKey( input.token );
		await this.throttle.loginAttempt( key, ip );
		const hash = sha256( input.token );
		const passwordHash = await hashPassword( input.password );
		const outcome = await this.db.sequelize.transaction(
			async ( transaction ) => {
				const [ claimed ] = await this.db.sequelize.query< InviteRow >(
					`UPDATE invites SET accepted_at = NOW()
					 WHERE token_hash = :hash AND accepted_at IS NULL
					   AND revoked_at IS NULL AND expires_at > NOW()
					 RETURNING *`,
					{
						replacements: { hash },
						type: QueryTypes.SELECT,
						transaction,
					}
				);
				if ( ! claimed ) {
					return {
						refused: refusal(
							await this.byHash( hash, transaction )
						),
					};
				}
				return {
					tokens: await this.join(
						claimed,
						input,
						passwordHash,
						ip,
						transaction
					),
				};
			}
		);
		if ( 'refused' in outcome ) {
			throw outcome.refused;
		}
		await this.throttle.loginSucceeded( key, ip );
		return outcome.tokens;
	}

	private async join(
		invite: InviteRow,
		input: InviteAccept,
		passwordHash: string,
		ip: string,
		transaction: Transaction
	): Promise< TokenPair > {
		await this.auth.assertIdentityFree(
			invite.email,
			input.username,
			transaction
		);
		const user = await this.models.User.create(
			{
				email: invite.email,
				username: input.username,
				password_hash: passwordHash,
				account_id: Number( invite.account_id ),
				role: invite.role,
				last_login: new Date(),
			},
			{ transaction }
		);
		await this.db.sequelize.query(
			'UPDATE invites SET accepted_user_id = :user WHERE id = :id',
			{ replacements: { user: user.id, id: invite.id }, transaction }
		);
		await this.audit(
			transaction,
			invite,
			personActor( user, ip === 'unknown' ? null : ip ),
			'invite.accepted'
		);
		return this.auth.signInNewUser( user, transaction );
	}

	private audit(
		transaction: Transaction,
		invite: InviteRow,
		who: AuditActor,
		action: 'invite.created' | 'invite.revoked' | 'invite.accepted'
	): Promise< void > {
		return recordAudit( this.db.sequelize, transaction, {
			account_id: Number( invite.account_id ),
			actor: who,
			action,
			target_type: 'invite',
			target_id: Number( invite.id ),
			target_label: invite.email,
			details: { role: invite.role },
		} );
	}

	private async byHash(
		hash: string,
		transaction: Transaction
	): Promise< InviteRow | undefined > {
		const [ row ] = await this.db.sequelize.query< InviteRow >(
			'SELECT * FROM invites WHERE token_hash = :hash',
			{ replacements: { hash }, type: QueryTypes.SELECT, transaction }
		);
		return row;
	}

	/** Attempts on one token count together, like attempts on one email at sign-in. */
	private throttleKey( token: string ): string {
		return `invite:${ sha256( token ).slice( 0, 16 ) }`;
	}
}
