import {
	Op,
	type Model,
	type ModelStatic,
	type Transaction,
	type WhereOptions,
} from 'sequelize';
import { z } from 'zod';
import { listQuerySchema } from '@igny8/shared-types';
import { NotFoundError, PermissionDeniedError } from '../../http/errors';
import type { Principal } from '../auth';

/** List query for account-owned resources; developers may name another account. */
export const accountListQuerySchema = listQuerySchema.extend( {
	account_id: z.coerce.number().int().positive().optional(),
} );

/**
 * The account whose rows a caller sees. Everyone sees their own; only the
 * developer (support) role may look into another, and only to read.
 */
export function scopedAccountId(
	principal: Principal,
	requested?: number
): number {
	if ( requested !== undefined && requested !== principal.account.id ) {
		if ( principal.kind !== 'user' || principal.role !== 'developer' ) {
			throw new PermissionDeniedError(
				'You can only see your own account.'
			);
		}
		return requested;
	}
	return principal.account.id;
}

/**
 * Loads one row of the caller's account. Another account's row answers
 * exactly like a missing one (404): ids must not reveal what exists elsewhere.
 */
export async function findOwned< M extends Model >(
	model: ModelStatic< M >,
	id: number,
	accountId: number,
	options: {
		transaction?: Transaction;
		lock?: boolean;
		where?: WhereOptions;
	} = {}
): Promise< M > {
	const row = await model.findOne( {
		// AND, not a merge: a caller's narrowing (a site key's own site id)
		// must never be overwritten by the id asked for.
		where: {
			[ Op.and ]: [ { id, account_id: accountId }, options.where ?? {} ],
		} as WhereOptions,
		transaction: options.transaction,
		lock:
			options.lock && options.transaction
				? options.transaction.LOCK.UPDATE
				: undefined,
	} );
	if ( ! row ) {
		throw new NotFoundError( `${ model.name } not found.` );
	}
	return row;
}
