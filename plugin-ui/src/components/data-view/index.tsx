/**
 * WordPress dependencies
 */
import {
	Button,
	CheckboxControl,
	Dropdown,
	DropdownMenu,
	MenuGroup,
	MenuItem,
	Modal,
	SearchControl,
	SelectControl,
	TextControl,
} from '@wordpress/components';
import { Fragment, useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import './data-view.scss';
import { errorMessage } from '../../api/errors';
import { DataTable, Pagination, type Column } from '../data-table';
import { EmptyState, ErrorNotice } from '../states';
import type { View, ViewChangeOptions } from '../../hooks/use-url-view';

export type Field< T > = Column< T > & {
	/** False keeps the column always shown (e.g. the title). */
	enableHiding?: boolean;
};

export type Filter =
	| {
			id: string;
			label: string;
			type: 'select';
			/** The "no filter" choice, e.g. “Any status”. */
			anyLabel: string;
			options: { value: string; label: string }[];
	  }
	| { id: string; label: string; type: 'number' | 'date' };

export interface Action< T > {
	id: string;
	label: string;
	isDestructive?: boolean;
	/** Whether the action applies to an item (e.g. Cancel: only a run not yet finished); default: always. */
	isEligible?: ( item: T ) => boolean;
	/** A link action (row menu only): where it goes, or null when it does not apply. */
	href?: ( item: T ) => string | null;
	/** Runs the action on the items (and the chosen value, for `choices`). */
	callback?: ( items: T[], choice?: string ) => Promise< unknown > | void;
	/** Offered for a selection, in the bulk bar. */
	supportsBulk?: boolean;
	/** Offered in each row's menu (default: true unless `choices`). */
	supportsRow?: boolean;
	/** The values to choose from, e.g. statuses (bulk bar only). */
	choices?: { value: string; label: string }[];
	/** The question asked first, naming what will happen; none runs at once. */
	confirm?: ( items: T[], choice?: string ) => string;
	/** The confirm button's words, e.g. “Delete”. */
	confirmLabel?: string;
}

export interface DataViewProps< T extends { id: number } > {
	label: string;
	fields: Field< T >[];
	filters?: Filter[];
	view: View;
	onChangeView: ( view: View, options?: ViewChangeOptions ) => void;
	perPageOptions: number[];
	items: T[];
	count: number;
	isLoading: boolean;
	error: string | null;
	actions?: Action< T >[];
	/** The row's name for its menu, e.g. the keyword. */
	itemTitle: ( item: T ) => string;
	/** e.g. “12 keywords”. */
	countLabel: ( count: number ) => string;
	/** The search box's label; a list the server cannot search has none. */
	searchLabel?: string;
	/** Selection (ids), when rows can be selected. */
	selection?: number[];
	onChangeSelection?: ( ids: number[] ) => void;
	/** Shown when the list is empty and no filter or search is set. */
	empty: { title: string; body?: React.ReactNode };
	/** Shown when filters or search match nothing. */
	emptyFiltered: string;
	/** Cards instead of table rows (e.g. images): one `<li>` per item. */
	renderCard?: ( item: T ) => React.ReactNode;
	/** The class of the cards' list, for its grid. */
	cardsClassName?: string;
}

/** The “Added from / until” filters, for lists whose view accepts ADDED_RANGE. */
export function addedFilters(): Filter[] {
	return [
		{
			id: 'created_after',
			type: 'date',
			label: __( 'Added from', 'igny8-bridge' ),
		},
		{
			id: 'created_before',
			type: 'date',
			label: __( 'Added until', 'igny8-bridge' ),
		},
	];
}

interface Pending< T > {
	action: Action< T >;
	items: T[];
	choice?: string;
	isBulk: boolean;
}

const SEARCH_DELAY_MS = 300;
/** Filters shown at once; the rest wait behind “More filters” (it opens by itself when one is set). */
const PRIMARY_FILTERS = 3;

/**
 * The one list of IGNY8's screens: search, filters, sortable columns that
 * can be hidden, pages and page size, row and bulk actions (confirmed in
 * words when they change data). The view lives with the caller (in the URL,
 * see useUrlView); the component only reports changes.
 * @param props The list, its view and what it offers.
 */
export function DataView< T extends { id: number } >(
	props: DataViewProps< T >
) {
	const {
		label,
		fields,
		filters = [],
		view,
		onChangeView,
		perPageOptions,
		items,
		count,
		isLoading,
		error,
		actions = [],
		itemTitle,
		countLabel,
		searchLabel,
		selection,
		onChangeSelection,
		empty,
		emptyFiltered,
		renderCard,
		cardsClassName,
	} = props;

	const [ search, setSearch ] = useState( view.search );
	const [ pending, setPending ] = useState< Pending< T > | null >( null );
	const [ busy, setBusy ] = useState( false );
	const [ actionError, setActionError ] = useState< string | null >( null );
	const [ moreFilters, setMoreFilters ] = useState( false );

	// The search box follows the view when the URL changes under it (back/forward).
	useEffect( () => setSearch( view.search ), [ view.search ] );

	// Selected rows may be on other pages: remember every row seen, so an
	// action gets the items, not just their ids.
	const seen = useRef( new Map< number, T >() );
	items.forEach( ( item ) => seen.current.set( item.id, item ) );

	const viewRef = useRef( view );
	viewRef.current = view;
	useEffect( () => {
		if ( search.trim() === view.search ) {
			return;
		}
		const timer = setTimeout(
			() =>
				onChangeView(
					{ ...viewRef.current, search: search.trim(), page: 1 },
					{ replace: true }
				),
			SEARCH_DELAY_MS
		);
		return () => clearTimeout( timer );
	}, [ search, view.search, onChangeView ] );

	// A page past the end (rows deleted, or an old link): show the last page.
	const lastPage = Math.max( 1, Math.ceil( count / view.perPage ) );
	const pastTheEnd =
		! isLoading && ! error && count > 0 && view.page > lastPage;
	useEffect( () => {
		if ( pastTheEnd ) {
			onChangeView(
				{ ...viewRef.current, page: lastPage },
				{ replace: true }
			);
		}
	}, [ pastTheEnd, lastPage, onChangeView ] );

	const hasFilters =
		view.search !== '' || Object.keys( view.filters ).length > 0;
	const setFilter = ( id: string, value: string ) => {
		const next = { ...view.filters };
		if ( value === '' ) {
			delete next[ id ];
		} else {
			next[ id ] = value;
		}
		onChangeSelection?.( [] );
		onChangeView( { ...view, filters: next, page: 1 } );
	};
	const clearFilters = () => {
		setSearch( '' );
		onChangeSelection?.( [] );
		onChangeView( { ...view, search: '', filters: {}, page: 1 } );
	};

	const visible = fields.filter(
		( field ) => ! view.hidden.includes( field.id )
	);
	const hideable = fields.filter( ( field ) => field.enableHiding !== false );
	const toggleColumn = ( id: string, show: boolean ) =>
		onChangeView( {
			...view,
			hidden: show
				? view.hidden.filter( ( hidden ) => hidden !== id )
				: [ ...view.hidden, id ],
		} );

	const run = async ( next: Pending< T > ) => {
		setBusy( true );
		setActionError( null );
		try {
			await next.action.callback?.( next.items, next.choice );
			if ( next.isBulk ) {
				onChangeSelection?.( [] );
			}
		} catch ( failure ) {
			setActionError(
				errorMessage(
					failure,
					__( 'The action failed. Try again.', 'igny8-bridge' )
				)
			);
		} finally {
			setBusy( false );
			setPending( null );
		}
	};
	const start = ( next: Pending< T > ) => {
		if ( next.action.confirm ) {
			setPending( next );
		} else {
			run( next );
		}
	};

	const selectedItems = ( selection ?? [] )
		.map( ( id ) => seen.current.get( id ) )
		.filter( ( item ): item is T => item !== undefined );
	// A bulk action acts on the selected items it applies to, and is offered when there is one.
	const eligible = ( action: Action< T > ) =>
		selectedItems.filter( ( item ) => action.isEligible?.( item ) ?? true );
	const bulkActions = actions.filter(
		( action ) => action.supportsBulk && eligible( action ).length > 0
	);
	const rowActions = actions.filter(
		( action ) => action.supportsRow ?? ! action.choices
	);

	const rowMenu = ( item: T ) => {
		const offered = rowActions.filter(
			( action ) =>
				( action.isEligible?.( item ) ?? true ) &&
				( ! action.href || action.href( item ) !== null )
		);
		if ( offered.length === 0 ) {
			return null;
		}
		return (
			<DropdownMenu
				// A dashicon: WordPress ships it, so no icon library is bundled.
				icon="ellipsis"
				label={ sprintf(
					/* translators: %s: the row's name, e.g. a keyword. */
					__( 'Actions for “%s”', 'igny8-bridge' ),
					itemTitle( item )
				) }
				toggleProps={ { size: 'compact' } as any }
			>
				{ ( { onClose } ) => (
					<MenuGroup>
						{ offered.map( ( action ) =>
							action.href ? (
								<MenuItem
									key={ action.id }
									// MenuItem renders a Button, which becomes a link with href; its types omit it.
									{ ...( {
										href: action.href( item ) ?? undefined,
									} as object ) }
								>
									{ action.label }
								</MenuItem>
							) : (
								<MenuItem
									key={ action.id }
									isDestructive={ action.isDestructive }
									onClick={ () => {
										onClose();
										start( {
											action,
											items: [ item ],
											isBulk: false,
										} );
									} }
								>
									{ action.label }
								</MenuItem>
							)
						) }
					</MenuGroup>
				) }
			</DropdownMenu>
		);
	};

	const showEmpty = ! error && ! isLoading && count === 0;
	// Nothing to search or filter yet: the empty state's next step is all there is to do.
	const showControls = ! showEmpty || hasFilters;
	const [ primary, secondary ] = [
		filters.slice( 0, PRIMARY_FILTERS ),
		filters.slice( PRIMARY_FILTERS ),
	];
	const secondaryActive = secondary.some(
		( filter ) => view.filters[ filter.id ] !== undefined
	);
	const showSecondary = moreFilters || secondaryActive;

	return (
		<div className="igny8-dataview">
			{ showControls && ( searchLabel || hideable.length > 0 ) && (
				<div className="igny8-dataview__bar">
					{ searchLabel && (
						<SearchControl
							__nextHasNoMarginBottom
							className="igny8-dataview__search"
							label={ searchLabel }
							placeholder={ searchLabel }
							value={ search }
							onChange={ setSearch }
						/>
					) }
					{ hideable.length > 0 && (
						<Dropdown
							popoverProps={ { placement: 'bottom-end' } }
							renderToggle={ ( { isOpen, onToggle } ) => (
								<Button
									variant="tertiary"
									aria-expanded={ isOpen }
									onClick={ onToggle }
								>
									{ __( 'Columns', 'igny8-bridge' ) }
								</Button>
							) }
							renderContent={ () => (
								<fieldset className="igny8-dataview__columns">
									<legend className="screen-reader-text">
										{ __(
											'Columns shown',
											'igny8-bridge'
										) }
									</legend>
									{ hideable.map( ( field ) => (
										<CheckboxControl
											__nextHasNoMarginBottom
											key={ field.id }
											label={ field.label }
											checked={
												! view.hidden.includes(
													field.id
												)
											}
											onChange={ ( show ) =>
												toggleColumn( field.id, show )
											}
										/>
									) ) }
								</fieldset>
							) }
						/>
					) }
				</div>
			) }
			{ showControls && filters.length > 0 && (
				<div
					className="igny8-filters"
					role="group"
					aria-label={ __( 'Filters', 'igny8-bridge' ) }
				>
					{ ( showSecondary ? filters : primary ).map( ( filter ) =>
						filter.type === 'select' ? (
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								key={ filter.id }
								label={ filter.label }
								value={ view.filters[ filter.id ] ?? '' }
								options={ [
									{ value: '', label: filter.anyLabel },
									...filter.options,
								] }
								onChange={ ( value ) =>
									setFilter( filter.id, value )
								}
							/>
						) : (
							<FilterInput
								key={ filter.id }
								filter={ filter }
								value={ view.filters[ filter.id ] ?? '' }
								onChange={ ( value ) =>
									setFilter( filter.id, value )
								}
							/>
						)
					) }
					{ secondary.length > 0 && ! secondaryActive && (
						<Button
							variant="tertiary"
							aria-expanded={ showSecondary }
							onClick={ () => setMoreFilters( ! moreFilters ) }
						>
							{ showSecondary
								? __( 'Fewer filters', 'igny8-bridge' )
								: __( 'More filters', 'igny8-bridge' ) }
						</Button>
					) }
					{ hasFilters && (
						<Button variant="tertiary" onClick={ clearFilters }>
							{ __( 'Clear filters', 'igny8-bridge' ) }
						</Button>
					) }
				</div>
			) }
			{ selectedItems.length > 0 && bulkActions.length > 0 && (
				<div
					className="igny8-bulk"
					role="group"
					aria-label={ __( 'Bulk actions', 'igny8-bridge' ) }
				>
					<span className="igny8-bulk__count">
						{ sprintf(
							/* translators: %s: e.g. “12 keywords”. */
							__( '%s selected', 'igny8-bridge' ),
							countLabel( selectedItems.length )
						) }
					</span>
					{ bulkActions.map( ( action ) =>
						action.choices ? (
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								key={ action.id }
								label={ action.label }
								value=""
								options={ [
									{
										value: '',
										label: __( 'Choose…', 'igny8-bridge' ),
									},
									...action.choices,
								] }
								onChange={ ( choice ) =>
									choice &&
									start( {
										action,
										items: eligible( action ),
										choice,
										isBulk: true,
									} )
								}
							/>
						) : (
							<Button
								key={ action.id }
								variant="secondary"
								isDestructive={ action.isDestructive }
								onClick={ () =>
									start( {
										action,
										items: eligible( action ),
										isBulk: true,
									} )
								}
							>
								{ action.label }
							</Button>
						)
					) }
					<Button
						variant="tertiary"
						onClick={ () => onChangeSelection?.( [] ) }
					>
						{ __( 'Clear selection', 'igny8-bridge' ) }
					</Button>
				</div>
			) }
			{ actionError && <ErrorNotice message={ actionError } /> }
			{ error && <ErrorNotice message={ error } /> }
			{ showEmpty && hasFilters && (
				<EmptyState title={ emptyFiltered }>
					<p>
						<Button variant="secondary" onClick={ clearFilters }>
							{ __( 'Clear filters', 'igny8-bridge' ) }
						</Button>
					</p>
				</EmptyState>
			) }
			{ showEmpty && ! hasFilters && (
				<EmptyState title={ empty.title }>{ empty.body }</EmptyState>
			) }
			{ ! showEmpty && ! error && renderCard && (
				<div className="igny8-dataview__grid" aria-busy={ isLoading }>
					<ul className={ cardsClassName } aria-label={ label }>
						{ items.map( ( item ) => (
							<Fragment key={ item.id }>
								{ renderCard( item ) }
							</Fragment>
						) ) }
					</ul>
					<Pagination
						count={ count }
						page={ view.page }
						pageSize={ view.perPage }
						onPage={ ( page ) => onChangeView( { ...view, page } ) }
						perPageOptions={ perPageOptions }
						onPerPage={ ( perPage ) =>
							onChangeView( { ...view, perPage, page: 1 } )
						}
						countLabel={ countLabel }
					/>
				</div>
			) }
			{ ! showEmpty && ! error && ! renderCard && (
				<DataTable
					label={ label }
					columns={ visible }
					items={ items }
					count={ count }
					page={ view.page }
					pageSize={ view.perPage }
					onPage={ ( page ) => onChangeView( { ...view, page } ) }
					perPageOptions={ perPageOptions }
					onPerPage={ ( perPage ) =>
						onChangeView( { ...view, perPage, page: 1 } )
					}
					ordering={ view.sort }
					onOrdering={ ( sort ) =>
						onChangeView( { ...view, sort, page: 1 } )
					}
					selected={ onChangeSelection ? selection : undefined }
					onSelect={ onChangeSelection }
					rowActions={ rowActions.length > 0 ? rowMenu : undefined }
					countLabel={ countLabel }
					isLoading={ isLoading }
				/>
			) }
			{ pending && (
				<Modal
					title={ pending.action.label }
					size="small"
					className="igny8-confirm"
					onRequestClose={ () => ! busy && setPending( null ) }
				>
					<p>
						{ pending.action.confirm?.(
							pending.items,
							pending.choice
						) }
					</p>
					<div className="igny8-modal__actions">
						<Button
							variant="primary"
							isDestructive={ pending.action.isDestructive }
							isBusy={ busy }
							disabled={ busy }
							accessibleWhenDisabled
							onClick={ () => run( pending ) }
						>
							{ pending.action.confirmLabel ??
								pending.action.label }
						</Button>
						<Button
							variant="tertiary"
							disabled={ busy }
							accessibleWhenDisabled
							onClick={ () => setPending( null ) }
						>
							{ __( 'Cancel', 'igny8-bridge' ) }
						</Button>
					</div>
				</Modal>
			) }
		</div>
	);
}

/**
 * A number or date filter: sent when the field is left (or Enter), not on
 * every keystroke, so typing “1000” is one view change, not four.
 * @param props          Component props.
 * @param props.filter   The filter.
 * @param props.value    Its value in the view.
 * @param props.onChange Reports a new value.
 */
function FilterInput( {
	filter,
	value,
	onChange,
}: {
	filter: Filter;
	value: string;
	onChange: ( value: string ) => void;
} ) {
	const [ draft, setDraft ] = useState( value );
	useEffect( () => setDraft( value ), [ value ] );
	const commit = () => {
		if ( draft.trim() !== value ) {
			onChange( draft.trim() );
		}
	};
	return (
		<TextControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			type={ filter.type === 'date' ? 'date' : 'number' }
			min={ filter.type === 'number' ? 0 : undefined }
			label={ filter.label }
			value={ draft }
			onChange={ setDraft }
			onBlur={ commit }
			onKeyDown={ ( event: React.KeyboardEvent ) =>
				event.key === 'Enter' && commit()
			}
		/>
	);
}
