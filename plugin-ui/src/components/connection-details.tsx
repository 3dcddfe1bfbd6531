/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

export interface DetailRow {
	label: string;
	value: string | null;
}

/**
 * A definition list of labelled values; a missing value reads "Unknown".
 *
 * @param props      Component props.
 * @param props.rows The label/value pairs, in display order.
 */
export function ConnectionDetails( props: { rows: DetailRow[] } ) {
	const { rows } = props;
	return (
		<dl className="igny8-connection__details">
			{ rows.map( ( row ) => (
				<div className="igny8-connection__detail" key={ row.label }>
					<dt>{ row.label }</dt>
					<dd>{ row.value || __( 'Unknown', 'igny8-bridge' ) }</dd>
				</div>
			) ) }
		</dl>
	);
}
