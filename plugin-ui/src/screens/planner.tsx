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
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage } from '../api/errors';
import {
	AiActionModal,
	useActiveRunId,
	useReopenActiveRun,
} from '../components/ai-action';
import { DataTable } from '../components/data-table';
import {
	addedFilters,
	DataView,
	type Action,
	type Field,
} from '../components/data-view';
import { announce } from '../components/data-view/notices';
import { ErrorNotice } from '../components/states';
import { useList } from '../hooks/use-list';
import {
	ADDED_RANGE,
	isId,
	oneOf,
	useUrlView,
	viewQuery,
	type ViewSpec,
} from '../hooks/use-url-view';
import { label, labelOptions } from '../labels';
import { PER_PAGE_OPTIONS, useCanEdit } from './keywords';
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

const CLUSTER_VIEW: ViewSpec = {
	filters: { status: oneOf( [ 'active', 'archived' ] ) },
	sortFields: [ 'name', 'status', 'created_at' ],
	defaultSort: 'name',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'keywords', 'volume', 'status' ],
};

/**
 * “12 clusters”.
 * @param count How many.
 */
function clusterCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of keyword clusters. */
		_n( '%s cluster', '%s clusters', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * Planner → Clusters: list, detail with keywords, generate ideas.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function ClustersScreen( { sectorId }: ScreenProps ) {
	const canEdit = useCanEdit();
	const [ view, setView ] = useUrlView( CLUSTER_VIEW );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ detail, setDetail ] = useState< Cluster | null >( null );
	const [ generating, setGenerating ] = useState( false );
	const ideasRun = useActiveRunId( 'generate_ideas' );
	useReopenActiveRun( ideasRun, () => setGenerating( true ) );
	const clusters = useList< Cluster >(
		PLANNER,
		'getClusters',
		'clusters',
		sectorId ? { sector_id: sectorId, ...viewQuery( view ) } : null
	);
	const fields: Field< Cluster >[] = [
		{
			id: 'name',
			label: __( 'Cluster', 'igny8-bridge' ),
			sortField: 'name',
			enableHiding: false,
			render: ( c ) => (
				<Button variant="link" onClick={ () => setDetail( c ) }>
					{ c.name }
				</Button>
			),
		},
		{
			id: 'keywords',
			label: __( 'Keywords', 'igny8-bridge' ),
			render: ( c ) => c.keyword_count.toLocaleString(),
		},
		{
			id: 'volume',
			label: __( 'Total volume', 'igny8-bridge' ),
			render: ( c ) => c.total_volume.toLocaleString(),
		},
		{
			id: 'status',
			label: __( 'Status', 'igny8-bridge' ),
			sortField: 'status',
			render: ( c ) => label( 'clusterStatus', c.status ),
		},
	];
	const actions: Action< Cluster >[] = [
		{
			id: 'keywords',
			label: __( 'Show keywords', 'igny8-bridge' ),
			callback: ( items ) => setDetail( items[ 0 ] ?? null ),
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
			<DataView< Cluster >
				label={ __( 'Clusters', 'igny8-bridge' ) }
				fields={ fields }
				filters={ [
					{
						id: 'status',
						type: 'select',
						label: __( 'Status', 'igny8-bridge' ),
						anyLabel: __( 'Any status', 'igny8-bridge' ),
						options: labelOptions( 'clusterStatus' ),
					},
				] }
				view={ view }
				onChangeView={ setView }
				perPageOptions={ PER_PAGE_OPTIONS }
				items={ clusters.items }
				count={ clusters.count }
				isLoading={ clusters.isLoading }
				error={ clusters.error }
				actions={ actions }
				itemTitle={ ( c ) => c.name }
				countLabel={ clusterCount }
				searchLabel={ __( 'Search clusters', 'igny8-bridge' ) }
				selection={ canEdit ? selected : undefined }
				onChangeSelection={
					canEdit
						? ( ids ) => setSelected( ids.slice( 0, 20 ) )
						: undefined
				}
				empty={ {
					title: __(
						'No clusters yet — group your keywords first.',
						'igny8-bridge'
					),
					body: (
						<p>
							{ __(
								'On the Keywords screen, choose “Cluster all” to group your keywords by topic.',
								'igny8-bridge'
							) }
						</p>
					),
				} }
				emptyFiltered={ __(
					'No clusters match these filters.',
					'igny8-bridge'
				) }
			/>
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

const IDEA_VIEW: ViewSpec = {
	filters: {
		status: oneOf( [ 'draft', 'approved', 'in_progress', 'completed' ] ),
		cluster_id: isId,
		content_type: oneOf( [ 'post', 'page', 'product', 'service' ] ),
		...ADDED_RANGE,
	},
	sortFields: [ 'title', 'status', 'content_type', 'created_at' ],
	defaultSort: '-created_at',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'type', 'keywords', 'status' ],
};

/**
 * “12 ideas”.
 * @param count How many.
 */
function ideaCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of content ideas. */
		_n( '%s idea', '%s ideas', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * Planner → Ideas: review, edit, approve into writer tasks.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function IdeasScreen( { sectorId }: ScreenProps ) {
	const canEdit = useCanEdit();
	const [ view, setView ] = useUrlView( IDEA_VIEW );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ editing, setEditing ] = useState< ContentIdea | null >( null );

	const { approveIdeas } = useDispatch( PLANNER ) as any;
	const ideas = useList< ContentIdea >(
		PLANNER,
		'getIdeas',
		'ideas',
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
	const approve: Action< ContentIdea > = {
		id: 'approve',
		label: __( 'Approve → tasks', 'igny8-bridge' ),
		supportsBulk: true,
		confirm: ( items ) =>
			sprintf(
				/* translators: %s: e.g. “5 ideas”. */
				__(
					'Approve %s? Each becomes a writing task on the Tasks screen.',
					'igny8-bridge'
				),
				ideaCount( items.length )
			),
		confirmLabel: __( 'Approve', 'igny8-bridge' ),
		callback: async ( items ) => {
			const tasks = await approveIdeas( items.map( ( i ) => i.id ) );
			const made = tasks.length || items.length;
			announce(
				sprintf(
					/* translators: %s: e.g. “5 writing tasks”. */
					_n(
						'Approved: %s writing task is ready on the Tasks screen.',
						'Approved: %s writing tasks are ready on the Tasks screen.',
						made,
						'igny8-bridge'
					),
					made.toLocaleString()
				)
			);
		},
	};
	const actions: Action< ContentIdea >[] = canEdit
		? [
				{
					id: 'edit',
					label: __( 'Edit', 'igny8-bridge' ),
					callback: ( items ) => setEditing( items[ 0 ] ?? null ),
				},
				approve,
			]
		: [];
	if ( ! sectorId ) {
		return null;
	}
	return (
		<div className="igny8-screen igny8-ideas">
			<DataView< ContentIdea >
				label={ __( 'Ideas', 'igny8-bridge' ) }
				fields={ [
					{
						id: 'title',
						label: __( 'Title', 'igny8-bridge' ),
						sortField: 'title',
						enableHiding: false,
						render: ( i ) =>
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
						sortField: 'content_type',
						render: ( i ) => label( 'contentType', i.content_type ),
					},
					{
						id: 'keywords',
						label: __( 'Keywords', 'igny8-bridge' ),
						render: ( i ) =>
							i.suggested_keywords.slice( 0, 4 ).join( ', ' ),
					},
					{
						id: 'status',
						label: __( 'Status', 'igny8-bridge' ),
						sortField: 'status',
						render: ( i ) => label( 'ideaStatus', i.status ),
					},
				] }
				filters={ [
					{
						id: 'status',
						type: 'select',
						label: __( 'Status', 'igny8-bridge' ),
						anyLabel: __( 'Any status', 'igny8-bridge' ),
						options: labelOptions( 'ideaStatus' ),
					},
					{
						id: 'cluster_id',
						type: 'select',
						label: __( 'Cluster', 'igny8-bridge' ),
						anyLabel: __( 'Any cluster', 'igny8-bridge' ),
						options: clusters.items.map( ( cluster ) => ( {
							value: String( cluster.id ),
							label: cluster.name,
						} ) ),
					},
					{
						id: 'content_type',
						type: 'select',
						label: __( 'Type', 'igny8-bridge' ),
						anyLabel: __( 'Any type', 'igny8-bridge' ),
						options: labelOptions( 'contentType' ),
					},
					...addedFilters(),
				] }
				view={ view }
				onChangeView={ setView }
				perPageOptions={ PER_PAGE_OPTIONS }
				items={ ideas.items }
				count={ ideas.count }
				isLoading={ ideas.isLoading }
				error={ ideas.error }
				actions={ actions }
				itemTitle={ ( i ) => i.title }
				countLabel={ ideaCount }
				searchLabel={ __( 'Search ideas', 'igny8-bridge' ) }
				selection={ canEdit ? selected : undefined }
				onChangeSelection={ canEdit ? setSelected : undefined }
				empty={ {
					title: __(
						'No ideas yet — generate them from your clusters.',
						'igny8-bridge'
					),
					body: (
						<p>
							{ __(
								'On the Clusters screen, select clusters and choose “Generate ideas”.',
								'igny8-bridge'
							) }
						</p>
					),
				} }
				emptyFiltered={ __(
					'No ideas match these filters.',
					'igny8-bridge'
				) }
			/>
			{ editing && (
				<EditIdea
					idea={ editing }
					onClose={ () => setEditing( null ) }
				/>
			) }
		</div>
	);
}
