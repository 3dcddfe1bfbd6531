/**
 * WordPress dependencies
 */
import { SelectControl, TextControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { FieldProblems, TreeItem } from './tree';
import { depths, descendantsOf } from './tree';

/**
 * Text fields that say what is wrong with them under the field, tied to it
 * for screen readers.
 */

/**
 * The problem of one field of one item, if any.
 * @param problems Problems of a kind of item, by key.
 * @param key      The item.
 * @param field    The field.
 */
export function problemOf(
	problems: Record< string, FieldProblems > | undefined,
	key: string,
	field: string
): string | undefined {
	return problems?.[ key ]?.[ field ];
}

/**
 * A text field with its problem under it.
 * @param props          Component props.
 * @param props.id       A unique id for the problem's text.
 * @param props.label    The field's label.
 * @param props.value    Its value.
 * @param props.onChange Called with the new value.
 * @param props.problem  What is wrong, if anything.
 * @param props.help     A hint under the field.
 * @param props.type     The input's type.
 * @param props.disabled Read only.
 */
export function CheckedText( {
	id,
	label,
	value,
	onChange,
	problem,
	help,
	type = 'text',
	disabled,
}: {
	id: string;
	label: string;
	value: string;
	onChange: ( value: string ) => void;
	problem?: string;
	help?: string;
	type?: 'text' | 'url';
	disabled?: boolean;
} ) {
	const problemId = `${ id }-problem`;
	return (
		<div
			className="igny8-sb__field"
			data-invalid={ problem ? true : undefined }
		>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ label }
				help={ help }
				type={ type }
				value={ value }
				onChange={ onChange }
				disabled={ disabled }
				aria-invalid={ problem ? true : undefined }
				aria-describedby={ problem ? problemId : undefined }
			/>
			{ problem && (
				<p className="igny8-sb__problem" id={ problemId }>
					{ problem }
				</p>
			) }
		</div>
	);
}

/**
 * The parent menu of a tree item: the top level, or any item not under it.
 * @param props          Component props.
 * @param props.items    The tree.
 * @param props.item     The item.
 * @param props.nameOf   An item's name.
 * @param props.label    The menu's label.
 * @param props.onChange Called with the new parent (null: the top level).
 * @param props.disabled Read only.
 */
export function ParentSelect< T extends TreeItem >( {
	items,
	item,
	nameOf,
	label,
	onChange,
	disabled,
}: {
	items: T[];
	item: T;
	nameOf: ( item: T ) => string;
	label: string;
	onChange: ( parentKey: string | null ) => void;
	disabled?: boolean;
} ) {
	const under = descendantsOf( items, item.key );
	const depth = depths( items );
	return (
		<SelectControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			label={ label }
			value={ item.parent_key ?? '' }
			disabled={ disabled }
			options={ [
				{ value: '', label: __( '(Top level)', 'igny8-bridge' ) },
				...items
					.filter(
						( candidate ) =>
							candidate.key !== item.key &&
							! under.has( candidate.key )
					)
					.map( ( candidate ) => ( {
						value: candidate.key,
						label:
							'— '.repeat( depth.get( candidate.key ) ?? 0 ) +
							( nameOf( candidate ) ||
								__( '(untitled)', 'igny8-bridge' ) ),
					} ) ),
			] }
			onChange={ ( value ) => onChange( value === '' ? null : value ) }
		/>
	);
}
