import { QueryTypes } from 'sequelize';
import {
	balanceSchema,
	creditTransactionSchema,
	idPathSchema,
	siteCreditCapSchema,
	siteCreditCapsQuerySchema,
	siteCreditCapsSchema,
	siteCreditCapUpdateSchema,
	transactionListQuerySchema,
	usageQuerySchema,
	usageSchema,
} from '@igny8/shared-types';
import { auditActor } from '../../audit';
import type { Database } from '../../db/connection';
import type { CreditTransactionRow, Models } from '../../db/models';
import { ValidationError } from '../../http/errors';
import { paginate } from '../../http/pagination';
import { route, type AnyRoute } from '../../http/route';
import { narrowedSiteId } from '../auth';
import type { SiteCapService } from './site-caps';

const serializeTransaction = ( row: CreditTransactionRow ) => ( {
	id: row.id,
	type: row.type,
	amount: row.amount,
	balance_after: row.balance_after,
	job_id: row.job_id,
	site_id: row.site_id,
	function_name: row.function_name,
	description: row.description,
	created_at: row.created_at.toISOString(),
} );

const DAY_MS = 86_400_000;

/**
 * The seed's Billing module: balance, the ledger, and usage over time.
 * Everyone in the account may read them; a WordPress site's session sees the
 * balance and only its own site's movements and usage. Per-site monthly
 * caps: everyone reads them (a site session its own site's), the sites'
 * managers (owner, admin) set them from the console.
 */
export function billingRoutes( {
	db,
	models,
	siteCaps,
}: {
	db: Database;
	models: Models;
	siteCaps: SiteCapService;
} ): AnyRoute[] {
	return [
		route( {
			method: 'get',
			path: '/billing/balance/',
			summary: 'Your account’s credit balance and plan',
			tag: 'billing',
			auth: 'user',
			response: { data: balanceSchema },
			handler: async ( { principal } ) => {
				const account = await models.Account.findByPk(
					principal.account.id
				);
				const plan = await models.Plan.findByPk( account!.plan_id );
				return {
					data: {
						account_id: account!.id,
						credits: account!.credits,
						plan: {
							name: plan!.name,
							slug: plan!.slug,
							monthly_credits: plan!.monthly_credits,
						},
					},
				};
			},
		} ),
		route( {
			method: 'get',
			path: '/billing/transactions/',
			summary: 'Every credit movement of your account, newest first',
			tag: 'billing',
			auth: 'user',
			query: transactionListQuerySchema,
			response: { list: creditTransactionSchema },
			handler: async ( { query, principal, req } ) => {
				const siteId = narrowedSiteId( principal, query.site_id );
				return {
					list: await paginate(
						req,
						models.CreditTransaction,
						query,
						{
							account_id: principal.account.id,
							...( query.type ? { type: query.type } : {} ),
							...( siteId !== undefined
								? { site_id: siteId }
								: {} ),
						},
						{
							orderingFields: [ 'id', 'created_at', 'amount' ],
							searchFields: [ 'description', 'function_name' ],
							defaultOrdering: '-id',
						},
						serializeTransaction
					),
				};
			},
		} ),
		route( {
			method: 'get',
			path: '/billing/usage/',
			summary:
				'Credits spent per day, function and site (a job counts on the day it started)',
			tag: 'billing',
			auth: 'user',
			query: usageQuerySchema,
			response: { data: usageSchema },
			handler: async ( { query, principal } ) => {
				const siteId = narrowedSiteId( principal, query.site_id );
				const to = query.to ?? new Date().toISOString().slice( 0, 10 );
				const from =
					query.from ??
					new Date( Date.parse( to ) - 30 * DAY_MS )
						.toISOString()
						.slice( 0, 10 );
				if ( from > to ) {
					throw new ValidationError( 'Invalid query.', {
						from: [ 'must not be after "to"' ],
					} );
				}
				// A job's net cost: its reserve (negative) plus what settle or refund gave back.
				const rows = await db.sequelize.query< {
					day: string;
					function_name: string | null;
					site_id: number | null;
					jobs: number;
					credits: number;
				} >(
					`WITH jobs AS (
						SELECT job_id, MIN(created_at) AS started, MAX(function_name) AS function_name, MAX(site_id) AS site_id, -SUM(amount) AS credits
						FROM credit_transactions
						WHERE account_id = :accountId AND job_id IS NOT NULL AND type IN ('reserve', 'settle', 'refund')
						GROUP BY job_id
					)
					SELECT to_char(started AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, function_name, site_id, COUNT(*)::int AS jobs, SUM(credits)::int AS credits
					FROM jobs
					WHERE started >= CAST(:from AS date) AND started < CAST(:to AS date) + 1 ${ siteId !== undefined ? 'AND site_id = :siteId' : '' }
					GROUP BY 1, 2, 3
					ORDER BY 1, 2, 3`,
					{
						replacements: {
							accountId: principal.account.id,
							from,
							to,
							siteId: siteId ?? null,
						},
						type: QueryTypes.SELECT,
					}
				);
				return {
					data: {
						from,
						to,
						total_credits: rows.reduce(
							( sum, r ) => sum + r.credits,
							0
						),
						rows,
					},
				};
			},
		} ),
		route( {
			method: 'get',
			path: '/billing/site-caps/',
			summary:
				'Every site of your account with its monthly credit cap (or none) and the credits it used this month (UTC calendar month)',
			tag: 'billing',
			auth: 'user',
			query: siteCreditCapsQuerySchema,
			response: { data: siteCreditCapsSchema },
			handler: async ( { query, principal } ) => ( {
				data: await siteCaps.list(
					principal.account.id,
					narrowedSiteId( principal, query.site_id )
				),
			} ),
		} ),
		route( {
			method: 'put',
			path: '/billing/site-caps/:id/',
			summary:
				"Set a site's monthly credit cap (whole credits per UTC calendar month), or remove it with null",
			tag: 'billing',
			auth: 'account_user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: siteCreditCapUpdateSchema,
			response: { data: siteCreditCapSchema },
			handler: async ( { params, body, principal, req } ) => {
				const cap = await siteCaps.set(
					principal.account.id,
					params.id,
					body.monthly_cap,
					auditActor( principal, req )
				);
				return {
					data: cap,
					message:
						cap.monthly_cap === null
							? `${ cap.site_name } has no monthly cap now.`
							: `${ cap.site_name } may spend ${ cap.monthly_cap } credits a month (UTC).`,
				};
			},
		} ),
	];
}
