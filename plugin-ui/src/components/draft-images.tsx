/**
 * The images of one draft, where an editor works on them: in the Content
 * screen's detail and in the block editor's IGNY8 sidebar. Generate prompts,
 * draw them, redraw one, choose the featured one, edit alt text.
 */

/**
 * External dependencies
 */
import type { AiRun, Image } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, SelectControl, TextareaControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError, type ApiErrorKind } from '../api/errors';
import { useList } from '../hooks/use-list';
import { AiActionModal, useReopenActiveRun } from './ai-action';
import { EmptyState, ErrorNotice, Loading } from './states';
import './draft-images.scss';

const WRITER = 'igny8/writer';
const JOBS = 'igny8/jobs';

/** The cloud's default and most in-article images per article. */
export const DEFAULT_IN_ARTICLE = 2;
export const MAX_IN_ARTICLE = 6;

type Failure = { message: string; kind?: ApiErrorKind };

const failureOf = ( error: unknown, fallback: string ): Failure => ( {
	message: errorMessage( error, fallback ),
	kind: isApiError( error ) ? error.kind : undefined,
} );

/** Which dialog is open; `runId` re-attaches to a run already going. */
type Action =
	| { kind: 'prompts'; runId?: number }
	| { kind: 'images'; runId?: number }
	| { kind: 'redraw'; image: Image; runId?: number };

/**
 * Prompts still waiting for their picture.
 * @param images A draft's images.
 */
export function pendingImages( images: Image[] ): Image[] {
	return images.filter(
		( image ) => image.image_url === null && image.prompt.trim() !== ''
	);
}

/**
 * The queued or running run that works on this draft's images, if any: its
 * task's image prompts, or pictures of its images.
 * @param runs     Active runs, newest first.
 * @param taskId   The draft's task.
 * @param imageIds The draft's images.
 */
export function runOnDraft(
	runs: AiRun[],
	taskId: number | null,
	imageIds: number[]
): AiRun | undefined {
	const ids = ( run: AiRun, key: string ) =>
		Array.isArray( run.input[ key ] )
			? ( run.input[ key ] as number[] )
			: [];
	return runs.find(
		( run ) =>
			( run.function_name === 'generate_image_prompts' &&
				taskId !== null &&
				ids( run, 'task_ids' ).includes( taskId ) ) ||
			( run.function_name === 'generate_images' &&
				ids( run, 'image_ids' ).some( ( id ) =>
					imageIds.includes( id )
				) )
	);
}

/**
 * The draft's images, ordered as the article reads; the last loaded list
 * stays on screen while a changed one reloads, so the grid never blinks.
 * @param contentId The draft.
 */
function useDraftImageList( contentId: number ) {
	const list = useList< Image >( WRITER, 'getImages', 'images', {
		content_id: contentId,
		ordering: 'position,id',
		page_size: 50,
	} );
	const kept = useRef< Image[] | null >( null );
	if ( ! list.isLoading && ! list.error ) {
		kept.current = list.items;
	}
	return {
		images: list.isLoading ? ( kept.current ?? [] ) : list.items,
		isLoading: list.isLoading && kept.current === null,
		error: list.error,
	};
}

function AltText( { image }: { image: Image } ) {
	const { updateImage } = useDispatch( WRITER ) as any;
	const [ alt, setAlt ] = useState( image.alt_text );
	const [ state, setState ] = useState< 'idle' | 'saving' | 'saved' >(
		'idle'
	);
	const [ error, setError ] = useState< Failure | null >( null );
	// Follows the stored text when it changes elsewhere (a redraw, a reload).
	useEffect( () => setAlt( image.alt_text ), [ image.alt_text ] );
	const save = async ( event: React.FormEvent ) => {
		event.preventDefault();
		setState( 'saving' );
		setError( null );
		try {
			await updateImage( image.id, { alt_text: alt.trim() } );
			setState( 'saved' );
		} catch ( failure ) {
			setError(
				failureOf(
					failure,
					__( 'Could not save the alt text.', 'igny8-bridge' )
				)
			);
			setState( 'idle' );
		}
	};
	const changed = alt.trim() !== image.alt_text;
	return (
		<form className="igny8-image-card__alt" onSubmit={ save }>
			<TextareaControl
				__nextHasNoMarginBottom
				label={ __( 'Alt text', 'igny8-bridge' ) }
				value={ alt }
				rows={ 2 }
				maxLength={ 500 }
				onChange={ ( value ) => {
					setAlt( value );
					setState( 'idle' );
				} }
			/>
			{ changed && (
				<Button
					type="submit"
					variant="secondary"
					size="compact"
					isBusy={ state === 'saving' }
					disabled={ state === 'saving' }
					accessibleWhenDisabled
				>
					{ __( 'Save alt text', 'igny8-bridge' ) }
				</Button>
			) }
			<span className="igny8-image-card__saved" aria-live="polite">
				{ state === 'saved' && ! changed
					? __( 'Saved.', 'igny8-bridge' )
					: '' }
			</span>
			{ error && (
				<ErrorNotice message={ error.message } kind={ error.kind } />
			) }
		</form>
	);
}

/**
 * One image: the picture (or that it is not drawn yet), its prompt and alt
 * text, and what an editor can do with it.
 * @param props          Component props.
 * @param props.image    The image.
 * @param props.canEdit  Whether the cloud role may change it.
 * @param props.onRedraw Opens the redraw dialog; none in read-only lists.
 */
export function ImageCard( {
	image,
	canEdit,
	onRedraw,
}: {
	image: Image;
	canEdit: boolean;
	onRedraw?: ( image: Image ) => void;
} ) {
	const { setFeaturedImage } = useDispatch( WRITER ) as any;
	const [ featuring, setFeaturing ] = useState( false );
	const [ error, setError ] = useState< Failure | null >( null );
	const feature = async () => {
		setFeaturing( true );
		setError( null );
		try {
			await setFeaturedImage( image.id );
		} catch ( failure ) {
			setError(
				failureOf(
					failure,
					__( 'Could not change the featured image.', 'igny8-bridge' )
				)
			);
		} finally {
			setFeaturing( false );
		}
	};
	const editable = canEdit && onRedraw !== undefined;
	return (
		<li
			className="igny8-image-card"
			data-image-id={ image.id }
			data-featured={ image.is_featured ? 'true' : 'false' }
		>
			<div className="igny8-image-card__picture">
				{ image.image_url ? (
					<img
						src={ image.image_url }
						alt={ image.alt_text }
						loading="lazy"
					/>
				) : (
					<span className="igny8-image-card__pending">
						{ __( 'Not drawn yet', 'igny8-bridge' ) }
					</span>
				) }
				{ image.is_featured && (
					<span className="igny8-image-card__badge">
						{ __( 'Featured image', 'igny8-bridge' ) }
					</span>
				) }
			</div>
			<p className="igny8-image-card__prompt" title={ image.prompt }>
				<strong>{ __( 'Prompt:', 'igny8-bridge' ) }</strong>{ ' ' }
				{ image.prompt ||
					__( '(added by hand, no prompt)', 'igny8-bridge' ) }
			</p>
			{ editable ? (
				<AltText image={ image } />
			) : (
				<p className="igny8-image-card__alt-text">
					<strong>{ __( 'Alt text:', 'igny8-bridge' ) }</strong>{ ' ' }
					{ image.alt_text || __( '(none)', 'igny8-bridge' ) }
				</p>
			) }
			{ editable && (
				<div className="igny8-image-card__actions">
					{ ! image.is_featured && (
						<Button
							variant="secondary"
							size="compact"
							onClick={ feature }
							isBusy={ featuring }
							disabled={ featuring }
							accessibleWhenDisabled
						>
							{ __( 'Set as featured', 'igny8-bridge' ) }
						</Button>
					) }
					{ image.image_url && image.prompt.trim() !== '' && (
						<Button
							variant="secondary"
							size="compact"
							onClick={ () => onRedraw( image ) }
						>
							{ __( 'Regenerate', 'igny8-bridge' ) }
						</Button>
					) }
				</div>
			) }
			{ error && (
				<ErrorNotice message={ error.message } kind={ error.kind } />
			) }
		</li>
	);
}

/**
 * What a finished run made, read-only: the draft's images (only `ids` when given).
 * @param props           Component props.
 * @param props.contentId The draft.
 * @param props.ids       The images to show.
 */
function RunResult( {
	contentId,
	ids,
}: {
	contentId: number;
	ids?: number[];
} ) {
	const { images, isLoading } = useDraftImageList( contentId );
	const shown = ids
		? images.filter( ( image ) => ids.includes( image.id ) )
		: images;
	if ( isLoading ) {
		return <Loading />;
	}
	const waiting = pendingImages( shown ).length;
	return (
		<>
			{ waiting > 0 && (
				<p>
					{ __(
						'Next: close this and choose “Generate images” to draw them.',
						'igny8-bridge'
					) }
				</p>
			) }
			<ul className="igny8-image-cards is-result">
				{ shown.map( ( image ) => (
					<ImageCard
						key={ image.id }
						image={ image }
						canEdit={ false }
					/>
				) ) }
			</ul>
		</>
	);
}

/**
 * The draft's images and the actions on them.
 * @param props           Component props.
 * @param props.contentId The draft (IGNY8 content id).
 * @param props.taskId    Its writing task: prompts and pictures are made per task.
 * @param props.canEdit   Whether the cloud role may change things.
 * @param props.heading   Shows its own "Images" heading (not inside a titled panel).
 */
export function DraftImages( {
	contentId,
	taskId,
	canEdit,
	heading = true,
}: {
	contentId: number;
	taskId: number | null;
	canEdit: boolean;
	heading?: boolean;
} ) {
	const { images, isLoading, error } = useDraftImageList( contentId );
	const { invalidate } = useDispatch( WRITER ) as any;
	const [ action, setAction ] = useState< Action | null >( null );
	const [ inArticle, setInArticle ] = useState( DEFAULT_IN_ARTICLE );
	const pending = pendingImages( images );
	const imageIds = images.map( ( image ) => image.id );

	// After a reload mid-run, the dialog of the run on this draft comes back.
	const active = useSelect(
		( select ) =>
			runOnDraft(
				( select( JOBS ) as any ).getActiveRuns() as AiRun[],
				taskId,
				imageIds
			),
		// eslint-disable-next-line react-hooks/exhaustive-deps -- the ids' text stands for the list.
		[ taskId, imageIds.join( ',' ) ]
	);
	useReopenActiveRun( active?.id ?? null, () =>
		setAction(
			( current ) =>
				current ?? {
					kind:
						active?.function_name === 'generate_image_prompts'
							? 'prompts'
							: 'images',
					runId: active?.id,
				}
		)
	);

	const close = () => setAction( null );
	const reload = () => invalidate( 'images' );
	const canGenerate = canEdit && taskId !== null;

	return (
		<section
			className="igny8-draft-images"
			aria-label={ __( 'Images', 'igny8-bridge' ) }
		>
			<div className="igny8-draft-images__header">
				{ heading && <h3>{ __( 'Images', 'igny8-bridge' ) }</h3> }
				{ canGenerate && (
					<div className="igny8-toolbar">
						<Button
							variant={
								images.length === 0 ? 'primary' : 'secondary'
							}
							onClick={ () => setAction( { kind: 'prompts' } ) }
						>
							{ __( 'Generate image prompts', 'igny8-bridge' ) }
						</Button>
						{ pending.length > 0 && (
							<Button
								variant="primary"
								onClick={ () =>
									setAction( { kind: 'images' } )
								}
							>
								{ __( 'Generate images', 'igny8-bridge' ) }
							</Button>
						) }
					</div>
				) }
			</div>
			{ canEdit && taskId === null && (
				<p className="igny8-draft-images__note">
					{ __(
						'Images are generated for content written from an IGNY8 task; this content has none.',
						'igny8-bridge'
					) }
				</p>
			) }
			{ error && <ErrorNotice message={ error } onRetry={ reload } /> }
			{ isLoading && <Loading /> }
			{ ! isLoading && ! error && images.length === 0 && (
				<EmptyState title={ __( 'No images yet.', 'igny8-bridge' ) }>
					<p>
						{ sprintf(
							/* translators: %d: number of in-article images. */
							_n(
								'Generate image prompts to describe a featured image and %d in-article image.',
								'Generate image prompts to describe a featured image and %d in-article images.',
								inArticle,
								'igny8-bridge'
							),
							inArticle
						) }
					</p>
				</EmptyState>
			) }
			{ pending.length > 0 && (
				<p className="igny8-draft-images__note">
					{ sprintf(
						/* translators: %d: number of prompts without a picture. */
						_n(
							'%d prompt is waiting for its picture: choose “Generate images”.',
							'%d prompts are waiting for their pictures: choose “Generate images”.',
							pending.length,
							'igny8-bridge'
						),
						pending.length
					) }
				</p>
			) }
			{ images.length > 0 && (
				<ul className="igny8-image-cards">
					{ images.map( ( image ) => (
						<ImageCard
							key={ image.id }
							image={ image }
							canEdit={ canEdit }
							onRedraw={ ( chosen ) =>
								setAction( { kind: 'redraw', image: chosen } )
							}
						/>
					) ) }
				</ul>
			) }
			{ action?.kind === 'prompts' && taskId !== null && (
				<AiActionModal
					title={ __( 'Generate image prompts', 'igny8-bridge' ) }
					fn="generate_image_prompts"
					estimateInput={ {
						task_ids: [ taskId ],
						in_article_images: inArticle,
					} }
					path="/writer/tasks/generate_image_prompts/"
					body={ { ids: [ taskId ], in_article_images: inArticle } }
					startLabel={ __( 'Write prompts', 'igny8-bridge' ) }
					runId={ action.runId }
					onClose={ close }
					onFinished={ reload }
					result={ () => <RunResult contentId={ contentId } /> }
				>
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'In-article images', 'igny8-bridge' ) }
						value={ String( inArticle ) }
						options={ Array.from(
							{ length: MAX_IN_ARTICLE + 1 },
							( _, n ) => ( {
								value: String( n ),
								label: String( n ),
							} )
						) }
						onChange={ ( value ) =>
							setInArticle( Number( value ) )
						}
					/>
					<p>
						{ __(
							'IGNY8 reads the article and describes one featured image plus the in-article images, each with alt text. Prompts not drawn yet are replaced; pictures already drawn stay.',
							'igny8-bridge'
						) }
					</p>
				</AiActionModal>
			) }
			{ action?.kind === 'images' && taskId !== null && (
				<AiActionModal
					title={ __( 'Generate images', 'igny8-bridge' ) }
					fn="generate_images"
					estimateInput={ {
						image_ids: pending.map( ( image ) => image.id ),
					} }
					path="/writer/tasks/generate_images/"
					body={ { ids: [ taskId ] } }
					startLabel={ __( 'Draw images', 'igny8-bridge' ) }
					runId={ action.runId }
					onClose={ close }
					onFinished={ reload }
					result={ () => <RunResult contentId={ contentId } /> }
				>
					<p>
						{ sprintf(
							/* translators: %d: number of pictures to draw. */
							_n(
								'Draws %d picture from its prompt.',
								'Draws %d pictures from their prompts.',
								pending.length,
								'igny8-bridge'
							),
							pending.length
						) }
					</p>
				</AiActionModal>
			) }
			{ action?.kind === 'redraw' && (
				<AiActionModal
					title={ __( 'Regenerate this image', 'igny8-bridge' ) }
					fn="generate_images"
					estimateInput={ { image_ids: [ action.image.id ] } }
					path={ `/writer/images/${ action.image.id }/regenerate/` }
					body={ {} }
					startLabel={ __( 'Regenerate', 'igny8-bridge' ) }
					runId={ action.runId }
					onClose={ close }
					onFinished={ reload }
					result={ () => (
						<RunResult
							contentId={ contentId }
							ids={ [ action.image.id ] }
						/>
					) }
				>
					<p>
						{ __(
							'The picture is drawn again from its prompt; the new one replaces it once it is ready.',
							'igny8-bridge'
						) }
					</p>
					<p className="igny8-image-card__prompt">
						<strong>{ __( 'Prompt:', 'igny8-bridge' ) }</strong>{ ' ' }
						{ action.image.prompt }
					</p>
				</AiActionModal>
			) }
		</section>
	);
}
