/**
 * CSV for spreadsheets: every field quoted, and a field that a spreadsheet
 * would run as a formula (=, +, -, @, tab, carriage return first) starts
 * with an apostrophe instead (DESIGN → Trust boundaries).
 * @param header The column names.
 * @param rows   The rows, in the header's order.
 */
export function toCsv(
	header: string[],
	rows: Array< Array< string | number | null > >
): string {
	const cell = ( value: string | number | null ): string => {
		let text = value === null ? '' : String( value );
		if ( typeof value === 'string' && /^[=+\-@\t\r]/.test( text ) ) {
			text = `'${ text }`;
		}
		return `"${ text.replace( /"/g, '""' ) }"`;
	};
	return [ header, ...rows ]
		.map( ( row ) => row.map( cell ).join( ',' ) )
		.join( '\r\n' )
		.concat( '\r\n' );
}

/**
 * Offers `text` as a file download.
 * @param name The file name.
 * @param text The file content.
 */
export function download( name: string, text: string ): void {
	const url = URL.createObjectURL(
		new Blob( [ text ], { type: 'text/csv;charset=utf-8' } )
	);
	const link = document.createElement( 'a' );
	link.href = url;
	link.download = name;
	document.body.appendChild( link );
	link.click();
	link.remove();
	setTimeout( () => URL.revokeObjectURL( url ), 1000 );
}
