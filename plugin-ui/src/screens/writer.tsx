/**
 * External dependencies
 */
import type { Cluster, Content, Image, Task } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import {
	AiActionModal,
	useActiveRunId,
	useReopenActiveRun,
} from '../components/ai-action';
import { addedFilters, DataView, type Action } from '../components/data-view';
import { announce } from '../components/data-view/notices';
import { DraftReview } from '../components/draft-review';
import { ImageCard } from '../components/draft-images';
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
import { postLinks } from '../post-links';
import { safeUrl } from '../safe-url';
import { PER_PAGE_OPTIONS, useCanEdit } from './keywords';
import type { ScreenProps } from './types';

const WRITER = 'igny8/writer';

const TASK_VIEW: ViewSpec = {
	filters: {
		status: oneOf( [ 'pending', 'in_progress', 'completed', 'published' ] ),
		cluster_id: isId,
		...ADDED_RANGE,
	},
	sortFields: [ 'title', 'status', 'created_at', 'updated_at' ],
	defaultSort: '-created_at',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'keywords', 'status', 'added' ],
};

/**
 * “12 tasks”.
 * @param count How many.
 */
function taskCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of writing tasks. */
		_n( '%s task', '%s tasks', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * Writer → Tasks: generate content with an estimate and live progress.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function TasksScreen( { sectorId }: ScreenProps ) {
	const canEdit = useCanEdit();
	const [ view, setView ] = useUrlView( TASK_VIEW );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ generating, setGenerating ] = useState( false );
	const contentRun = useActiveRunId( 'generate_content' );
	useReopenActiveRun( contentRun, () => setGenerating( true ) );

	const { invalidate, deleteTasks } = useDispatch( WRITER ) as any;
	const tasks = useList< Task >(
		WRITER,
		'getTasks',
		'tasks',
		sectorId ? { sector_id: sectorId, ...viewQuery( view ) } : null
	);
	const clusters = useList< Cluster >(
		'igny8/planner',
		'getClusters',
		'clusters',
		sectorId
			? { sector_id: sectorId, page_size: 100, ordering: 'name' }
			: null
	);
	if ( ! sectorId ) {
		return null;
	}
	const actions: Action< Task >[] = [
		{
			id: 'view-post',
			label: __( 'View post', 'igny8-bridge' ),
			href: ( t ) => safeUrl( t.post_url ) ?? null,
		},
		...( canEdit
			? [
					{
						id: 'delete',
						label: __( 'Delete', 'igny8-bridge' ),
						isDestructive: true,
						supportsBulk: true,
						confirm: ( items: Task[] ) =>
							items.length === 1
								? sprintf(
										/* translators: %s: a task's title. */
										__(
											'Delete the task “%s”? Its draft, if any, stays. This cannot be undone.',
											'igny8-bridge'
										),
										items[ 0 ]?.title ?? ''
									)
								: sprintf(
										/* translators: %s: e.g. “12 tasks”. */
										__(
											'Delete %s? Their drafts, if any, stay. This cannot be undone.',
											'igny8-bridge'
										),
										taskCount( items.length )
									),
						callback: async ( items: Task[] ) => {
							const result = await deleteTasks(
								items.map( ( t ) => t.id )
							);
							announce(
								sprintf(
									/* translators: %s: e.g. “12 tasks”. */
									__( '%s deleted.', 'igny8-bridge' ),
									taskCount( result.affected )
								)
							);
						},
					},
				]
			: [] ),
	];
	return (
		<div className="igny8-screen igny8-tasks">
			<div className="igny8-toolbar">
				{ canEdit && (
					<Button
						variant="primary"
						disabled={
							selected.length === 0 && contentRun === null
						}
						accessibleWhenDisabled
						onClick={ () => setGenerating( true ) }
					>
						{ contentRun !== null
							? __(
									'Writing in progress — show progress',
									'igny8-bridge'
								)
							: __( 'Generate content', 'igny8-bridge' ) }
					</Button>
				) }
			</div>
			<DataView< Task >
				label={ __( 'Tasks', 'igny8-bridge' ) }
				fields={ [
					{
						id: 'title',
						label: __( 'Title', 'igny8-bridge' ),
						sortField: 'title',
						enableHiding: false,
						render: ( t ) => <strong>{ t.title }</strong>,
					},
					{
						id: 'keywords',
						label: __( 'Keywords', 'igny8-bridge' ),
						render: ( t ) =>
							t.target_keywords.slice( 0, 4 ).join( ', ' ),
					},
					{
						id: 'status',
						label: __( 'Status', 'igny8-bridge' ),
						sortField: 'status',
						render: ( t ) => label( 'taskStatus', t.status ),
					},
					{
						id: 'added',
						label: __( 'Added', 'igny8-bridge' ),
						sortField: 'created_at',
						render: ( t ) =>
							new Date( t.created_at ).toLocaleDateString(),
					},
				] }
				filters={ [
					{
						id: 'status',
						type: 'select',
						label: __( 'Status', 'igny8-bridge' ),
						anyLabel: __( 'Any status', 'igny8-bridge' ),
						options: labelOptions( 'taskStatus' ),
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
					...addedFilters(),
				] }
				view={ view }
				onChangeView={ setView }
				perPageOptions={ PER_PAGE_OPTIONS }
				items={ tasks.items }
				count={ tasks.count }
				isLoading={ tasks.isLoading }
				error={ tasks.error }
				actions={ actions }
				itemTitle={ ( t ) => t.title }
				countLabel={ taskCount }
				searchLabel={ __( 'Search tasks', 'igny8-bridge' ) }
				selection={ canEdit ? selected : undefined }
				onChangeSelection={
					canEdit
						? ( ids ) => setSelected( ids.slice( 0, 20 ) )
						: undefined
				}
				empty={ {
					title: __(
						'No writing tasks yet — approve ideas to create them.',
						'igny8-bridge'
					),
					body: (
						<p>
							{ __(
								'On the Ideas screen, select ideas and choose “Approve → tasks”.',
								'igny8-bridge'
							) }
						</p>
					),
				} }
				emptyFiltered={ __(
					'No tasks match these filters.',
					'igny8-bridge'
				) }
			/>
			{ generating && (
				<AiActionModal
					title={ __( 'Generate content', 'igny8-bridge' ) }
					fn="generate_content"
					estimateInput={ { task_ids: selected } }
					path="/writer/tasks/generate_content/"
					body={ { ids: selected } }
					startLabel={ __( 'Write', 'igny8-bridge' ) }
					runId={ contentRun }
					onClose={ () => setGenerating( false ) }
					onFinished={ () => invalidate( 'tasks', 'content' ) }
				/>
			) }
		</div>
	);
}

const CONTENT_VIEW: ViewSpec = {
	filters: {
		sync_status: oneOf( [
			'draft',
			'imported',
			'synced',
			'published',
			'scheduled',
			'trashed',
			'deleted',
		] ),
		entity_type: oneOf( [ 'post', 'page', 'product', 'service' ] ),
		...ADDED_RANGE,
	},
	sortFields: [ 'title', 'word_count', 'sync_status', 'created_at' ],
	defaultSort: '-created_at',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'words', 'sync', 'added' ],
};

/**
 * “12 drafts and posts”.
 * @param count How many.
 */
function contentCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of drafts and posts. */
		_n( '%s draft or post', '%s drafts and posts', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * Writer → Content: preview, edit, images, publish.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function ContentScreen( { sectorId }: ScreenProps ) {
	const canEdit = useCanEdit();
	const [ view, setView ] = useUrlView( CONTENT_VIEW );
	const [ open, setOpen ] = useState< Content | null >( null );
	const content = useList< Content >(
		WRITER,
		'getContentList',
		'content',
		sectorId ? { sector_id: sectorId, ...viewQuery( view ) } : null
	);
	if ( ! sectorId ) {
		return null;
	}
	const actions: Action< Content >[] = [
		{
			id: 'review',
			label: canEdit
				? __( 'Review and edit', 'igny8-bridge' )
				: __( 'Review', 'igny8-bridge' ),
			callback: ( items ) => setOpen( items[ 0 ] ?? null ),
		},
		{
			id: 'edit-post',
			label: __( 'Open in editor', 'igny8-bridge' ),
			href: ( c ) => postLinks( c )?.edit ?? null,
		},
		{
			id: 'view-post',
			label: __( 'View post', 'igny8-bridge' ),
			href: ( c ) => {
				const links = postLinks( c );
				return links && ! links.isPreview ? links.view : null;
			},
		},
		{
			id: 'preview-post',
			label: __( 'Preview post', 'igny8-bridge' ),
			href: ( c ) => {
				const links = postLinks( c );
				return links && links.isPreview ? links.view : null;
			},
		},
	];
	return (
		<div className="igny8-screen igny8-content">
			<DataView< Content >
				label={ __( 'Content', 'igny8-bridge' ) }
				fields={ [
					{
						id: 'title',
						label: __( 'Title', 'igny8-bridge' ),
						sortField: 'title',
						enableHiding: false,
						render: ( c ) => (
							<Button
								variant="link"
								onClick={ () => setOpen( c ) }
							>
								{ c.title }
							</Button>
						),
					},
					{
						id: 'words',
						label: __( 'Words', 'igny8-bridge' ),
						sortField: 'word_count',
						render: ( c ) => c.word_count.toLocaleString(),
					},
					{
						id: 'sync',
						label: __( 'Status', 'igny8-bridge' ),
						sortField: 'sync_status',
						render: ( c ) => (
							<span
								className="igny8-sync"
								data-status={ c.sync_status }
							>
								{ label( 'syncStatus', c.sync_status ) }
							</span>
						),
					},
					{
						id: 'added',
						label: __( 'Added', 'igny8-bridge' ),
						sortField: 'created_at',
						render: ( c ) =>
							new Date( c.created_at ).toLocaleDateString(),
					},
				] }
				filters={ [
					{
						id: 'sync_status',
						type: 'select',
						label: __( 'Status', 'igny8-bridge' ),
						anyLabel: __( 'Any status', 'igny8-bridge' ),
						options: labelOptions( 'syncStatus' ),
					},
					{
						id: 'entity_type',
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
				items={ content.items }
				count={ content.count }
				isLoading={ content.isLoading }
				error={ content.error }
				actions={ actions }
				itemTitle={ ( c ) => c.title }
				countLabel={ contentCount }
				searchLabel={ __( 'Search content', 'igny8-bridge' ) }
				empty={ {
					title: __(
						'No drafts yet — write them from your tasks.',
						'igny8-bridge'
					),
					body: (
						<p>
							{ __(
								'On the Tasks screen, select tasks and choose “Generate content”.',
								'igny8-bridge'
							) }
						</p>
					),
				} }
				emptyFiltered={ __(
					'No drafts or posts match these filters.',
					'igny8-bridge'
				) }
			/>
			{ open && (
				<DraftReview
					content={ open }
					canEdit={ canEdit }
					onClose={ () => setOpen( null ) }
				/>
			) }
		</div>
	);
}

const IMAGE_VIEW: ViewSpec = {
	filters: { is_featured: oneOf( [ 'true', 'false' ] ) },
	sortFields: [ 'position', 'created_at' ],
	defaultSort: '-created_at',
	perPageOptions: [ 12, 24, 48, 96 ],
	defaultPerPage: 24,
	columns: [],
};

/**
 * Writer → Images.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function ImagesScreen( { sectorId }: ScreenProps ) {
	const [ view, setView ] = useUrlView( IMAGE_VIEW );
	const images = useList< Image >(
		WRITER,
		'getImages',
		'images',
		sectorId ? { sector_id: sectorId, ...viewQuery( view ) } : null
	);
	if ( ! sectorId ) {
		return null;
	}
	return (
		<div className="igny8-screen igny8-images-screen">
			<DataView< Image >
				label={ __( 'Images', 'igny8-bridge' ) }
				fields={ [] }
				filters={ [
					{
						id: 'is_featured',
						type: 'select',
						label: __( 'Featured', 'igny8-bridge' ),
						anyLabel: __( 'All images', 'igny8-bridge' ),
						options: [
							{
								value: 'true',
								label: __( 'Featured images', 'igny8-bridge' ),
							},
							{
								value: 'false',
								label: __(
									'In-article images',
									'igny8-bridge'
								),
							},
						],
					},
				] }
				view={ view }
				onChangeView={ setView }
				perPageOptions={ IMAGE_VIEW.perPageOptions }
				items={ images.items }
				count={ images.count }
				isLoading={ images.isLoading }
				error={ images.error }
				itemTitle={ ( image ) => image.alt_text || image.prompt }
				countLabel={ ( count ) =>
					sprintf(
						/* translators: %s: number of images. */
						_n( '%s image', '%s images', count, 'igny8-bridge' ),
						count.toLocaleString()
					)
				}
				searchLabel={ __( 'Search images', 'igny8-bridge' ) }
				renderCard={ ( image ) => (
					<ImageCard image={ image } canEdit={ false } />
				) }
				cardsClassName="igny8-image-cards"
				empty={ {
					title: __(
						'No images yet — generate them for a draft.',
						'igny8-bridge'
					),
					body: (
						<p>
							{ __(
								'Open a draft on the Content screen and choose “Generate image prompts”, then “Generate images”.',
								'igny8-bridge'
							) }
						</p>
					),
				} }
				emptyFiltered={ __(
					'No images match these filters.',
					'igny8-bridge'
				) }
			/>
		</div>
	);
}
