export interface Column< T > {
	id: string;
	label: string;
	render: ( item: T ) => React.ReactNode;
}

/**
 * A plain, accessible table that turns into one card per row on narrow
 * screens (each cell labelled by its column), so nothing scrolls sideways at
 * 375 px.
 * @param props           The caption, columns and rows.
 * @param props.caption   The table caption (for screen readers).
 * @param props.columns   The columns.
 * @param props.items     The rows.
 * @param props.rowLabel  Names a row (data-row).
 * @param props.className Another class for the table.
 */
export function Table< T extends { id: number } >( {
	caption,
	columns,
	items,
	rowLabel,
	className,
}: {
	caption: string;
	columns: Column< T >[];
	items: T[];
	/** What a row is called, for its data attribute (tests, styling). */
	rowLabel?: ( item: T ) => string;
	/** Another class beside `igny8c-table`, for one table's styles. */
	className?: string;
} ) {
	return (
		<table
			className={
				className ? `igny8c-table ${ className }` : 'igny8c-table'
			}
		>
			<caption className="screen-reader-text">{ caption }</caption>
			<thead>
				<tr>
					{ columns.map( ( column ) => (
						<th key={ column.id } scope="col">
							{ column.label }
						</th>
					) ) }
				</tr>
			</thead>
			<tbody>
				{ items.map( ( item ) => (
					<tr
						key={ item.id }
						data-row={ rowLabel?.( item ) ?? item.id }
					>
						{ columns.map( ( column ) => (
							<td
								key={ column.id }
								data-label={ column.label }
								data-column={ column.id }
							>
								{ column.render( item ) }
							</td>
						) ) }
					</tr>
				) ) }
			</tbody>
		</table>
	);
}

/**
 * A date and time as this person reads them, or a dash.
 * @param value An ISO timestamp.
 */
export function formatTime( value: string | null ): string {
	if ( ! value ) {
		return '—';
	}
	return new Date( value ).toLocaleString( undefined, {
		dateStyle: 'medium',
		timeStyle: 'short',
	} );
}
