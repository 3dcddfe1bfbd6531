/**
 * External dependencies
 */
import type { Cluster, ContentIdea, Keyword } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Modal,
	Notice,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage } from '../api/errors';
import {
	AiActionModal,
	useActiveRunId,
	useReopenActiveRun,
} from '../components/ai-action';
import { DataTable, type Column } from '../components/data-table';
import { EmptyState, ErrorNotice } from '../components/states';
import { useList } from '../hooks/use-list';
import { useCanEdit } from './keywords';
import type { ScreenProps } from './types';

const PLANNER = 'igny8/planner';
const PAGE_SIZE = 25;

function GenerateIdeas( {
	ids,
	runId,
	onClose,
}: {
	ids: number[];
	runId: number | null;
	onClose: () => void;
} ) {
	const { invalidate } = useDispatch( PLANNER ) as any;
	return (
		<AiActionModal
			title={ __( 'Generate ideas', 'igny8-bridge' ) }
			fn="generate_ideas"
			estimateInput={ { cluster_ids: ids, ideas_per_cluster: 3 } }
			path="/planner/clusters/generate_ideas/"
			body={ { ids, ideas_per_cluster: 3 } }
			startLabel={ __( 'Generate ideas', 'igny8-bridge' ) }
			runId={ runId }
			onClose={ onClose }
			onFinished={ () => invalidate( 'ideas', 'clusters' ) }
		>
			<p>
				{ sprintf(
					/* translators: %d: number of clusters. */
					__(
						'Three content ideas for each of the %d selected clusters.',
						'igny8-bridge'
					),
					ids.length
				) }
			</p>
		</AiActionModal>
	);
}

function ClusterDetail( {
	cluster,
	onClose,
}: {
	cluster: Cluster;
	onClose: () => void;
} ) {
	const [ page, setPage ] = useState( 1 );
	const keywords = useList< Keyword >( PLANNER, 'getKeywords', 'keywords', {
		sector_id: cluster.sector_id,
		cluster_id: cluster.id,
		ordering: '-search_volume',
		page,
		page_size: PAGE_SIZE,
	} );
	return (
		<Modal title={ cluster.name } onRequestClose={ onClose } size="large">
			{ cluster.description && <p>{ cluster.description }</p> }
			{ keywords.error && <ErrorNotice message={ keywords.error } /> }
			<DataTable
				label={ __( 'Keywords in this cluster', 'igny8-bridge' ) }
				columns={ [
					{
						id: 'keyword',
						label: __( 'Keyword', 'igny8-bridge' ),
						render: ( k: Keyword ) => k.keyword,
					},
					{
						id: 'volume',
						label: __( 'Volume', 'igny8-bridge' ),
						render: ( k: Keyword ) => k.search_volume,
					},
				] }
				items={ keywords.items }
				count={ keywords.count }
				page={ page }
				pageSize={ PAGE_SIZE }
				onPage={ setPage }
				isLoading={ keywords.isLoading }
			/>
		</Modal>
	);
}

/**
 * Planner → Clusters: list, detail with keywords, generate ideas.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function ClustersScreen( { sectorId }: ScreenProps ) {
	const canEdit = useCanEdit();
	const [ page, setPage ] = useState( 1 );
	const [ ordering, setOrdering ] = useState( 'name' );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ detail, setDetail ] = useState< Cluster | null >( null );
	const [ generating, setGenerating ] = useState( false );
	const ideasRun = useActiveRunId( 'generate_ideas' );
	useReopenActiveRun( ideasRun, () => setGenerating( true ) );
	const clusters = useList< Cluster >(
		PLANNER,
		'getClusters',
		'clusters',
		sectorId
			? { sector_id: sectorId, ordering, page, page_size: PAGE_SIZE }
			: null
	);
	const columns: Column< Cluster >[] = [
		{
			id: 'name',
			label: __( 'Cluster', 'igny8-bridge' ),
			sortField: 'name',
			render: ( c ) => (
				<Button variant="link" onClick={ () => setDetail( c ) }>
					{ c.name }
				</Button>
			),
		},
		{
			id: 'keywords',
			label: __( 'Keywords', 'igny8-bridge' ),
			render: ( c ) => c.keyword_count,
		},
		{
			id: 'volume',
			label: __( 'Total volume', 'igny8-bridge' ),
			render: ( c ) => c.total_volume.toLocaleString(),
		},
		{
			id: 'status',
			label: __( 'Status', 'igny8-bridge' ),
			render: ( c ) => c.status,
		},
	];
	if ( ! sectorId ) {
		return null;
	}
	return (
		<div className="igny8-screen igny8-clusters">
			<div className="igny8-toolbar">
				{ canEdit && (
					<Button
						variant="primary"
						disabled={ selected.length === 0 && ideasRun === null }
						accessibleWhenDisabled
						onClick={ () => setGenerating( true ) }
					>
						{ ideasRun !== null
							? __(
									'Idea generation in progress — show progress',
									'igny8-bridge'
								)
							: __(
									'Generate ideas for selected',
									'igny8-bridge'
								) }
					</Button>
				) }
			</div>
			{ clusters.error && <ErrorNotice message={ clusters.error } /> }
			{ ! clusters.isLoading &&
			! clusters.error &&
			clusters.count === 0 ? (
				<EmptyState title={ __( 'No clusters yet.', 'igny8-bridge' ) }>
					<p>
						{ __(
							'On the Keywords screen, choose “Cluster all” to group your keywords by topic.',
							'igny8-bridge'
						) }
					</p>
				</EmptyState>
			) : (
				<DataTable
					label={ __( 'Clusters', 'igny8-bridge' ) }
					columns={ columns }
					items={ clusters.items }
					count={ clusters.count }
					page={ page }
					pageSize={ PAGE_SIZE }
					onPage={ setPage }
					ordering={ ordering }
					onOrdering={ setOrdering }
					selected={ canEdit ? selected : undefined }
					onSelect={
						canEdit
							? ( ids ) => setSelected( ids.slice( 0, 20 ) )
							: undefined
					}
					isLoading={ clusters.isLoading }
				/>
			) }
			{ detail && (
				<ClusterDetail
					cluster={ detail }
					onClose={ () => setDetail( null ) }
				/>
			) }
			{ generating && (
				<GenerateIdeas
					ids={ selected }
					runId={ ideasRun }
					onClose={ () => setGenerating( false ) }
				/>
			) }
		</div>
	);
}

function EditIdea( {
	idea,
	onClose,
}: {
	idea: ContentIdea;
	onClose: () => void;
} ) {
	const { updateIdea } = useDispatch( PLANNER ) as any;
	const [ title, setTitle ] = useState( idea.title );
	const [ description, setDescription ] = useState( idea.description );
	const [ error, setError ] = useState< string | null >( null );
	const save = async ( event: React.FormEvent ) => {
		event.preventDefault();
		try {
			await updateIdea( idea.id, { title, description } );
			onClose();
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'Could not save the idea.', 'igny8-bridge' )
				)
			);
		}
	};
	return (
		<Modal
			title={ __( 'Edit idea', 'igny8-bridge' ) }
			onRequestClose={ onClose }
		>
			<form onSubmit={ save } className="igny8-form">
				{ error && <ErrorNotice message={ error } /> }
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Title', 'igny8-bridge' ) }
					value={ title }
					onChange={ setTitle }
				/>
				<TextareaControl
					__nextHasNoMarginBottom
					label={ __( 'Description', 'igny8-bridge' ) }
					value={ description }
					onChange={ setDescription }
					rows={ 6 }
				/>
				<div className="igny8-modal__actions">
					<Button variant="primary" type="submit">
						{ __( 'Save', 'igny8-bridge' ) }
					</Button>
					<Button variant="tertiary" onClick={ onClose }>
						{ __( 'Cancel', 'igny8-bridge' ) }
					</Button>
				</div>
			</form>
		</Modal>
	);
}

/**
 * Planner → Ideas: review, edit, approve into writer tasks.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function IdeasScreen( { sectorId }: ScreenProps ) {
	const canEdit = useCanEdit();
	const [ page, setPage ] = useState( 1 );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ editing, setEditing ] = useState< ContentIdea | null >( null );
	const [ notice, setNotice ] = useState< string | null >( null );
	const [ error, setError ] = useState< string | null >( null );

	const { approveIdeas } = useDispatch( PLANNER ) as any;
	const ideas = useList< ContentIdea >(
		PLANNER,
		'getIdeas',
		'ideas',
		sectorId
			? {
					sector_id: sectorId,
					ordering: '-id',
					page,
					page_size: PAGE_SIZE,
				}
			: null
	);
	const approve = async () => {
		setError( null );
		try {
			const tasks = await approveIdeas( selected );
			setNotice(
				sprintf(
					/* translators: %d: number of tasks. */
					__(
						'Approved: %d writer tasks are ready on the Tasks screen.',
						'igny8-bridge'
					),
					tasks.length || selected.length
				)
			);
			setSelected( [] );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'Could not approve.', 'igny8-bridge' )
				)
			);
		}
	};
	if ( ! sectorId ) {
		return null;
	}
	return (
		<div className="igny8-screen igny8-ideas">
			<div className="igny8-toolbar">
				{ canEdit && (
					<Button
						variant="primary"
						disabled={ selected.length === 0 }
						accessibleWhenDisabled
						onClick={ approve }
					>
						{ __( 'Approve → tasks', 'igny8-bridge' ) }
					</Button>
				) }
			</div>
			{ notice && (
				<Notice status="success" onRemove={ () => setNotice( null ) }>
					{ notice }
				</Notice>
			) }
			{ ( error || ideas.error ) && (
				<ErrorNotice message={ ( error || ideas.error ) as string } />
			) }
			{ ! ideas.isLoading && ! ideas.error && ideas.count === 0 ? (
				<EmptyState title={ __( 'No ideas yet.', 'igny8-bridge' ) }>
					<p>
						{ __(
							'On the Clusters screen, select clusters and choose “Generate ideas”.',
							'igny8-bridge'
						) }
					</p>
				</EmptyState>
			) : (
				<DataTable
					label={ __( 'Ideas', 'igny8-bridge' ) }
					columns={ [
						{
							id: 'title',
							label: __( 'Title', 'igny8-bridge' ),
							render: ( i: ContentIdea ) =>
								canEdit ? (
									<Button
										variant="link"
										onClick={ () => setEditing( i ) }
									>
										{ i.title }
									</Button>
								) : (
									i.title
								),
						},
						{
							id: 'type',
							label: __( 'Type', 'igny8-bridge' ),
							render: ( i: ContentIdea ) => i.content_type,
						},
						{
							id: 'keywords',
							label: __( 'Keywords', 'igny8-bridge' ),
							render: ( i: ContentIdea ) =>
								i.suggested_keywords.slice( 0, 4 ).join( ', ' ),
						},
						{
							id: 'status',
							label: __( 'Status', 'igny8-bridge' ),
							render: ( i: ContentIdea ) => i.status,
						},
					] }
					items={ ideas.items }
					count={ ideas.count }
					page={ page }
					pageSize={ PAGE_SIZE }
					onPage={ setPage }
					selected={ canEdit ? selected : undefined }
					onSelect={ canEdit ? setSelected : undefined }
					isLoading={ ideas.isLoading }
				/>
			) }
			{ editing && (
				<EditIdea
					idea={ editing }
					onClose={ () => setEditing( null ) }
				/>
			) }
		</div>
	);
}
