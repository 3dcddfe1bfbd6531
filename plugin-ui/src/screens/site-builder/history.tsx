/**
 * External dependencies
 */
import type {
	BlueprintStatus,
	BlueprintVersion,
	SiteBlueprint,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Modal } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError } from '../../api/errors';
import { ErrorNotice, Loading } from '../../components/states';
import { fetchVersions, revertBlueprint } from '../../store/site-builder';
import {
	applyStatusLabel,
	reportSummary,
	structureCounts,
	versionSourceLabel,
	when,
} from './format';

/**
 * The History tab: every saved version (newest first) with a way back to
 * any of them, and the applies to WordPress.
 * @param props            Component props.
 * @param props.blueprint  The blueprint as saved now.
 * @param props.status     Its applies, when loaded.
 * @param props.canEdit    Whether the person may revert.
 * @param props.dirty      Whether the editor has unsaved changes (a revert drops them).
 * @param props.onReverted Called with the blueprint after a revert.
 */
export function HistoryTab( {
	blueprint,
	status,
	canEdit,
	dirty,
	onReverted,
}: {
	blueprint: SiteBlueprint;
	status: BlueprintStatus | null;
	canEdit: boolean;
	dirty: boolean;
	onReverted: ( blueprint: SiteBlueprint ) => void;
} ) {
	const [ versions, setVersions ] = useState< BlueprintVersion[] | null >(
		null
	);
	const [ error, setError ] = useState< string | null >( null );
	const [ reverting, setReverting ] = useState< BlueprintVersion | null >(
		null
	);
	const [ busy, setBusy ] = useState( false );
	const [ revertError, setRevertError ] = useState< string | null >( null );

	useEffect( () => {
		let live = true;
		setError( null );
		fetchVersions( blueprint.id ).then(
			( list ) => live && setVersions( list ),
			( failure: unknown ) =>
				live &&
				setError(
					errorMessage(
						failure,
						__( 'Could not load the versions.', 'igny8-bridge' )
					)
				)
		);
		return () => {
			live = false;
		};
	}, [ blueprint.id, blueprint.version ] );

	const revert = async () => {
		if ( ! reverting ) {
			return;
		}
		setBusy( true );
		setRevertError( null );
		try {
			const reverted = await revertBlueprint(
				blueprint.id,
				reverting.version,
				blueprint.version
			);
			setReverting( null );
			onReverted( reverted );
		} catch ( failure ) {
			setRevertError(
				isApiError( failure ) && failure.kind === 'conflict'
					? __(
							'Someone saved this site structure in the meantime. Reload the page to see their version, then revert again.',
							'igny8-bridge'
						)
					: errorMessage(
							failure,
							__( 'Could not revert.', 'igny8-bridge' )
						)
			);
		} finally {
			setBusy( false );
		}
	};

	return (
		<div className="igny8-sb__tab igny8-sb__history">
			<section aria-labelledby="igny8-sb-versions">
				<h3 id="igny8-sb-versions">
					{ __( 'Versions', 'igny8-bridge' ) }
				</h3>
				{ error && <ErrorNotice message={ error } /> }
				{ ! versions && ! error && <Loading /> }
				{ versions && (
					<ol className="igny8-sb__versions">
						{ versions.map( ( version ) => (
							<li
								key={ version.version }
								className="igny8-sb__version"
								data-version={ version.version }
							>
								<div>
									<strong>
										{ sprintf(
											/* translators: %d: version number. */
											__( 'Version %d', 'igny8-bridge' ),
											version.version
										) }
									</strong>
									{ version.version === blueprint.version && (
										<span className="igny8-sb__badge">
											{ __( 'Current', 'igny8-bridge' ) }
										</span>
									) }
									{ status?.last_applied_version ===
										version.version && (
										<span className="igny8-sb__badge">
											{ __(
												'In WordPress',
												'igny8-bridge'
											) }
										</span>
									) }
								</div>
								<div className="igny8-sb__version-facts">
									{ [
										versionSourceLabel( version.source ),
										when( version.created_at ),
										structureCounts( {
											pages: version.page_count,
											categories: version.category_count,
											menus: version.menu_count,
										} ),
									].join( ' · ' ) }
								</div>
								{ version.message && (
									<div className="igny8-sb__version-message">
										{ version.message }
									</div>
								) }
								{ canEdit &&
									version.version !== blueprint.version && (
										<Button
											variant="secondary"
											size="compact"
											onClick={ () => {
												setRevertError( null );
												setReverting( version );
											} }
										>
											{ sprintf(
												/* translators: %d: version number. */
												__(
													'Revert to version %d…',
													'igny8-bridge'
												),
												version.version
											) }
										</Button>
									) }
							</li>
						) ) }
					</ol>
				) }
			</section>
			<section aria-labelledby="igny8-sb-applies">
				<h3 id="igny8-sb-applies">
					{ __( 'Applied to WordPress', 'igny8-bridge' ) }
				</h3>
				{ ! status && <Loading /> }
				{ status && status.applies.length === 0 && (
					<p className="igny8-sb__hint">
						{ __(
							'Not applied yet. “Apply to WordPress” shows what will change before anything does.',
							'igny8-bridge'
						) }
					</p>
				) }
				{ status && status.applies.length > 0 && (
					<ol className="igny8-sb__applies">
						{ status.applies.map( ( apply ) => (
							<li
								key={ apply.id }
								className="igny8-sb__apply"
								data-status={ apply.status }
							>
								<strong>
									{ sprintf(
										/* translators: 1: e.g. Applied, 2: version number. */
										__(
											'%1$s: version %2$d',
											'igny8-bridge'
										),
										applyStatusLabel( apply.status ),
										apply.version
									) }
								</strong>
								<div className="igny8-sb__version-facts">
									{ when(
										apply.finished_at ?? apply.created_at
									) }
								</div>
								{ apply.report && (
									<div>{ reportSummary( apply.report ) }</div>
								) }
								{ apply.error && (
									<div className="igny8-sb__problem">
										{ apply.error }
									</div>
								) }
							</li>
						) ) }
					</ol>
				) }
			</section>
			{ reverting && (
				<Modal
					title={ sprintf(
						/* translators: %d: version number. */
						__( 'Revert to version %d?', 'igny8-bridge' ),
						reverting.version
					) }
					onRequestClose={ () => setReverting( null ) }
					className="igny8-confirm"
				>
					<p>
						{ sprintf(
							/* translators: 1: version number, 2: the new version's number. */
							__(
								'The structure becomes what version %1$d was, saved as version %2$d. No version is lost, and WordPress changes only when you apply.',
								'igny8-bridge'
							),
							reverting.version,
							blueprint.version + 1
						) }
					</p>
					{ dirty && (
						<p>
							<strong>
								{ __(
									'Your unsaved changes here will be lost.',
									'igny8-bridge'
								) }
							</strong>
						</p>
					) }
					{ revertError && <ErrorNotice message={ revertError } /> }
					<div className="igny8-modal__actions">
						<Button
							variant="primary"
							onClick={ revert }
							isBusy={ busy }
							disabled={ busy }
							accessibleWhenDisabled
						>
							{ sprintf(
								/* translators: %d: version number. */
								__( 'Revert to version %d', 'igny8-bridge' ),
								reverting.version
							) }
						</Button>
						<Button
							variant="tertiary"
							onClick={ () => setReverting( null ) }
						>
							{ __( 'Cancel', 'igny8-bridge' ) }
						</Button>
					</div>
				</Modal>
			) }
		</div>
	);
}
