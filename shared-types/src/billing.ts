import { z } from 'zod';
import { aiFunctionSchema } from './ai';
import { idParam, idSchema, listQuerySchema, timestampSchema } from './common';

export const creditTransactionTypeSchema = z.enum( [
	'grant',
	'topup',
	'reserve',
	'settle',
	'refund',
	'adjustment',
] );

export const balanceSchema = z.object( {
	account_id: idSchema,
	credits: z.number().int(),
	plan: z.object( {
		name: z.string(),
		slug: z.string(),
		monthly_credits: z.number().int(),
	} ),
} );

export const creditTransactionSchema = z.object( {
	id: idSchema,
	type: creditTransactionTypeSchema,
	/** Signed: negative takes credits, positive gives them back or adds them. */
	amount: z.number().int(),
	balance_after: z.number().int(),
	job_id: z.string().nullable(),
	site_id: idSchema.nullable(),
	function_name: z.string().nullable(),
	description: z.string(),
	created_at: timestampSchema,
} );

export const transactionListQuerySchema = listQuerySchema.extend( {
	type: creditTransactionTypeSchema.optional(),
	site_id: idParam.optional(),
} );

export const usageQuerySchema = z.object( {
	/** Inclusive, YYYY-MM-DD (UTC). Default: 30 days ago. */
	from: z.iso.date().optional(),
	/** Inclusive, YYYY-MM-DD (UTC). Default: today. */
	to: z.iso.date().optional(),
	site_id: idParam.optional(),
} );

export const usageSchema = z.object( {
	from: z.string(),
	to: z.string(),
	total_credits: z.number().int(),
	rows: z.array(
		z.object( {
			day: z.string(),
			function_name: z.string().nullable(),
			site_id: idSchema.nullable(),
			jobs: z.number().int(),
			credits: z.number().int(),
		} )
	),
} );

export type Balance = z.infer< typeof balanceSchema >;
export type CreditTransactionOut = z.infer< typeof creditTransactionSchema >;
export type Usage = z.infer< typeof usageSchema >;

/** POST /billing/estimate/: what starting an AI function with this input would reserve. */
export const estimateRequestSchema = z.strictObject( {
	function: aiFunctionSchema,
	/** The function's own input, as its endpoint passes it to the engine. */
	input: z.record( z.string(), z.unknown() ),
} );

export const estimateSchema = z.object( {
	function: z.string(),
	/** Credits the run would reserve: the most it can cost (the charge follows what it made and the tokens used). */
	credits: z.number().int(),
	balance: z.number().int(),
	sufficient: z.boolean(),
	/** Tokens the reservation covers, weighted by the text model's price (0 on the account's own key). */
	tokens: z.number().int(),
	/** The longest answer each request may ask for; null: the account's own key, which sets none. */
	max_tokens: z.number().int().nullable(),
} );

export type Estimate = z.infer< typeof estimateSchema >;

/**
 * Per-site monthly credit caps. A month is the UTC calendar month; "used" is
 * the net credits of the site's AI runs started this month: what they
 * reserved, less what settling or refunding gave back (a run still going
 * counts its whole reservation).
 */
export const MAX_SITE_CREDIT_CAP = 100_000_000;

export const siteCreditCapSchema = z.object( {
	site_id: idSchema,
	site_name: z.string(),
	/** Credits the site may spend per UTC calendar month; null: no cap (only the account's balance limits it). */
	monthly_cap: z.number().int().positive().nullable(),
	/** Net credits of the site's runs started this month (UTC). */
	used: z.number().int(),
	/** What is left under the cap this month (never below 0); null without a cap. */
	remaining: z.number().int().nullable(),
	/** Who set the cap (an account user), and when; null without a cap. */
	set_by: idSchema.nullable(),
	set_by_name: z.string().nullable(),
	set_at: timestampSchema.nullable(),
} );

export const siteCreditCapsSchema = z.object( {
	/** The month the figures are for, YYYY-MM (UTC). */
	month: z.string(),
	/** When this month started and the next one starts (00:00 UTC on the 1st). */
	month_start: timestampSchema,
	resets_at: timestampSchema,
	sites: z.array( siteCreditCapSchema ),
} );

export const siteCreditCapsQuerySchema = z.object( {
	/** One site only (a site page); another account's site lists nothing. */
	site_id: idParam.optional(),
} );

export const siteCreditCapUpdateSchema = z.strictObject( {
	/** Whole credits per UTC calendar month, at least 1; null removes the cap. */
	monthly_cap: z
		.number( {
			error: 'must be a whole number of credits (at least 1), or null to remove the cap',
		} )
		.int( 'must be a whole number of credits' )
		.min( 1, 'must be at least 1 credit (or null to remove the cap)' )
		.max(
			MAX_SITE_CREDIT_CAP,
			`must be at most ${ MAX_SITE_CREDIT_CAP.toLocaleString( 'en' ) } credits`
		)
		.nullable(),
} );

export type SiteCreditCap = z.infer< typeof siteCreditCapSchema >;
export type SiteCreditCaps = z.infer< typeof siteCreditCapsSchema >;
export type SiteCreditCapUpdate = z.infer< typeof siteCreditCapUpdateSchema >;
