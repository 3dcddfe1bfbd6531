/**
 * The sidebar's SEO panel: the same fields and checks as IGNY8 → Content,
 * saved to the IGNY8 draft; they reach this post's meta the next time IGNY8
 * sends it.
 */

/**
 * External dependencies
 */
import type { Content } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Notice, PanelBody } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import { errorMessage } from '../api/errors';
import {
	SeoFields,
	seoChanges,
	seoOf,
	type SeoValues,
} from '../components/seo-fields';
import { ErrorNotice, Loading } from '../components/states';
import { usePostInfo } from './post-meta';
import { useManagedContent } from './use-managed-content';

export function SeoPanel() {
	const { meta, title, excerpt, permalink } = usePostInfo();
	const contentId = meta._igny8_content_id || undefined;
	const { content, session, error, replaceContent } =
		useManagedContent( contentId );
	const [ values, setValues ] = useState< SeoValues | null >( null );
	const [ dirty, setDirty ] = useState( false );
	const [ busy, setBusy ] = useState( false );
	const [ saved, setSaved ] = useState( false );
	const [ saveError, setSaveError ] = useState< string | null >( null );
	useEffect( () => {
		if ( content && ! values ) {
			setValues( seoOf( content ) );
		}
	}, [ content, values ] );
	if ( ! contentId ) {
		return null;
	}
	const canEdit = session?.role !== 'viewer';
	const save = async () => {
		if ( ! values ) {
			return;
		}
		setBusy( true );
		setSaveError( null );
		try {
			replaceContent(
				await getClient().patch< Content >(
					`/writer/content/${ contentId }/`,
					seoChanges( values )
				)
			);
			setDirty( false );
			setSaved( true );
		} catch ( failure ) {
			setSaveError(
				errorMessage(
					failure,
					__( 'Could not save the SEO fields.', 'igny8-bridge' )
				)
			);
		} finally {
			setBusy( false );
		}
	};
	return (
		<PanelBody
			title={ __( 'SEO', 'igny8-bridge' ) }
			className="igny8-editor__seo"
		>
			{ error && (
				<ErrorNotice message={ error.message } kind={ error.kind } />
			) }
			{ ! error && ! values && <Loading /> }
			{ values && (
				<>
					<SeoFields
						values={ values }
						onChange={ ( changes ) => {
							setValues( { ...values, ...changes } );
							setDirty( true );
							setSaved( false );
						} }
						postTitle={ title }
						url={ permalink }
						excerpt={ excerpt }
						disabled={ ! canEdit }
					/>
					{ saveError && <ErrorNotice message={ saveError } /> }
					{ saved && (
						<Notice
							status="success"
							onRemove={ () => setSaved( false ) }
						>
							{ __(
								'Saved in IGNY8. They reach this post’s SEO fields the next time IGNY8 sends it.',
								'igny8-bridge'
							) }
						</Notice>
					) }
					{ canEdit && (
						<Button
							variant="secondary"
							onClick={ save }
							isBusy={ busy }
							disabled={ busy || ! dirty }
							accessibleWhenDisabled
						>
							{ __( 'Save SEO fields', 'igny8-bridge' ) }
						</Button>
					) }
				</>
			) }
		</PanelBody>
	);
}
