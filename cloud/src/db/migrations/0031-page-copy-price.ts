import type { Migration } from '../migrate';

/**
 * The default price of `write_page_copy` (the paragraphs of one Site
 * Builder page written by AI): a flat 1 credit per page, without a token
 * part, so the estimate is exactly the charge. An operator's own row is
 * left alone.
 */
const PRICE = {
	function_name: 'write_page_copy',
	per_item: 1,
	per_1k: 0,
	min: 1,
};

export const migration: Migration = {
	name: '0031-page-copy-price',
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
