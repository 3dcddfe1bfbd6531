import { QueryTypes, UniqueConstraintError } from 'sequelize';
import type { Database } from '../../db/connection';
import { ValidationError } from '../../http/errors';
import type { Logger } from '../../logger';
import type { JobDefinition, JobQueue } from '../../queue';
import type { CreditService } from './credits';

/**
 * Monthly plan grants: every active (or trial) account receives its plan's
 * `monthly_credits` once per calendar month (UTC). "Once" is the ledger's
 * idempotency key `grant:<account>:<YYYY-MM>`, so any number of runs — a
 * retried job, several workers, the CLI on top — grant each month once.
 * Accounts that are suspended or cancelled, or whose plan is inactive or
 * grants nothing, are skipped.
 *
 * Scheduling: the scheduler (jobs/periodic.ts) enqueues `billing.grants`
 * once an hour with the hour as job id; a month's grants thus land within an
 * hour of its start, and an account created mid-month gets that month's
 * within the hour.
 */

export const GRANTS_JOB = 'billing.grants';
export type GrantsJob = { month: string };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export type GrantReport = {
	month: string;
	/** Accounts credited by this run. */
	granted: number;
	credits: number;
	/** Eligible accounts that had this month's grant already. */
	already: number;
	/** Accounts not eligible: inactive, or a plan that grants nothing. */
	skipped: number;
};

/** `YYYY-MM` of a moment, in UTC. */
export const monthOf = ( date: Date ) => date.toISOString().slice( 0, 7 );

export const grantKey = ( accountId: number, month: string ) =>
	`grant:${ accountId }:${ month }`;

export class GrantService {
	constructor(
		private readonly db: Database,
		private readonly credits: CreditService,
		private readonly queue: JobQueue,
		private readonly logger: Logger
	) {}

	/** Grants `month` (default: the current one) to every eligible account that lacks it. */
	async grantMonth(
		month = monthOf( new Date() ),
		now = new Date()
	): Promise< GrantReport > {
		if ( ! MONTH.test( month ) ) {
			throw new ValidationError( 'Invalid month.', {
				month: [ 'must be YYYY-MM' ],
			} );
		}
		if ( month > monthOf( now ) ) {
			throw new ValidationError( 'Invalid month.', {
				month: [ `${ month } has not started yet` ],
			} );
		}
		const accounts = await this.db.sequelize.query< {
			id: string | number;
			amount: number;
			plan: string;
			eligible: boolean;
			granted: boolean;
		} >(
			`SELECT a.id, p.monthly_credits AS amount, p.name AS plan,
			   (a.status IN ('active', 'trial') AND p.is_active AND p.monthly_credits > 0) AS eligible,
			   EXISTS (SELECT 1 FROM credit_transactions t
			           WHERE t.account_id = a.id AND t.idempotency_key = 'grant:' || a.id || ':' || :month) AS granted
			 FROM accounts a JOIN plans p ON p.id = a.plan_id
			 ORDER BY a.id`,
			{ replacements: { month }, type: QueryTypes.SELECT }
		);
		const report: GrantReport = {
			month,
			granted: 0,
			credits: 0,
			already: 0,
			skipped: 0,
		};
		for ( const account of accounts ) {
			if ( ! account.eligible ) {
				report.skipped += 1;
				continue;
			}
			if ( account.granted ) {
				report.already += 1;
				continue;
			}
			const accountId = Number( account.id );
			try {
				await this.credits.add(
					accountId,
					account.amount,
					'grant',
					`${ account.plan } plan: monthly credits for ${ month }`,
					grantKey( accountId, month )
				);
				report.granted += 1;
				report.credits += account.amount;
			} catch ( error ) {
				// A parallel run granted it between our read and write: the key held, nothing doubled.
				if ( error instanceof UniqueConstraintError ) {
					report.already += 1;
					continue;
				}
				throw error;
			}
		}
		this.logger.info( report, 'monthly grants' );
		return report;
	}

	job(): JobDefinition< GrantsJob, GrantReport > {
		return {
			type: GRANTS_JOB,
			concurrency: 1,
			retries: 3,
			timeoutMs: 10 * 60_000,
			handler: ( job ) => this.grantMonth( job.data.month ),
		};
	}

	/**
	 * Enqueues this hour's grants job (what the scheduler runs hourly). The job
	 * id is the hour, and grants are idempotent per account and month, so an
	 * extra enqueue or run never grants twice.
	 */
	async enqueueThisHour( now = new Date() ): Promise< void > {
		await this.queue.enqueue< GrantsJob >(
			GRANTS_JOB,
			{ month: monthOf( now ) },
			{ jobId: `billing-grants-${ now.toISOString().slice( 0, 13 ) }` }
		);
	}
}
