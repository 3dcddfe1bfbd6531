import { QueryTypes, type Transaction } from 'sequelize';
import type { SiteCreditCap, SiteCreditCaps } from '@igny8/shared-types';
import { recordAudit, type AuditActor } from '../../audit';
import type { Database } from '../../db/connection';
import { ApiError, NotFoundError } from '../../http/errors';

/**
 * Per-site monthly credit caps: a site may spend at most its cap in a UTC
 * calendar month. "Spent" is what the ledger says: the net credits of the
 * site's jobs started this month — each reservation less what settling or
 * refunding it gave back, a job still running counting its whole
 * reservation — the same figure /billing/usage/ draws per site.
 *
 * The cap is enforced where credits are reserved (CreditService.reserve, the
 * one place every AI run and automation step reserves): see `checkRoom`.
 * The month is read off the database's clock, so the check and the figures
 * the API shows never disagree about which month it is.
 */

/** 00:00 UTC on the 1st of the database's current month, as a timestamptz. */
const MONTH_START =
	"(date_trunc('month', NOW() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')";

/**
 * The net credits of a site's jobs started since `since` (a SQL timestamptz):
 * reserves are negative, settle and refund rows give back, so minus the sum
 * is what the jobs cost (or hold, while they run).
 */
const USED_SINCE = ( since: string, site: string ) => `
	SELECT r.site_id, -SUM(t.amount) AS used
	FROM credit_transactions r
	JOIN credit_transactions t
	  ON t.job_id = r.job_id AND t.account_id = r.account_id AND t.type IN ('reserve', 'settle', 'refund')
	WHERE r.type = 'reserve' AND r.account_id = :accountId AND ${ site }
	  AND r.created_at >= ${ since }
	GROUP BY r.site_id`;

export class SiteCreditCapError extends ApiError {
	constructor(
		readonly siteName: string,
		readonly cap: number,
		readonly used: number,
		readonly needed: number
	) {
		const left = Math.max( 0, cap - used );
		super(
			'site_credit_cap_reached',
			`“${ siteName }” has reached its monthly credit cap: the cap is ${ cap } credits, the site has used ${ used } this month (UTC calendar month, ${ left } left) and this needs ${ needed }. Nothing was charged. An owner or admin can raise the site's cap in the IGNY8 console (Credits & usage), or wait until the 1st (00:00 UTC), when the month starts over.`
		);
	}
}

type CapRow = {
	site_id: string | number;
	site_name: string;
	monthly_cap: number | null;
	used: number;
	set_by: string | number | null;
	set_by_name: string | null;
	set_at: Date | null;
	month: string;
	month_start: Date;
	resets_at: Date;
};

const serialize = ( row: CapRow ): SiteCreditCap => ( {
	site_id: Number( row.site_id ),
	site_name: row.site_name,
	monthly_cap: row.monthly_cap,
	used: Number( row.used ),
	remaining:
		row.monthly_cap === null
			? null
			: Math.max( 0, row.monthly_cap - Number( row.used ) ),
	set_by: row.set_by === null ? null : Number( row.set_by ),
	set_by_name: row.set_by_name,
	set_at: row.set_at ? new Date( row.set_at ).toISOString() : null,
} );

export class SiteCapService {
	constructor( private readonly db: Database ) {}

	/**
	 * Every site of the account (or the one a confined caller may see), each
	 * with its cap or null and what it used this month. One query.
	 */
	async list(
		accountId: number,
		siteId?: number
	): Promise< SiteCreditCaps > {
		const rows = await this.rows( accountId, siteId );
		const month = rows[ 0 ] ?? ( await this.month() );
		return {
			month: month.month,
			month_start: new Date( month.month_start ).toISOString(),
			resets_at: new Date( month.resets_at ).toISOString(),
			sites: rows.map( serialize ),
		};
	}

	/** One site of the account; 404 for a site that is not the account's. */
	async get( accountId: number, siteId: number ): Promise< SiteCreditCap > {
		const [ row ] = await this.rows( accountId, siteId );
		if ( ! row ) {
			throw new NotFoundError();
		}
		return serialize( row );
	}

	/**
	 * Sets (or, with null, removes) a site's cap. Setting the value it has
	 * already changes nothing, not even who set it and when: a repeated PUT
	 * is a no-op. A cap below what the site used already is allowed: the
	 * site simply has no room left this month.
	 */
	async set(
		accountId: number,
		siteId: number,
		monthlyCap: number | null,
		who: AuditActor
	): Promise< SiteCreditCap > {
		return this.db.sequelize.transaction( async ( transaction ) => {
			const [ site ] = await this.db.sequelize.query< {
				id: number;
				name: string;
				cap: number | null;
			} >(
				`SELECT s.id, s.name, c.monthly_cap AS cap FROM sites s
				 LEFT JOIN site_credit_caps c ON c.site_id = s.id
				 WHERE s.id = :siteId AND s.account_id = :accountId
				 FOR UPDATE OF s`,
				{
					replacements: { siteId, accountId },
					type: QueryTypes.SELECT,
					transaction,
				}
			);
			if ( ! site ) {
				throw new NotFoundError();
			}
			if ( site.cap !== monthlyCap ) {
				await recordAudit( this.db.sequelize, transaction, {
					account_id: accountId,
					actor: who,
					action: 'site.credit_cap_set',
					target_type: 'site',
					target_id: siteId,
					target_label: site.name,
					site_id: siteId,
					details: { from: site.cap, to: monthlyCap },
				} );
			}
			if ( monthlyCap === null ) {
				await this.db.sequelize.query(
					'DELETE FROM site_credit_caps WHERE site_id = :siteId AND account_id = :accountId',
					{ replacements: { siteId, accountId }, transaction }
				);
			} else {
				await this.db.sequelize.query(
					`INSERT INTO site_credit_caps (site_id, account_id, monthly_cap, set_by)
					 VALUES (:siteId, :accountId, :monthlyCap, :userId)
					 ON CONFLICT (site_id) DO UPDATE SET monthly_cap = EXCLUDED.monthly_cap, set_by = EXCLUDED.set_by, set_at = NOW()
					 WHERE site_credit_caps.monthly_cap <> EXCLUDED.monthly_cap`,
					{
						replacements: {
							siteId,
							accountId,
							monthlyCap,
							userId: who.user_id,
						},
						transaction,
					}
				);
			}
			const [ row ] = await this.rows( accountId, siteId, transaction );
			return serialize( row! );
		} );
	}

	/** A capped site's cap and what it used this month; null for a site without a cap. */
	async room(
		accountId: number,
		siteId: number
	): Promise< { cap: number; used: number; siteName: string } | null > {
		const [ row ] = await this.rows( accountId, siteId );
		if ( ! row || row.monthly_cap === null ) {
			return null;
		}
		return {
			cap: row.monthly_cap,
			used: Number( row.used ),
			siteName: row.site_name,
		};
	}

	private async rows(
		accountId: number,
		siteId?: number,
		transaction?: Transaction
	): Promise< CapRow[] > {
		const one = siteId !== undefined;
		return this.db.sequelize.query< CapRow >(
			`WITH used AS (${ USED_SINCE( MONTH_START, one ? 'r.site_id = :siteId' : 'r.site_id IS NOT NULL' ) })
			 SELECT s.id AS site_id, s.name AS site_name, c.monthly_cap, COALESCE(u.used, 0)::int AS used,
			   c.set_by, p.username AS set_by_name, c.set_at,
			   to_char(NOW() AT TIME ZONE 'UTC', 'YYYY-MM') AS month,
			   ${ MONTH_START } AS month_start,
			   ${ MONTH_START } + INTERVAL '1 month' AS resets_at
			 FROM sites s
			 LEFT JOIN site_credit_caps c ON c.site_id = s.id AND c.account_id = s.account_id
			 LEFT JOIN used u ON u.site_id = s.id
			 LEFT JOIN users p ON p.id = c.set_by
			 WHERE s.account_id = :accountId${ one ? ' AND s.id = :siteId' : '' }
			 ORDER BY lower(s.name), s.id`,
			{
				replacements: { accountId, siteId: siteId ?? null },
				type: QueryTypes.SELECT,
				transaction,
			}
		);
	}

	private async month(): Promise<
		Pick< CapRow, 'month' | 'month_start' | 'resets_at' >
	> {
		const [ row ] = await this.db.sequelize.query<
			Pick< CapRow, 'month' | 'month_start' | 'resets_at' >
		>(
			`SELECT to_char(NOW() AT TIME ZONE 'UTC', 'YYYY-MM') AS month,
			   ${ MONTH_START } AS month_start,
			   ${ MONTH_START } + INTERVAL '1 month' AS resets_at`,
			{ type: QueryTypes.SELECT }
		);
		return row!;
	}
}

/**
 * Refuses a reservation a capped site has no room for; nothing for a site
 * without a cap. Runs inside the reservation's transaction, before the
 * debit: the cap row is locked FOR UPDATE first, so every reservation of a
 * capped site waits for the one before it to commit or roll back, and the
 * count that follows — a new statement, so a new snapshot — includes it. Two
 * reservations racing for the last room thus never both pass. A job that
 * has reserved already passes (its reservation is answered again, not made
 * twice).
 */
export async function checkRoom(
	db: Database,
	reservation: {
		accountId: number;
		siteId: number;
		jobId: string;
		amount: number;
	},
	transaction: Transaction
): Promise< void > {
	const replacements = {
		accountId: reservation.accountId,
		siteId: reservation.siteId,
		jobId: reservation.jobId,
	};
	const [ cap ] = await db.sequelize.query< { monthly_cap: number } >(
		`SELECT monthly_cap FROM site_credit_caps
		 WHERE site_id = :siteId AND account_id = :accountId
		 FOR UPDATE`,
		{ replacements, type: QueryTypes.SELECT, transaction }
	);
	if ( ! cap ) {
		return;
	}
	const [ state ] = await db.sequelize.query< {
		used: number;
		reserved: boolean;
		site_name: string;
	} >(
		`WITH used AS (${ USED_SINCE( MONTH_START, 'r.site_id = :siteId' ) })
		 SELECT COALESCE((SELECT used FROM used), 0)::int AS used,
		   EXISTS (SELECT 1 FROM credit_transactions WHERE job_id = :jobId AND type = 'reserve') AS reserved,
		   (SELECT name FROM sites WHERE id = :siteId) AS site_name`,
		{ replacements, type: QueryTypes.SELECT, transaction }
	);
	if (
		! state!.reserved &&
		state!.used + reservation.amount > cap.monthly_cap
	) {
		throw new SiteCreditCapError(
			state!.site_name ?? `Site ${ reservation.siteId }`,
			cap.monthly_cap,
			state!.used,
			reservation.amount
		);
	}
}
