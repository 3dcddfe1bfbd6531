/**
 * WordPress dependencies
 */
import { Button, SelectControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { announce } from '../../components/data-view/notices';
import { CheckedText, ParentSelect, problemOf } from './fields';
import { TreeList } from './tree-list';
import {
	addItem,
	depths,
	removeItem,
	setParent,
	temporaryKey,
	updateItem,
	type Draft,
	type DraftMenu,
	type DraftMenuItem,
	type DraftProblems,
} from './tree';

type SetDraft = ( change: ( draft: Draft ) => Draft ) => void;

/**
 * What a menu item shows: its label, else its page's or category's name.
 * @param item  The item.
 * @param draft The draft (for the names).
 */
export function itemTitle( item: DraftMenuItem, draft: Draft ): string {
	if ( item.label.trim() ) {
		return item.label;
	}
	if ( item.type === 'page' ) {
		return (
			draft.pages.find( ( page ) => page.key === item.target_key )
				?.title ?? ''
		);
	}
	if ( item.type === 'category' ) {
		return (
			draft.categories.find(
				( category ) => category.key === item.target_key
			)?.name ?? ''
		);
	}
	return item.url;
}

function typeLabel( type: DraftMenuItem[ 'type' ] ): string {
	switch ( type ) {
		case 'page':
			return __( 'Page', 'igny8-bridge' );
		case 'category':
			return __( 'Category', 'igny8-bridge' );
		default:
			return __( 'Custom link', 'igny8-bridge' );
	}
}

/**
 * One menu: its name, its theme location and its items as a tree.
 * @param props          Component props.
 * @param props.menu     The menu.
 * @param props.draft    The draft.
 * @param props.setDraft Changes the draft.
 * @param props.problems What is wrong, by item.
 * @param props.readOnly Whether the person may change it.
 * @param props.open     The rows open now.
 * @param props.onToggle Opens or closes a row.
 * @param props.onOpen   Opens a row (a new item's).
 */
function MenuEditor( {
	menu,
	draft,
	setDraft,
	problems,
	readOnly,
	open,
	onToggle,
	onOpen,
}: {
	menu: DraftMenu;
	draft: Draft;
	setDraft: SetDraft;
	problems: DraftProblems;
	readOnly: boolean;
	open: Set< string >;
	onToggle: ( key: string ) => void;
	onOpen: ( key: string ) => void;
} ) {
	const changeMenu = ( change: ( menu: DraftMenu ) => DraftMenu ) =>
		setDraft( ( current ) => ( {
			...current,
			menus: current.menus.map( ( candidate ) =>
				candidate.key === menu.key ? change( candidate ) : candidate
			),
		} ) );
	const changeItem = ( key: string, changes: Partial< DraftMenuItem > ) =>
		changeMenu( ( current ) => ( {
			...current,
			items: updateItem( current.items, key, changes ),
		} ) );
	const itemProblems = problems.items[ menu.key ] ?? {};
	// Rows are open per menu: two menus may hold items of the same key.
	const prefix = `${ menu.key }/`;
	const menuOpen = new Set(
		[ ...open ]
			.filter( ( key ) => key.startsWith( prefix ) )
			.map( ( key ) => key.slice( prefix.length ) )
	);
	const pageDepth = depths( draft.pages );
	const categoryDepth = depths( draft.categories );
	const id = `igny8-sb-menu-${ menu.key }`;
	const headingId = `${ id }-heading`;

	const details = ( item: DraftMenuItem ) => (
		<fieldset className="igny8-sb__fields" disabled={ readOnly }>
			<div className="igny8-sb__field-row">
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Links to', 'igny8-bridge' ) }
					value={ item.type }
					options={ [
						{ value: 'page', label: typeLabel( 'page' ) },
						{ value: 'category', label: typeLabel( 'category' ) },
						{ value: 'custom', label: typeLabel( 'custom' ) },
					] }
					onChange={ ( value ) => {
						const type = value as DraftMenuItem[ 'type' ];
						const first = {
							page: draft.pages[ 0 ]?.key ?? null,
							category: draft.categories[ 0 ]?.key ?? null,
							custom: null,
						};
						changeItem( item.key, {
							type,
							target_key: first[ type ],
						} );
					} }
				/>
				{ item.type !== 'custom' && (
					<div className="igny8-sb__field">
						<SelectControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={
								item.type === 'page'
									? __( 'Page', 'igny8-bridge' )
									: __( 'Category', 'igny8-bridge' )
							}
							value={ item.target_key ?? '' }
							options={ [
								{
									value: '',
									label: __( '(Choose)', 'igny8-bridge' ),
								},
								...( item.type === 'page'
									? draft.pages.map( ( page ) => ( {
											value: page.key,
											label:
												'— '.repeat(
													pageDepth.get( page.key ) ??
														0
												) + page.title,
										} ) )
									: draft.categories.map( ( category ) => ( {
											value: category.key,
											label:
												'— '.repeat(
													categoryDepth.get(
														category.key
													) ?? 0
												) + category.name,
										} ) ) ),
							] }
							onChange={ ( value ) =>
								changeItem( item.key, {
									target_key: value === '' ? null : value,
								} )
							}
							aria-invalid={
								problemOf(
									itemProblems,
									item.key,
									'target_key'
								)
									? true
									: undefined
							}
						/>
						{ problemOf( itemProblems, item.key, 'target_key' ) && (
							<p className="igny8-sb__problem">
								{ problemOf(
									itemProblems,
									item.key,
									'target_key'
								) }
							</p>
						) }
					</div>
				) }
			</div>
			<CheckedText
				id={ `${ id }-${ item.key }-label` }
				label={ __( 'Label', 'igny8-bridge' ) }
				value={ item.label }
				onChange={ ( label ) => changeItem( item.key, { label } ) }
				problem={ problemOf( itemProblems, item.key, 'label' ) }
				help={
					item.type === 'custom'
						? undefined
						: __(
								'Empty: the page’s or category’s own name.',
								'igny8-bridge'
							)
				}
			/>
			{ item.type === 'custom' && (
				<CheckedText
					id={ `${ id }-${ item.key }-url` }
					label={ __( 'Address', 'igny8-bridge' ) }
					type="url"
					value={ item.url }
					onChange={ ( url ) => changeItem( item.key, { url } ) }
					problem={ problemOf( itemProblems, item.key, 'url' ) }
					help={ __( 'Starting with https://', 'igny8-bridge' ) }
				/>
			) }
			<ParentSelect
				items={ menu.items }
				item={ item }
				nameOf={ ( candidate ) => itemTitle( candidate, draft ) }
				label={ __( 'Under item', 'igny8-bridge' ) }
				onChange={ ( parentKey ) =>
					changeMenu( ( current ) => ( {
						...current,
						items: setParent( current.items, item.key, parentKey ),
					} ) )
				}
			/>
		</fieldset>
	);

	const addLink = () => {
		const item: DraftMenuItem = {
			key: temporaryKey(),
			isNew: true,
			parent_key: null,
			label: '',
			type: draft.pages.length > 0 ? 'page' : 'custom',
			target_key: draft.pages[ 0 ]?.key ?? null,
			url: '',
		};
		changeMenu( ( current ) => ( {
			...current,
			items: addItem( current.items, item ),
		} ) );
		onOpen( `${ menu.key }/${ item.key }` );
	};

	return (
		<section className="igny8-sb__menu" aria-labelledby={ headingId }>
			<h3 id={ headingId }>
				{ menu.name || __( '(unnamed menu)', 'igny8-bridge' ) }
			</h3>
			<fieldset
				className="igny8-sb__fields igny8-sb__field-row"
				disabled={ readOnly }
			>
				<CheckedText
					id={ `${ id }-name` }
					label={ __( 'Menu name', 'igny8-bridge' ) }
					value={ menu.name }
					onChange={ ( name ) =>
						changeMenu( ( current ) => ( { ...current, name } ) )
					}
					problem={ problemOf( problems.menus, menu.key, 'name' ) }
				/>
				<CheckedText
					id={ `${ id }-location` }
					label={ __( 'Theme location', 'igny8-bridge' ) }
					value={ menu.location }
					onChange={ ( location ) =>
						changeMenu( ( current ) => ( {
							...current,
							location,
						} ) )
					}
					problem={ problemOf(
						problems.menus,
						menu.key,
						'location'
					) }
					help={ __(
						'e.g. primary. Empty: choose it later under Appearance → Menus.',
						'igny8-bridge'
					) }
				/>
			</fieldset>
			{ menu.items.length === 0 ? (
				<p className="igny8-sb__hint">
					{ __( 'No links in this menu yet.', 'igny8-bridge' ) }
				</p>
			) : (
				<TreeList
					items={ menu.items }
					label={ sprintf(
						/* translators: %s: menu name. */
						__( 'Links of “%s”', 'igny8-bridge' ),
						menu.name
					) }
					titleOf={ ( item ) => itemTitle( item, draft ) }
					summaryOf={ ( item ) => (
						<span>{ typeLabel( item.type ) }</span>
					) }
					details={ details }
					onChange={ ( items ) =>
						changeMenu( ( current ) => ( { ...current, items } ) )
					}
					onRemove={ ( key ) =>
						changeMenu( ( current ) => ( {
							...current,
							items: removeItem( current.items, key ),
						} ) )
					}
					readOnly={ readOnly }
					flagged={ new Set( Object.keys( itemProblems ) ) }
					open={ menuOpen }
					onToggle={ ( key ) => onToggle( `${ menu.key }/${ key }` ) }
					idPrefix={ `menu-${ menu.key }` }
				/>
			) }
			{ ! readOnly && (
				<div className="igny8-sb__actions">
					<Button variant="secondary" onClick={ addLink }>
						{ __( 'Add a link', 'igny8-bridge' ) }
					</Button>
					<Button
						variant="tertiary"
						isDestructive
						onClick={ () => {
							const before = draft;
							setDraft( ( current ) => ( {
								...current,
								menus: current.menus.filter(
									( candidate ) => candidate.key !== menu.key
								),
							} ) );
							announce(
								sprintf(
									/* translators: %s: menu name. */
									__( 'Menu “%s” removed.', 'igny8-bridge' ),
									menu.name
								),
								() => setDraft( () => before )
							);
						} }
					>
						{ __( 'Remove this menu', 'igny8-bridge' ) }
					</Button>
				</div>
			) }
		</section>
	);
}

/**
 * The Menus tab: each menu of the structure.
 * @param props          Component props.
 * @param props.draft    The draft.
 * @param props.setDraft Changes the draft.
 * @param props.problems What is wrong, by menu and item.
 * @param props.readOnly Whether the person may change it.
 * @param props.open     The rows open now.
 * @param props.onToggle Opens or closes a row.
 * @param props.onOpen   Opens a row (a new item's).
 */
export function MenusTab( props: {
	draft: Draft;
	setDraft: SetDraft;
	problems: DraftProblems;
	readOnly: boolean;
	open: Set< string >;
	onToggle: ( key: string ) => void;
	onOpen: ( key: string ) => void;
} ) {
	const { draft, setDraft, readOnly } = props;
	return (
		<div className="igny8-sb__tab">
			{ draft.menus.length === 0 && (
				<p className="igny8-sb__hint">
					{ __(
						'No menus: the theme shows its own until you add one.',
						'igny8-bridge'
					) }
				</p>
			) }
			{ draft.menus.map( ( menu ) => (
				<MenuEditor key={ menu.key } menu={ menu } { ...props } />
			) ) }
			{ ! readOnly && (
				<Button
					variant="secondary"
					onClick={ () =>
						setDraft( ( current ) => ( {
							...current,
							menus: [
								...current.menus,
								{
									key: temporaryKey(),
									isNew: true,
									name: __( 'Main menu', 'igny8-bridge' ),
									location: 'primary',
									items: [],
								},
							],
						} ) )
					}
					__next40pxDefaultSize
				>
					{ __( 'Add a menu', 'igny8-bridge' ) }
				</Button>
			) }
		</div>
	);
}
