/**
 * External dependencies
 */
import type { AutomationRun } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { useDispatch } from '@wordpress/data';
import { useEffect } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { DataView, type Action } from '../../components/data-view';
import { announce } from '../../components/data-view/notices';
import { useList } from '../../hooks/use-list';
import {
	isId,
	oneOf,
	useUrlView,
	viewQuery,
	type ViewSpec,
} from '../../hooks/use-url-view';
import { label, labelOptions } from '../../labels';
import {
	ACTIVE_RUN_STATUSES,
	AUTOMATION,
	cancelRun,
	RESUMABLE_RUN_STATUSES,
	resumeRun,
} from '../../store/automation';
import { PER_PAGE_OPTIONS } from '../keywords';
import { creditCount, runCount, when } from './format';
import { placeUrl, type Place } from './place';

export const RUNS_VIEW: ViewSpec = {
	filters: {
		status: oneOf( [
			'queued',
			'running',
			'waiting',
			'succeeded',
			'failed',
			'capped',
			'cancelled',
		] ),
		rule_id: isId,
	},
	sortFields: [],
	// The cloud's own order (newest first).
	defaultSort: '',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'trigger', 'credits', 'started', 'finished', 'error' ],
};

/** How often a list or a run going on is read again. */
export const FOLLOW_MS = 4000;

export const isActive = ( run: AutomationRun ) =>
	ACTIVE_RUN_STATUSES.includes( run.status );
export const isResumable = ( run: AutomationRun ) =>
	RESUMABLE_RUN_STATUSES.includes( run.status );

const nameOf = ( run: AutomationRun ) =>
	run.rule_name.trim() || __( '(deleted rule)', 'igny8-bridge' );

/**
 * The words and the shape of a run's status.
 * @param props        Component props.
 * @param props.status The run's status.
 */
export function RunStatus( { status }: { status: AutomationRun[ 'status' ] } ) {
	return (
		<span className="igny8-status" data-status={ status }>
			{ label( 'automationRunStatus', status ) }
		</span>
	);
}

/**
 * The Resume and Cancel of a run, shared by the list and the run's detail.
 * @param onChanged Called with the run as the cloud answered.
 */
export function useRunActions(
	onChanged: ( run: AutomationRun ) => void
): Action< AutomationRun >[] {
	const { invalidate } = useDispatch( AUTOMATION ) as any;
	return [
		{
			id: 'resume',
			label: __( 'Resume', 'igny8-bridge' ),
			isEligible: isResumable,
			callback: async ( items ) => {
				const run = items[ 0 ];
				if ( ! run ) {
					return;
				}
				const resumed = await resumeRun( run.id );
				invalidate();
				onChanged( resumed );
				announce(
					sprintf(
						/* translators: %s: a rule's name. */
						__(
							'The run of “%s” continues from the step it stopped at.',
							'igny8-bridge'
						),
						nameOf( run )
					)
				);
			},
		},
		{
			id: 'cancel',
			label: __( 'Cancel run', 'igny8-bridge' ),
			isDestructive: true,
			isEligible: isActive,
			confirm: ( items ) =>
				sprintf(
					/* translators: %s: a rule's name. */
					__(
						'Cancel the run of “%s”? The steps it finished stay done; the rest are not started.',
						'igny8-bridge'
					),
					nameOf( items[ 0 ]! )
				),
			confirmLabel: __( 'Cancel run', 'igny8-bridge' ),
			callback: async ( items ) => {
				const run = items[ 0 ];
				if ( ! run ) {
					return;
				}
				const cancelled = await cancelRun( run.id );
				invalidate();
				onChanged( cancelled );
				announce(
					sprintf(
						/* translators: %s: a rule's name. */
						__( 'Cancelled the run of “%s”.', 'igny8-bridge' ),
						nameOf( run )
					)
				);
			},
		},
	];
}

/**
 * Every run of the site's rules, newest first, with what each used; open one
 * for its steps, resume one that stopped, cancel one going on.
 * @param props         Component props.
 * @param props.siteId  The session's site (the list's scope).
 * @param props.canEdit Whether the user may resume or cancel runs.
 * @param props.onGo    Goes to another place on the screen.
 */
export function RunsTab( {
	siteId,
	canEdit,
	onGo,
}: {
	siteId: number | null;
	canEdit: boolean;
	onGo: ( place: Place ) => void;
} ) {
	const [ view, setView ] = useUrlView( RUNS_VIEW );
	const query = {
		...viewQuery( view ),
		...( siteId ? { site_id: siteId } : {} ),
	};
	const runs = useList< AutomationRun >(
		AUTOMATION,
		'getRuns',
		'runs',
		query
	);
	const changeActions = useRunActions( () => undefined );
	const { invalidateResolution, invalidateResolutionForStoreSelector } =
		useDispatch( AUTOMATION ) as any;
	// Runs going on change by themselves: the page and the spend follow
	// them, the rows on screen staying until the new ones arrive.
	const following = runs.items.some( isActive );
	const queryKey = JSON.stringify( query );
	useEffect( () => {
		if ( ! following ) {
			return;
		}
		const timer = setInterval( () => {
			invalidateResolution( 'getRuns', [ JSON.parse( queryKey ) ] );
			invalidateResolutionForStoreSelector( 'getSpend' );
		}, FOLLOW_MS );
		return () => clearInterval( timer );
	}, [
		following,
		queryKey,
		invalidateResolution,
		invalidateResolutionForStoreSelector,
	] );
	const open = ( run: AutomationRun ) => onGo( { kind: 'run', id: run.id } );
	const ruleFilter = view.filters.rule_id;
	const ruleName = ruleFilter
		? runs.items.find( ( run ) => String( run.rule_id ) === ruleFilter )
				?.rule_name
		: undefined;

	const actions: Action< AutomationRun >[] = [
		{
			id: 'open',
			label: __( 'Show steps', 'igny8-bridge' ),
			callback: ( items ) => items[ 0 ] && open( items[ 0 ] ),
		},
		...( canEdit ? changeActions : [] ),
	];

	return (
		<DataView< AutomationRun >
			label={ __( 'Automation runs', 'igny8-bridge' ) }
			fields={ [
				{
					id: 'rule',
					label: __( 'Rule', 'igny8-bridge' ),
					enableHiding: false,
					render: ( run ) => (
						<a
							href={ placeUrl( { kind: 'run', id: run.id } ) }
							onClick={ ( event ) => {
								event.preventDefault();
								open( run );
							} }
						>
							{ nameOf( run ) }
						</a>
					),
				},
				{
					id: 'status',
					label: __( 'Status', 'igny8-bridge' ),
					enableHiding: false,
					render: ( run ) => <RunStatus status={ run.status } />,
				},
				{
					id: 'trigger',
					label: __( 'Started by', 'igny8-bridge' ),
					render: ( run ) =>
						label( 'automationRunTrigger', run.trigger ),
				},
				{
					id: 'credits',
					label: __( 'Credits', 'igny8-bridge' ),
					render: ( run ) => creditCount( run.credits_used ),
				},
				{
					id: 'started',
					label: __( 'Started', 'igny8-bridge' ),
					render: ( run ) => when( run.started_at ),
				},
				{
					id: 'finished',
					label: __( 'Finished', 'igny8-bridge' ),
					render: ( run ) => when( run.finished_at ),
				},
				{
					id: 'error',
					label: __( 'Problem', 'igny8-bridge' ),
					render: ( run ) =>
						run.error ? (
							<span className="igny8-automation__error">
								{ run.error }
							</span>
						) : (
							'—'
						),
				},
			] }
			filters={ [
				{
					id: 'status',
					type: 'select',
					label: __( 'Status', 'igny8-bridge' ),
					anyLabel: __( 'Any status', 'igny8-bridge' ),
					options: labelOptions( 'automationRunStatus' ),
				},
				...( ruleFilter
					? [
							{
								id: 'rule_id',
								type: 'select' as const,
								label: __( 'Rule', 'igny8-bridge' ),
								anyLabel: __( 'Every rule', 'igny8-bridge' ),
								options: [
									{
										value: ruleFilter,
										label:
											ruleName ??
											sprintf(
												/* translators: %s: a rule's number. */
												__(
													'Rule #%s',
													'igny8-bridge'
												),
												ruleFilter
											),
									},
								],
							},
						]
					: [] ),
			] }
			view={ view }
			onChangeView={ setView }
			perPageOptions={ PER_PAGE_OPTIONS }
			items={ runs.items }
			count={ runs.count }
			isLoading={ runs.isLoading }
			error={ runs.error }
			actions={ actions }
			itemTitle={ nameOf }
			countLabel={ runCount }
			empty={ {
				title: __(
					'No runs yet — a rule’s runs show here once it starts.',
					'igny8-bridge'
				),
				body: (
					<p>
						{ __(
							'Each run lists its steps with what they made and the credits they used. To see one now, choose “Run now” on a rule in the Rules tab.',
							'igny8-bridge'
						) }
					</p>
				),
			} }
			emptyFiltered={ __(
				'No run matches these filters.',
				'igny8-bridge'
			) }
		/>
	);
}
