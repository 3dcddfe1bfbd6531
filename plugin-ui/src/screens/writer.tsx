/**
 * External dependencies
 */
import type {
	Content,
	Image,
	PublishingRecord,
	Task,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Modal,
	Notice,
	RadioControl,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
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
import { DataTable } from '../components/data-table';
import { DraftImages, ImageCard } from '../components/draft-images';
import { EmptyState, ErrorNotice } from '../components/states';
import { useList } from '../hooks/use-list';
import { safeUrl } from '../safe-url';
import { useCanEdit } from './keywords';
import type { ScreenProps } from './types';

const WRITER = 'igny8/writer';
const PAGE_SIZE = 25;
const PUBLISH_POLL_MS = 1500;

/**
 * Writer → Tasks: generate content with an estimate and live progress.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function TasksScreen( { sectorId }: ScreenProps ) {
	const canEdit = useCanEdit();
	const [ page, setPage ] = useState( 1 );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ generating, setGenerating ] = useState( false );
	const contentRun = useActiveRunId( 'generate_content' );
	useReopenActiveRun( contentRun, () => setGenerating( true ) );

	const { invalidate } = useDispatch( WRITER ) as any;
	const tasks = useList< Task >(
		WRITER,
		'getTasks',
		'tasks',
		sectorId
			? {
					sector_id: sectorId,
					ordering: '-id',
					page,
					page_size: PAGE_SIZE,
				}
			: null
	);
	if ( ! sectorId ) {
		return null;
	}
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
			{ tasks.error && <ErrorNotice message={ tasks.error } /> }
			{ ! tasks.isLoading && ! tasks.error && tasks.count === 0 ? (
				<EmptyState
					title={ __( 'No writing tasks yet.', 'igny8-bridge' ) }
				>
					<p>
						{ __(
							'Approve ideas on the Ideas screen to turn them into tasks.',
							'igny8-bridge'
						) }
					</p>
				</EmptyState>
			) : (
				<DataTable
					label={ __( 'Tasks', 'igny8-bridge' ) }
					columns={ [
						{
							id: 'title',
							label: __( 'Title', 'igny8-bridge' ),
							render: ( t: Task ) => <strong>{ t.title }</strong>,
						},
						{
							id: 'keywords',
							label: __( 'Keywords', 'igny8-bridge' ),
							render: ( t: Task ) =>
								t.target_keywords.slice( 0, 4 ).join( ', ' ),
						},
						{
							id: 'status',
							label: __( 'Status', 'igny8-bridge' ),
							render: ( t: Task ) => t.status,
						},
						{
							id: 'post',
							label: __( 'Post', 'igny8-bridge' ),
							render: ( t: Task ) =>
								safeUrl( t.post_url ) ? (
									<a href={ safeUrl( t.post_url ) }>
										{ __( 'View', 'igny8-bridge' ) }
									</a>
								) : (
									'—'
								),
						},
					] }
					items={ tasks.items }
					count={ tasks.count }
					page={ page }
					pageSize={ PAGE_SIZE }
					onPage={ setPage }
					selected={ canEdit ? selected : undefined }
					onSelect={
						canEdit
							? ( ids ) => setSelected( ids.slice( 0, 20 ) )
							: undefined
					}
					isLoading={ tasks.isLoading }
				/>
			) }
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

function publishNoticeStatus(
	status: PublishingRecord[ 'status' ]
): 'success' | 'error' | 'info' {
	if ( status === 'published' ) {
		return 'success';
	}
	return status === 'conflict' || status === 'failed' ? 'error' : 'info';
}

function PublishPanel( { content }: { content: Content } ) {
	const { publishContent, invalidate } = useDispatch( WRITER ) as any;
	const [ mode, setMode ] = useState( 'draft' );
	const [ when, setWhen ] = useState( '' );
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState< {
		message: string;
		kind?: ApiErrorKind;
	} | null >( null );
	const records = useList< PublishingRecord >(
		WRITER,
		'getPublishingRecords',
		'records',
		{
			content_id: content.id,
			ordering: '-id',
			page_size: 5,
		}
	);
	// Kept while the list reloads, so the status does not flicker away.
	const kept = useRef< PublishingRecord | undefined >( undefined );
	if ( records.items[ 0 ] ) {
		kept.current = records.items[ 0 ];
	}
	const latest = records.items[ 0 ] ?? kept.current;
	const pending =
		latest?.status === 'queued' || latest?.status === 'publishing';
	useEffect( () => {
		if ( ! pending ) {
			return;
		}
		// The publisher works in the background: look again until the record settles.
		const timer = setInterval(
			() => invalidate( 'records', 'content', 'tasks' ),
			PUBLISH_POLL_MS
		);
		return () => clearInterval( timer );
	}, [ pending, invalidate ] );
	const publish = async ( force = false ) => {
		setBusy( true );
		setError( null );
		try {
			await publishContent(
				[ content.id ],
				mode,
				mode === 'future' && when
					? new Date( when ).toISOString()
					: undefined,
				force
			);
		} catch ( failure ) {
			setError( {
				message: errorMessage(
					failure,
					__( 'Could not publish.', 'igny8-bridge' )
				),
				kind: isApiError( failure ) ? failure.kind : undefined,
			} );
		} finally {
			setBusy( false );
		}
	};
	return (
		<section
			className="igny8-publish"
			aria-label={ __( 'Publish', 'igny8-bridge' ) }
		>
			<h3>{ __( 'Publish to this site', 'igny8-bridge' ) }</h3>
			{ latest && (
				<Notice
					status={ publishNoticeStatus( latest.status ) }
					isDismissible={ false }
				>
					<span
						className="igny8-publish__status"
						data-status={ latest.status }
					>
						{ sprintf(
							/* translators: 1: publishing status, 2: WordPress post status. */
							__(
								'Publishing: %1$s (WordPress: %2$s)',
								'igny8-bridge'
							),
							latest.status,
							latest.wp_status
						) }
					</span>
					{ safeUrl( latest.post_url ) && (
						<>
							{ ' ' }
							<a href={ safeUrl( latest.post_url ) }>
								{ __( 'View post', 'igny8-bridge' ) }
							</a>
						</>
					) }
					{ latest.status === 'conflict' && (
						<p>
							{ __(
								'The post was edited in WordPress since IGNY8 last published it.',
								'igny8-bridge'
							) }{ ' ' }
							<Button
								variant="secondary"
								isDestructive
								onClick={ () => publish( true ) }
							>
								{ __(
									'Overwrite the WordPress edits',
									'igny8-bridge'
								) }
							</Button>
						</p>
					) }
					{ latest.last_error && <p>{ latest.last_error }</p> }
				</Notice>
			) }
			<RadioControl
				label={ __( 'How', 'igny8-bridge' ) }
				selected={ mode }
				onChange={ setMode }
				options={ [
					{
						value: 'draft',
						label: __( 'As a draft', 'igny8-bridge' ),
					},
					{
						value: 'publish',
						label: __( 'Publish now', 'igny8-bridge' ),
					},
					{
						value: 'future',
						label: __( 'Schedule', 'igny8-bridge' ),
					},
				] }
			/>
			{ mode === 'future' && (
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="datetime-local"
					label={ __( 'Publish on', 'igny8-bridge' ) }
					value={ when }
					onChange={ setWhen }
				/>
			) }
			{ error && (
				<ErrorNotice message={ error.message } kind={ error.kind } />
			) }
			<Button
				variant="primary"
				onClick={ () => publish() }
				isBusy={ busy }
				disabled={ busy || ( mode === 'future' && ! when ) }
				accessibleWhenDisabled
			>
				{ __( 'Send to WordPress', 'igny8-bridge' ) }
			</Button>
		</section>
	);
}

function ContentEditor( {
	content,
	onClose,
}: {
	content: Content;
	onClose: () => void;
} ) {
	const canEdit = useCanEdit();

	const { updateContent } = useDispatch( WRITER ) as any;
	const [ title, setTitle ] = useState( content.title );
	const [ html, setHtml ] = useState( content.content_html );
	const [ excerpt, setExcerpt ] = useState( content.excerpt );
	const [ meta, setMeta ] = useState( content.meta_description );
	const [ tab, setTab ] = useState< 'preview' | 'edit' >( 'preview' );
	const [ saved, setSaved ] = useState( false );
	const [ error, setError ] = useState< string | null >( null );
	const save = async () => {
		setError( null );
		try {
			await updateContent( content.id, {
				title,
				content_html: html,
				excerpt,
				meta_description: meta,
			} );
			setSaved( true );
		} catch ( failure ) {
			setError(
				errorMessage( failure, __( 'Could not save.', 'igny8-bridge' ) )
			);
		}
	};
	return (
		<Modal
			title={ content.title }
			onRequestClose={ onClose }
			size="large"
			className="igny8-content-editor"
		>
			<div className="igny8-toolbar">
				<Button
					variant={ tab === 'preview' ? 'primary' : 'secondary' }
					onClick={ () => setTab( 'preview' ) }
				>
					{ __( 'Preview', 'igny8-bridge' ) }
				</Button>
				{ canEdit && (
					<Button
						variant={ tab === 'edit' ? 'primary' : 'secondary' }
						onClick={ () => setTab( 'edit' ) }
					>
						{ __( 'Edit', 'igny8-bridge' ) }
					</Button>
				) }
			</div>
			{ tab === 'preview' ? (
				// The cloud sanitizes content_html with an allow-list on the way in.
				<div
					className="igny8-content-preview"
					dangerouslySetInnerHTML={ { __html: html } }
				/>
			) : (
				<div className="igny8-form">
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Title', 'igny8-bridge' ) }
						value={ title }
						onChange={ setTitle }
					/>
					<TextareaControl
						__nextHasNoMarginBottom
						label={ __( 'HTML', 'igny8-bridge' ) }
						value={ html }
						onChange={ setHtml }
						rows={ 14 }
					/>
					<TextareaControl
						__nextHasNoMarginBottom
						label={ __( 'Excerpt', 'igny8-bridge' ) }
						value={ excerpt }
						onChange={ setExcerpt }
					/>
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Meta description', 'igny8-bridge' ) }
						value={ meta }
						onChange={ setMeta }
						maxLength={ 320 }
					/>
					{ error && <ErrorNotice message={ error } /> }
					{ saved && (
						<Notice
							status="success"
							onRemove={ () => setSaved( false ) }
						>
							{ __( 'Saved.', 'igny8-bridge' ) }
						</Notice>
					) }
					<Button variant="primary" onClick={ save }>
						{ __( 'Save', 'igny8-bridge' ) }
					</Button>
				</div>
			) }
			<DraftImages
				contentId={ content.id }
				taskId={ content.task_id }
				canEdit={ canEdit }
			/>
			{ canEdit && <PublishPanel content={ content } /> }
		</Modal>
	);
}

/**
 * Writer → Content: preview, edit, images, publish.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function ContentScreen( { sectorId }: ScreenProps ) {
	const [ page, setPage ] = useState( 1 );
	const [ open, setOpen ] = useState< Content | null >( null );
	const content = useList< Content >(
		WRITER,
		'getContentList',
		'content',
		sectorId
			? {
					sector_id: sectorId,
					ordering: '-id',
					page,
					page_size: PAGE_SIZE,
				}
			: null
	);
	if ( ! sectorId ) {
		return null;
	}
	return (
		<div className="igny8-screen igny8-content">
			{ content.error && <ErrorNotice message={ content.error } /> }
			{ ! content.isLoading && ! content.error && content.count === 0 ? (
				<EmptyState title={ __( 'No content yet.', 'igny8-bridge' ) }>
					<p>
						{ __(
							'Generate content from the Tasks screen.',
							'igny8-bridge'
						) }
					</p>
				</EmptyState>
			) : (
				<DataTable
					label={ __( 'Content', 'igny8-bridge' ) }
					columns={ [
						{
							id: 'title',
							label: __( 'Title', 'igny8-bridge' ),
							render: ( c: Content ) => (
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
							render: ( c: Content ) => c.word_count,
						},
						{
							id: 'sync',
							label: __( 'Status', 'igny8-bridge' ),
							render: ( c: Content ) => (
								<span
									className="igny8-sync"
									data-status={ c.sync_status }
								>
									{ c.sync_status }
								</span>
							),
						},
					] }
					items={ content.items }
					count={ content.count }
					page={ page }
					pageSize={ PAGE_SIZE }
					onPage={ setPage }
					isLoading={ content.isLoading }
				/>
			) }
			{ open && (
				<ContentEditor
					content={ open }
					onClose={ () => setOpen( null ) }
				/>
			) }
		</div>
	);
}

/**
 * Writer → Images.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function ImagesScreen( { sectorId }: ScreenProps ) {
	const images = useList< Image >(
		WRITER,
		'getImages',
		'images',
		sectorId
			? { sector_id: sectorId, ordering: '-id', page_size: 48 }
			: null
	);
	if ( ! sectorId ) {
		return null;
	}
	return (
		<div className="igny8-screen igny8-images-screen">
			{ images.error && <ErrorNotice message={ images.error } /> }
			{ ! images.isLoading && ! images.error && images.count === 0 ? (
				<EmptyState title={ __( 'No images yet.', 'igny8-bridge' ) }>
					<p>
						{ __(
							'Open a draft on the Content screen and choose “Generate image prompts”, then “Generate images”.',
							'igny8-bridge'
						) }
					</p>
				</EmptyState>
			) : (
				<ul className="igny8-image-cards">
					{ images.items.map( ( image ) => (
						<ImageCard
							key={ image.id }
							image={ image }
							canEdit={ false }
						/>
					) ) }
				</ul>
			) }
		</div>
	);
}
