import {
	BLUEPRINT_APPLY_ACTIONS,
	type BlueprintApplyReport,
	type BlueprintPageData,
	type BlueprintStructure,
	type BridgeStructureApply,
	type BridgeStructureReport,
	type blueprintStructureInputSchema,
} from '@igny8/shared-types';
import type { z } from 'zod';

/**
 * A blueprint's structure as plain data: filling in the keys and slugs a
 * request left out, the block markup a page's outline becomes, and the
 * bridge request that asks WordPress to hold the structure. No database,
 * no I/O: the service and the AI function share it.
 */

export type StructureInput = z.output< typeof blueprintStructureInputSchema >;

/** A slug WordPress keeps as it is: lowercase ASCII letters, digits and single hyphens, at most `max` long. */
export function slugify( text: string, max = 100 ): string {
	const slug = text
		.normalize( 'NFKD' )
		.replace( /[\u0300-\u036f]/g, '' )
		.toLowerCase()
		.replace( /&/g, ' and ' )
		.replace( /[^a-z0-9]+/g, '-' )
		.replace( /^-+|-+$/g, '' );
	if ( slug.length <= max ) {
		return slug;
	}
	// Cut at a word boundary when there is one.
	const cut = slug.slice( 0, max );
	const hyphen = cut.lastIndexOf( '-' );
	return ( hyphen > max / 2 ? cut.slice( 0, hyphen ) : cut ).replace(
		/-+$/,
		''
	);
}

/** `base`, or `base-2`, `base-3` … : the first not in `used` (which it joins), at most `max` long. */
export function unique( base: string, used: Set< string >, max = 64 ): string {
	let candidate = base.slice( 0, max ).replace( /[-_]+$/, '' ) || 'item';
	for ( let n = 2; used.has( candidate ); n++ ) {
		const suffix = `-${ n }`;
		candidate = `${ base.slice( 0, max - suffix.length ).replace( /[-_]+$/, '' ) }${ suffix }`;
	}
	used.add( candidate );
	return candidate;
}

/** A key made from free text: lowercase letters, digits and hyphens, starting with a letter or digit. */
function keyBase( text: string, fallback: string ): string {
	return slugify( text, 64 ) || fallback;
}

/**
 * Fills in what a request may leave out: a slug from the title (or name),
 * a key from the slug (unique per kind; a menu item's per menu). Keys a
 * request names are kept, so a renamed page keeps the key WordPress knows
 * it by. What is still wrong (a parent that does not exist …) is left for
 * `blueprintProblems` to report.
 */
export function normalizeStructure(
	input: StructureInput
): BlueprintStructure {
	const pageKeys = new Set(
		input.pages.flatMap( ( page ) => ( page.key ? [ page.key ] : [] ) )
	);
	const pages = input.pages.map( ( page ) => {
		const slug = page.slug ?? ( slugify( page.title ) || 'page' );
		return {
			...page,
			slug,
			key: page.key ?? unique( keyBase( slug, 'page' ), pageKeys ),
		};
	} );
	const categoryKeys = new Set(
		input.categories.flatMap( ( c ) => ( c.key ? [ c.key ] : [] ) )
	);
	const categories = input.categories.map( ( category ) => {
		const slug =
			category.slug ?? ( slugify( category.name ) || 'category' );
		return {
			...category,
			slug,
			key:
				category.key ??
				unique( keyBase( slug, 'category' ), categoryKeys ),
		};
	} );
	const menuKeys = new Set(
		input.menus.flatMap( ( m ) => ( m.key ? [ m.key ] : [] ) )
	);
	const menus = input.menus.map( ( menu ) => {
		const itemKeys = new Set(
			menu.items.flatMap( ( item ) => ( item.key ? [ item.key ] : [] ) )
		);
		return {
			...menu,
			key: menu.key ?? unique( keyBase( menu.name, 'menu' ), menuKeys ),
			items: menu.items.map( ( item ) => ( {
				...item,
				key:
					item.key ??
					unique(
						keyBase(
							`${ item.type }-${ item.target_key ?? item.label }`,
							'item'
						),
						itemKeys
					),
			} ) ),
		};
	} );
	return { pages, categories, menus };
}

/** Each page's place among its siblings, from 0, in list order. */
export function positionsOf(
	pages: readonly { key: string; parent_key: string | null }[]
): Map< string, number > {
	const next = new Map< string | null, number >();
	const positions = new Map< string, number >();
	for ( const page of pages ) {
		const position = next.get( page.parent_key ) ?? 0;
		positions.set( page.key, position );
		next.set( page.parent_key, position + 1 );
	}
	return positions;
}

/**
 * Parents before children, siblings in list order (a depth-first walk from
 * the roots). Items whose parent is missing come out as roots: a sound
 * structure has none.
 */
export function treeOrder<
	T extends { key: string; parent_key: string | null },
>( items: readonly T[] ): T[] {
	const keys = new Set( items.map( ( item ) => item.key ) );
	const children = new Map< string | null, T[] >();
	for ( const item of items ) {
		const parent =
			item.parent_key !== null && keys.has( item.parent_key )
				? item.parent_key
				: null;
		children.set( parent, [ ...( children.get( parent ) ?? [] ), item ] );
	}
	const ordered: T[] = [];
	const seen = new Set< string >();
	const walk = ( parent: string | null ) => {
		for ( const item of children.get( parent ) ?? [] ) {
			if ( ! seen.has( item.key ) ) {
				seen.add( item.key );
				ordered.push( item );
				walk( item.key );
			}
		}
	};
	walk( null );
	return ordered;
}

function escapeHtml( text: string ): string {
	return text
		.replace( /&/g, '&amp;' )
		.replace( /</g, '&lt;' )
		.replace( />/g, '&gt;' )
		.replace( /"/g, '&quot;' );
}

/**
 * A page's content: its outline as blocks, a `core/heading` per section
 * and a `core/paragraph` with the section's summary under it — what the
 * block editor would save for them, so the page opens without a "this
 * block contains unexpected content" warning.
 */
export function blocksOf(
	page: Pick< BlueprintPageData, 'sections' >
): string {
	return page.sections
		.map( ( section ) => {
			const heading = `<!-- wp:heading -->\n<h2 class="wp-block-heading">${ escapeHtml( section.heading ) }</h2>\n<!-- /wp:heading -->`;
			return section.summary
				? `${ heading }\n\n<!-- wp:paragraph -->\n<p>${ escapeHtml( section.summary ) }</p>\n<!-- /wp:paragraph -->`
				: heading;
		} )
		.join( '\n\n' );
}

export type ApplyOptions = {
	dry_run: boolean;
	removed: 'keep' | 'draft' | 'trash';
	overwrite_keys: string[];
};

/** The bridge request that makes WordPress hold `structure` (docs/bridge-protocol.md → POST site-structure). */
export function structurePayload(
	blueprintId: number,
	version: number,
	structure: BlueprintStructure,
	options: ApplyOptions
): BridgeStructureApply {
	const positions = positionsOf( structure.pages );
	return {
		blueprint_id: blueprintId,
		version,
		dry_run: options.dry_run,
		removed: options.removed,
		overwrite_keys: [ ...new Set( options.overwrite_keys ) ],
		pages: treeOrder( structure.pages ).map( ( page ) => ( {
			key: page.key,
			parent_key: page.parent_key,
			title: page.title,
			slug: page.slug,
			status: page.status,
			menu_order: positions.get( page.key ) ?? 0,
			content: blocksOf( page ),
		} ) ),
		categories: treeOrder( structure.categories ).map( ( category ) => ( {
			key: category.key,
			parent_key: category.parent_key,
			name: category.name,
			slug: category.slug,
			description: category.description,
		} ) ),
		menus: structure.menus.map( ( menu ) => ( {
			key: menu.key,
			name: menu.name,
			location: menu.location,
			items: menu.items.map( ( item ) => ( {
				key: item.key,
				parent_key: item.parent_key,
				label: item.label,
				type: item.type,
				target_key: item.type === 'custom' ? null : item.target_key,
				url: item.type === 'custom' ? item.url : null,
			} ) ),
		} ) ),
	};
}

/** The plugin's report with the number of pages, categories and menus per action. */
export function withCounts(
	report: BridgeStructureReport
): BlueprintApplyReport {
	const counts = Object.fromEntries(
		BLUEPRINT_APPLY_ACTIONS.map( ( action ) => [ action, 0 ] )
	) as BlueprintApplyReport[ 'counts' ];
	for ( const item of [
		...report.pages,
		...report.categories,
		...report.menus,
	] ) {
		counts[ item.action ] = ( counts[ item.action ] ?? 0 ) + 1;
	}
	return { ...report, counts };
}

/**
 * Makes a structure sound by letting go of what cannot stand, for text a
 * model wrote (a person's request is refused instead): parents that come
 * later in the list or do not exist become none, slugs repeated at one
 * level get a suffix, menu items whose target is missing are dropped and
 * their children move up.
 */
export function repairStructure(
	structure: BlueprintStructure
): BlueprintStructure {
	const tree = <
		T extends { key: string; parent_key: string | null; slug: string },
	>(
		items: T[]
	): T[] => {
		const before = new Set< string >();
		const slugs = new Map< string | null, Set< string > >();
		return items.map( ( item ) => {
			const parent =
				item.parent_key !== null && before.has( item.parent_key )
					? item.parent_key
					: null;
			before.add( item.key );
			const used = slugs.get( parent ) ?? new Set< string >();
			slugs.set( parent, used );
			return {
				...item,
				parent_key: parent,
				slug: unique( item.slug, used, 100 ),
			};
		} );
	};
	const pages = tree( structure.pages );
	const categories = tree( structure.categories );
	const pageKeys = new Set( pages.map( ( page ) => page.key ) );
	const categoryKeys = new Set( categories.map( ( c ) => c.key ) );
	const menus = structure.menus.map( ( menu ) => {
		const kept = new Set< string >();
		const parentOf = new Map(
			menu.items.map( ( item ) => [ item.key, item.parent_key ] )
		);
		const items = menu.items.flatMap( ( item ) => {
			const sound =
				item.type === 'custom'
					? item.url !== null && item.label !== ''
					: item.target_key !== null &&
						( item.type === 'page' ? pageKeys : categoryKeys ).has(
							item.target_key
						);
			if ( ! sound || kept.has( item.key ) ) {
				return [];
			}
			let parent = item.parent_key;
			for (
				let steps = 0;
				parent !== null && ! kept.has( parent );
				steps++
			) {
				parent =
					steps < menu.items.length
						? ( parentOf.get( parent ) ?? null )
						: null;
			}
			kept.add( item.key );
			return [ { ...item, parent_key: parent } ];
		} );
		return { ...menu, items };
	} );
	return { pages, categories, menus };
}
