/**
 * External dependencies
 */
import type { Cluster, Keyword } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Modal,
	RadioControl,
	SelectControl,
	TextControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useMemo, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError } from '../api/errors';
import {
	AiActionModal,
	useActiveRunId,
	useReopenActiveRun,
} from '../components/ai-action';
import {
	addedFilters,
	DataView,
	type Action,
	type Field,
	type Filter,
} from '../components/data-view';
import { announce } from '../components/data-view/notices';
import { ErrorNotice } from '../components/states';
import { useList } from '../hooks/use-list';
import {
	ADDED_RANGE,
	isCount,
	isId,
	oneOf,
	useUrlView,
	viewQuery,
	type ViewSpec,
} from '../hooks/use-url-view';
import { label, labelOptions } from '../labels';
import { ImportWizard } from './import-wizard';
import type { ScreenProps } from './types';

const PLANNER = 'igny8/planner';
/** The page sizes every IGNY8 list offers. */
export const PER_PAGE_OPTIONS = [ 10, 25, 50, 100 ];

export function useCanEdit(): boolean {
	return useSelect(
		( select ) =>
			( select( 'igny8/settings' ) as any ).canEdit() as boolean,
		[]
	);
}

function AddKeyword( {
	sectorId,
	onClose,
}: {
	sectorId: number;
	onClose: () => void;
} ) {
	const { createKeyword } = useDispatch( PLANNER ) as any;
	const [ keyword, setKeyword ] = useState( '' );
	const [ volume, setVolume ] = useState( '' );
	const [ intent, setIntent ] = useState( '' );
	const [ error, setError ] = useState< string | null >( null );
	const [ saving, setSaving ] = useState( false );
	const save = async ( event: React.FormEvent ) => {
		event.preventDefault();
		setSaving( true );
		setError( null );
		try {
			await createKeyword( {
				sector_id: sectorId,
				keyword,
				...( volume !== '' ? { search_volume: Number( volume ) } : {} ),
				...( intent ? { intent } : {} ),
			} );
			onClose();
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'Could not add the keyword.', 'igny8-bridge' )
				)
			);
			setSaving( false );
		}
	};
	return (
		<Modal
			title={ __( 'Add keyword', 'igny8-bridge' ) }
			onRequestClose={ onClose }
		>
			<form onSubmit={ save } className="igny8-form">
				{ error && <ErrorNotice message={ error } /> }
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Keyword', 'igny8-bridge' ) }
					value={ keyword }
					onChange={ setKeyword }
					required
				/>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="number"
					min={ 0 }
					label={ __( 'Monthly search volume', 'igny8-bridge' ) }
					value={ volume }
					onChange={ setVolume }
				/>
				<IntentSelect value={ intent } onChange={ setIntent } />
				<div className="igny8-modal__actions">
					<Button
						variant="primary"
						type="submit"
						isBusy={ saving }
						disabled={ saving || keyword.trim() === '' }
						accessibleWhenDisabled
					>
						{ __( 'Add keyword', 'igny8-bridge' ) }
					</Button>
					<Button variant="tertiary" onClick={ onClose }>
						{ __( 'Cancel', 'igny8-bridge' ) }
					</Button>
				</div>
			</form>
		</Modal>
	);
}

function IntentSelect( {
	value,
	onChange,
}: {
	value: string;
	onChange: ( value: string ) => void;
} ) {
	return (
		<SelectControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			label={ __( 'Intent', 'igny8-bridge' ) }
			value={ value }
			onChange={ onChange }
			options={ [
				{
					value: '',
					label: __( 'Not set', 'igny8-bridge' ),
				},
				...labelOptions( 'intent' ),
			] }
		/>
	);
}

function ClusterModal( {
	sectorId,
	ids,
	runId,
	onClose,
}: {
	sectorId: number;
	ids: number[];
	runId: number | null;
	onClose: () => void;
} ) {
	const [ method, setMethod ] = useState( 'lexical' );

	const { invalidate } = useDispatch( PLANNER ) as any;
	const target = ids.length > 0 ? { ids } : { sector_id: sectorId };
	const input =
		ids.length > 0
			? { keyword_ids: ids, method }
			: { sector_id: sectorId, method };
	return (
		<AiActionModal
			title={
				ids.length > 0
					? sprintf(
							/* translators: %d: number of keywords. */
							__(
								'Cluster %d selected keywords',
								'igny8-bridge'
							),
							ids.length
						)
					: __( 'Cluster all unclustered keywords', 'igny8-bridge' )
			}
			fn="auto_cluster"
			estimateInput={ input }
			path="/planner/keywords/auto_cluster/"
			body={ { ...target, method } }
			startLabel={ __( 'Start clustering', 'igny8-bridge' ) }
			runId={ runId }
			onClose={ onClose }
			onFinished={ () => invalidate( 'keywords', 'clusters' ) }
		>
			<RadioControl
				label={ __( 'Method', 'igny8-bridge' ) }
				selected={ method }
				onChange={ setMethod }
				options={ [
					{
						value: 'lexical',
						label: __(
							'Lexical — shared words; fast, no AI key needed',
							'igny8-bridge'
						),
					},
					{
						value: 'embeddings',
						label: __(
							'Embeddings — by meaning (AI)',
							'igny8-bridge'
						),
					},
					{
						value: 'llm',
						label: __(
							'LLM — named topical clusters (AI, slowest)',
							'igny8-bridge'
						),
					},
				] }
			/>
		</AiActionModal>
	);
}

const KEYWORD_VIEW: ViewSpec = {
	filters: {
		status: oneOf( [ 'active', 'inactive', 'used' ] ),
		intent: oneOf( [
			'informational',
			'commercial',
			'transactional',
			'navigational',
		] ),
		cluster_id: ( value ) => value === 'none' || isId( value ),
		volume_min: isCount,
		volume_max: isCount,
		difficulty_min: ( value ) => isCount( value ) && Number( value ) <= 100,
		difficulty_max: ( value ) => isCount( value ) && Number( value ) <= 100,
		...ADDED_RANGE,
	},
	sortFields: [
		'keyword',
		'search_volume',
		'difficulty',
		'intent',
		'status',
		'created_at',
	],
	defaultSort: '-search_volume',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'volume', 'difficulty', 'intent', 'status', 'cluster', 'added' ],
};

/**
 * “12 keywords”.
 * @param count How many.
 */
export function keywordCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of keywords. */
		_n( '%s keyword', '%s keywords', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * Groups keywords by a value they had, so an undo can put each group back.
 * @param items The keywords as they were.
 * @param pick  The value to group by.
 */
function groupBy< V >( items: Keyword[], pick: ( item: Keyword ) => V ) {
	const groups = new Map< V, number[] >();
	items.forEach( ( item ) => {
		const value = pick( item );
		groups.set( value, [ ...( groups.get( value ) ?? [] ), item.id ] );
	} );
	return groups;
}

/**
 * Planner → Keywords.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function KeywordsScreen( { sectorId }: ScreenProps ) {
	const canEdit = useCanEdit();
	const [ view, setView ] = useUrlView( KEYWORD_VIEW );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ modal, setModal ] = useState< null | 'add' | 'import' | 'cluster' >(
		null
	);
	const clusterRun = useActiveRunId( 'auto_cluster' );
	useReopenActiveRun( clusterRun, () => setModal( 'cluster' ) );

	const planner = useDispatch( PLANNER ) as any;

	useEffect( () => setSelected( [] ), [ sectorId ] );

	const keywords = useList< Keyword >(
		PLANNER,
		'getKeywords',
		'keywords',
		sectorId ? { sector_id: sectorId, ...viewQuery( view ) } : null
	);
	const clusters = useList< Cluster >(
		PLANNER,
		'getClusters',
		'clusters',
		sectorId
			? { sector_id: sectorId, page_size: 100, ordering: 'name' }
			: null
	);
	const clusterName = useMemo( () => {
		const names = new Map< number, string >();
		clusters.items.forEach( ( cluster ) =>
			names.set( cluster.id, cluster.name )
		);
		return names;
	}, [ clusters.items ] );
	const clusterChoices = [
		{ value: 'none', label: __( 'No cluster', 'igny8-bridge' ) },
		...clusters.items.map( ( cluster ) => ( {
			value: String( cluster.id ),
			label: cluster.name,
		} ) ),
	];

	const setStatus = async ( items: Keyword[], status: string ) => {
		const before = groupBy( items, ( item ) => item.status );
		let result: { not_found: number[] };
		try {
			result = await planner.bulkSetKeywordStatus(
				items.map( ( item ) => item.id ),
				status
			);
		} catch ( failure ) {
			if ( isApiError( failure ) && failure.kind === 'validation' ) {
				// The cloud refuses the whole change when one keyword may not move (e.g. Inactive → Used).
				throw new Error(
					sprintf(
						/* translators: 1: a status, e.g. Used. */
						__(
							'Nothing changed: some of the selected keywords cannot be marked “%1$s” from their current status. Make them Active first, or select only keywords that can.',
							'igny8-bridge'
						),
						label( 'keywordStatus', status )
					)
				);
			}
			throw failure;
		}
		announce(
			sprintf(
				/* translators: 1: e.g. “12 keywords”, 2: a status, e.g. Inactive. */
				__( '%1$s marked “%2$s”.', 'igny8-bridge' ),
				// Those already in that status count too: all of them are now.
				keywordCount( items.length - result.not_found.length ),
				label( 'keywordStatus', status )
			),
			() =>
				before.forEach( ( ids, previous ) =>
					planner.bulkSetKeywordStatus( ids, previous )
				)
		);
	};

	const moveToCluster = async ( items: Keyword[], choice: string ) => {
		const before = groupBy( items, ( item ) => item.cluster_id ?? null );
		const target = choice === 'none' ? null : Number( choice );
		const result = await planner.bulkAssignCluster(
			items.map( ( item ) => item.id ),
			target
		);
		announce(
			target === null
				? sprintf(
						/* translators: %s: e.g. “12 keywords”. */
						__( '%s taken out of their cluster.', 'igny8-bridge' ),
						keywordCount( result.affected )
					)
				: sprintf(
						/* translators: 1: e.g. “12 keywords”, 2: cluster name. */
						__( '%1$s moved to “%2$s”.', 'igny8-bridge' ),
						keywordCount( result.affected ),
						clusterName.get( target ) ?? String( target )
					),
			() =>
				before.forEach( ( ids, previous ) =>
					planner.bulkAssignCluster( ids, previous )
				)
		);
	};

	const actions: Action< Keyword >[] = canEdit
		? [
				{
					id: 'status',
					label: __( 'Set status', 'igny8-bridge' ),
					supportsBulk: true,
					choices: labelOptions( 'keywordStatus' ),
					confirm: ( items, choice ) =>
						sprintf(
							/* translators: 1: e.g. “12 keywords”, 2: a status. */
							__( 'Mark %1$s as “%2$s”?', 'igny8-bridge' ),
							keywordCount( items.length ),
							label( 'keywordStatus', choice )
						),
					confirmLabel: __( 'Change status', 'igny8-bridge' ),
					callback: ( items, choice ) =>
						setStatus( items, choice ?? '' ),
				},
				{
					id: 'cluster',
					label: __( 'Move to cluster', 'igny8-bridge' ),
					supportsBulk: true,
					choices: clusterChoices,
					confirm: ( items, choice ) =>
						choice === 'none'
							? sprintf(
									/* translators: %s: e.g. “12 keywords”. */
									__(
										'Take %s out of their cluster?',
										'igny8-bridge'
									),
									keywordCount( items.length )
								)
							: sprintf(
									/* translators: 1: e.g. “12 keywords”, 2: cluster name. */
									__(
										'Move %1$s to “%2$s”?',
										'igny8-bridge'
									),
									keywordCount( items.length ),
									clusterName.get( Number( choice ) ) ?? ''
								),
					confirmLabel: __( 'Move', 'igny8-bridge' ),
					callback: ( items, choice ) =>
						moveToCluster( items, choice ?? 'none' ),
				},
				{
					id: 'delete',
					label: __( 'Delete', 'igny8-bridge' ),
					isDestructive: true,
					supportsBulk: true,
					confirm: ( items ) =>
						items.length === 1
							? sprintf(
									/* translators: %s: a keyword. */
									__(
										'Delete “%s”? This cannot be undone.',
										'igny8-bridge'
									),
									items[ 0 ]?.keyword ?? ''
								)
							: sprintf(
									/* translators: %s: e.g. “12 keywords”. */
									__(
										'Delete %s? This cannot be undone.',
										'igny8-bridge'
									),
									keywordCount( items.length )
								),
					callback: async ( items ) => {
						const result = await planner.bulkDeleteKeywords(
							items.map( ( item ) => item.id )
						);
						announce(
							sprintf(
								/* translators: %s: e.g. “12 keywords”. */
								__( '%s deleted.', 'igny8-bridge' ),
								keywordCount( result.affected )
							)
						);
					},
				},
			]
		: [];

	const fields: Field< Keyword >[] = [
		{
			id: 'keyword',
			label: __( 'Keyword', 'igny8-bridge' ),
			sortField: 'keyword',
			enableHiding: false,
			render: ( k ) => <strong>{ k.keyword }</strong>,
		},
		{
			id: 'volume',
			label: __( 'Volume', 'igny8-bridge' ),
			sortField: 'search_volume',
			render: ( k ) => k.search_volume.toLocaleString(),
		},
		{
			id: 'difficulty',
			label: __( 'Difficulty', 'igny8-bridge' ),
			sortField: 'difficulty',
			render: ( k ) => k.difficulty ?? '—',
		},
		{
			id: 'intent',
			label: __( 'Intent', 'igny8-bridge' ),
			sortField: 'intent',
			render: ( k ) => label( 'intent', k.intent ) || '—',
		},
		{
			id: 'status',
			label: __( 'Status', 'igny8-bridge' ),
			sortField: 'status',
			render: ( k ) => label( 'keywordStatus', k.status ),
		},
		{
			id: 'cluster',
			label: __( 'Cluster', 'igny8-bridge' ),
			render: ( k ) =>
				k.cluster_id
					? ( clusterName.get( k.cluster_id ) ??
						__( 'Another cluster', 'igny8-bridge' ) )
					: '—',
		},
		{
			id: 'added',
			label: __( 'Added', 'igny8-bridge' ),
			sortField: 'created_at',
			render: ( k ) => new Date( k.created_at ).toLocaleDateString(),
		},
	];

	const filters: Filter[] = [
		{
			id: 'status',
			type: 'select',
			label: __( 'Status', 'igny8-bridge' ),
			anyLabel: __( 'Any status', 'igny8-bridge' ),
			options: labelOptions( 'keywordStatus' ),
		},
		{
			id: 'intent',
			type: 'select',
			label: __( 'Intent', 'igny8-bridge' ),
			anyLabel: __( 'Any intent', 'igny8-bridge' ),
			options: labelOptions( 'intent' ),
		},
		{
			id: 'cluster_id',
			type: 'select',
			label: __( 'Cluster', 'igny8-bridge' ),
			anyLabel: __( 'Any cluster', 'igny8-bridge' ),
			options: clusterChoices,
		},
		{
			id: 'volume_min',
			type: 'number',
			label: __( 'Min volume', 'igny8-bridge' ),
		},
		{
			id: 'volume_max',
			type: 'number',
			label: __( 'Max volume', 'igny8-bridge' ),
		},
		{
			id: 'difficulty_min',
			type: 'number',
			label: __( 'Min difficulty', 'igny8-bridge' ),
		},
		{
			id: 'difficulty_max',
			type: 'number',
			label: __( 'Max difficulty', 'igny8-bridge' ),
		},
		...addedFilters(),
	];

	if ( ! sectorId ) {
		return null;
	}

	return (
		<div className="igny8-screen igny8-keywords">
			<div className="igny8-toolbar">
				{ canEdit && (
					<>
						<Button
							variant="primary"
							onClick={ () => setModal( 'add' ) }
						>
							{ __( 'Add keyword', 'igny8-bridge' ) }
						</Button>
						<Button
							variant="secondary"
							onClick={ () => setModal( 'import' ) }
						>
							{ __( 'Import keywords', 'igny8-bridge' ) }
						</Button>
						<Button
							variant="secondary"
							onClick={ () => setModal( 'cluster' ) }
						>
							{ selected.length > 0
								? __( 'Cluster selected', 'igny8-bridge' )
								: __( 'Cluster all', 'igny8-bridge' ) }
						</Button>
					</>
				) }
				{ clusterRun !== null && modal !== 'cluster' && (
					<Button
						variant="link"
						onClick={ () => setModal( 'cluster' ) }
					>
						{ __(
							'Clustering in progress — show progress',
							'igny8-bridge'
						) }
					</Button>
				) }
			</div>
			<DataView< Keyword >
				label={ __( 'Keywords', 'igny8-bridge' ) }
				fields={ fields }
				filters={ filters }
				view={ view }
				onChangeView={ setView }
				perPageOptions={ PER_PAGE_OPTIONS }
				items={ keywords.items }
				count={ keywords.count }
				isLoading={ keywords.isLoading }
				error={ keywords.error }
				actions={ actions }
				itemTitle={ ( k ) => k.keyword }
				countLabel={ keywordCount }
				searchLabel={ __( 'Search keywords', 'igny8-bridge' ) }
				selection={ canEdit ? selected : undefined }
				onChangeSelection={ canEdit ? setSelected : undefined }
				empty={ {
					title: __(
						'No keywords yet — import a CSV or add one.',
						'igny8-bridge'
					),
					body: canEdit ? (
						<p className="igny8-empty__actions">
							<Button
								variant="primary"
								onClick={ () => setModal( 'import' ) }
							>
								{ __( 'Import keywords', 'igny8-bridge' ) }
							</Button>
							<Button
								variant="secondary"
								onClick={ () => setModal( 'add' ) }
							>
								{ __( 'Add keyword', 'igny8-bridge' ) }
							</Button>
						</p>
					) : undefined,
				} }
				emptyFiltered={ __(
					'No keywords match these filters.',
					'igny8-bridge'
				) }
			/>
			{ modal === 'add' && (
				<AddKeyword
					sectorId={ sectorId }
					onClose={ () => setModal( null ) }
				/>
			) }
			{ modal === 'import' && (
				<ImportWizard
					sectorId={ sectorId }
					onClose={ () => setModal( null ) }
					onImported={ () => planner.invalidate( 'keywords' ) }
				/>
			) }
			{ modal === 'cluster' && (
				<ClusterModal
					sectorId={ sectorId }
					ids={ clusterRun !== null ? [] : selected }
					runId={ clusterRun }
					onClose={ () => setModal( null ) }
				/>
			) }
		</div>
	);
}
