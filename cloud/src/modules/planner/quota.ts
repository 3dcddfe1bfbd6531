import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { ApiError } from '../../http/errors';

/**
 * The keyword quota: how many keywords an account may hold across its sites
 * (its plan's `max_keywords`). Every way of adding keywords checks it inside
 * the adding transaction, after taking the account's quota lock, so two
 * requests racing for the last room are served one after the other.
 *
 * An import is checked when it is accepted (its rows are known then, the
 * job runs later): it reserves its room on its own row
 * (`keyword_imports.reserved_keywords`), and the part it has not imported yet
 * counts as used until the import ends. So an accepted import always fits,
 * and a refused one changes nothing.
 */

export type Quota = {
	plan: string;
	limit: number;
	/** Keywords the account holds. */
	used: number;
	/** Keywords accepted imports may still add. */
	reserved: number;
};

/** Arbitrary, fixed: the advisory-lock namespace of keyword quotas (the key is the account). */
const QUOTA_LOCK = 8_808_012;

/** The account's quota, locked until `transaction` ends. */
export async function lockQuota(
	sequelize: Sequelize,
	accountId: number,
	transaction: Transaction
): Promise< Quota > {
	await sequelize.query(
		'SELECT pg_advisory_xact_lock(:namespace, hashint8(:accountId))',
		{
			replacements: { namespace: QUOTA_LOCK, accountId },
			transaction,
		}
	);
	return readQuota( sequelize, accountId, transaction );
}

/** The account's quota as it stands (unlocked: a first look before the real check). */
export async function readQuota(
	sequelize: Sequelize,
	accountId: number,
	transaction?: Transaction
): Promise< Quota > {
	const [ row ] = await sequelize.query< Quota >(
		`SELECT p.name AS plan, p.max_keywords AS "limit",
			(SELECT COUNT(*) FROM keywords k WHERE k.account_id = a.id)::int AS used,
			(SELECT COALESCE(SUM(GREATEST(i.reserved_keywords - i.imported, 0)), 0)
			 FROM keyword_imports i
			 WHERE i.account_id = a.id AND i.status IN ('queued', 'running'))::int AS reserved
		 FROM accounts a JOIN plans p ON p.id = a.plan_id
		 WHERE a.id = :accountId`,
		{
			replacements: { accountId },
			type: QueryTypes.SELECT,
			transaction,
		}
	);
	if ( ! row ) {
		throw new Error( `Account ${ accountId } has no plan.` );
	}
	return row;
}

/** Keywords that still fit. */
export const roomIn = ( quota: Quota ) =>
	Math.max( 0, quota.limit - quota.used - quota.reserved );

const count = ( n: number ) => n.toLocaleString( 'en-US' );

/**
 * The refusal, with the numbers and what to do: "Your Starter plan allows
 * 5,000 keywords; this import would add 7,200 to your 1,000 (room for 4,000
 * more). Remove some keywords or upgrade your plan."
 */
export function quotaExceeded(
	quota: Quota,
	adding: number,
	what: 'this import' | 'these keywords' | 'this keyword'
): ApiError {
	const pending = quota.reserved
		? ` and the ${ count( quota.reserved ) } an import in progress may add`
		: '';
	return new ApiError(
		'plan_limit_reached',
		`Your ${ quota.plan } plan allows ${ count( quota.limit ) } keywords; ${ what } would add ${ count( adding ) } to your ${ count( quota.used ) }${ pending } (room for ${ count( roomIn( quota ) ) } more). Remove some keywords or upgrade your plan.`
	);
}

/** Refuses unless `adding` more keywords fit; call with the quota locked. */
export function assertRoom(
	quota: Quota,
	adding: number,
	what: Parameters< typeof quotaExceeded >[ 2 ]
): void {
	if ( adding > roomIn( quota ) ) {
		throw quotaExceeded( quota, adding, what );
	}
}
