/**
 * External dependencies
 */
import type {
	BlueprintMenuItem,
	BlueprintPageType,
	BlueprintSection,
	BlueprintStructureInput,
	SiteBlueprint,
} from '@igny8/shared-types';

/**
 * The Site Builder editor's model, kept pure so it is tested without a
 * browser: the blueprint as the person edits it (pages, categories and each
 * menu's items as trees held in one list each, parents before children and
 * siblings in their order), the moves the tree allows, and the structure
 * the cloud saves.
 *
 * Every item is known by its `key`. Items loaded from the cloud keep theirs
 * (WordPress finds its page by it, so a rename stays a rename); new items
 * get a temporary key, replaced when saved by one made from their slug as
 * the cloud would make it, so the keys WordPress sees read like the pages.
 */

export interface TreeItem {
	key: string;
	parent_key: string | null;
	/** Not saved yet: its key is temporary. */
	isNew?: boolean;
}

export interface DraftPage extends TreeItem {
	title: string;
	/** Empty: made from the title when saved (new pages only). */
	slug: string;
	page_type: BlueprintPageType;
	status: 'publish' | 'draft';
	sections: BlueprintSection[];
	target_keywords: string[];
	cluster_id: number | null;
}

export interface DraftCategory extends TreeItem {
	name: string;
	slug: string;
	description: string;
}

export interface DraftMenuItem extends TreeItem {
	label: string;
	type: BlueprintMenuItem[ 'type' ];
	target_key: string | null;
	url: string;
}

export interface DraftMenu {
	key: string;
	isNew?: boolean;
	name: string;
	location: string;
	items: DraftMenuItem[];
}

export interface Draft {
	name: string;
	description: string;
	pages: DraftPage[];
	categories: DraftCategory[];
	menus: DraftMenu[];
}

/** Where a dragged item lands, next to or inside the item it is dropped on. */
export type DropPlace = 'before' | 'after' | 'inside';

/** Lowercase ASCII letters, digits and single hyphens: the slugs WordPress keeps as they are. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * A slug made from a title, as the cloud makes it.
 * @param text The title or name.
 * @param max  The longest slug.
 */
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
	const cut = slug.slice( 0, max );
	const hyphen = cut.lastIndexOf( '-' );
	return ( hyphen > max / 2 ? cut.slice( 0, hyphen ) : cut ).replace(
		/-+$/,
		''
	);
}

/**
 * `base`, or `base-2`, `base-3` …: the first not in `used` (which it joins).
 * @param base The wished-for key.
 * @param used The keys taken.
 */
function unique( base: string, used: Set< string > ): string {
	const max = 64;
	let candidate = base.slice( 0, max ).replace( /[-_]+$/, '' ) || 'item';
	for ( let n = 2; used.has( candidate ); n++ ) {
		const suffix = `-${ n }`;
		candidate = `${ base
			.slice( 0, max - suffix.length )
			.replace( /[-_]+$/, '' ) }${ suffix }`;
	}
	used.add( candidate );
	return candidate;
}

let counter = 0;

/** A key for an item not saved yet; replaced on save. */
export function temporaryKey(): string {
	counter += 1;
	return `igny8-new-${ Date.now().toString( 36 ) }-${ counter }`;
}

/**
 * Parents before children, siblings in list order; an item whose parent
 * is missing comes out at the top level.
 * @param items The items, in any order that keeps siblings' order.
 */
export function treeOrder< T extends TreeItem >( items: readonly T[] ): T[] {
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
				ordered.push(
					item.parent_key !== null && ! keys.has( item.parent_key )
						? { ...item, parent_key: null }
						: item
				);
				walk( item.key );
			}
		}
	};
	walk( null );
	// Items in a cycle (which the editor never makes) end at the top level rather than vanish.
	for ( const item of items ) {
		if ( ! seen.has( item.key ) ) {
			seen.add( item.key );
			ordered.push( { ...item, parent_key: null } );
		}
	}
	return ordered;
}

/**
 * How deep each item sits (0 at the top level).
 * @param items The tree, parents before children.
 */
export function depths( items: readonly TreeItem[] ): Map< string, number > {
	const depth = new Map< string, number >();
	for ( const item of items ) {
		depth.set(
			item.key,
			item.parent_key === null
				? 0
				: ( depth.get( item.parent_key ) ?? -1 ) + 1
		);
	}
	return depth;
}

/**
 * An item's children, in order.
 * @param items     The tree.
 * @param parentKey The parent; null for the top level.
 */
export function childrenOf< T extends TreeItem >(
	items: readonly T[],
	parentKey: string | null
): T[] {
	return items.filter( ( item ) => item.parent_key === parentKey );
}

/**
 * The keys of everything under an item (not the item itself).
 * @param items The tree.
 * @param key   The item.
 */
export function descendantsOf(
	items: readonly TreeItem[],
	key: string
): Set< string > {
	const found = new Set< string >();
	let grew = true;
	while ( grew ) {
		grew = false;
		for ( const item of items ) {
			if (
				item.parent_key !== null &&
				( item.parent_key === key || found.has( item.parent_key ) ) &&
				! found.has( item.key )
			) {
				found.add( item.key );
				grew = true;
			}
		}
	}
	return found;
}

/**
 * Rebuilds the list from each parent's children in the order given.
 * @param items    The tree.
 * @param children Parent key ('' for the top level) → its children's keys in their new order.
 */
function fromChildren< T extends TreeItem >(
	items: readonly T[],
	children: Map< string | null, string[] >
): T[] {
	const byKey = new Map( items.map( ( item ) => [ item.key, item ] ) );
	const ordered: T[] = [];
	const walk = ( parent: string | null ) => {
		for ( const key of children.get( parent ) ?? [] ) {
			const item = byKey.get( key );
			if ( item ) {
				ordered.push(
					item.parent_key === parent
						? item
						: { ...item, parent_key: parent }
				);
				walk( key );
			}
		}
	};
	walk( null );
	return ordered;
}

function childMap(
	items: readonly TreeItem[]
): Map< string | null, string[] > {
	const children = new Map< string | null, string[] >();
	for ( const item of items ) {
		children.set( item.parent_key, [
			...( children.get( item.parent_key ) ?? [] ),
			item.key,
		] );
	}
	return children;
}

/**
 * Moves an item one place up or down among its siblings (its own items go
 * with it). At either end nothing changes.
 * @param items The tree.
 * @param key   The item.
 * @param delta -1 for up, 1 for down.
 */
export function moveAmongSiblings< T extends TreeItem >(
	items: readonly T[],
	key: string,
	delta: -1 | 1
): T[] {
	const item = items.find( ( candidate ) => candidate.key === key );
	if ( ! item ) {
		return [ ...items ];
	}
	const children = childMap( items );
	const siblings = [ ...( children.get( item.parent_key ) ?? [] ) ];
	const from = siblings.indexOf( key );
	const to = from + delta;
	if ( to < 0 || to >= siblings.length ) {
		return [ ...items ];
	}
	siblings.splice( from, 1 );
	siblings.splice( to, 0, key );
	children.set( item.parent_key, siblings );
	return fromChildren( items, children );
}

/**
 * Whether `key` may be put before, after or inside `targetKey`: not on
 * itself, and not anywhere under itself.
 * @param items     The tree.
 * @param key       The item moved.
 * @param targetKey Where it goes.
 */
export function canPlace(
	items: readonly TreeItem[],
	key: string,
	targetKey: string
): boolean {
	return key !== targetKey && ! descendantsOf( items, key ).has( targetKey );
}

/**
 * Moves an item (with its own items) next to another, or inside it as its
 * last child: what a drop does. A move under itself changes nothing.
 * @param items     The tree.
 * @param key       The item moved.
 * @param targetKey The item it is dropped on.
 * @param place     Before it, after it, or inside it.
 */
export function placeItem< T extends TreeItem >(
	items: readonly T[],
	key: string,
	targetKey: string,
	place: DropPlace
): T[] {
	const target = items.find( ( item ) => item.key === targetKey );
	if ( ! target || ! canPlace( items, key, targetKey ) ) {
		return [ ...items ];
	}
	const children = childMap( items );
	for ( const [ parent, keys ] of children ) {
		children.set(
			parent,
			keys.filter( ( candidate ) => candidate !== key )
		);
	}
	if ( place === 'inside' ) {
		children.set( targetKey, [
			...( children.get( targetKey ) ?? [] ),
			key,
		] );
	} else {
		const siblings = [ ...( children.get( target.parent_key ) ?? [] ) ];
		const at =
			siblings.indexOf( targetKey ) + ( place === 'after' ? 1 : 0 );
		siblings.splice( at, 0, key );
		children.set( target.parent_key, siblings );
	}
	return fromChildren( items, children );
}

/**
 * Puts an item under another parent, as its last child (null: the top
 * level). A parent under the item itself changes nothing.
 * @param items     The tree.
 * @param key       The item.
 * @param parentKey The new parent.
 */
export function setParent< T extends TreeItem >(
	items: readonly T[],
	key: string,
	parentKey: string | null
): T[] {
	if ( parentKey !== null ) {
		return placeItem( items, key, parentKey, 'inside' );
	}
	const children = childMap( items );
	for ( const [ parent, keys ] of children ) {
		children.set(
			parent,
			keys.filter( ( candidate ) => candidate !== key )
		);
	}
	children.set( null, [ ...( children.get( null ) ?? [] ), key ] );
	return fromChildren( items, children );
}

/**
 * Adds an item as the last child of a parent (null: the top level).
 * @param items The tree.
 * @param item  The new item, its `parent_key` set.
 */
export function addItem< T extends TreeItem >(
	items: readonly T[],
	item: T
): T[] {
	return treeOrder( [ ...items, item ] );
}

/**
 * Takes an item out; its children take its place under its parent.
 * @param items The tree.
 * @param key   The item.
 */
export function removeItem< T extends TreeItem >(
	items: readonly T[],
	key: string
): T[] {
	const item = items.find( ( candidate ) => candidate.key === key );
	if ( ! item ) {
		return [ ...items ];
	}
	const children = childMap( items );
	const siblings = children.get( item.parent_key ) ?? [];
	const at = siblings.indexOf( key );
	children.set( item.parent_key, [
		...siblings.slice( 0, at ),
		...( children.get( key ) ?? [] ),
		...siblings.slice( at + 1 ),
	] );
	children.delete( key );
	return fromChildren(
		items.filter( ( candidate ) => candidate.key !== key ),
		children
	);
}

/**
 * Updates one item's fields.
 * @param items   The list.
 * @param key     The item.
 * @param changes What changes.
 */
export function updateItem< T extends { key: string } >(
	items: readonly T[],
	key: string,
	changes: Partial< T >
): T[] {
	return items.map( ( item ) =>
		item.key === key ? { ...item, ...changes } : item
	);
}

/**
 * Takes a page out of the draft: its children move up to its place, and the
 * menu items that link to it go (their own items move up), as the cloud
 * does when a page is removed.
 * @param draft The draft.
 * @param key   The page.
 */
export function removePage( draft: Draft, key: string ): Draft {
	return {
		...draft,
		pages: removeItem( draft.pages, key ),
		menus: dropMenuItems( draft.menus, 'page', key ),
	};
}

/**
 * Takes a category out of the draft, as removePage() does a page.
 * @param draft The draft.
 * @param key   The category.
 */
export function removeCategory( draft: Draft, key: string ): Draft {
	return {
		...draft,
		categories: removeItem( draft.categories, key ),
		menus: dropMenuItems( draft.menus, 'category', key ),
	};
}

function dropMenuItems(
	menus: DraftMenu[],
	type: 'page' | 'category',
	targetKey: string
): DraftMenu[] {
	return menus.map( ( menu ) => {
		let items = menu.items;
		for ( const item of menu.items ) {
			if ( item.type === type && item.target_key === targetKey ) {
				items = removeItem( items, item.key );
			}
		}
		return items === menu.items ? menu : { ...menu, items };
	} );
}

/**
 * The draft of a blueprint as the cloud answered it.
 * @param blueprint The blueprint.
 */
export function draftOf( blueprint: SiteBlueprint ): Draft {
	return {
		name: blueprint.name,
		description: blueprint.description,
		pages: treeOrder(
			blueprint.pages.map( ( page ) => ( {
				key: page.key,
				parent_key: page.parent_key,
				title: page.title,
				slug: page.slug,
				page_type: page.page_type,
				status: page.status,
				sections: page.sections.map( ( section ) => ( {
					heading: section.heading,
					summary: section.summary,
				} ) ),
				target_keywords: [ ...page.target_keywords ],
				cluster_id: page.cluster_id,
			} ) )
		),
		categories: treeOrder(
			blueprint.categories.map( ( category ) => ( {
				key: category.key,
				parent_key: category.parent_key,
				name: category.name,
				slug: category.slug,
				description: category.description,
			} ) )
		),
		menus: blueprint.menus.map( ( menu ) => ( {
			key: menu.key,
			name: menu.name,
			location: menu.location ?? '',
			items: treeOrder(
				menu.items.map( ( item ) => ( {
					key: item.key,
					parent_key: item.parent_key,
					label: item.label,
					type: item.type,
					target_key: item.target_key,
					url: item.url ?? '',
				} ) )
			),
		} ) ),
	};
}

/**
 * The keys new items get when saved: made from their slug (or title, or
 * name), unique among the keys already saved, as the cloud would make them.
 * @param items The list.
 * @param base  The wished-for key of a new item.
 */
function finalKeys< T extends { key: string; isNew?: boolean } >(
	items: readonly T[],
	base: ( item: T ) => string
): Map< string, string > {
	const used = new Set(
		items.filter( ( item ) => ! item.isNew ).map( ( item ) => item.key )
	);
	const keys = new Map< string, string >();
	for ( const item of items ) {
		keys.set(
			item.key,
			item.isNew ? unique( base( item ), used ) : item.key
		);
	}
	return keys;
}

const remap = ( keys: Map< string, string >, key: string | null ) =>
	key === null ? null : ( keys.get( key ) ?? key );

/**
 * The structure the cloud saves: new items' keys made final, slugs left
 * out where the cloud makes them, empty texts as the contract wants them.
 * @param draft The draft.
 */
export function structureOf(
	draft: Draft
): Required< BlueprintStructureInput > & { name: string; description: string } {
	const pageKeys = finalKeys(
		draft.pages,
		( page ) => slugify( page.slug || page.title, 64 ) || 'page'
	);
	const categoryKeys = finalKeys(
		draft.categories,
		( category ) =>
			slugify( category.slug || category.name, 64 ) || 'category'
	);
	const menuKeys = finalKeys(
		draft.menus,
		( menu ) => slugify( menu.name, 64 ) || 'menu'
	);
	const trimmed = ( text: string ) => text.trim();
	return {
		name: draft.name.trim(),
		description: draft.description.trim(),
		pages: draft.pages.map( ( page ) => ( {
			key: pageKeys.get( page.key )!,
			parent_key: remap( pageKeys, page.parent_key ),
			title: page.title.trim(),
			...( page.slug.trim() ? { slug: page.slug.trim() } : {} ),
			page_type: page.page_type,
			status: page.status,
			sections: page.sections
				.map( ( section ) => ( {
					heading: section.heading.trim(),
					summary: section.summary.trim(),
				} ) )
				.filter( ( section ) => section.heading || section.summary ),
			target_keywords: page.target_keywords
				.map( trimmed )
				.filter( Boolean ),
			cluster_id: page.cluster_id,
		} ) ),
		categories: draft.categories.map( ( category ) => ( {
			key: categoryKeys.get( category.key )!,
			parent_key: remap( categoryKeys, category.parent_key ),
			name: category.name.trim(),
			...( category.slug.trim() ? { slug: category.slug.trim() } : {} ),
			description: category.description.trim(),
		} ) ),
		menus: draft.menus.map( ( menu ) => {
			const itemKeys = finalKeys(
				menu.items,
				( item ) =>
					slugify(
						`${ item.type }-${
							remap(
								item.type === 'page' ? pageKeys : categoryKeys,
								item.target_key
							) ?? item.label
						}`,
						64
					) || 'item'
			);
			return {
				key: menuKeys.get( menu.key )!,
				name: menu.name.trim(),
				location: menu.location.trim() || null,
				items: menu.items.map( ( item ) => ( {
					key: itemKeys.get( item.key )!,
					parent_key: remap( itemKeys, item.parent_key ),
					label: item.label.trim(),
					type: item.type,
					target_key:
						item.type === 'custom'
							? null
							: remap(
									item.type === 'page'
										? pageKeys
										: categoryKeys,
									item.target_key
								),
					url:
						item.type === 'custom' ? item.url.trim() || null : null,
				} ) ),
			};
		} ),
	};
}

/** Problems of one item's fields: field → what is wrong. */
export type FieldProblems = Record< string, string >;

/** What is wrong with a draft, said next to the fields: by kind, item key, then field. */
export interface DraftProblems {
	/** The blueprint's name. */
	name?: string;
	pages: Record< string, FieldProblems >;
	categories: Record< string, FieldProblems >;
	/** Menu key → the menu's own fields. */
	menus: Record< string, FieldProblems >;
	/** Menu key → item key → the item's fields. */
	items: Record< string, Record< string, FieldProblems > >;
}

export const NO_PROBLEMS: DraftProblems = Object.freeze( {
	pages: {},
	categories: {},
	menus: {},
	items: {},
} ) as DraftProblems;

/**
 * Whether a draft has any problem.
 * @param problems The problems.
 */
export function hasProblems( problems: DraftProblems ): boolean {
	return (
		problems.name !== undefined ||
		Object.keys( problems.pages ).length > 0 ||
		Object.keys( problems.categories ).length > 0 ||
		Object.keys( problems.menus ).length > 0 ||
		Object.keys( problems.items ).length > 0
	);
}

function emptyProblems(): DraftProblems {
	return { pages: {}, categories: {}, menus: {}, items: {} };
}

function note(
	map: Record< string, FieldProblems >,
	key: string,
	field: string,
	message: string
) {
	( map[ key ] ??= {} )[ field ] ??= message;
}

/**
 * What the cloud would refuse in a draft, said next to the field: blank
 * titles, slugs that are not slugs or are taken at the same level, links
 * without a target.
 * @param draft           The draft.
 * @param words           The messages, translated by the caller.
 * @param words.blank     A required text is empty.
 * @param words.badSlug   A slug is not lowercase letters, digits and hyphens.
 * @param words.takenSlug Another item at the same level has the slug.
 * @param words.noTarget  A menu link has no page or category.
 * @param words.badUrl    A custom link's address is not http(s).
 * @param words.noLabel   A custom link has no label.
 */
export function problemsOf(
	draft: Draft,
	words: {
		blank: string;
		badSlug: string;
		takenSlug: string;
		noTarget: string;
		badUrl: string;
		noLabel: string;
	}
): DraftProblems {
	const problems = emptyProblems();
	const tree = (
		items: { key: string; parent_key: string | null; slug: string }[],
		titleOf: ( key: string ) => string,
		titleField: string,
		map: Record< string, FieldProblems >
	) => {
		const taken = new Set< string >();
		for ( const item of items ) {
			const title = titleOf( item.key );
			if ( ! title.trim() ) {
				note( map, item.key, titleField, words.blank );
			}
			const given = item.slug.trim();
			if ( given && ! SLUG_PATTERN.test( given ) ) {
				note( map, item.key, 'slug', words.badSlug );
				continue;
			}
			const slug = given || slugify( title );
			const place = `${ item.parent_key ?? '' }/${ slug }`;
			if ( slug && taken.has( place ) ) {
				note( map, item.key, 'slug', words.takenSlug );
			}
			taken.add( place );
		}
	};
	const titles = new Map( draft.pages.map( ( p ) => [ p.key, p.title ] ) );
	tree(
		draft.pages,
		( key ) => titles.get( key ) ?? '',
		'title',
		problems.pages
	);
	const names = new Map( draft.categories.map( ( c ) => [ c.key, c.name ] ) );
	tree(
		draft.categories,
		( key ) => names.get( key ) ?? '',
		'name',
		problems.categories
	);
	for ( const menu of draft.menus ) {
		if ( ! menu.name.trim() ) {
			note( problems.menus, menu.key, 'name', words.blank );
		}
		const items: Record< string, FieldProblems > = {};
		for ( const item of menu.items ) {
			if ( item.type === 'custom' ) {
				if ( ! /^https?:\/\/\S+$/i.test( item.url.trim() ) ) {
					note( items, item.key, 'url', words.badUrl );
				}
				if ( ! item.label.trim() ) {
					note( items, item.key, 'label', words.noLabel );
				}
			} else if (
				item.target_key === null ||
				! ( item.type === 'page' ? titles : names ).has(
					item.target_key
				)
			) {
				note( items, item.key, 'target_key', words.noTarget );
			}
		}
		if ( Object.keys( items ).length > 0 ) {
			problems.items[ menu.key ] = items;
		}
	}
	if ( ! draft.name.trim() ) {
		problems.name = words.blank;
	}
	return problems;
}

/**
 * The cloud's field errors (`pages.3.slug`, `menus.0.items.2.url`) by the
 * item the draft has at that place (the structure sent keeps the draft's
 * order).
 * @param errors The answer's field errors.
 * @param draft  The draft the structure was made from.
 */
export function problemsFromServer(
	errors: Record< string, string[] >,
	draft: Draft
): DraftProblems {
	const problems = emptyProblems();
	for ( const [ path, messages ] of Object.entries( errors ) ) {
		const message = messages[ 0 ] ?? '';
		const [ list, index, field, itemIndex, itemField ] = path.split( '.' );
		const at = Number( index );
		if ( list === 'pages' && draft.pages[ at ] ) {
			note(
				problems.pages,
				draft.pages[ at ]!.key,
				field ?? 'title',
				message
			);
		} else if ( list === 'categories' && draft.categories[ at ] ) {
			note(
				problems.categories,
				draft.categories[ at ]!.key,
				field ?? 'name',
				message
			);
		} else if ( list === 'menus' && draft.menus[ at ] ) {
			const menu = draft.menus[ at ]!;
			const item =
				field === 'items' && itemIndex !== undefined
					? menu.items[ Number( itemIndex ) ]
					: undefined;
			if ( item ) {
				note(
					( problems.items[ menu.key ] ??= {} ),
					item.key,
					itemField ?? 'label',
					message
				);
			} else {
				note( problems.menus, menu.key, field ?? 'name', message );
			}
		} else if ( list === 'name' ) {
			problems.name = message;
		}
	}
	return problems;
}

/**
 * Whether two drafts differ in anything the cloud saves.
 * @param a One draft.
 * @param b The other.
 */
export function sameDraft( a: Draft, b: Draft ): boolean {
	return JSON.stringify( a ) === JSON.stringify( b );
}
