/**
 * External dependencies
 */
import type { AiRun, Estimate } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Modal, Notice } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import { errorMessage, isApiError, type ApiErrorKind } from '../api/errors';
import type { StartedRun } from '../store/jobs/actions';
import { isFinal } from '../store/jobs/types';
import { ErrorNotice, Loading, ProgressBar } from './states';

const JOBS = 'igny8/jobs';

/**
 * The newest queued/running run of an AI function, re-attached after a reload.
 * @param functionName e.g. `generate_ideas`.
 */
export function useActiveRunId( functionName: string ): number | null {
	return useSelect(
		( select ) => {
			const jobs = select( JOBS ) as any;
			return (
				( jobs.getActiveRunFor( functionName ) as AiRun | undefined )
					?.id ?? null
			);
		},
		[ functionName ]
	);
}

/**
 * Opens the progress view once when a run of the screen's function is found
 * going: after a reload mid-job the progress is back without a click.
 * @param runId The active run, from useActiveRunId().
 * @param open  Shows the screen's progress view.
 */
export function useReopenActiveRun( runId: number | null, open: () => void ) {
	const opened = useRef( false );
	useEffect( () => {
		if ( runId !== null && ! opened.current ) {
			opened.current = true;
			open();
		}
		// `open` is a fresh closure on each render; only the run matters.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ runId ] );
}

/**
 * A run's live progress with a cancel button; tells `onFinished` once when it ends.
 * @param props            Component props.
 * @param props.runId      The run.
 * @param props.onFinished Called once with the final run.
 */
export function RunProgress( {
	runId,
	onFinished,
}: {
	runId: number;
	onFinished?: ( run: AiRun ) => void;
} ) {
	const { run, streamError } = useSelect(
		( select ) => {
			const jobs = select( JOBS ) as any;
			return {
				run: jobs.getRun( runId ) as AiRun | undefined,
				streamError: jobs.getRunError( runId ) as string | null,
			};
		},
		[ runId ]
	);

	const { cancelRun, followRun } = useDispatch( JOBS ) as any;
	const [ cancelling, setCancelling ] = useState( false );
	const told = useRef( false );

	useEffect( () => {
		followRun( runId );
	}, [ runId, followRun ] );

	useEffect( () => {
		if ( run && isFinal( run ) && ! told.current ) {
			told.current = true;
			onFinished?.( run );
		}
	}, [ run, onFinished ] );

	if ( ! run ) {
		return <Loading label={ __( 'Starting…', 'igny8-bridge' ) } />;
	}
	const final = isFinal( run );
	return (
		<div className="igny8-run" data-status={ run.status }>
			<ProgressBar
				percent={ run.progress.percent }
				label={ __( 'Progress', 'igny8-bridge' ) }
			/>
			<p className="igny8-run__stage" aria-live="polite">
				{ sprintf(
					/* translators: 1: percent done, 2: stage or message. */
					__( '%1$d%% — %2$s', 'igny8-bridge' ),
					Math.round( run.progress.percent ),
					run.progress.message || run.progress.stage || run.status
				) }
			</p>
			{ run.status === 'succeeded' && (
				<Notice status="success" isDismissible={ false }>
					{ __( 'Done.', 'igny8-bridge' ) }
				</Notice>
			) }
			{ run.status === 'failed' && (
				<>
					<ErrorNotice
						message={
							run.error ?? __( 'The run failed.', 'igny8-bridge' )
						}
					/>
					<p className="igny8-run__next">
						{ __(
							'Its credits were returned. Try again in a moment; if it keeps failing, ask an IGNY8 administrator to check the AI settings.',
							'igny8-bridge'
						) }
					</p>
				</>
			) }
			{ run.status === 'cancelled' && (
				<Notice status="warning" isDismissible={ false }>
					{ __(
						'Cancelled. Unused credits were returned.',
						'igny8-bridge'
					) }
				</Notice>
			) }
			{ ! final && streamError && (
				<p className="igny8-run__reconnecting">
					{ __(
						'Reconnecting to the progress stream…',
						'igny8-bridge'
					) }
				</p>
			) }
			{ ! final && (
				<Button
					variant="secondary"
					isDestructive
					isBusy={ cancelling }
					disabled={ cancelling }
					accessibleWhenDisabled
					onClick={ () => {
						setCancelling( true );
						cancelRun( runId ).catch( () =>
							setCancelling( false )
						);
					} }
				>
					{ __( 'Cancel', 'igny8-bridge' ) }
				</Button>
			) }
		</div>
	);
}

export interface AiActionModalProps {
	title: string;
	/** AI function name, for the estimate. */
	fn: string;
	/** The engine input the estimate prices. */
	estimateInput: Record< string, unknown >;
	path: string;
	body: unknown;
	startLabel: string;
	onClose: () => void;
	onFinished?: ( run: AiRun ) => void;
	/** Options shown above the estimate (method choice, …). */
	children?: React.ReactNode;
	/** Re-attach to a run already going. */
	runId?: number | null;
	/** What the run made, shown under the progress once it succeeded. */
	result?: ( run: AiRun ) => React.ReactNode;
	/** What the action's answer says beyond its run (e.g. what it left out), shown once started. */
	started?: ( answer: StartedRun ) => React.ReactNode;
}

/**
 * Shows what an AI action will cost, starts it, then follows its progress.
 * @param props Component props.
 */
export function AiActionModal( props: AiActionModalProps ) {
	const {
		title,
		fn,
		estimateInput,
		path,
		body,
		startLabel,
		onClose,
		onFinished,
		children,
		result,
		started: startedNote,
	} = props;
	const [ estimate, setEstimate ] = useState< Estimate | null >( null );
	const [ error, setError ] = useState< {
		message: string;
		kind?: ApiErrorKind;
	} | null >( null );
	const [ runId, setRunId ] = useState< number | null >(
		props.runId ?? null
	);
	const [ starting, setStarting ] = useState( false );
	const [ startedAnswer, setStartedAnswer ] = useState< StartedRun | null >(
		null
	);

	const { startRun } = useDispatch( JOBS ) as any;
	const inputKey = JSON.stringify( estimateInput );
	const succeeded = useSelect(
		( select ) => {
			const run =
				runId === null
					? undefined
					: ( ( select( JOBS ) as any ).getRun( runId ) as
							AiRun | undefined );
			return run?.status === 'succeeded' ? run : null;
		},
		[ runId ]
	);

	useEffect( () => {
		if ( runId !== null ) {
			return;
		}
		let live = true;
		setEstimate( null );
		getClient()
			.post< Estimate >( '/billing/estimate/', {
				function: fn,
				input: JSON.parse( inputKey ),
			} )
			.then(
				( answer ) => live && setEstimate( answer ),
				( failure: unknown ) =>
					live &&
					setError( {
						message: errorMessage(
							failure,
							__( 'Could not estimate the cost.', 'igny8-bridge' )
						),
						kind: isApiError( failure ) ? failure.kind : undefined,
					} )
			);
		return () => {
			live = false;
		};
	}, [ fn, inputKey, runId ] );

	const start = async () => {
		setStarting( true );
		setError( null );
		try {
			const started: StartedRun = await startRun( path, body );
			setStartedAnswer( started );
			setRunId( started.run_id );
		} catch ( failure ) {
			setError( {
				message: errorMessage(
					failure,
					__( 'Could not start.', 'igny8-bridge' )
				),
				kind: isApiError( failure ) ? failure.kind : undefined,
			} );
		} finally {
			setStarting( false );
		}
	};

	return (
		<Modal
			title={ title }
			onRequestClose={ onClose }
			className="igny8-modal"
		>
			{ runId === null && children }
			{ runId === null && ! estimate && ! error && (
				<Loading
					label={ __( 'Estimating credits…', 'igny8-bridge' ) }
				/>
			) }
			{ runId === null && estimate && (
				<p className="igny8-estimate">
					{ estimate.credits === 0
						? __( 'This costs no credits.', 'igny8-bridge' )
						: sprintf(
								/* translators: %d: credits the run may use. */
								_n(
									'This will use at most %d credit.',
									'This will use at most %d credits.',
									estimate.credits,
									'igny8-bridge'
								),
								estimate.credits
							) }{ ' ' }
					{ sprintf(
						/* translators: %d: the account's credit balance. */
						_n(
							'Your balance: %d credit.',
							'Your balance: %d credits.',
							estimate.balance,
							'igny8-bridge'
						),
						estimate.balance
					) }
				</p>
			) }
			{ runId === null && estimate && ! estimate.sufficient && (
				<ErrorNotice
					kind="credits"
					message={ __(
						'Not enough credits for this run.',
						'igny8-bridge'
					) }
				/>
			) }
			{ error && (
				<ErrorNotice message={ error.message } kind={ error.kind } />
			) }
			{ runId !== null && (
				<RunProgress runId={ runId } onFinished={ onFinished } />
			) }
			{ startedAnswer && startedNote?.( startedAnswer ) }
			{ succeeded && result && (
				<div className="igny8-run__result">{ result( succeeded ) }</div>
			) }
			<div className="igny8-modal__actions">
				{ runId === null && (
					<Button
						variant="primary"
						onClick={ start }
						isBusy={ starting }
						disabled={
							starting ||
							( estimate ? ! estimate.sufficient : ! error )
						}
						accessibleWhenDisabled
					>
						{ startLabel }
					</Button>
				) }
				<Button variant="tertiary" onClick={ onClose }>
					{ runId === null
						? __( 'Cancel', 'igny8-bridge' )
						: __( 'Close', 'igny8-bridge' ) }
				</Button>
			</div>
		</Modal>
	);
}
