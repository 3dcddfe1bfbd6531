/**
 * External dependencies
 */
import type { StrategyOut } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { useSelect } from '@wordpress/data';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store as settingsStore } from '../../store/settings';
import { CrudList, type CrudConfig } from './crud';

function strategyConfig(
	sectors: { id: number; name: string }[]
): CrudConfig< StrategyOut > {
	const sectorName = ( id: number | null ) =>
		id === null
			? __( 'All sectors', 'igny8-bridge' )
			: ( sectors.find( ( sector ) => sector.id === id )?.name ??
				__( 'Another site’s sector', 'igny8-bridge' ) );
	return {
		path: '/system/strategies/',
		fields: [
			{
				name: 'name',
				label: __( 'Name', 'igny8-bridge' ),
				kind: 'text',
				required: true,
			},
			{
				name: 'sector_id',
				label: __( 'Sector', 'igny8-bridge' ),
				kind: 'select',
				options: [
					{ value: '', label: __( 'All sectors', 'igny8-bridge' ) },
					...sectors.map( ( sector ) => ( {
						value: String( sector.id ),
						label: sector.name,
					} ) ),
				],
			},
			{
				name: 'instructions',
				label: __( 'Instructions for the writer', 'igny8-bridge' ),
				kind: 'textarea',
				help: __(
					'What every draft following this strategy must do, for example: answer the question in the first paragraph.',
					'igny8-bridge'
				),
			},
			{
				name: 'description',
				label: __( 'Notes', 'igny8-bridge' ),
				kind: 'textarea',
			},
		],
		blank: () => ( {
			name: '',
			sector_id: null,
			instructions: '',
			description: '',
		} ),
		toBody: ( values ) => ( {
			name: String( values.name ?? '' ).trim(),
			sector_id:
				values.sector_id === null || values.sector_id === ''
					? null
					: Number( values.sector_id ),
			instructions: String( values.instructions ?? '' ),
			description: String( values.description ?? '' ),
		} ),
		summary: ( strategy ) =>
			[ sectorName( strategy.sector_id ), strategy.instructions ]
				.filter( Boolean )
				.join( ' · ' )
				.slice( 0, 160 ),
		friendly: ( field, message ) =>
			field === 'sector_id'
				? __( 'Choose one of this site’s sectors.', 'igny8-bridge' )
				: message,
		words: {
			add: __( 'Add strategy', 'igny8-bridge' ),
			emptyTitle: __( 'No strategies yet.', 'igny8-bridge' ),
			emptyBody: __(
				'A strategy is the brief drafts follow: what to cover and how. Add one for all sectors, or one per sector.',
				'igny8-bridge'
			),
			created: ( name ) =>
				// translators: %s: strategy name.
				sprintf( __( 'Strategy “%s” added', 'igny8-bridge' ), name ),
			updated: ( name ) =>
				// translators: %s: strategy name.
				sprintf( __( 'Strategy “%s” saved', 'igny8-bridge' ), name ),
			deleted: ( name ) =>
				// translators: %s: strategy name.
				sprintf( __( 'Strategy “%s” deleted', 'igny8-bridge' ), name ),
			confirmDelete: ( name ) =>
				sprintf(
					/* translators: %s: strategy name. */
					__(
						'Delete the strategy “%s”? Drafts already written keep their text.',
						'igny8-bridge'
					),
					name
				),
			formTitleNew: __( 'New strategy', 'igny8-bridge' ),
			formTitleEdit: ( name ) =>
				// translators: %s: strategy name.
				sprintf( __( 'Edit “%s”', 'igny8-bridge' ), name ),
		},
	};
}

/** Strategies: the briefs drafts follow, for all sectors or one. */
export function StrategiesTab() {
	const sectors = useSelect(
		( select ) => select( settingsStore ).getSectors(),
		[]
	);
	return <CrudList config={ strategyConfig( sectors ?? [] ) } />;
}
