import type { Migration } from '../migrate';

/**
 * The default prices gain a per-1k-token part, so the price follows the
 * tokens a run uses: a longer answer, or a dearer model (its tokens weigh
 * more, see ai/defaults.ts tokenWeight), costs more. The per-item parts of
 * the text functions come down a little, so a typical run costs about what
 * it did. A default row an operator already changed is left as it is.
 * Images use no text tokens and keep their price per image.
 */

const CHANGES = [
	{ function_name: 'auto_cluster', was: 0.1, per_item: 0.08, per_1k: 0.1 },
	{ function_name: 'generate_ideas', was: 1, per_item: 0.8, per_1k: 0.1 },
	{ function_name: 'generate_content', was: 5, per_item: 4.5, per_1k: 0.1 },
	{
		function_name: 'generate_image_prompts',
		was: 1,
		per_item: 0.8,
		per_1k: 0.1,
	},
] as const;

export const migration: Migration = {
	name: '0016-token-prices',
	async up( { context: qi } ) {
		for ( const change of CHANGES ) {
			await qi.sequelize.query(
				`UPDATE ai_function_prices SET credits_per_item = :per_item, credits_per_1k_tokens = :per_1k, updated_at = NOW()
				 WHERE plan_id IS NULL AND function_name = :function_name
				   AND credits_per_item = :was AND credits_per_1k_tokens = 0`,
				{ replacements: { ...change } }
			);
		}
	},
	async down( { context: qi } ) {
		for ( const change of CHANGES ) {
			await qi.sequelize.query(
				`UPDATE ai_function_prices SET credits_per_item = :was, credits_per_1k_tokens = 0, updated_at = NOW()
				 WHERE plan_id IS NULL AND function_name = :function_name
				   AND credits_per_item = :per_item AND credits_per_1k_tokens = :per_1k`,
				{ replacements: { ...change } }
			);
		}
	},
};
