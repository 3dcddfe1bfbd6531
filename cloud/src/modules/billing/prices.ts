import { QueryTypes, type Transaction } from 'sequelize';
import type { Metered } from '../ai';
import type { Database } from '../../db/connection';

/**
 * What AI work costs, per plan (table `ai_function_prices`). A plan's own row
 * for a function wins; otherwise the function's default row (`plan_id` NULL).
 *
 *   credits = ceil(items × credits_per_item + tokens / 1000 × credits_per_1k_tokens)
 *   and at least `min_credits` when the run did any work at all.
 *
 * Rates are NUMERIC(10, 4); the sum is done in ten-thousandths of a credit
 * (integers), so 30 × 0.1 is exactly 3, never 3.0000000000000004 → 4.
 */

export type Price = {
	function_name: string;
	/** null: the default price, used by plans without their own. */
	plan_id: number | null;
	credits_per_item: number;
	credits_per_1k_tokens: number;
	min_credits: number;
};

const SCALE = 10_000;

export function creditsFor( price: Price, metered: Metered ): number {
	const items = Math.max( 0, Math.ceil( metered.items ) );
	const tokens = Math.max( 0, Math.ceil( metered.tokens ?? 0 ) );
	const perItem = Math.round( price.credits_per_item * SCALE );
	const perThousand = Math.round( price.credits_per_1k_tokens * SCALE );
	const units =
		items * perItem + Math.ceil( ( tokens * perThousand ) / 1000 );
	if ( units === 0 ) {
		return 0;
	}
	return Math.max( price.min_credits, Math.ceil( units / SCALE ) );
}

export class PriceBook {
	constructor( private readonly db: Database ) {}

	/** The price an account pays for a function: its plan's, else the default. */
	async price(
		accountId: number,
		functionName: string,
		transaction?: Transaction
	): Promise< Price > {
		const [ row ] = await this.db.sequelize.query< {
			function_name: string;
			plan_id: string | number | null;
			credits_per_item: string;
			credits_per_1k_tokens: string;
			min_credits: number;
		} >(
			`SELECT p.function_name, p.plan_id, p.credits_per_item, p.credits_per_1k_tokens, p.min_credits
			 FROM ai_function_prices p
			 WHERE p.function_name = :functionName
			   AND (p.plan_id IS NULL OR p.plan_id = (SELECT plan_id FROM accounts WHERE id = :accountId))
			 ORDER BY p.plan_id NULLS LAST
			 LIMIT 1`,
			{
				replacements: { accountId, functionName },
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		if ( ! row ) {
			// A deployment error (the migration seeds every function), not the caller's.
			throw new Error(
				`No price for the AI function "${ functionName }".`
			);
		}
		return {
			function_name: row.function_name,
			plan_id: row.plan_id === null ? null : Number( row.plan_id ),
			credits_per_item: Number( row.credits_per_item ),
			credits_per_1k_tokens: Number( row.credits_per_1k_tokens ),
			min_credits: row.min_credits,
		};
	}

	/** What to reserve before a run: the price of the most it may do. */
	async estimate(
		accountId: number,
		functionName: string,
		metered: Metered
	): Promise< number > {
		return creditsFor(
			await this.price( accountId, functionName ),
			metered
		);
	}

	/** The price of what a run actually did (the engine caps it by the reservation). */
	async charge(
		accountId: number,
		functionName: string,
		metered: Metered
	): Promise< number > {
		return creditsFor(
			await this.price( accountId, functionName ),
			metered
		);
	}
}
