/**
 * External dependencies
 */
import type { SiteBlueprintSummary } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Modal, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError, type ApiErrorKind } from '../../api/errors';
import { announce } from '../../components/data-view/notices';
import { EmptyState, ErrorNotice, Loading } from '../../components/states';
import {
	SITE_BUILDER,
	createBlueprint,
	deleteBlueprint,
} from '../../store/site-builder';
import { structureCounts, when } from './format';
import { GenerateModal, generateLabel, useGenerateCost } from './generate';

interface Failure {
	message: string;
	kind?: ApiErrorKind;
}

const failureOf = ( error: unknown, fallback: string ): Failure => ( {
	message: errorMessage( error, fallback ),
	kind: isApiError( error ) ? error.kind : undefined,
} );

/**
 * “Start from scratch”: names the new blueprint, then opens it empty.
 * @param props          Component props.
 * @param props.siteId   The session's site.
 * @param props.onClose  Closes the dialog.
 * @param props.onCreate Called with the new blueprint's id.
 */
function StartModal( {
	siteId,
	onClose,
	onCreate,
}: {
	siteId: number;
	onClose: () => void;
	onCreate: ( id: number ) => void;
} ) {
	const [ name, setName ] = useState< string >(
		__( 'Site structure', 'igny8-bridge' )
	);
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState< Failure | null >( null );
	const create = async ( event: React.FormEvent ) => {
		event.preventDefault();
		setBusy( true );
		setError( null );
		try {
			const blueprint = await createBlueprint( siteId, {
				name: name.trim(),
				pages: [],
				categories: [],
				menus: [],
			} );
			onCreate( blueprint.id );
		} catch ( failure ) {
			setError(
				failureOf(
					failure,
					__( 'Could not create the site structure.', 'igny8-bridge' )
				)
			);
			setBusy( false );
		}
	};
	return (
		<Modal
			title={ __(
				'Start a site structure from scratch',
				'igny8-bridge'
			) }
			onRequestClose={ onClose }
			className="igny8-modal"
		>
			<form onSubmit={ create }>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Name', 'igny8-bridge' ) }
					help={ __(
						'Only you and your team see it, e.g. “Relaunch 2027”.',
						'igny8-bridge'
					) }
					value={ name }
					onChange={ setName }
					required
				/>
				{ error && (
					<ErrorNotice
						message={ error.message }
						kind={ error.kind }
					/>
				) }
				<div className="igny8-modal__actions">
					<Button
						variant="primary"
						type="submit"
						isBusy={ busy }
						disabled={ busy || ! name.trim() }
						accessibleWhenDisabled
					>
						{ __( 'Create', 'igny8-bridge' ) }
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
 * One blueprint of the list: what it holds and where WordPress stands.
 * @param props           Component props.
 * @param props.blueprint The blueprint.
 * @param props.canEdit   Whether the user may delete it.
 * @param props.onOpen    Opens it.
 * @param props.onDelete  Asks to delete it.
 */
function BlueprintCard( {
	blueprint,
	canEdit,
	onOpen,
	onDelete,
}: {
	blueprint: SiteBlueprintSummary;
	canEdit: boolean;
	onOpen: () => void;
	onDelete: () => void;
} ) {
	const headingId = `igny8-blueprint-${ blueprint.id }`;
	let applied: string;
	if ( blueprint.last_applied_version === null ) {
		applied = __( 'Not applied to WordPress yet.', 'igny8-bridge' );
	} else if ( blueprint.last_applied_version === blueprint.version ) {
		applied = sprintf(
			/* translators: %s: date and time. */
			__( 'WordPress has this version (applied %s).', 'igny8-bridge' ),
			when( blueprint.last_applied_at )
		);
	} else {
		applied = sprintf(
			/* translators: 1: version number, 2: date and time. */
			__(
				'WordPress has version %1$d (applied %2$s); the newer changes are not applied yet.',
				'igny8-bridge'
			),
			blueprint.last_applied_version,
			when( blueprint.last_applied_at )
		);
	}
	return (
		<li className="igny8-sb__card" aria-labelledby={ headingId }>
			<h2 id={ headingId } className="igny8-sb__card-title">
				{ blueprint.name }
			</h2>
			<p className="igny8-sb__card-facts">
				{ sprintf(
					/* translators: 1: e.g. “12 pages, 3 categories, 1 menu”, 2: version number, 3: date and time. */
					__( '%1$s · version %2$d · changed %3$s', 'igny8-bridge' ),
					structureCounts( {
						pages: blueprint.page_count,
						categories: blueprint.category_count,
						menus: blueprint.menu_count,
					} ),
					blueprint.version,
					when( blueprint.updated_at )
				) }
			</p>
			<p className="igny8-sb__card-facts">{ applied }</p>
			<div className="igny8-sb__actions">
				<Button
					variant="primary"
					onClick={ onOpen }
					aria-describedby={ headingId }
				>
					{ __( 'Open', 'igny8-bridge' ) }
				</Button>
				{ canEdit && (
					<Button
						variant="tertiary"
						isDestructive
						onClick={ onDelete }
						aria-describedby={ headingId }
					>
						{ __( 'Delete…', 'igny8-bridge' ) }
					</Button>
				) }
			</div>
		</li>
	);
}

/**
 * The site's blueprints, or — with none — what to do first: generate one
 * from the site's sectors and clusters (its price on the button), or start
 * from scratch.
 * @param props         Component props.
 * @param props.siteId  The session's site.
 * @param props.canEdit Whether the user may write content.
 * @param props.onOpen  Opens a blueprint.
 */
export function BlueprintList( {
	siteId,
	canEdit,
	onOpen,
}: {
	siteId: number | null;
	canEdit: boolean;
	onOpen: ( id: number ) => void;
} ) {
	const query = { site_id: siteId, page_size: 100 };
	const { list, error } = useSelect(
		( select ) => {
			const store = select( SITE_BUILDER ) as any;
			return {
				list: store.getBlueprints( query ) as
					| { items: SiteBlueprintSummary[]; count: number }
					| undefined,
				error: store.getListError( 'blueprints', query ) as
					string | null,
			};
		},
		// eslint-disable-next-line react-hooks/exhaustive-deps -- the query follows the site.
		[ siteId ]
	);
	const { invalidate } = useDispatch( SITE_BUILDER ) as any;
	const cost = useGenerateCost( canEdit ? siteId : null );
	const [ dialog, setDialog ] = useState< 'generate' | 'start' | null >(
		null
	);
	const [ deleting, setDeleting ] = useState< SiteBlueprintSummary | null >(
		null
	);
	const [ busy, setBusy ] = useState( false );
	const [ deleteError, setDeleteError ] = useState< Failure | null >( null );

	const remove = async () => {
		if ( ! deleting ) {
			return;
		}
		setBusy( true );
		setDeleteError( null );
		try {
			await deleteBlueprint( deleting.id );
			announce(
				sprintf(
					/* translators: %s: the site structure's name. */
					__(
						'“%s” deleted. WordPress keeps what was applied.',
						'igny8-bridge'
					),
					deleting.name
				)
			);
			setDeleting( null );
			invalidate();
		} catch ( failure ) {
			setDeleteError(
				failureOf(
					failure,
					__( 'Could not delete the site structure.', 'igny8-bridge' )
				)
			);
		} finally {
			setBusy( false );
		}
	};

	const dialogs = siteId !== null && (
		<>
			{ dialog === 'generate' && (
				<GenerateModal
					siteId={ siteId }
					onClose={ () => {
						setDialog( null );
						invalidate();
					} }
					onGenerated={ ( id ) => {
						setDialog( null );
						invalidate();
						onOpen( id );
					} }
				/>
			) }
			{ dialog === 'start' && (
				<StartModal
					siteId={ siteId }
					onClose={ () => setDialog( null ) }
					onCreate={ ( id ) => {
						setDialog( null );
						invalidate();
						onOpen( id );
					} }
				/>
			) }
		</>
	);
	const startButtons = canEdit && siteId !== null && (
		<div className="igny8-sb__actions">
			<Button
				variant="primary"
				onClick={ () => setDialog( 'generate' ) }
				__next40pxDefaultSize
			>
				{ generateLabel( cost ) }
			</Button>
			<Button
				variant="secondary"
				onClick={ () => setDialog( 'start' ) }
				__next40pxDefaultSize
			>
				{ __( 'Start from scratch', 'igny8-bridge' ) }
			</Button>
		</div>
	);

	if ( error ) {
		return <ErrorNotice message={ error } onRetry={ () => invalidate() } />;
	}
	if ( ! list ) {
		return (
			<Loading
				label={ __( 'Loading the site structures…', 'igny8-bridge' ) }
			/>
		);
	}
	if ( list.items.length === 0 ) {
		return (
			<>
				<EmptyState
					title={ __( 'No site structure yet.', 'igny8-bridge' ) }
				>
					<p>
						{ canEdit
							? __(
									'Plan the pages of this site — with their outline and target keywords — its categories and its menu: generate a structure from your sectors and keyword clusters, or start from scratch. Nothing reaches WordPress until you apply it, after you have seen what will change.',
									'igny8-bridge'
								)
							: __(
									'Someone who may edit content can generate a site structure from the sectors and keyword clusters, or write one by hand.',
									'igny8-bridge'
								) }
					</p>
					{ startButtons }
				</EmptyState>
				{ dialogs }
			</>
		);
	}
	return (
		<>
			<div className="igny8-sb__intro">
				<p>
					{ __(
						'Each site structure plans pages, categories and menus. Open one to edit it, preview it, and apply it to WordPress.',
						'igny8-bridge'
					) }
				</p>
				{ startButtons }
			</div>
			<ul className="igny8-sb__cards">
				{ list.items.map( ( blueprint ) => (
					<BlueprintCard
						key={ blueprint.id }
						blueprint={ blueprint }
						canEdit={ canEdit }
						onOpen={ () => onOpen( blueprint.id ) }
						onDelete={ () => {
							setDeleteError( null );
							setDeleting( blueprint );
						} }
					/>
				) ) }
			</ul>
			{ deleting && (
				<Modal
					title={ sprintf(
						/* translators: %s: the site structure's name. */
						__( 'Delete “%s”?', 'igny8-bridge' ),
						deleting.name
					) }
					onRequestClose={ () => setDeleting( null ) }
					className="igny8-confirm"
				>
					<p>
						{ __(
							'The site structure and all its versions are deleted. Pages, categories and menus already applied stay in WordPress as they are.',
							'igny8-bridge'
						) }
					</p>
					{ deleteError && (
						<ErrorNotice
							message={ deleteError.message }
							kind={ deleteError.kind }
						/>
					) }
					<div className="igny8-modal__actions">
						<Button
							variant="primary"
							isDestructive
							onClick={ remove }
							isBusy={ busy }
							disabled={ busy }
							accessibleWhenDisabled
						>
							{ __( 'Delete', 'igny8-bridge' ) }
						</Button>
						<Button
							variant="tertiary"
							onClick={ () => setDeleting( null ) }
						>
							{ __( 'Cancel', 'igny8-bridge' ) }
						</Button>
					</div>
				</Modal>
			) }
			{ dialogs }
		</>
	);
}
