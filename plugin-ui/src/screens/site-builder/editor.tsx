/**
 * External dependencies
 */
import type { BlueprintStatus, SiteBlueprint } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Notice, TabPanel, TextControl } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError, type ApiErrorKind } from '../../api/errors';
import { announce } from '../../components/data-view/notices';
import { ErrorNotice, Loading } from '../../components/states';
import {
	SITE_BUILDER,
	fetchBlueprint,
	fetchStatus,
	saveBlueprint,
} from '../../store/site-builder';
import { ApplyModal } from './apply';
import { CategoriesTab } from './categories';
import { CheckedText } from './fields';
import { when } from './format';
import { GenerateModal, generateLabel, useGenerateCost } from './generate';
import { HistoryTab } from './history';
import { MenusTab } from './menus';
import { PagesTab } from './pages';
import { PreviewModal } from './preview';
import { WriteCopyModal } from './write-copy';
import {
	NO_PROBLEMS,
	draftOf,
	hasProblems,
	problemsFromServer,
	problemsOf,
	sameDraft,
	structureOf,
	type Draft,
	type DraftProblems,
} from './tree';

type TabName = 'pages' | 'categories' | 'menus' | 'history';

interface Failure {
	message: string;
	kind?: ApiErrorKind;
}

/** The messages of the checks made before saving. */
function problemWords() {
	return {
		blank: __( 'This may not be empty.', 'igny8-bridge' ),
		badSlug: __(
			'Use lowercase letters, digits and single hyphens only, e.g. “our-team”.',
			'igny8-bridge'
		),
		takenSlug: __(
			'Another item at the same level has this slug: WordPress would change one of them.',
			'igny8-bridge'
		),
		noTarget: __( 'Choose what this link opens.', 'igny8-bridge' ),
		badUrl: __(
			'Enter a full address starting with https:// or http://.',
			'igny8-bridge'
		),
		noLabel: __( 'A custom link needs a label.', 'igny8-bridge' ),
	};
}

/**
 * Rows open in a tab's tree, and ways to open and close them.
 */
function useOpenRows(): [
	Set< string >,
	( key: string ) => void,
	( keys: string[] ) => void,
] {
	const [ open, setOpen ] = useState< Set< string > >( () => new Set() );
	const toggle = useCallback(
		( key: string ) =>
			setOpen( ( current ) => {
				const next = new Set( current );
				if ( next.has( key ) ) {
					next.delete( key );
				} else {
					next.add( key );
				}
				return next;
			} ),
		[]
	);
	const add = useCallback(
		( keys: string[] ) =>
			setOpen( ( current ) => new Set( [ ...current, ...keys ] ) ),
		[]
	);
	return [ open, toggle, add ];
}

/**
 * Where WordPress stands with this blueprint, in one sentence.
 * @param status    The blueprint's status.
 * @param blueprint The blueprint.
 */
function wordpressState(
	status: BlueprintStatus | null,
	blueprint: SiteBlueprint
): string {
	const applied =
		status?.last_applied_version ?? blueprint.last_applied_version;
	if ( applied === null ) {
		return __(
			'Not applied to WordPress yet: nothing on the site has changed.',
			'igny8-bridge'
		);
	}
	if ( applied === blueprint.version ) {
		return sprintf(
			/* translators: 1: version number, 2: date and time. */
			__( 'WordPress has version %1$d (applied %2$s).', 'igny8-bridge' ),
			applied,
			when( blueprint.last_applied_at )
		);
	}
	return sprintf(
		/* translators: 1: version number applied, 2: date and time, 3: the current version. */
		__(
			'WordPress has version %1$d (applied %2$s); version %3$d is not applied yet.',
			'igny8-bridge'
		),
		applied,
		when( blueprint.last_applied_at ),
		blueprint.version
	);
}

/**
 * One blueprint: its pages, categories and menus to edit, its versions,
 * saving (a new version each time), the Playground preview, and applying
 * it to WordPress after seeing what will change.
 * @param props          Component props.
 * @param props.id       The blueprint.
 * @param props.siteId   The session's site.
 * @param props.canEdit  Whether the person may write content (edit, save, generate).
 * @param props.canApply Whether the person may change the site (apply).
 * @param props.onBack   Goes back to the list.
 */
export function BlueprintEditor( {
	id,
	siteId,
	canEdit,
	canApply,
	onBack,
}: {
	id: number;
	siteId: number | null;
	canEdit: boolean;
	canApply: boolean;
	onBack: () => void;
} ) {
	const [ blueprint, setBlueprint ] = useState< SiteBlueprint | null >(
		null
	);
	const [ loadError, setLoadError ] = useState< Failure | null >( null );
	const [ attempt, setAttempt ] = useState( 0 );
	const [ draft, setDraftState ] = useState< Draft | null >( null );
	const [ saved, setSaved ] = useState< Draft | null >( null );
	const [ status, setStatus ] = useState< BlueprintStatus | null >( null );
	const [ note, setNote ] = useState( '' );
	const [ saving, setSaving ] = useState( false );
	const [ saveError, setSaveError ] = useState< Failure | null >( null );
	const [ serverProblems, setServerProblems ] =
		useState< DraftProblems >( NO_PROBLEMS );
	const [ dialog, setDialog ] = useState<
		'preview' | 'apply' | 'generate' | null
	>( null );
	/** The saved page whose copy is being written with AI. */
	const [ copyPage, setCopyPage ] = useState< {
		id: number;
		title: string;
	} | null >( null );
	const [ tab, setTab ] = useState< TabName >( 'pages' );
	const [ tabKey, setTabKey ] = useState( 0 );
	const [ openPages, togglePage, openPageRows ] = useOpenRows();
	const [ openCategories, toggleCategory, openCategoryRows ] = useOpenRows();
	const [ openItems, toggleItem, openItemRows ] = useOpenRows();
	const { invalidate } = useDispatch( SITE_BUILDER ) as any;
	const cost = useGenerateCost( canEdit ? siteId : null );

	const load = useCallback( ( answer: SiteBlueprint ) => {
		const fresh = draftOf( answer );
		setBlueprint( answer );
		setDraftState( fresh );
		setSaved( fresh );
		setServerProblems( NO_PROBLEMS );
	}, [] );

	const refreshStatus = useCallback( () => {
		fetchStatus( id ).then( setStatus, () => undefined );
	}, [ id ] );

	useEffect( () => {
		let live = true;
		setLoadError( null );
		fetchBlueprint( id ).then(
			( answer ) => live && load( answer ),
			( failure: unknown ) =>
				live &&
				setLoadError( {
					message: errorMessage(
						failure,
						__(
							'Could not load the site structure.',
							'igny8-bridge'
						)
					),
					kind: isApiError( failure ) ? failure.kind : undefined,
				} )
		);
		fetchStatus( id ).then(
			( answer ) => live && setStatus( answer ),
			() => undefined
		);
		return () => {
			live = false;
		};
	}, [ id, attempt, load ] );

	const dirty =
		draft !== null && saved !== null && ! sameDraft( draft, saved );

	// Leaving the page with unsaved changes asks first.
	useEffect( () => {
		if ( ! dirty ) {
			return;
		}
		const warn = ( event: BeforeUnloadEvent ) => {
			event.preventDefault();
			event.returnValue = '';
		};
		window.addEventListener( 'beforeunload', warn );
		return () => window.removeEventListener( 'beforeunload', warn );
	}, [ dirty ] );

	const setDraft = useCallback( ( change: ( current: Draft ) => Draft ) => {
		setDraftState( ( current ) =>
			current ? change( current ) : current
		);
		setServerProblems( NO_PROBLEMS );
	}, [] );

	if ( loadError ) {
		return (
			<>
				<BackLink onBack={ onBack } />
				<ErrorNotice
					message={ loadError.message }
					kind={ loadError.kind }
					onRetry={ () => setAttempt( ( n ) => n + 1 ) }
				/>
			</>
		);
	}
	if ( ! blueprint || ! draft ) {
		return (
			<Loading
				label={ __( 'Loading the site structure…', 'igny8-bridge' ) }
			/>
		);
	}

	const localProblems = problemsOf( draft, problemWords() );
	const problems: DraftProblems = hasProblems( serverProblems )
		? serverProblems
		: localProblems;
	const readOnly = ! canEdit;

	const goTo = ( name: TabName ) => {
		setTab( name );
		setTabKey( ( n ) => n + 1 );
	};

	const save = async () => {
		if ( hasProblems( localProblems ) ) {
			openPageRows( Object.keys( localProblems.pages ) );
			openCategoryRows( Object.keys( localProblems.categories ) );
			openItemRows(
				Object.entries( localProblems.items ).flatMap(
					( [ menuKey, items ] ) =>
						Object.keys( items ).map(
							( key ) => `${ menuKey }/${ key }`
						)
				)
			);
			let first: TabName | null = null;
			if ( Object.keys( localProblems.pages ).length ) {
				first = 'pages';
			} else if ( Object.keys( localProblems.categories ).length ) {
				first = 'categories';
			} else if (
				Object.keys( localProblems.menus ).length ||
				Object.keys( localProblems.items ).length
			) {
				first = 'menus';
			}
			if ( first && first !== tab ) {
				goTo( first );
			}
			setSaveError( {
				message: __(
					'Not saved: some fields need a fix first. They are marked below.',
					'igny8-bridge'
				),
			} );
			return;
		}
		setSaving( true );
		setSaveError( null );
		try {
			const answer = await saveBlueprint(
				blueprint.id,
				structureOf( draft ),
				blueprint.version,
				note.trim() || undefined
			);
			load( answer );
			setNote( '' );
			invalidate();
			refreshStatus();
			announce(
				sprintf(
					/* translators: %d: version number. */
					__( 'Saved as version %d.', 'igny8-bridge' ),
					answer.version
				)
			);
		} catch ( failure ) {
			if ( isApiError( failure ) && failure.kind === 'validation' ) {
				setServerProblems(
					problemsFromServer( failure.fieldErrors, draft )
				);
			}
			setSaveError( {
				message:
					isApiError( failure ) && failure.kind === 'conflict'
						? __(
								'Not saved: someone else saved this site structure since you opened it. Load their version to continue from it (your changes here are dropped), or copy what you need first.',
								'igny8-bridge'
							)
						: errorMessage(
								failure,
								__( 'Could not save.', 'igny8-bridge' )
							),
				kind: isApiError( failure ) ? failure.kind : undefined,
			} );
		} finally {
			setSaving( false );
		}
	};

	const pageIds = new Map(
		blueprint.pages.map( ( page ) => [ page.key, page.id ] )
	);
	const writeCopy = ( key: string ) => {
		const target = blueprint.pages.find( ( p ) => p.key === key );
		if ( target ) {
			setCopyPage( { id: target.id, title: target.title } );
		}
	};
	const counts = {
		pages: draft.pages.length,
		categories: draft.categories.length,
		menus: draft.menus.length,
	};
	const applyHintId = 'igny8-sb-apply-hint';
	let applyHint: string | null = null;
	if ( ! canApply ) {
		applyHint = __(
			'Only an administrator of this site can apply a structure to WordPress.',
			'igny8-bridge'
		);
	} else if ( dirty ) {
		applyHint = __(
			'Save your changes first: WordPress gets the saved version.',
			'igny8-bridge'
		);
	} else if (
		draft.pages.length === 0 &&
		draft.categories.length === 0 &&
		draft.menus.length === 0
	) {
		applyHint = __( 'Add pages first.', 'igny8-bridge' );
	}

	return (
		<div className="igny8-sb__editor">
			<BackLink onBack={ onBack } dirty={ dirty } />
			<div className="igny8-sb__head">
				<CheckedText
					id="igny8-sb-name"
					label={ __(
						'Name of this site structure',
						'igny8-bridge'
					) }
					value={ draft.name }
					onChange={ ( name ) =>
						setDraft( ( current ) => ( { ...current, name } ) )
					}
					problem={ problems.name }
					disabled={ readOnly }
				/>
				<p className="igny8-sb__saved" aria-live="polite">
					<strong>
						{ sprintf(
							/* translators: %d: version number. */
							__( 'Version %d', 'igny8-bridge' ),
							blueprint.version
						) }
					</strong>
					{ ' · ' }
					{ dirty
						? __( 'Unsaved changes', 'igny8-bridge' )
						: sprintf(
								/* translators: %s: date and time. */
								__( 'Saved %s', 'igny8-bridge' ),
								when( blueprint.updated_at )
							) }
				</p>
			</div>
			<p className="igny8-sb__wp-state">
				{ wordpressState( status, blueprint ) }
			</p>
			{ status?.active && dialog !== 'apply' && (
				<Notice status="info" isDismissible={ false }>
					{ __(
						'An apply to WordPress is under way.',
						'igny8-bridge'
					) }{ ' ' }
					<Button
						variant="link"
						onClick={ () => setDialog( 'apply' ) }
					>
						{ __( 'Show its progress', 'igny8-bridge' ) }
					</Button>
				</Notice>
			) }
			<div className="igny8-sb__toolbar">
				{ canEdit && (
					<div className="igny8-sb__save">
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __(
								'What changed (optional)',
								'igny8-bridge'
							) }
							value={ note }
							onChange={ setNote }
							placeholder={ __(
								'Shown in the version history',
								'igny8-bridge'
							) }
						/>
						<Button
							variant="primary"
							onClick={ save }
							isBusy={ saving }
							disabled={ saving || ! dirty }
							accessibleWhenDisabled
							__next40pxDefaultSize
						>
							{ dirty
								? __( 'Save', 'igny8-bridge' )
								: __( 'Saved', 'igny8-bridge' ) }
						</Button>
					</div>
				) }
				<div className="igny8-sb__actions">
					<Button
						variant="secondary"
						onClick={ () => setDialog( 'preview' ) }
						__next40pxDefaultSize
					>
						{ __( 'Preview…', 'igny8-bridge' ) }
					</Button>
					<Button
						variant={ dirty ? 'secondary' : 'primary' }
						onClick={ () => setDialog( 'apply' ) }
						disabled={ applyHint !== null }
						accessibleWhenDisabled
						aria-describedby={ applyHint ? applyHintId : undefined }
						__next40pxDefaultSize
					>
						{ __( 'Apply to WordPress…', 'igny8-bridge' ) }
					</Button>
					{ canEdit && siteId !== null && (
						<Button
							variant="tertiary"
							onClick={ () => setDialog( 'generate' ) }
							disabled={ dirty }
							accessibleWhenDisabled
							__next40pxDefaultSize
						>
							{ generateLabel( cost, true ) }
						</Button>
					) }
				</div>
				{ applyHint && (
					<p className="igny8-sb__hint" id={ applyHintId }>
						{ applyHint }
					</p>
				) }
			</div>
			{ saveError && (
				<ErrorNotice
					message={ saveError.message }
					kind={ saveError.kind }
				/>
			) }
			{ saveError?.kind === 'conflict' && (
				<p>
					<Button
						variant="secondary"
						onClick={ () => {
							setSaveError( null );
							setAttempt( ( n ) => n + 1 );
						} }
					>
						{ __( 'Load their version', 'igny8-bridge' ) }
					</Button>
				</p>
			) }
			<TabPanel
				key={ tabKey }
				className="igny8-sb__tabs"
				initialTabName={ tab }
				onSelect={ ( name ) => setTab( name as TabName ) }
				tabs={ [
					{
						name: 'pages',
						title: sprintf(
							/* translators: %d: number of pages. */
							__( 'Pages (%d)', 'igny8-bridge' ),
							counts.pages
						),
					},
					{
						name: 'categories',
						title: sprintf(
							/* translators: %d: number of categories. */
							__( 'Categories (%d)', 'igny8-bridge' ),
							counts.categories
						),
					},
					{
						name: 'menus',
						title: sprintf(
							/* translators: %d: number of menus. */
							__( 'Menus (%d)', 'igny8-bridge' ),
							counts.menus
						),
					},
					{ name: 'history', title: __( 'History', 'igny8-bridge' ) },
				] }
			>
				{ ( current ) => (
					<div className="igny8-sb__panel">
						{ current.name === 'pages' && (
							<PagesTab
								draft={ draft }
								setDraft={ setDraft }
								problems={ problems.pages }
								readOnly={ readOnly }
								open={ openPages }
								onToggle={ togglePage }
								onOpen={ ( key ) => openPageRows( [ key ] ) }
								pageIds={ pageIds }
								dirty={ dirty }
								onWrite={ canEdit ? writeCopy : undefined }
							/>
						) }
						{ current.name === 'categories' && (
							<CategoriesTab
								draft={ draft }
								setDraft={ setDraft }
								problems={ problems.categories }
								readOnly={ readOnly }
								open={ openCategories }
								onToggle={ toggleCategory }
								onOpen={ ( key ) =>
									openCategoryRows( [ key ] )
								}
							/>
						) }
						{ current.name === 'menus' && (
							<MenusTab
								draft={ draft }
								setDraft={ setDraft }
								problems={ problems }
								readOnly={ readOnly }
								open={ openItems }
								onToggle={ toggleItem }
								onOpen={ ( key ) => openItemRows( [ key ] ) }
							/>
						) }
						{ current.name === 'history' && (
							<HistoryTab
								blueprint={ blueprint }
								status={ status }
								canEdit={ canEdit }
								dirty={ dirty }
								onReverted={ ( reverted ) => {
									load( reverted );
									invalidate();
									refreshStatus();
									announce(
										sprintf(
											/* translators: %d: version number. */
											__(
												'Reverted: the structure is saved as version %d.',
												'igny8-bridge'
											),
											reverted.version
										)
									);
								} }
							/>
						) }
					</div>
				) }
			</TabPanel>
			{ dialog === 'preview' && (
				<PreviewModal
					blueprintId={ blueprint.id }
					version={ blueprint.version }
					dirty={ dirty }
					onClose={ () => setDialog( null ) }
				/>
			) }
			{ dialog === 'apply' && (
				<ApplyModal
					blueprintId={ blueprint.id }
					name={ blueprint.name }
					pages={
						new Map(
							blueprint.pages.map( ( p ) => [
								p.key,
								{ title: p.title, slug: p.slug },
							] )
						)
					}
					running={ status?.active ?? null }
					onStatus={ setStatus }
					onFinished={ () => {
						// “Last applied” follows the apply.
						fetchBlueprint( blueprint.id ).then(
							( answer ) =>
								setBlueprint( ( current ) =>
									current &&
									current.version === answer.version
										? answer
										: current
								),
							() => undefined
						);
						invalidate();
					} }
					onClose={ () => {
						setDialog( null );
						refreshStatus();
					} }
				/>
			) }
			{ copyPage && (
				<WriteCopyModal
					pageId={ copyPage.id }
					title={ copyPage.title }
					version={ blueprint.version }
					onClose={ () => setCopyPage( null ) }
					onWritten={ () => {
						// The draft had no unsaved changes (the button says so): load the new version.
						fetchBlueprint( blueprint.id ).then(
							( answer ) => {
								load( answer );
								announce(
									sprintf(
										/* translators: 1: page title, 2: version number. */
										__(
											'The copy of “%1$s” is written and saved as version %2$d.',
											'igny8-bridge'
										),
										copyPage.title,
										answer.version
									)
								);
							},
							() => setAttempt( ( n ) => n + 1 )
						);
						invalidate();
						refreshStatus();
					} }
				/>
			) }
			{ dialog === 'generate' && siteId !== null && (
				<GenerateModal
					siteId={ siteId }
					blueprintId={ blueprint.id }
					onClose={ () => {
						setDialog( null );
						setAttempt( ( n ) => n + 1 );
					} }
					onGenerated={ () => {
						setDialog( null );
						setAttempt( ( n ) => n + 1 );
						invalidate();
					} }
				/>
			) }
		</div>
	);
}

/**
 * Back to the list; with unsaved changes, asks first.
 * @param props        Component props.
 * @param props.onBack Goes back.
 * @param props.dirty  Whether there are unsaved changes.
 */
function BackLink( {
	onBack,
	dirty = false,
}: {
	onBack: () => void;
	dirty?: boolean;
} ) {
	return (
		<p className="igny8-sb__back">
			<Button
				variant="link"
				onClick={ () => {
					if (
						! dirty ||
						// eslint-disable-next-line no-alert -- the browser's own question, as on leaving the page.
						window.confirm(
							__(
								'Leave this site structure? Your unsaved changes will be lost.',
								'igny8-bridge'
							)
						)
					) {
						onBack();
					}
				} }
			>
				{ __( '← All site structures', 'igny8-bridge' ) }
			</Button>
		</p>
	);
}
