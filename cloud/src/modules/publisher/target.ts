import type { ContentRow } from '../../db/content-models';
import type { PublishingRecordRow } from '../../db/integration-models';
import type { Models } from '../../db/models';

/**
 * Where a content goes in WordPress: which post type a new post gets, which
 * terms it is filed under, and which existing post it rewrites.
 *
 * A WooCommerce product is content like any other, with three differences
 * the site must be told about: it is created as a `product` (never a plain
 * post: the plugin refuses `product` on a site without WooCommerce, and
 * never changes an existing post's type), its terms are `product_cat` and
 * `product_tag`, and its excerpt is the product's short description.
 */

/** The WordPress post type a content's entity type is written as, when it must be named. */
export function postTypeFor(
	content: Pick< ContentRow, 'entity_type' >
): 'product' | null {
	// Posts (the plugin's default) and pages keep the plugin's behaviour; a
	// "service" has no WordPress type of its own.
	return content.entity_type === 'product' ? 'product' : null;
}

/**
 * The names a content is filed under, as the bridge's `categories` and
 * `tags`: the plugin maps them onto the taxonomies of the post's type
 * (`product_cat`/`product_tag` for a product).
 */
export function termsFor( content: Pick< ContentRow, 'taxonomies' > ): {
	categories: string[];
	tags: string[];
} {
	const terms = ( ...keys: string[] ) => [
		...new Set(
			keys.flatMap( ( key ) => content.taxonomies[ key ] ?? [] )
		),
	];
	return {
		categories: terms( 'category', 'categories', 'product_cat' ),
		tags: terms( 'post_tag', 'tags', 'product_tag' ),
	};
}

/**
 * The existing WordPress post a content rewrites on its first push: the
 * post its task names (`assigned_post_id`, e.g. a product to rewrite), or
 * the post the content came from (`external_id`). Null when the content
 * makes a new post, or once it has been pushed: from then on the plugin
 * finds the post by the content id it carries.
 */
export async function existingPostFor(
	models: Models,
	content: Pick< ContentRow, 'account_id' | 'external_id' | 'task_id' >,
	record: Pick< PublishingRecordRow, 'post_id' >
): Promise< number | null > {
	if ( record.post_id ) {
		return null;
	}
	const external = Number( content.external_id );
	if ( Number.isInteger( external ) && external > 0 ) {
		return external;
	}
	if ( ! content.task_id ) {
		return null;
	}
	const task = await models.Task.findOne( {
		where: { id: content.task_id, account_id: content.account_id },
	} );
	const assigned = Number( task?.assigned_post_id );
	return Number.isInteger( assigned ) && assigned > 0 ? assigned : null;
}
