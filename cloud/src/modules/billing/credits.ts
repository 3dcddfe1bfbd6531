import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../db/connection';
import { ApiError } from '../../http/errors';
import { checkRoom } from './site-caps';

export type CreditTransactionType =
	'grant' | 'topup' | 'reserve' | 'settle' | 'refund' | 'adjustment';

export type CreditTransaction = {
	id: number;
	account_id: number;
	type: CreditTransactionType;
	amount: number;
	balance_after: number;
	job_id: string | null;
	site_id: number | null;
	function_name: string | null;
	description: string;
	created_at: Date;
};

export class InsufficientCreditsError extends ApiError {
	constructor(
		readonly needed: number,
		readonly available: number
	) {
		super(
			'insufficient_credits',
			`Not enough credits: this needs ${ needed }, the account has ${ available }. Top up or lower the amount of work.`
		);
	}
}

type Reservation = {
	accountId: number;
	jobId: string;
	amount: number;
	siteId?: number | null;
	functionName?: string | null;
	description: string;
};

/**
 * Moves credits, one ledger row per movement, each in a transaction with the
 * balance change. A job reserves its estimate before it runs (refused with
 * 402 when the balance cannot cover it), then settles its actual cost — the
 * unused part goes back — or is refunded in full if it fails or is cancelled.
 * Each step is idempotent per job: a retried job never pays twice.
 */
export class CreditService {
	constructor( private readonly db: Database ) {}

	async balance( accountId: number ): Promise< number > {
		const [ row ] = await this.db.sequelize.query< { credits: number } >(
			'SELECT credits FROM accounts WHERE id = :accountId',
			{
				replacements: { accountId },
				type: QueryTypes.SELECT,
			}
		);
		if ( ! row ) {
			throw new Error( `Account ${ accountId } not found.` );
		}
		return row.credits;
	}

	/**
	 * Holds a job's estimate. A free job (lexical clustering) holds nothing
	 * and writes no ledger row: without a reservation its settle and refund
	 * are no-ops, so the ledger only ever records credits that moved.
	 * Refused with 402 `insufficient_credits` when the balance cannot cover
	 * it, and with 402 `site_credit_cap_reached` when its site's monthly cap
	 * cannot; a refusal charges and writes nothing.
	 */
	async reserve(
		reservation: Reservation,
		outer?: Transaction
	): Promise< CreditTransaction | null > {
		if ( reservation.amount === 0 ) {
			return null;
		}
		const siteId = reservation.siteId ?? null;
		// Most sites have no cap: one statement debits unless the site has
		// one, so an uncapped reservation costs what it did before caps.
		const row = await this.debit( reservation, outer, siteId !== null );
		if ( row ) {
			return row;
		}
		if (
			siteId !== null &&
			( await this.isCapped( reservation, outer ) )
		) {
			// A capped site's row is locked and its month counted in the same
			// transaction as the debit (site-caps.ts), so concurrent
			// reservations of one capped site are serialized.
			const capped = async ( transaction: Transaction ) => {
				await checkRoom(
					this.db,
					{ ...reservation, siteId },
					transaction
				);
				return this.debit( reservation, transaction, false );
			};
			const debited = outer
				? await capped( outer )
				: await this.db.sequelize.transaction( capped );
			if ( debited ) {
				return debited;
			}
		}
		throw new InsufficientCreditsError(
			reservation.amount,
			await this.balanceIn( reservation.accountId, outer )
		);
	}

	private async isCapped(
		reservation: Reservation,
		transaction?: Transaction
	): Promise< boolean > {
		const [ capped ] = await this.db.sequelize.query(
			'SELECT 1 FROM site_credit_caps WHERE site_id = :siteId AND account_id = :accountId',
			{
				replacements: {
					siteId: reservation.siteId,
					accountId: reservation.accountId,
				},
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		return capped !== undefined;
	}

	/**
	 * Takes a job's reservation from the balance, or answers the one it made
	 * already; nothing when the balance is short (or, `unlessCapped`, when
	 * the site has a monthly cap: the caller checks its room first).
	 */
	private async debit(
		reservation: Reservation,
		outer: Transaction | undefined,
		unlessCapped: boolean
	): Promise< CreditTransaction | undefined > {
		// One statement, so no transaction of its own: a job reserves once (a
		// repeat answers the first reservation), and checking the balance and
		// debiting it together means concurrent reservations never overdraw.
		// Two first reservations of one job racing end on the (job_id, type)
		// unique index. Inside the caller's transaction when given one (a run
		// and its reservation commit together).
		const [ row ] = await this.db.sequelize.query< CreditTransaction >(
			`WITH existing AS (
			   SELECT * FROM credit_transactions WHERE job_id = :jobId AND type = 'reserve'
			 ), debited AS (
			   UPDATE accounts SET credits = credits - :amount, updated_at = NOW()
			   WHERE id = :accountId AND credits >= :amount AND NOT EXISTS (SELECT 1 FROM existing)
			     ${
						unlessCapped
							? 'AND NOT EXISTS (SELECT 1 FROM site_credit_caps WHERE site_id = :siteId::bigint)'
							: ''
					}
			   RETURNING credits
			 ), inserted AS (
			   INSERT INTO credit_transactions (account_id, type, amount, balance_after, job_id, site_id, function_name, description)
			   SELECT :accountId, 'reserve', 0 - :amount, credits, :jobId, :siteId::bigint, :functionName::text, :description::text FROM debited
			   RETURNING *
			 )
			 SELECT * FROM inserted UNION ALL SELECT * FROM existing`,
			{
				replacements: {
					amount: reservation.amount,
					accountId: reservation.accountId,
					jobId: reservation.jobId,
					siteId: reservation.siteId ?? null,
					functionName: reservation.functionName ?? null,
					description: reservation.description.slice( 0, 500 ),
				},
				type: QueryTypes.SELECT,
				transaction: outer,
			}
		);
		return row;
	}

	/**
	 * Settles a job at its actual cost. The reservation is the most a job can
	 * cost: an actual cost above it is capped (the estimate is the price the
	 * user agreed to), and the unused part is returned.
	 */
	async settle(
		jobId: string,
		actual: number,
		description = 'Settled',
		transaction?: Transaction
	): Promise< CreditTransaction | null > {
		return this.close(
			jobId,
			'settle',
			( reserved ) =>
				reserved - Math.max( 0, Math.min( actual, reserved ) ),
			( reserved, returned ) =>
				`${ description } (${ reserved - returned } of ${ reserved } reserved)`,
			transaction
		);
	}

	/** Returns a job's whole reservation (failed or cancelled). A no-op once settled or refunded. */
	async refund(
		jobId: string,
		description = 'Refunded'
	): Promise< CreditTransaction | null > {
		return this.close(
			jobId,
			'refund',
			( reserved ) => reserved,
			() => description
		);
	}

	/**
	 * Ends a job's reservation once: whichever of settle and refund comes
	 * first wins. Inside a caller's transaction (a run saving its results)
	 * the charge commits or rolls back with what it paid for.
	 */
	private async close(
		jobId: string,
		type: 'settle' | 'refund',
		returnedOf: ( reserved: number ) => number,
		describe: ( reserved: number, returned: number ) => string,
		outer?: Transaction
	): Promise< CreditTransaction | null > {
		const work = async ( transaction: Transaction ) => {
			// Locking the reservation serializes a settle racing a refund of the same job.
			const reserve = await this.jobEntry(
				jobId,
				'reserve',
				transaction,
				{ lock: true }
			);
			if ( ! reserve ) {
				return null;
			}
			const reserved = -reserve.amount;
			const returned = returnedOf( reserved );
			// A new statement sees whatever close held the lock before us, so
			// "already closed?", the credit and its ledger row go in one trip.
			const [ row ] = await this.db.sequelize.query< CreditTransaction >(
				`WITH closed AS (
				   SELECT * FROM credit_transactions WHERE job_id = :jobId AND type IN ('settle', 'refund') LIMIT 1
				 ), credited AS (
				   UPDATE accounts SET credits = credits + :returned, updated_at = NOW()
				   WHERE id = :accountId AND NOT EXISTS (SELECT 1 FROM closed)
				   RETURNING credits
				 ), inserted AS (
				   INSERT INTO credit_transactions (account_id, type, amount, balance_after, job_id, site_id, function_name, description)
				   SELECT :accountId, :type, :returned, credits, :jobId, :siteId::bigint, :functionName::text, :description::text FROM credited
				   RETURNING *
				 )
				 SELECT * FROM inserted UNION ALL SELECT * FROM closed`,
				{
					replacements: {
						jobId,
						type,
						returned,
						accountId: reserve.account_id,
						siteId: reserve.site_id,
						functionName: reserve.function_name,
						description: describe( reserved, returned ).slice(
							0,
							500
						),
					},
					type: QueryTypes.SELECT,
					transaction,
				}
			);
			if ( ! row ) {
				throw new Error( `Account ${ reserve.account_id } not found.` );
			}
			return row;
		};
		return outer ? work( outer ) : this.db.sequelize.transaction( work );
	}

	/** Adds credits (a plan's monthly grant, a top-up). `key` makes it happen once. */
	async add(
		accountId: number,
		amount: number,
		type: 'grant' | 'topup' | 'adjustment',
		description: string,
		key: string,
		createdBy: number | null = null
	): Promise< CreditTransaction > {
		return this.db.sequelize.transaction( async ( transaction ) => {
			const [ existing ] =
				await this.db.sequelize.query< CreditTransaction >(
					'SELECT * FROM credit_transactions WHERE account_id = :accountId AND idempotency_key = :key',
					{
						replacements: { accountId, key },
						type: QueryTypes.SELECT,
						transaction,
					}
				);
			if ( existing ) {
				return existing;
			}
			const credits = await this.credit( accountId, amount, transaction );
			return this.record(
				{
					account_id: accountId,
					type,
					amount,
					balance_after: credits,
					job_id: null,
					site_id: null,
					function_name: null,
					description,
					idempotency_key: key,
					created_by: createdBy,
				},
				transaction
			);
		} );
	}

	private async credit(
		accountId: number,
		amount: number,
		transaction: Transaction
	): Promise< number > {
		const [ row ] = await this.db.sequelize.query< { credits: number } >(
			'UPDATE accounts SET credits = credits + :amount, updated_at = NOW() WHERE id = :accountId RETURNING credits',
			{
				replacements: { amount, accountId },
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		if ( ! row ) {
			throw new Error( `Account ${ accountId } not found.` );
		}
		return row.credits;
	}

	private async balanceIn(
		accountId: number,
		transaction?: Transaction
	): Promise< number > {
		const [ row ] = await this.db.sequelize.query< { credits: number } >(
			'SELECT credits FROM accounts WHERE id = :accountId',
			{
				replacements: { accountId },
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		return row?.credits ?? 0;
	}

	private async jobEntry(
		jobId: string,
		type: CreditTransactionType,
		transaction: Transaction,
		options: { lock?: boolean } = {}
	): Promise< CreditTransaction | null > {
		const [ row ] = await this.db.sequelize.query< CreditTransaction >(
			`SELECT * FROM credit_transactions WHERE job_id = :jobId AND type = :type${ options.lock ? ' FOR UPDATE' : '' }`,
			{
				replacements: { jobId, type },
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		return row ?? null;
	}

	private async record(
		entry: Omit< CreditTransaction, 'id' | 'created_at' > & {
			idempotency_key?: string;
			created_by?: number | null;
		},
		transaction: Transaction
	): Promise< CreditTransaction > {
		const [ row ] = await this.db.sequelize.query< CreditTransaction >(
			`INSERT INTO credit_transactions (account_id, type, amount, balance_after, job_id, idempotency_key, site_id, function_name, description, created_by)
			 VALUES (:account_id, :type, :amount, :balance_after, :job_id, :idempotency_key, :site_id, :function_name, :description, :created_by)
			 RETURNING *`,
			{
				replacements: {
					idempotency_key: null,
					created_by: null,
					...entry,
					description: entry.description.slice( 0, 500 ),
				},
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		return row as CreditTransaction;
	}
}
