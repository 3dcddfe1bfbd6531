import { Op } from 'sequelize';
import type { BridgeProductFields } from '@igny8/shared-types';
import type { TaskRow } from '../../../db/content-models';
import type { SitePostRow } from '../../../db/integration-models';
import type { Models } from '../../../db/models';
import { plainTextOf } from '../../writer';

/**
 * What the shop already says about a product a writing task rewrites (the
 * task's `assigned_post_id`), read from the site sync's copy of the site
 * (`site_posts`): the model writes from these facts instead of inventing
 * them, and the draft keeps the product's name and terms.
 */
export type ProductFacts = {
	wp_post_id: number;
	title: string;
	/** The current short description. */
	excerpt: string;
	/** The current description as plain text, cut to DESCRIPTION_CHARS. */
	description: string;
	categories: string[];
	tags: string[];
	/** Price, SKU and stock as WooCommerce stores them; null when the sync did not bring them. */
	shop: BridgeProductFields | null;
};

/** Enough of the current description to keep its facts, without letting it crowd out the brief. */
const DESCRIPTION_CHARS = 2000;

/** The products the tasks name, by task id (tasks naming no product, or a post that is not one, are absent). */
export async function productsForTasks(
	models: Models,
	run: { account_id: number; site_id: number },
	tasks: TaskRow[]
): Promise< Map< number, ProductFacts > > {
	const wanted = new Map< number, number >();
	for ( const task of tasks ) {
		const postId = Number( task.assigned_post_id );
		if ( Number.isInteger( postId ) && postId > 0 ) {
			wanted.set( Number( task.id ), postId );
		}
	}
	if ( ! wanted.size ) {
		return new Map();
	}
	const rows = await models.SitePost.findAll( {
		where: {
			account_id: run.account_id,
			site_id: run.site_id,
			wp_post_id: { [ Op.in ]: [ ...new Set( wanted.values() ) ] },
			post_type: 'product',
			deleted_at: null,
		},
	} );
	const byPost = new Map(
		rows.map( ( row ) => [ Number( row.wp_post_id ), factsOf( row ) ] )
	);
	const facts = new Map< number, ProductFacts >();
	for ( const [ taskId, postId ] of wanted ) {
		const found = byPost.get( postId );
		if ( found ) {
			facts.set( taskId, found );
		}
	}
	return facts;
}

function factsOf( row: SitePostRow ): ProductFacts {
	const shop: unknown = row.product;
	return {
		wp_post_id: Number( row.wp_post_id ),
		title: row.title,
		excerpt: plainTextOf( row.excerpt ?? '' ).trim(),
		description: plainTextOf( row.content_html ?? '' )
			.replace( /\s+/g, ' ' )
			.trim()
			.slice( 0, DESCRIPTION_CHARS ),
		categories: row.categories ?? [],
		tags: row.tags ?? [],
		shop: isShopFields( shop ) ? shop : null,
	};
}

function isShopFields( value: unknown ): value is BridgeProductFields {
	return (
		typeof value === 'object' &&
		value !== null &&
		[ 'price', 'regular_price', 'sale_price', 'sku', 'stock_status' ].every(
			( key ) => {
				const field = ( value as Record< string, unknown > )[ key ];
				return field === null || typeof field === 'string';
			}
		)
	);
}

/** The facts as the prompt's `product_facts` lines; only what is known is listed. */
export function productFactsText( facts: ProductFacts | null ): string {
	if ( ! facts ) {
		return '(a new product: no shop data yet)';
	}
	const shop = facts.shop;
	const lines: [ string, string | null | undefined ][] = [
		[ 'Name', facts.title ],
		[ 'Price', shop?.price ],
		[ 'Regular price', shop?.regular_price ],
		[ 'Sale price', shop?.sale_price ],
		[ 'SKU', shop?.sku ],
		[ 'Stock', shop?.stock_status ],
		[ 'Categories', facts.categories.join( ', ' ) ],
		[ 'Tags', facts.tags.join( ', ' ) ],
		[ 'Current short description', facts.excerpt ],
		[ 'Current description', facts.description ],
	];
	return lines
		.filter( ( [ , value ] ) => value?.trim() )
		.map( ( [ name, value ] ) => `- ${ name }: ${ value!.trim() }` )
		.join( '\n' );
}
