/**
 * External dependencies
 */
import type {
	BlueprintApplyReport,
	BlueprintApplyRun,
	BlueprintStatus,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	CheckboxControl,
	Modal,
	Notice,
	RadioControl,
	Spinner,
} from '@wordpress/components';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError, type ApiErrorKind } from '../../api/errors';
import { announce } from '../../components/data-view/notices';
import { ErrorNotice, Loading } from '../../components/states';
import { safeUrl } from '../../safe-url';
import {
	fetchPlan,
	fetchStatus,
	startApply,
	type RemovedMode,
} from '../../store/site-builder';
import {
	actionLabel,
	applyStatusLabel,
	kindLabel,
	removedLabel,
	reportLines,
	reportSummary,
	type ApplyAction,
	type ReportLine,
} from './format';

/** How often the apply's status is asked while it runs (ms). */
export const POLL_MS = 1000;

type GroupId =
	'create' | 'update' | 'edited' | 'removed' | 'existing' | 'unchanged';

const GROUPS: Array< { id: GroupId; actions: ApplyAction[] } > = [
	{ id: 'create', actions: [ 'create' ] },
	{ id: 'update', actions: [ 'update' ] },
	{ id: 'edited', actions: [ 'edited' ] },
	{ id: 'removed', actions: [ 'offered', 'draft', 'trash' ] },
	{ id: 'existing', actions: [ 'link', 'conflict' ] },
	{ id: 'unchanged', actions: [ 'unchanged' ] },
];

/**
 * A group's heading, for a plan (what will happen) or a report (what did).
 * @param id   The group.
 * @param plan Whether it is a plan.
 */
function groupTitle( id: GroupId, plan: boolean ): string {
	switch ( id ) {
		case 'create':
			return plan
				? __( 'Will be created', 'igny8-bridge' )
				: __( 'Created', 'igny8-bridge' );
		case 'update':
			return plan
				? __( 'Will be updated', 'igny8-bridge' )
				: __( 'Updated', 'igny8-bridge' );
		case 'edited':
			return __(
				'Edited in WordPress since the last apply: not overwritten',
				'igny8-bridge'
			);
		case 'removed':
			return __( 'No longer in the site structure', 'igny8-bridge' );
		case 'existing':
			return __( 'Already in WordPress', 'igny8-bridge' );
		default:
			return plan
				? __( 'Stay as they are', 'igny8-bridge' )
				: __( 'Unchanged', 'igny8-bridge' );
	}
}

/**
 * The lines of a plan or report by group, empty groups left out.
 * @param report The plan or report.
 */
export function groupLines(
	report: BlueprintApplyReport
): Array< { id: GroupId; lines: ReportLine[] } > {
	const lines = reportLines( report );
	return GROUPS.map( ( group ) => ( {
		id: group.id,
		lines: lines.filter( ( line ) =>
			group.actions.includes( line.action )
		),
	} ) ).filter( ( group ) => group.lines.length > 0 );
}

/**
 * One page, category or menu of a plan or report.
 * @param props        Component props.
 * @param props.line   The line.
 * @param props.action What happens to it, in words, when not the group's own.
 * @param props.extra  What the person may choose for it.
 * @param props.note
 */
function Line( {
	line,
	action,
	note,
	extra,
}: {
	line: ReportLine;
	action?: string;
	note?: string;
	extra?: React.ReactNode;
} ) {
	const url = line.url ? safeUrl( line.url ) : undefined;
	return (
		<li
			className="igny8-sb__line"
			data-kind={ line.kind }
			data-action={ line.action }
			data-key={ line.key }
		>
			<span className="igny8-sb__line-kind">
				{ kindLabel( line.kind ) }
			</span>
			<span className="igny8-sb__line-name">
				{ url ? (
					<a href={ url } target="_blank" rel="noopener noreferrer">
						{ line.name }
						<span className="screen-reader-text">
							{ __( '(opens in a new tab)', 'igny8-bridge' ) }
						</span>
					</a>
				) : (
					line.name
				) }
			</span>
			<span className="igny8-sb__line-detail">{ line.detail }</span>
			{ note && <span className="igny8-sb__line-note">{ note }</span> }
			{ action && (
				<span className="igny8-sb__line-action">{ action }</span>
			) }
			{ extra }
		</li>
	);
}

/**
 * A plan (dry run) or a report, grouped: what is (to be) created, updated,
 * left as edited in WordPress, no longer in the structure, already there,
 * unchanged. On a plan, each item edited in WordPress offers “overwrite
 * anyway”, and the pages no longer in the structure offer keep / draft /
 * trash.
 * @param props             Component props.
 * @param props.report      The plan or report.
 * @param props.overwrite   Keys to overwrite all the same (plan only).
 * @param props.onOverwrite Ticks or unticks one (plan only).
 * @param props.removed     What happens to pages no longer in the structure (plan only).
 * @param props.onRemoved   Changes it (plan only).
 * @param props.pages       The structure's pages by key (plan only): a page to update shows its new title and slug.
 */
export function ReportView( {
	report,
	overwrite,
	onOverwrite,
	removed,
	onRemoved,
	pages,
}: {
	report: BlueprintApplyReport;
	pages?: Map< string, { title: string; slug: string } >;
	overwrite?: Set< string >;
	onOverwrite?: ( key: string, on: boolean ) => void;
	removed?: RemovedMode;
	onRemoved?: ( mode: RemovedMode ) => void;
} ) {
	const plan = report.dry_run;
	const groups = groupLines( report );
	return (
		<div className="igny8-sb__report" data-testid="igny8-sb-report">
			<p className="igny8-sb__report-summary">
				{ reportSummary( report ) }
			</p>
			{ report.warnings.length > 0 && (
				<Notice status="warning" isDismissible={ false }>
					<ul className="igny8-sb__warnings">
						{ report.warnings.map( ( warning, index ) => (
							<li key={ index }>{ warning }</li>
						) ) }
					</ul>
				</Notice>
			) }
			{ groups.map( ( group ) => {
				const headingId = `igny8-sb-group-${ plan ? 'plan' : 'report' }-${ group.id }`;
				const heading = sprintf(
					/* translators: 1: group name, e.g. Will be created, 2: how many items. */
					__( '%1$s (%2$d)', 'igny8-bridge' ),
					groupTitle( group.id, plan ),
					group.lines.length
				);
				const list = (
					<ul className="igny8-sb__lines">
						{ group.lines.map( ( line ) => {
							if ( plan && group.id === 'edited' ) {
								const on = overwrite?.has( line.key ) ?? false;
								return (
									<Line
										key={ `${ line.kind }-${ line.key }` }
										line={ line }
										action={
											on
												? __(
														'Will be overwritten with the structure’s version',
														'igny8-bridge'
													)
												: __(
														'Stays as edited',
														'igny8-bridge'
													)
										}
										extra={
											onOverwrite && (
												<CheckboxControl
													__nextHasNoMarginBottom
													className="igny8-sb__overwrite"
													label={ sprintf(
														/* translators: %s: page or menu name. */
														__(
															'Overwrite “%s” anyway',
															'igny8-bridge'
														),
														line.name
													) }
													checked={ on }
													onChange={ ( checked ) =>
														onOverwrite(
															line.key,
															checked
														)
													}
												/>
											)
										}
									/>
								);
							}
							const next =
								plan &&
								group.id === 'update' &&
								line.kind === 'page'
									? pages?.get( line.key )
									: undefined;
							if ( next ) {
								// WordPress still has the old title and slug: say what they become.
								const renamed = next.title !== line.name;
								const moved =
									next.slug !== line.detail.slice( 1, -1 );
								return (
									<Line
										key={ `${ line.kind }-${ line.key }` }
										line={ {
											...line,
											name: next.title,
											detail: moved
												? `${ line.detail } → /${ next.slug }/`
												: line.detail,
										} }
										note={
											renamed
												? sprintf(
														/* translators: %s: the page's title in WordPress now. */
														__(
															'now “%s” in WordPress',
															'igny8-bridge'
														),
														line.name
													)
												: undefined
										}
									/>
								);
							}
							if ( plan && group.id === 'removed' ) {
								return (
									<Line
										key={ `${ line.kind }-${ line.key }` }
										line={ line }
										action={ removedLabel(
											removed ?? 'keep'
										) }
									/>
								);
							}
							return (
								<Line
									key={ `${ line.kind }-${ line.key }` }
									line={ line }
									action={
										group.id === 'existing' ||
										( ! plan && group.id === 'removed' )
											? actionLabel( line.action )
											: undefined
									}
								/>
							);
						} ) }
					</ul>
				);
				return (
					<section
						key={ group.id }
						className="igny8-sb__group"
						data-group={ group.id }
						aria-labelledby={ headingId }
					>
						{ group.id === 'unchanged' ? (
							<details>
								<summary>
									<h3 id={ headingId }>{ heading }</h3>
								</summary>
								{ list }
							</details>
						) : (
							<>
								<h3 id={ headingId }>{ heading }</h3>
								{ plan && group.id === 'edited' && (
									<p className="igny8-sb__hint">
										{ __(
											'Someone changed these in WordPress after IGNY8 last applied them. Their changes stay unless you tick “Overwrite anyway”.',
											'igny8-bridge'
										) }
									</p>
								) }
								{ list }
								{ plan &&
									group.id === 'removed' &&
									onRemoved && (
										<RadioControl
											className="igny8-sb__removed"
											label={ __(
												'What happens to these pages in WordPress',
												'igny8-bridge'
											) }
											help={ __(
												'They are never deleted: a page moved to the trash can be restored there for 30 days.',
												'igny8-bridge'
											) }
											selected={ removed ?? 'keep' }
											options={ (
												[
													'keep',
													'draft',
													'trash',
												] as RemovedMode[]
											 ).map( ( mode ) => ( {
												value: mode,
												label: removedLabel( mode ),
											} ) ) }
											onChange={ ( value ) =>
												onRemoved(
													value as RemovedMode
												)
											}
										/>
									) }
							</>
						) }
					</section>
				);
			} ) }
		</div>
	);
}

const isFinal = ( run: BlueprintApplyRun ) =>
	run.status === 'succeeded' || run.status === 'failed';

/**
 * Follows an apply until it is done, asking its status every POLL_MS.
 * @param blueprintId The blueprint.
 * @param started     The apply as started (null: none yet).
 * @param onStatus    Called with each status answer.
 * @return The apply as last seen, and the last error asking for it.
 */
function useFollowedApply(
	blueprintId: number,
	started: BlueprintApplyRun | null,
	onStatus: ( status: BlueprintStatus ) => void
): [ BlueprintApplyRun | null, string | null ] {
	const [ run, setRun ] = useState< BlueprintApplyRun | null >( started );
	const [ error, setError ] = useState< string | null >( null );
	const told = useRef( onStatus );
	told.current = onStatus;
	const id = started?.id ?? null;
	useEffect( () => {
		setRun( started );
		if ( id === null || ( started && isFinal( started ) ) ) {
			return;
		}
		let live = true;
		let timer: ReturnType< typeof setTimeout > | undefined;
		const ask = async () => {
			try {
				const status = await fetchStatus( blueprintId );
				if ( ! live ) {
					return;
				}
				setError( null );
				told.current( status );
				const found =
					status.applies.find( ( apply ) => apply.id === id ) ??
					( status.active?.id === id ? status.active : undefined );
				if ( found ) {
					setRun( found );
					if ( isFinal( found ) ) {
						return;
					}
				}
			} catch ( failure ) {
				if ( ! live ) {
					return;
				}
				setError(
					errorMessage(
						failure,
						__(
							'Could not ask how the apply is going.',
							'igny8-bridge'
						)
					)
				);
			}
			timer = setTimeout( ask, POLL_MS );
		};
		timer = setTimeout( ask, POLL_MS );
		return () => {
			live = false;
			clearTimeout( timer );
		};
		// `started` is the run whose id this follows.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ blueprintId, id ] );
	return [ run, error ];
}

/**
 * Apply to WordPress: first the plan — what the apply would create, update,
 * leave as edited in WordPress (each with “overwrite anyway”), and do with
 * the pages no longer in the structure (keep, draft or trash) — then, once
 * confirmed, the apply's progress and its report.
 * @param props             Component props.
 * @param props.blueprintId The blueprint.
 * @param props.name        Its name.
 * @param props.running     An apply already going (followed instead of a new plan).
 * @param props.onStatus    Called with each status answer (the editor shows it too).
 * @param props.onFinished  Called once when the apply ends.
 * @param props.onClose     Closes the dialog.
 * @param props.pages       The saved structure's pages, by key.
 */
export function ApplyModal( {
	blueprintId,
	name,
	pages,
	running,
	onStatus,
	onFinished,
	onClose,
}: {
	blueprintId: number;
	name: string;
	pages?: Map< string, { title: string; slug: string } >;
	running?: BlueprintApplyRun | null;
	onStatus: ( status: BlueprintStatus ) => void;
	onFinished?: ( run: BlueprintApplyRun ) => void;
	onClose: () => void;
} ) {
	const [ plan, setPlan ] = useState< BlueprintApplyReport | null >( null );
	const [ planError, setPlanError ] = useState< {
		message: string;
		kind?: ApiErrorKind;
	} | null >( null );
	const [ attempt, setAttempt ] = useState( 0 );
	const [ overwrite, setOverwrite ] = useState< Set< string > >(
		() => new Set()
	);
	const [ removed, setRemoved ] = useState< RemovedMode >( 'keep' );
	const [ starting, setStarting ] = useState( false );
	const [ startError, setStartError ] = useState< {
		message: string;
		kind?: ApiErrorKind;
	} | null >( null );
	const [ started, setStarted ] = useState< BlueprintApplyRun | null >(
		running ?? null
	);
	const [ run, followError ] = useFollowedApply(
		blueprintId,
		started,
		onStatus
	);

	useEffect( () => {
		if ( started ) {
			return;
		}
		let live = true;
		setPlan( null );
		setPlanError( null );
		fetchPlan( blueprintId ).then(
			( answer ) => live && setPlan( answer ),
			( failure: unknown ) =>
				live &&
				setPlanError( {
					message: errorMessage(
						failure,
						__(
							'Could not ask WordPress what would change.',
							'igny8-bridge'
						)
					),
					kind: isApiError( failure ) ? failure.kind : undefined,
				} )
		);
		return () => {
			live = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- a plan per opening (or retry).
	}, [ blueprintId, attempt ] );

	// Said once when the apply ends.
	const announced = useRef< number | null >( null );
	useEffect( () => {
		if ( run && isFinal( run ) && announced.current !== run.id ) {
			announced.current = run.id;
			onFinished?.( run );
			if ( run.status === 'succeeded' && run.report ) {
				announce(
					sprintf(
						/* translators: 1: version number, 2: e.g. “4 created, 20 unchanged.” */
						__(
							'Version %1$d applied to WordPress: %2$s',
							'igny8-bridge'
						),
						run.version,
						reportSummary( run.report )
					)
				);
			}
		}
		// Told once per apply; the callback is a fresh closure each render.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ run ] );

	// Only what this plan reports as edited: a tick left from an earlier plan means nothing.
	const overwriteKeys = plan
		? reportLines( plan )
				.filter(
					( line ) =>
						line.action === 'edited' && overwrite.has( line.key )
				)
				.map( ( line ) => line.key )
				.filter( ( key, index, keys ) => keys.indexOf( key ) === index )
		: [];

	const apply = async () => {
		if ( ! plan ) {
			return;
		}
		setStarting( true );
		setStartError( null );
		try {
			const answer = await startApply( blueprintId, {
				expected_version: plan.version,
				removed,
				overwrite_keys: overwriteKeys,
			} );
			setStarted( answer );
		} catch ( failure ) {
			setStartError( {
				message:
					isApiError( failure ) && failure.kind === 'conflict'
						? __(
								'The site structure was saved again since this list was made. Look at the changes again before applying.',
								'igny8-bridge'
							)
						: errorMessage(
								failure,
								__(
									'Could not start the apply.',
									'igny8-bridge'
								)
							),
				kind: isApiError( failure ) ? failure.kind : undefined,
			} );
		} finally {
			setStarting( false );
		}
	};

	const title = sprintf(
		/* translators: %s: the site structure's name. */
		__( 'Apply “%s” to WordPress', 'igny8-bridge' ),
		name
	);

	if ( run ) {
		const final = isFinal( run );
		return (
			<Modal
				title={ title }
				onRequestClose={ onClose }
				className="igny8-modal igny8-sb__apply-modal"
				size="large"
			>
				<div className="igny8-sb__apply-status" aria-live="polite">
					{ ! final && <Spinner /> }
					<strong>
						{ sprintf(
							/* translators: 1: e.g. Applying, 2: version number. */
							__( '%1$s: version %2$d', 'igny8-bridge' ),
							applyStatusLabel( run.status ),
							run.version
						) }
					</strong>
				</div>
				{ ! final && (
					<p className="igny8-sb__hint">
						{ __(
							'WordPress is creating and updating the pages, categories and menus. You can close this: it goes on, and the History tab shows how it ended.',
							'igny8-bridge'
						) }
					</p>
				) }
				{ followError && ! final && (
					<p className="igny8-sb__hint">{ followError }</p>
				) }
				{ run.status === 'failed' && (
					<ErrorNotice
						message={
							run.error ??
							__( 'The apply failed.', 'igny8-bridge' )
						}
					/>
				) }
				{ run.status === 'failed' && (
					<p className="igny8-sb__hint">
						{ __(
							'What WordPress did before the failure stays; applying again finishes the rest without making anything twice.',
							'igny8-bridge'
						) }
					</p>
				) }
				{ run.report && <ReportView report={ run.report } /> }
				<div className="igny8-modal__actions">
					<Button
						variant={ final ? 'primary' : 'tertiary' }
						onClick={ onClose }
					>
						{ __( 'Close', 'igny8-bridge' ) }
					</Button>
				</div>
			</Modal>
		);
	}

	return (
		<Modal
			title={ title }
			onRequestClose={ onClose }
			className="igny8-modal igny8-sb__apply-modal"
			size="large"
		>
			{ ! plan && ! planError && (
				<Loading
					label={ __(
						'Asking WordPress what would change…',
						'igny8-bridge'
					) }
				/>
			) }
			{ planError && (
				<ErrorNotice
					message={ planError.message }
					kind={ planError.kind }
					onRetry={ () => setAttempt( ( n ) => n + 1 ) }
				/>
			) }
			{ plan && (
				<>
					<p>
						{ sprintf(
							/* translators: %d: version number. */
							__(
								'This is what applying version %d will do in WordPress. Nothing has changed yet.',
								'igny8-bridge'
							),
							plan.version
						) }
					</p>
					<ReportView
						report={ plan }
						pages={ pages }
						overwrite={ overwrite }
						onOverwrite={ ( key, on ) =>
							setOverwrite( ( current ) => {
								const next = new Set( current );
								if ( on ) {
									next.add( key );
								} else {
									next.delete( key );
								}
								return next;
							} )
						}
						removed={ removed }
						onRemoved={ setRemoved }
					/>
				</>
			) }
			{ startError && (
				<ErrorNotice
					message={ startError.message }
					kind={ startError.kind }
				/>
			) }
			{ startError?.kind === 'conflict' && (
				<p>
					<Button
						variant="secondary"
						onClick={ () => {
							setStartError( null );
							setAttempt( ( n ) => n + 1 );
						} }
					>
						{ __( 'Look again', 'igny8-bridge' ) }
					</Button>
				</p>
			) }
			<div className="igny8-modal__actions">
				<Button
					variant="primary"
					onClick={ apply }
					isBusy={ starting }
					disabled={ ! plan || starting }
					accessibleWhenDisabled
				>
					{ overwriteKeys.length > 0
						? sprintf(
								/* translators: %d: how many items edited in WordPress will be overwritten. */
								_n(
									'Apply, overwriting %d edited item',
									'Apply, overwriting %d edited items',
									overwriteKeys.length,
									'igny8-bridge'
								),
								overwriteKeys.length
							)
						: __( 'Apply to WordPress', 'igny8-bridge' ) }
				</Button>
				<Button variant="tertiary" onClick={ onClose }>
					{ __( 'Cancel', 'igny8-bridge' ) }
				</Button>
			</div>
		</Modal>
	);
}
