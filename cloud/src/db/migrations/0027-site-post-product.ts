import type { Migration } from '../migrate';

/**
 * A WooCommerce product's shop facts in the site copy (`site_posts.product`:
 * price, regular and sale price, SKU, stock status, as the bridge export
 * sends them): what a product description is written from. Null for posts
 * that are not products and for products synced before this column.
 */
export const migration: Migration = {
	name: '0027-site-post-product',
	async up( { context: qi } ) {
		await qi.sequelize.query(
			'ALTER TABLE site_posts ADD COLUMN IF NOT EXISTS product JSONB'
		);
	},
	async down( { context: qi } ) {
		await qi.sequelize.query(
			'ALTER TABLE site_posts DROP COLUMN IF EXISTS product'
		);
	},
};
