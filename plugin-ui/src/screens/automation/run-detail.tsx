/**
 * External dependencies
 */
import type { AutomationRun, AutomationStep } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Modal, Notice } from '@wordpress/components';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { isApiError } from '../../api';
import { errorMessage } from '../../api/errors';
import type { Action } from '../../components/data-view';
import { ErrorNotice, Loading } from '../../components/states';
import { label } from '../../labels';
import { fetchRun } from '../../store/automation';
import {
	actionDetails,
	creditCount,
	outputCount,
	outputLink,
	when,
} from './format';
import { placeUrl, type Place } from './place';
import { FOLLOW_MS, isActive, RunStatus, useRunActions } from './runs';

/**
 * One step of a run: what it is, where it stands, what it made (with a
 * link to where that is listed), what it used and what went wrong.
 * @param props      Component props.
 * @param props.step The step.
 */
function Step( { step }: { step: AutomationStep } ) {
	const link = step.output.ids.length ? outputLink( step.output.kind ) : null;
	const details = actionDetails( step.action );
	return (
		<li
			className="igny8-automation__step"
			data-status={ step.status }
			data-testid="igny8-automation-step"
		>
			<div className="igny8-automation__step-head">
				<h3>
					{ sprintf(
						/* translators: 1: the step's number, 2: what it does, e.g. Generate ideas. */
						__( '%1$d. %2$s', 'igny8-bridge' ),
						step.position + 1,
						label( 'automationAction', step.action.type )
					) }
				</h3>
				<span className="igny8-status" data-status={ step.status }>
					{ label( 'automationStepStatus', step.status ) }
				</span>
			</div>
			{ details && <p className="igny8-automation__hint">{ details }</p> }
			<dl className="igny8-automation__facts">
				<div>
					<dt>{ __( 'Made or changed', 'igny8-bridge' ) }</dt>
					<dd>
						{ step.output.ids.length === 0
							? __( 'Nothing yet', 'igny8-bridge' )
							: outputCount(
									step.output.kind,
									step.output.ids.length
								) }
						{ link && (
							<>
								{ ' · ' }
								<a href={ link }>
									{ __( 'Show them', 'igny8-bridge' ) }
								</a>
							</>
						) }
					</dd>
				</div>
				<div>
					<dt>{ __( 'Credits', 'igny8-bridge' ) }</dt>
					<dd>
						{ step.credits_estimated === null ||
						step.credits_estimated === step.credits_used
							? creditCount( step.credits_used )
							: sprintf(
									/* translators: 1: e.g. “3 credits” used, 2: e.g. “4 credits” estimated. */
									__(
										'%1$s (estimated %2$s)',
										'igny8-bridge'
									),
									creditCount( step.credits_used ),
									creditCount( step.credits_estimated )
								) }
					</dd>
				</div>
				{ step.attempts > 1 && (
					<div>
						<dt>{ __( 'Tries', 'igny8-bridge' ) }</dt>
						<dd>{ step.attempts.toLocaleString() }</dd>
					</div>
				) }
				<div>
					<dt>{ __( 'Started', 'igny8-bridge' ) }</dt>
					<dd>{ when( step.started_at ) }</dd>
				</div>
				<div>
					<dt>{ __( 'Finished', 'igny8-bridge' ) }</dt>
					<dd>{ when( step.finished_at ) }</dd>
				</div>
			</dl>
			{ step.message && <p>{ step.message }</p> }
			{ step.error && (
				<p className="igny8-automation__error">
					{ sprintf(
						/* translators: %s: what went wrong, in the cloud's words. */
						__( 'Problem: %s', 'igny8-bridge' ),
						step.error
					) }
				</p>
			) }
			{ step.next_attempt_at && (
				<p className="igny8-automation__hint">
					{ sprintf(
						/* translators: %s: a date and time. */
						__( 'It tries again at %s.', 'igny8-bridge' ),
						when( step.next_attempt_at )
					) }
				</p>
			) }
		</li>
	);
}

/**
 * A run's Resume or Cancel, with the cancel question first.
 * @param props           Component props.
 * @param props.run       The run.
 * @param props.onChanged Called with the run as the cloud answered.
 */
function RunButtons( {
	run,
	onChanged,
}: {
	run: AutomationRun;
	onChanged: ( run: AutomationRun ) => void;
} ) {
	const actions = useRunActions( onChanged ).filter(
		( action ) => action.isEligible?.( run ) ?? true
	);
	const [ asking, setAsking ] = useState< Action< AutomationRun > | null >(
		null
	);
	const [ busy, setBusy ] = useState( false );
	const [ failure, setFailure ] = useState< string | null >( null );
	const act = async ( action: Action< AutomationRun > ) => {
		setBusy( true );
		setFailure( null );
		try {
			await action.callback?.( [ run ] );
		} catch ( error ) {
			setFailure(
				errorMessage(
					error,
					__( 'That did not work. Try again.', 'igny8-bridge' )
				)
			);
		}
		setBusy( false );
		setAsking( null );
	};
	if ( actions.length === 0 ) {
		return null;
	}
	return (
		<>
			<div className="igny8-automation__actions">
				{ actions.map( ( action ) => (
					<Button
						key={ action.id }
						variant={
							action.isDestructive ? 'secondary' : 'primary'
						}
						isDestructive={ action.isDestructive }
						isBusy={ busy }
						disabled={ busy }
						accessibleWhenDisabled
						__next40pxDefaultSize
						onClick={ () =>
							action.confirm ? setAsking( action ) : act( action )
						}
					>
						{ action.label }
					</Button>
				) ) }
			</div>
			{ failure && <ErrorNotice message={ failure } /> }
			{ asking && (
				<Modal
					title={ asking.label }
					size="small"
					className="igny8-confirm"
					onRequestClose={ () => ! busy && setAsking( null ) }
				>
					<p>{ asking.confirm?.( [ run ] ) }</p>
					<div className="igny8-modal__actions">
						<Button
							variant="primary"
							isDestructive={ asking.isDestructive }
							isBusy={ busy }
							disabled={ busy }
							accessibleWhenDisabled
							onClick={ () => act( asking ) }
						>
							{ asking.confirmLabel ?? asking.label }
						</Button>
						<Button
							variant="tertiary"
							disabled={ busy }
							accessibleWhenDisabled
							onClick={ () => setAsking( null ) }
						>
							{ __( 'Keep it running', 'igny8-bridge' ) }
						</Button>
					</div>
				</Modal>
			) }
		</>
	);
}

/**
 * One run: its status, what started it, its credits and each step; a run
 * going on is read again every few seconds until it ends.
 * @param props         Component props.
 * @param props.id      The run.
 * @param props.canEdit Whether the user may resume or cancel it.
 * @param props.onGo    Goes to another place on the screen.
 */
export function RunDetail( {
	id,
	canEdit,
	onGo,
}: {
	id: number;
	canEdit: boolean;
	onGo: ( place: Place ) => void;
} ) {
	const [ run, setRun ] = useState< AutomationRun | null >( null );
	const [ error, setError ] = useState< {
		message: string;
		missing: boolean;
	} | null >( null );
	const [ attempt, setAttempt ] = useState( 0 );
	const load = useCallback(
		() =>
			fetchRun( id ).then(
				( loaded ) => {
					setRun( loaded );
					setError( null );
				},
				( failure ) =>
					setError( {
						message: errorMessage(
							failure,
							__(
								'This run could not be loaded.',
								'igny8-bridge'
							)
						),
						missing:
							isApiError( failure ) &&
							failure.kind === 'not_found',
					} )
			),
		[ id ]
	);
	useEffect( () => {
		load();
	}, [ load, attempt ] );
	const following = run !== null && isActive( run );
	useEffect( () => {
		if ( ! following ) {
			return;
		}
		const timer = setInterval( load, FOLLOW_MS );
		return () => clearInterval( timer );
	}, [ following, load ] );

	const back = (
		<p className="igny8-automation__back">
			<Button
				variant="link"
				href={ placeUrl( { kind: 'list', tab: 'runs' } ) }
				onClick={ ( event: React.MouseEvent ) => {
					event.preventDefault();
					onGo( { kind: 'list', tab: 'runs' } );
				} }
			>
				{ __( '← All runs', 'igny8-bridge' ) }
			</Button>
		</p>
	);
	if ( error && ! run ) {
		return (
			<>
				{ back }
				<ErrorNotice
					message={
						error.missing
							? __(
									'This run does not exist (any more).',
									'igny8-bridge'
								)
							: error.message
					}
					onRetry={
						error.missing
							? undefined
							: () => setAttempt( ( n ) => n + 1 )
					}
				/>
			</>
		);
	}
	if ( ! run ) {
		return (
			<>
				{ back }
				<Loading label={ __( 'Loading the run…', 'igny8-bridge' ) } />
			</>
		);
	}
	const name = run.rule_name.trim() || __( '(deleted rule)', 'igny8-bridge' );
	return (
		<div
			className="igny8-automation__run"
			data-testid="igny8-automation-run"
		>
			{ back }
			<div className="igny8-automation__head">
				<h2>
					{ sprintf(
						/* translators: %s: a rule's name. */
						__( 'Run of “%s”', 'igny8-bridge' ),
						name
					) }
				</h2>
				<RunStatus status={ run.status } />
			</div>
			<p className="igny8-automation__facts-line">
				{ [
					sprintf(
						/* translators: %s: what started the run, e.g. Schedule. */
						__( 'Started by: %s', 'igny8-bridge' ),
						label( 'automationRunTrigger', run.trigger )
					),
					sprintf(
						/* translators: %s: a date and time. */
						__( 'Started %s', 'igny8-bridge' ),
						when( run.started_at ?? run.created_at )
					),
					...( run.finished_at
						? [
								sprintf(
									/* translators: %s: a date and time. */
									__( 'Finished %s', 'igny8-bridge' ),
									when( run.finished_at )
								),
							]
						: [] ),
					sprintf(
						/* translators: %s: e.g. “12 credits”. */
						__( 'Used %s', 'igny8-bridge' ),
						creditCount( run.credits_used )
					),
				].join( ' · ' ) }
			</p>
			{ run.rule_id !== null && (
				<p>
					<a
						href={ placeUrl( { kind: 'rule', id: run.rule_id } ) }
						onClick={ ( event ) => {
							event.preventDefault();
							onGo( { kind: 'rule', id: run.rule_id! } );
						} }
					>
						{ sprintf(
							/* translators: %s: a rule's name. */
							__( 'Open the rule “%s”', 'igny8-bridge' ),
							name
						) }
					</a>
				</p>
			) }
			{ run.status === 'capped' ? (
				<Notice status="warning" isDismissible={ false }>
					{ run.error && (
						<p>
							<strong>{ run.error }</strong>
						</p>
					) }
					<p>
						{ __(
							'A step would have gone past one of the rule’s credit caps, so it was not started and charged nothing. Raise the cap on the rule (or wait for the next day or month), then resume the run: it continues from that step.',
							'igny8-bridge'
						) }
					</p>
				</Notice>
			) : (
				run.error && <ErrorNotice message={ run.error } />
			) }
			{ canEdit && <RunButtons run={ run } onChanged={ setRun } /> }
			{ error && <ErrorNotice message={ error.message } /> }
			<ol className="igny8-automation__steps">
				{ run.steps.map( ( step ) => (
					<Step key={ step.position } step={ step } />
				) ) }
			</ol>
		</div>
	);
}
