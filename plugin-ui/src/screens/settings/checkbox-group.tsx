/**
 * WordPress dependencies
 */
import { CheckboxControl } from '@wordpress/components';

/**
 * Internal dependencies
 */
import type { Choice } from '../../store/settings/site';

/**
 * A labelled group of checkboxes choosing several values.
 * @param props          Component props.
 * @param props.legend   What the group chooses.
 * @param props.help     Explanation under the group.
 * @param props.choices  The values and their labels.
 * @param props.selected The chosen values.
 * @param props.onChange Receives the new selection, in the choices' order.
 * @param props.disabled Read-only.
 */
export function CheckboxGroup< T extends string | number >( {
	legend,
	help,
	choices,
	selected,
	onChange,
	disabled = false,
}: {
	legend: string;
	help?: string;
	choices: Choice< T >[];
	selected: T[];
	onChange: ( values: T[] ) => void;
	disabled?: boolean;
} ) {
	const toggle = ( value: T, checked: boolean ) =>
		onChange(
			choices
				.map( ( choice ) => choice.value )
				.filter( ( v ) =>
					v === value ? checked : selected.includes( v )
				)
		);
	return (
		<fieldset className="igny8-checkbox-group">
			<legend className="igny8-checkbox-group__legend">{ legend }</legend>
			<div className="igny8-checkbox-group__choices">
				{ choices.map( ( choice ) => (
					<CheckboxControl
						__nextHasNoMarginBottom
						key={ String( choice.value ) }
						label={ choice.label }
						checked={ selected.includes( choice.value ) }
						onChange={ ( checked ) =>
							toggle( choice.value, checked )
						}
						disabled={ disabled }
					/>
				) ) }
			</div>
			{ help && <p className="igny8-checkbox-group__help">{ help }</p> }
		</fieldset>
	);
}
