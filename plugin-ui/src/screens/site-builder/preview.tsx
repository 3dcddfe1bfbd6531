/**
 * WordPress dependencies
 */
import { Button, Modal, Notice } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage } from '../../api/errors';
import { ErrorNotice, Loading } from '../../components/states';
import { safeUrl } from '../../safe-url';
import { fetchPreview, type BlueprintPreview } from '../../store/site-builder';

/**
 * The Playground blueprint as a file to download (a `data:` address: no
 * object URL to revoke).
 * @param preview The preview.
 */
export function blueprintDownloadHref( preview: BlueprintPreview ): string {
	return `data:application/json;charset=utf-8,${ encodeURIComponent(
		JSON.stringify( preview.playground_blueprint, null, 2 )
	) }`;
}

/**
 * Preview: the saved version built in a disposable WordPress Playground that
 * runs in the browser (nothing touches this site), opened in a new tab; and
 * the Playground blueprint as a file.
 * @param props             Component props.
 * @param props.blueprintId The blueprint.
 * @param props.version     Its saved version.
 * @param props.dirty       Whether the editor has unsaved changes (not in the preview).
 * @param props.onClose     Closes the dialog.
 */
export function PreviewModal( {
	blueprintId,
	version,
	dirty,
	onClose,
}: {
	blueprintId: number;
	version: number;
	dirty: boolean;
	onClose: () => void;
} ) {
	const [ preview, setPreview ] = useState< BlueprintPreview | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	useEffect( () => {
		let live = true;
		fetchPreview( blueprintId ).then(
			( answer ) => live && setPreview( answer ),
			( failure: unknown ) =>
				live &&
				setError(
					errorMessage(
						failure,
						__( 'Could not make the preview.', 'igny8-bridge' )
					)
				)
		);
		return () => {
			live = false;
		};
	}, [ blueprintId, version ] );
	const link = preview ? safeUrl( preview.playground_url ) : undefined;
	return (
		<Modal
			title={ __( 'Preview the site structure', 'igny8-bridge' ) }
			onRequestClose={ onClose }
			className="igny8-modal"
		>
			<p>
				{ sprintf(
					/* translators: %d: version number. */
					__(
						'The preview builds version %d in a disposable WordPress that runs in your browser (WordPress Playground): its pages, categories and menus, nothing else. This site does not change.',
						'igny8-bridge'
					),
					version
				) }
			</p>
			{ dirty && (
				<Notice status="warning" isDismissible={ false }>
					{ __(
						'Your unsaved changes are not in the preview. Save them first to see them.',
						'igny8-bridge'
					) }
				</Notice>
			) }
			{ error && <ErrorNotice message={ error } /> }
			{ ! preview && ! error && (
				<Loading
					label={ __( 'Preparing the preview…', 'igny8-bridge' ) }
				/>
			) }
			<div className="igny8-modal__actions">
				{ link && (
					<Button
						variant="primary"
						href={ link }
						target="_blank"
						rel="noopener noreferrer"
					>
						{ __( 'Open the preview', 'igny8-bridge' ) }
						<span className="screen-reader-text">
							{ __( '(opens in a new tab)', 'igny8-bridge' ) }
						</span>
					</Button>
				) }
				{ preview && (
					<Button
						variant="secondary"
						href={ blueprintDownloadHref( preview ) }
						download={ `site-structure-${ blueprintId }-v${ version }.playground.json` }
					>
						{ __(
							'Download the Playground blueprint',
							'igny8-bridge'
						) }
					</Button>
				) }
				<Button variant="tertiary" onClick={ onClose }>
					{ __( 'Close', 'igny8-bridge' ) }
				</Button>
			</div>
		</Modal>
	);
}
