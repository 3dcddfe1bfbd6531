/**
 * Reviewing a draft in IGNY8 → Content: the article as a reader sees it, the
 * way to the block editor for editing the text, the title, excerpt and SEO
 * fields, its images and the publish panel.
 */

/**
 * External dependencies
 */
import type { Content } from '@igny8/shared-types';

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
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage } from '../api/errors';
import { getBootData } from '../boot';
import { postLinks } from '../post-links';
import { DraftImages } from './draft-images';
import { DraftHandoff, draftStateLabel } from './draft-review-handoff';
import { PublishPanel } from './draft-review-publish';
import { SeoFields, seoChanges, seoOf, type SeoValues } from './seo-fields';
import { slugOf } from './seo-length';
import { ErrorNotice } from './states';
import './draft-review.scss';

/**
 * Where the post is, or where WordPress will most likely put it: what the
 * search-result preview prints.
 * @param content The draft.
 * @param title   Its current title.
 */
function addressOf( content: Content, title: string ): string {
	const links = postLinks( content );
	if ( links && ! links.isPreview ) {
		return links.view;
	}
	const home = getBootData().siteUrl.replace( /\/+$/, '' );
	return `${ home }/${ slugOf( title ) }/`;
}

/**
 * Title, excerpt and SEO fields of the draft, saved to IGNY8.
 * @param props         Component props.
 * @param props.content The draft.
 * @param props.canEdit Whether the user may change it.
 */
function DraftDetails( {
	content,
	canEdit,
}: {
	content: Content;
	canEdit: boolean;
} ) {
	const { updateContent } = useDispatch( 'igny8/writer' ) as any;
	const [ title, setTitle ] = useState( content.title );
	const [ excerpt, setExcerpt ] = useState( content.excerpt );
	const [ seo, setSeo ] = useState< SeoValues >( () => seoOf( content ) );
	const [ dirty, setDirty ] = useState( false );
	const [ busy, setBusy ] = useState( false );
	const [ saved, setSaved ] = useState( false );
	const [ error, setError ] = useState< string | null >( null );
	const changed = () => {
		setDirty( true );
		setSaved( false );
	};
	const save = async () => {
		setBusy( true );
		setError( null );
		try {
			await updateContent( content.id, {
				title,
				excerpt,
				...seoChanges( seo ),
			} );
			setDirty( false );
			setSaved( true );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__(
						'Could not save. Check the fields and try again.',
						'igny8-bridge'
					)
				)
			);
		} finally {
			setBusy( false );
		}
	};
	return (
		<section
			className="igny8-draft-review__details igny8-form"
			aria-labelledby={ `igny8-draft-details-${ content.id }` }
		>
			<h3 id={ `igny8-draft-details-${ content.id }` }>
				{ __( 'Title, excerpt and SEO', 'igny8-bridge' ) }
			</h3>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Title', 'igny8-bridge' ) }
				value={ title }
				onChange={ ( value ) => {
					setTitle( value );
					changed();
				} }
				disabled={ ! canEdit }
			/>
			<TextareaControl
				__nextHasNoMarginBottom
				label={ __( 'Excerpt', 'igny8-bridge' ) }
				value={ excerpt }
				onChange={ ( value ) => {
					setExcerpt( value );
					changed();
				} }
				rows={ 3 }
				disabled={ ! canEdit }
			/>
			<SeoFields
				values={ seo }
				onChange={ ( changes ) => {
					setSeo( ( current ) => ( { ...current, ...changes } ) );
					changed();
				} }
				postTitle={ title }
				url={ addressOf( content, title ) }
				excerpt={ excerpt }
				disabled={ ! canEdit }
			/>
			{ error && <ErrorNotice message={ error } /> }
			{ saved && (
				<Notice status="success" onRemove={ () => setSaved( false ) }>
					{ content.external_id
						? __(
								'Saved in IGNY8. Send it to WordPress again to update the post.',
								'igny8-bridge'
							)
						: __( 'Saved in IGNY8.', 'igny8-bridge' ) }
				</Notice>
			) }
			{ canEdit && (
				<Button
					variant="primary"
					onClick={ save }
					isBusy={ busy }
					disabled={ busy || ! dirty }
					accessibleWhenDisabled
				>
					{ __( 'Save changes', 'igny8-bridge' ) }
				</Button>
			) }
		</section>
	);
}

/**
 * The review dialog of one draft.
 * @param props         Component props.
 * @param props.content The draft.
 * @param props.canEdit Whether the user may change and send it.
 * @param props.onClose Closes the dialog.
 */
export function DraftReview( {
	content,
	canEdit,
	onClose,
}: {
	content: Content;
	canEdit: boolean;
	onClose: () => void;
} ) {
	return (
		<Modal
			title={ content.title }
			onRequestClose={ onClose }
			size="large"
			className="igny8-content-editor igny8-draft-review"
		>
			<p className="igny8-draft-review__status">
				{ [
					draftStateLabel( content ),
					sprintf(
						/* translators: %d: number of words. */
						_n(
							'%d word',
							'%d words',
							content.word_count,
							'igny8-bridge'
						),
						content.word_count
					),
				].join( ' · ' ) }
			</p>
			<DraftHandoff content={ content } canEdit={ canEdit } />
			<div className="igny8-draft-review__columns">
				<article
					className="igny8-draft-review__preview"
					aria-label={ __( 'Draft preview', 'igny8-bridge' ) }
				>
					{ /* The cloud sanitizes content_html with an allow-list on the way in. */ }
					<div
						className="igny8-content-preview"
						dangerouslySetInnerHTML={ {
							__html: content.content_html,
						} }
					/>
				</article>
				<DraftDetails content={ content } canEdit={ canEdit } />
			</div>
			<DraftImages
				contentId={ content.id }
				taskId={ content.task_id }
				canEdit={ canEdit }
			/>
			{ canEdit && <PublishPanel content={ content } /> }
		</Modal>
	);
}
