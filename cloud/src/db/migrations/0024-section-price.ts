import type { Migration } from '../migrate';

/**
 * The default price of `regenerate_section` (one section of a draft
 * rewritten): a fifth of an article per section plus its tokens, like the
 * other text functions since 0016. An operator's own row is left alone.
 */
const PRICE = {
	function_name: 'regenerate_section',
	per_item: 1,
	per_1k: 0.1,
	min: 1,
};

export const migration: Migration = {
	name: '0024-section-price',
	async up( { context: qi } ) {
		await qi.sequelize.query(
			`INSERT INTO ai_function_prices (plan_id, function_name, credits_per_item, credits_per_1k_tokens, min_credits)
			 SELECT NULL, :function_name, :per_item, :per_1k, :min
			 WHERE NOT EXISTS (SELECT 1 FROM ai_function_prices WHERE plan_id IS NULL AND function_name = :function_name)`,
			{ replacements: { ...PRICE } }
		);
	},
	async down( { context: qi } ) {
		await qi.sequelize.query(
			'DELETE FROM ai_function_prices WHERE plan_id IS NULL AND function_name = :function_name',
			{ replacements: { function_name: PRICE.function_name } }
		);
	},
};
