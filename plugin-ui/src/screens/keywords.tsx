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
	Notice,
	RadioControl,
	SelectControl,
	TextControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError, type ApiErrorKind } from '../api/errors';
import {
	AiActionModal,
	useActiveRunId,
	useReopenActiveRun,
} from '../components/ai-action';
import { DataTable, type Column } from '../components/data-table';
import { EmptyState, ErrorNotice } from '../components/states';
import { useList } from '../hooks/use-list';
import { ImportWizard } from './import-wizard';
import type { ScreenProps } from './types';

const PLANNER = 'igny8/planner';
const PAGE_SIZE = 25;

function useDebounced< T >( value: T, ms: number ): T {
	const [ current, setCurrent ] = useState( value );
	useEffect( () => {
		const timer = setTimeout( () => setCurrent( value ), ms );
		return () => clearTimeout( timer );
	}, [ value, ms ] );
	return current;
}

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
	anyLabel,
}: {
	value: string;
	onChange: ( value: string ) => void;
	anyLabel?: string;
} ) {
	return (
		<SelectControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			label={ __( 'Intent', 'igny8-bridge' ) }
			value={ value }
			onChange={ onChange }
			options={
				[
					{
						value: '',
						label: anyLabel ?? __( 'Not set', 'igny8-bridge' ),
					},
					{
						value: 'informational',
						label: __( 'Informational', 'igny8-bridge' ),
					},
					{
						value: 'commercial',
						label: __( 'Commercial', 'igny8-bridge' ),
					},
					{
						value: 'transactional',
						label: __( 'Transactional', 'igny8-bridge' ),
					},
					{
						value: 'navigational',
						label: __( 'Navigational', 'igny8-bridge' ),
					},
				] as { value: string; label: string }[]
			}
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

/**
 * Planner → Keywords.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function KeywordsScreen( { sectorId }: ScreenProps ) {
	const canEdit = useCanEdit();
	const [ search, setSearch ] = useState( '' );
	const [ intent, setIntent ] = useState( '' );
	const [ status, setStatus ] = useState( '' );
	const [ clusterId, setClusterId ] = useState( '' );
	const [ volumeMin, setVolumeMin ] = useState( '' );
	const [ volumeMax, setVolumeMax ] = useState( '' );
	const [ ordering, setOrdering ] = useState( '-search_volume' );
	const [ page, setPage ] = useState( 1 );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ modal, setModal ] = useState< null | 'add' | 'import' | 'cluster' >(
		null
	);
	const [ notice, setNotice ] = useState< string | null >( null );
	const [ actionError, setActionError ] = useState< {
		message: string;
		kind?: ApiErrorKind;
	} | null >( null );
	const debouncedSearch = useDebounced( search, 300 );
	const clusterRun = useActiveRunId( 'auto_cluster' );
	useReopenActiveRun( clusterRun, () => setModal( 'cluster' ) );

	const planner = useDispatch( PLANNER ) as any;

	useEffect( () => {
		setPage( 1 );
		setSelected( [] );
	}, [
		sectorId,
		debouncedSearch,
		intent,
		status,
		clusterId,
		volumeMin,
		volumeMax,
	] );

	const query = useMemo(
		() =>
			sectorId
				? {
						sector_id: sectorId,
						search: debouncedSearch,
						intent,
						status,
						cluster_id: clusterId,
						volume_min: volumeMin,
						volume_max: volumeMax,
						ordering,
						page,
						page_size: PAGE_SIZE,
					}
				: null,
		[
			sectorId,
			debouncedSearch,
			intent,
			status,
			clusterId,
			volumeMin,
			volumeMax,
			ordering,
			page,
		]
	);
	const keywords = useList< Keyword >(
		PLANNER,
		'getKeywords',
		'keywords',
		query
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

	const bulk = async ( action: () => Promise< { affected: number } > ) => {
		setActionError( null );
		try {
			const result = await action();
			setNotice(
				sprintf(
					/* translators: %d: number of keywords changed. */
					__( '%d keywords updated.', 'igny8-bridge' ),
					result.affected
				)
			);
			setSelected( [] );
		} catch ( failure ) {
			setActionError( {
				message: errorMessage(
					failure,
					__( 'The action failed.', 'igny8-bridge' )
				),
				kind: isApiError( failure ) ? failure.kind : undefined,
			} );
		}
	};

	const columns: Column< Keyword >[] = [
		{
			id: 'keyword',
			label: __( 'Keyword', 'igny8-bridge' ),
			sortField: 'keyword',
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
			render: ( k ) => k.intent ?? '—',
		},
		{
			id: 'status',
			label: __( 'Status', 'igny8-bridge' ),
			sortField: 'status',
			render: ( k ) => k.status,
		},
		{
			id: 'cluster',
			label: __( 'Cluster', 'igny8-bridge' ),
			render: ( k ) =>
				k.cluster_id
					? ( clusterName.get( k.cluster_id ) ??
						`#${ k.cluster_id }` )
					: '—',
		},
	];

	if ( ! sectorId ) {
		return null;
	}
	const hasFilters = !! (
		search ||
		intent ||
		status ||
		clusterId ||
		volumeMin ||
		volumeMax
	);

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
			<div className="igny8-filters" role="search">
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Search keywords', 'igny8-bridge' ) }
					value={ search }
					onChange={ setSearch }
					type="search"
				/>
				<IntentSelect
					value={ intent }
					onChange={ setIntent }
					anyLabel={ __( 'Any intent', 'igny8-bridge' ) }
				/>
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Status', 'igny8-bridge' ) }
					value={ status }
					onChange={ setStatus }
					options={
						[
							{
								value: '',
								label: __( 'Any status', 'igny8-bridge' ),
							},
							{
								value: 'active',
								label: __( 'Active', 'igny8-bridge' ),
							},
							{
								value: 'inactive',
								label: __( 'Inactive', 'igny8-bridge' ),
							},
							{
								value: 'used',
								label: __( 'Used', 'igny8-bridge' ),
							},
						] as { value: string; label: string }[]
					}
				/>
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Cluster', 'igny8-bridge' ) }
					value={ clusterId }
					onChange={ setClusterId }
					options={ [
						{
							value: '',
							label: __( 'Any cluster', 'igny8-bridge' ),
						},
						{
							value: 'none',
							label: __( 'No cluster', 'igny8-bridge' ),
						},
						...clusters.items.map( ( cluster ) => ( {
							value: String( cluster.id ),
							label: cluster.name,
						} ) ),
					] }
				/>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="number"
					min={ 0 }
					label={ __( 'Min volume', 'igny8-bridge' ) }
					value={ volumeMin }
					onChange={ setVolumeMin }
				/>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="number"
					min={ 0 }
					label={ __( 'Max volume', 'igny8-bridge' ) }
					value={ volumeMax }
					onChange={ setVolumeMax }
				/>
			</div>
			{ notice && (
				<Notice status="success" onRemove={ () => setNotice( null ) }>
					{ notice }
				</Notice>
			) }
			{ actionError && (
				<ErrorNotice
					message={ actionError.message }
					kind={ actionError.kind }
				/>
			) }
			{ canEdit && selected.length > 0 && (
				<div
					className="igny8-bulk"
					role="group"
					aria-label={ __( 'Bulk actions', 'igny8-bridge' ) }
				>
					<span>
						{ sprintf(
							/* translators: %d: number of selected keywords. */
							__( '%d selected', 'igny8-bridge' ),
							selected.length
						) }
					</span>
					<Button
						variant="secondary"
						isDestructive
						onClick={ () =>
							bulk( () => planner.bulkDeleteKeywords( selected ) )
						}
					>
						{ __( 'Delete', 'igny8-bridge' ) }
					</Button>
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Set status', 'igny8-bridge' ) }
						value=""
						onChange={ ( value ) =>
							value &&
							bulk( () =>
								planner.bulkSetKeywordStatus( selected, value )
							)
						}
						options={
							[
								{
									value: '',
									label: __( 'Choose…', 'igny8-bridge' ),
								},
								{
									value: 'active',
									label: __( 'Active', 'igny8-bridge' ),
								},
								{
									value: 'inactive',
									label: __( 'Inactive', 'igny8-bridge' ),
								},
								{
									value: 'used',
									label: __( 'Used', 'igny8-bridge' ),
								},
							] as { value: string; label: string }[]
						}
					/>
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Move to cluster', 'igny8-bridge' ) }
						value=""
						onChange={ ( value ) =>
							value &&
							bulk( () =>
								planner.bulkAssignCluster(
									selected,
									value === 'none' ? null : Number( value )
								)
							)
						}
						options={ [
							{
								value: '',
								label: __( 'Choose…', 'igny8-bridge' ),
							},
							{
								value: 'none',
								label: __( 'No cluster', 'igny8-bridge' ),
							},
							...clusters.items.map( ( cluster ) => ( {
								value: String( cluster.id ),
								label: cluster.name,
							} ) ),
						] }
					/>
				</div>
			) }
			{ keywords.error && <ErrorNotice message={ keywords.error } /> }
			{ ! keywords.error &&
				! keywords.isLoading &&
				keywords.count === 0 && (
					<EmptyState
						title={
							hasFilters
								? __(
										'No keywords match these filters.',
										'igny8-bridge'
									)
								: __(
										'No keywords in this sector yet.',
										'igny8-bridge'
									)
						}
					>
						{ ! hasFilters && (
							<p>
								{ __(
									'Import a CSV from Google Keyword Planner, Semrush or Ahrefs, or add keywords one by one.',
									'igny8-bridge'
								) }
							</p>
						) }
					</EmptyState>
				) }
			{ ( keywords.isLoading || keywords.count > 0 ) && (
				<DataTable
					label={ __( 'Keywords', 'igny8-bridge' ) }
					columns={ columns }
					items={ keywords.items }
					count={ keywords.count }
					page={ page }
					pageSize={ PAGE_SIZE }
					onPage={ setPage }
					ordering={ ordering }
					onOrdering={ setOrdering }
					selected={ canEdit ? selected : undefined }
					onSelect={ canEdit ? setSelected : undefined }
					isLoading={ keywords.isLoading }
				/>
			) }
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
