import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import type {
	Role,
	userCreateSchema,
	userUpdateSchema,
} from '@igny8/shared-types';
import { recordAudit, type AuditActor } from '../../audit';
import type { Database } from '../../db/connection';
import type { Models, UserRow } from '../../db/models';
import { PermissionDeniedError, ValidationError } from '../../http/errors';
import { hashPassword, canManageRole } from '../auth';
import type { UserPrincipal } from '../auth';
import type { AuthService } from '../auth';
import { findOwned } from './scope';

type UserCreate = z.infer< typeof userCreateSchema >;
type UserUpdate = z.infer< typeof userUpdateSchema >;

/**
 * People of an account. Admins manage roles up to admin, owners manage all;
 * an account never loses its last active owner, and nobody locks themselves out.
 */
export class UserService {
	constructor(
		private readonly db: Database,
		private readonly models: Models,
		private readonly auth: AuthService
	) {}

	async create(
		actor: UserPrincipal,
		input: UserCreate,
		who: AuditActor
	): Promise< UserRow > {
		this.assertMayAssign( actor.role, input.role );
		const passwordHash = await hashPassword( input.password );
		return this.db.sequelize.transaction( async ( transaction ) => {
			await this.auth.assertIdentityFree(
				input.email,
				input.username,
				transaction
			);
			const user = await this.models.User.create(
				{
					email: input.email,
					username: input.username,
					password_hash: passwordHash,
					account_id: actor.account.id,
					role: input.role,
					last_login: null,
				},
				{ transaction }
			);
			await recordAudit( this.db.sequelize, transaction, {
				account_id: actor.account.id,
				actor: who,
				action: 'user.created',
				target_type: 'user',
				target_id: user.id,
				target_label: user.email,
				details: { role: user.role },
			} );
			return user;
		} );
	}

	async update(
		actor: UserPrincipal,
		id: number,
		input: UserUpdate,
		who: AuditActor
	): Promise< UserRow > {
		return this.db.sequelize.transaction( async ( transaction ) => {
			// Lock the account row: two admins demoting the last two owners at once must not both succeed.
			await this.models.Account.findByPk( actor.account.id, {
				transaction,
				lock: transaction.LOCK.UPDATE,
			} );
			const user = await findOwned(
				this.models.User,
				id,
				actor.account.id,
				{ transaction }
			);
			if ( user.id !== actor.user.id ) {
				this.assertMayAssign( actor.role, user.role );
			}
			if ( input.role !== undefined && input.role !== user.role ) {
				if ( user.id === actor.user.id ) {
					throw new PermissionDeniedError(
						'You cannot change your own role.'
					);
				}
				this.assertMayAssign( actor.role, input.role );
			}
			if ( input.is_active === false && user.id === actor.user.id ) {
				throw new PermissionDeniedError(
					'You cannot deactivate yourself.'
				);
			}
			const losesOwner =
				user.role === 'owner' &&
				( ( input.role && input.role !== 'owner' ) ||
					input.is_active === false );
			if ( losesOwner ) {
				const owners = await this.models.User.count( {
					where: {
						account_id: actor.account.id,
						role: 'owner',
						is_active: true,
					},
					transaction,
				} );
				if ( owners <= 1 ) {
					throw new ValidationError( 'Invalid body.', {
						role: [
							'an account must keep at least one active owner',
						],
					} );
				}
			}
			if (
				input.username !== undefined &&
				input.username !== user.username
			) {
				const clash = await this.models.User.findOne( {
					where: { username: input.username },
					transaction,
				} );
				if ( clash ) {
					throw new ValidationError( 'Invalid body.', {
						username: [ 'is already taken' ],
					} );
				}
			}
			const before = { role: user.role, is_active: user.is_active };
			await user.update( input, { transaction } );
			if ( input.is_active === false ) {
				await this.auth.revokeSessionsOf( user.id, transaction );
			}
			await this.audit( actor, who, user, before, transaction );
			return user;
		} );
	}

	/** What an update changed that the audit log keeps: a role, or someone removed or back. */
	private async audit(
		actor: UserPrincipal,
		who: AuditActor,
		user: UserRow,
		before: { role: Role; is_active: boolean },
		transaction: Transaction
	): Promise< void > {
		const entry = {
			account_id: actor.account.id,
			actor: who,
			target_type: 'user',
			target_id: user.id,
			target_label: user.email,
		};
		if ( user.role !== before.role ) {
			await recordAudit( this.db.sequelize, transaction, {
				...entry,
				action: 'user.role_changed',
				details: { from: before.role, to: user.role },
			} );
		}
		if ( user.is_active !== before.is_active ) {
			await recordAudit( this.db.sequelize, transaction, {
				...entry,
				action: user.is_active ? 'user.restored' : 'user.removed',
				details: { role: user.role },
			} );
		}
	}

	private assertMayAssign( actor: Role, target: Role ): void {
		if ( ! canManageRole( actor, target ) ) {
			throw new PermissionDeniedError(
				`Your role (${ actor }) cannot manage users with the ${ target } role.`
			);
		}
	}
}
