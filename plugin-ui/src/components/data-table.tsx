/**
 * WordPress dependencies
 */
import { Button, SelectControl } from '@wordpress/components';
import { __, _n, sprintf } from '@wordpress/i18n';

export interface Column< T > {
	id: string;
	label: string;
	render: ( item: T ) => React.ReactNode;
	/** The server's `ordering` field, when the column can be sorted. */
	sortField?: string;
}

export interface DataTableProps< T extends { id: number } > {
	label: string;
	columns: Column< T >[];
	items: T[];
	count: number;
	page: number;
	pageSize: number;
	onPage: ( page: number ) => void;
	/** e.g. `keyword` or `-search_volume`. */
	ordering?: string;
	onOrdering?: ( ordering: string ) => void;
	selected?: number[];
	onSelect?: ( ids: number[] ) => void;
	isLoading?: boolean;
	/** The per-page choices; with onPerPage, the footer offers them. */
	perPageOptions?: number[];
	onPerPage?: ( perPage: number ) => void;
	/** What each row offers (a menu of actions), in a last column. */
	rowActions?: ( item: T ) => React.ReactNode;
	/** e.g. `_n( '%s keyword', '%s keywords', count )`, for the footer. */
	countLabel?: ( count: number ) => string;
}

/**
 * Which way the table is sorted on a field, from the server's `ordering`.
 * @param ordering The current ordering, e.g. `keyword` or `-search_volume`.
 * @param field    The column's sort field.
 */
function sortDirection(
	ordering: string | undefined,
	field: string | undefined
): 'ascending' | 'descending' | undefined {
	if ( ! field || ! ordering ) {
		return undefined;
	}
	if ( ordering === field ) {
		return 'ascending';
	}
	return ordering === `-${ field }` ? 'descending' : undefined;
}

/**
 * A server-paginated, sortable table with row selection, on plain HTML
 * and wp-components (`@wordpress/dataviews` is not provided by WP 6.6 and
 * would ship hundreds of KB with every screen).
 * @param props Columns, the page of items and the paging/sorting/selection callbacks.
 */
export function DataTable< T extends { id: number } >(
	props: DataTableProps< T >
) {
	const {
		label,
		columns,
		items,
		count,
		page,
		pageSize,
		onPage,
		ordering,
		onOrdering,
		selected,
		onSelect,
		isLoading,
		perPageOptions,
		onPerPage,
		rowActions,
		countLabel,
	} = props;
	const selectedSet = new Set( selected ?? [] );
	const allOnPage =
		items.length > 0 &&
		items.every( ( item ) => selectedSet.has( item.id ) );

	const toggleAll = ( checked: boolean ) => {
		if ( ! onSelect ) {
			return;
		}
		const pageIds = items.map( ( item ) => item.id );
		onSelect(
			checked
				? [ ...new Set( [ ...( selected ?? [] ), ...pageIds ] ) ]
				: ( selected ?? [] ).filter(
						( id ) => ! pageIds.includes( id )
					)
		);
	};

	const sortButton = ( column: Column< T > ) => {
		if ( ! column.sortField || ! onOrdering ) {
			return column.label;
		}
		const field = column.sortField;
		const direction = sortDirection( ordering, field ) ?? null;
		return (
			<Button
				variant="link"
				className="igny8-table__sort"
				onClick={ () =>
					onOrdering(
						direction === 'ascending' ? `-${ field }` : field
					)
				}
			>
				{ column.label }
				{ direction === 'ascending' && ' ▲' }
				{ direction === 'descending' && ' ▼' }
			</Button>
		);
	};

	return (
		<div className="igny8-table" aria-busy={ isLoading }>
			<table className="widefat striped igny8-table__grid">
				<caption className="screen-reader-text">{ label }</caption>
				<thead>
					<tr>
						{ onSelect && (
							<td className="check-column">
								<input
									type="checkbox"
									aria-label={ __(
										'Select all on this page',
										'igny8-bridge'
									) }
									checked={ allOnPage }
									onChange={ ( event ) =>
										toggleAll( event.target.checked )
									}
								/>
							</td>
						) }
						{ columns.map( ( column ) => {
							const sorted = sortDirection(
								ordering,
								column.sortField
							);
							return (
								<th
									key={ column.id }
									scope="col"
									aria-sort={ sorted }
								>
									{ sortButton( column ) }
								</th>
							);
						} ) }
						{ rowActions && (
							<th scope="col" className="igny8-table__actions">
								<span className="screen-reader-text">
									{ __( 'Actions', 'igny8-bridge' ) }
								</span>
							</th>
						) }
					</tr>
				</thead>
				<tbody>
					{ items.map( ( item ) => (
						<tr key={ item.id } data-id={ item.id }>
							{ onSelect && (
								<th scope="row" className="check-column">
									<input
										type="checkbox"
										aria-label={ sprintf(
											/* translators: %d: row id. */
											__(
												'Select row %d',
												'igny8-bridge'
											),
											item.id
										) }
										checked={ selectedSet.has( item.id ) }
										onChange={ ( {
											target: { checked },
										} ) =>
											onSelect(
												checked
													? [
															...( selected ??
																[] ),
															item.id,
														]
													: ( selected ?? [] ).filter(
															( id ) =>
																id !== item.id
														)
											)
										}
									/>
								</th>
							) }
							{ columns.map( ( column ) => (
								<td
									key={ column.id }
									data-label={ column.label }
								>
									{ column.render( item ) }
								</td>
							) ) }
							{ rowActions && (
								<td className="igny8-table__actions">
									{ rowActions( item ) }
								</td>
							) }
						</tr>
					) ) }
				</tbody>
			</table>
			<Pagination
				count={ count }
				page={ page }
				pageSize={ pageSize }
				onPage={ onPage }
				perPageOptions={ perPageOptions }
				onPerPage={ onPerPage }
				countLabel={ countLabel }
			/>
		</div>
	);
}

export type PaginationProps = Pick<
	DataTableProps< { id: number } >,
	| 'count'
	| 'page'
	| 'pageSize'
	| 'onPage'
	| 'perPageOptions'
	| 'onPerPage'
	| 'countLabel'
>;

/**
 * How many there are, the page size, and previous/next: under a table or a grid.
 * @param props The count, the page and the callbacks.
 */
export function Pagination( props: PaginationProps ) {
	const {
		count,
		page,
		pageSize,
		onPage,
		perPageOptions,
		onPerPage,
		countLabel,
	} = props;
	const pages = Math.max( 1, Math.ceil( count / pageSize ) );
	return (
		<nav
			className="igny8-table__pages"
			aria-label={ __( 'Pages', 'igny8-bridge' ) }
		>
			<span className="igny8-table__count">
				{ countLabel
					? countLabel( count )
					: sprintf(
							/* translators: %s: number of items. */
							_n( '%s item', '%s items', count, 'igny8-bridge' ),
							count.toLocaleString()
						) }
			</span>
			{ perPageOptions && onPerPage && (
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					className="igny8-table__per-page"
					label={ __( 'Per page', 'igny8-bridge' ) }
					value={ String( pageSize ) }
					options={ perPageOptions.map( ( option ) => ( {
						value: String( option ),
						label: String( option ),
					} ) ) }
					onChange={ ( value ) => onPerPage( Number( value ) ) }
				/>
			) }
			<Button
				variant="secondary"
				disabled={ page <= 1 }
				accessibleWhenDisabled
				onClick={ () => onPage( page - 1 ) }
			>
				{ __( 'Previous', 'igny8-bridge' ) }
			</Button>
			<span>
				{ sprintf(
					/* translators: 1: current page, 2: number of pages. */
					__( 'Page %1$d of %2$d', 'igny8-bridge' ),
					page,
					pages
				) }
			</span>
			<Button
				variant="secondary"
				disabled={ page >= pages }
				accessibleWhenDisabled
				onClick={ () => onPage( page + 1 ) }
			>
				{ __( 'Next', 'igny8-bridge' ) }
			</Button>
		</nav>
	);
}
