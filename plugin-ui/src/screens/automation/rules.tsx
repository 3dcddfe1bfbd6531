/**
 * External dependencies
 */
import type { AutomationRule, Sector } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { DataView, type Action } from '../../components/data-view';
import { announce } from '../../components/data-view/notices';
import { useList } from '../../hooks/use-list';
import {
	oneOf,
	useUrlView,
	viewQuery,
	type ViewSpec,
} from '../../hooks/use-url-view';
import { label, labelOptions } from '../../labels';
import {
	AUTOMATION,
	deleteRule,
	pauseRule,
	resumeRule,
	runRule,
} from '../../store/automation';
import { PER_PAGE_OPTIONS } from '../keywords';
import {
	actionsSummary,
	creditCount,
	nextRunText,
	ruleCount,
	triggerText,
} from './format';
import { placeUrl, type Place } from './place';

export const RULES_VIEW: ViewSpec = {
	filters: { enabled: oneOf( [ 'true', 'false' ] ) },
	sortFields: [],
	// The cloud's own order until the cloud offers others.
	defaultSort: '',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'sector', 'actions', 'state', 'next', 'credits' ],
};

const nameOf = ( rule: AutomationRule ) =>
	rule.name.trim() || __( '(no name)', 'igny8-bridge' );

/**
 * The site's automation rules: when each starts, what it does, whether it
 * is on, when it runs next and what it used this month; edit, pause or
 * resume, run now, see its runs, delete.
 * @param props         Component props.
 * @param props.siteId  The session's site (the list's scope).
 * @param props.canEdit Whether the user may change rules.
 * @param props.onGo    Goes to another place on the screen.
 */
export function RulesTab( {
	siteId,
	canEdit,
	onGo,
}: {
	siteId: number | null;
	canEdit: boolean;
	onGo: ( place: Place ) => void;
} ) {
	const [ view, setView ] = useUrlView( RULES_VIEW );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const { invalidate } = useDispatch( AUTOMATION ) as any;
	const sectors = useSelect(
		( select ) =>
			( select( 'igny8/settings' ) as any ).getSectors() as
				Sector[] | null,
		[]
	);
	const rules = useList< AutomationRule >( AUTOMATION, 'getRules', 'rules', {
		...viewQuery( view ),
		...( siteId ? { site_id: siteId } : {} ),
	} );
	const sectorName = ( id: number ) =>
		sectors?.find( ( sector ) => sector.id === id )?.name ?? `#${ id }`;

	const open = ( rule: AutomationRule ) =>
		onGo( { kind: 'rule', id: rule.id } );

	const actions: Action< AutomationRule >[] = [
		{
			id: 'edit',
			label: canEdit
				? __( 'Edit', 'igny8-bridge' )
				: __( 'Open', 'igny8-bridge' ),
			callback: ( items ) => items[ 0 ] && open( items[ 0 ] ),
		},
		{
			id: 'runs',
			label: __( 'Show its runs', 'igny8-bridge' ),
			callback: ( items ) =>
				items[ 0 ] &&
				onGo( { kind: 'list', tab: 'runs', ruleId: items[ 0 ].id } ),
		},
		...( canEdit
			? ( [
					{
						id: 'run',
						label: __( 'Run now', 'igny8-bridge' ),
						confirm: ( items ) =>
							sprintf(
								/* translators: %s: a rule's name. */
								__(
									'Run “%s” now? Its steps use credits as they go, within the rule’s caps; each cap is checked before a step starts.',
									'igny8-bridge'
								),
								nameOf( items[ 0 ]! )
							),
						confirmLabel: __( 'Run now', 'igny8-bridge' ),
						callback: async ( items ) => {
							const rule = items[ 0 ];
							if ( ! rule ) {
								return;
							}
							await runRule( rule.id );
							invalidate();
							announce(
								sprintf(
									/* translators: %s: a rule's name. */
									__(
										'“%s” is running. Follow it under Runs.',
										'igny8-bridge'
									),
									nameOf( rule )
								)
							);
						},
					},
					{
						id: 'pause',
						label: __( 'Pause', 'igny8-bridge' ),
						supportsBulk: true,
						isEligible: ( rule ) => rule.enabled,
						callback: async ( items ) => {
							for ( const rule of items ) {
								await pauseRule( rule.id );
							}
							invalidate();
							announce(
								items.length === 1
									? sprintf(
											/* translators: %s: a rule's name. */
											__(
												'“%s” is paused: it starts no run until you resume it.',
												'igny8-bridge'
											),
											nameOf( items[ 0 ]! )
										)
									: sprintf(
											/* translators: %s: e.g. “3 rules”. */
											__( 'Paused %s.', 'igny8-bridge' ),
											ruleCount( items.length )
										)
							);
						},
					},
					{
						id: 'resume',
						label: __( 'Resume', 'igny8-bridge' ),
						supportsBulk: true,
						isEligible: ( rule ) => ! rule.enabled,
						callback: async ( items ) => {
							for ( const rule of items ) {
								await resumeRule( rule.id );
							}
							invalidate();
							announce(
								items.length === 1
									? sprintf(
											/* translators: %s: a rule's name. */
											__(
												'“%s” is on again.',
												'igny8-bridge'
											),
											nameOf( items[ 0 ]! )
										)
									: sprintf(
											/* translators: %s: e.g. “3 rules”. */
											__( 'Resumed %s.', 'igny8-bridge' ),
											ruleCount( items.length )
										)
							);
						},
					},
					{
						id: 'delete',
						label: __( 'Delete', 'igny8-bridge' ),
						isDestructive: true,
						supportsBulk: true,
						confirm: ( items ) =>
							items.length === 1
								? sprintf(
										/* translators: %s: a rule's name. */
										__(
											'Delete “%s”? It will start no more runs. Its past runs stay in the history.',
											'igny8-bridge'
										),
										nameOf( items[ 0 ]! )
									)
								: sprintf(
										/* translators: %s: e.g. “3 rules”. */
										__(
											'Delete %s? They will start no more runs. Their past runs stay in the history.',
											'igny8-bridge'
										),
										ruleCount( items.length )
									),
						confirmLabel: __( 'Delete', 'igny8-bridge' ),
						callback: async ( items ) => {
							for ( const rule of items ) {
								await deleteRule( rule.id );
							}
							invalidate();
							announce(
								items.length === 1
									? sprintf(
											/* translators: %s: a rule's name. */
											__(
												'Deleted “%s”.',
												'igny8-bridge'
											),
											nameOf( items[ 0 ]! )
										)
									: sprintf(
											/* translators: %s: e.g. “3 rules”. */
											__( 'Deleted %s.', 'igny8-bridge' ),
											ruleCount( items.length )
										)
							);
						},
					},
				] satisfies Action< AutomationRule >[] )
			: [] ),
	];

	return (
		<>
			{ canEdit && (
				<div className="igny8-toolbar">
					<Button
						variant="primary"
						__next40pxDefaultSize
						href={ placeUrl( { kind: 'rule', id: 'new' } ) }
						onClick={ ( event: React.MouseEvent ) => {
							event.preventDefault();
							onGo( { kind: 'rule', id: 'new' } );
						} }
					>
						{ __( 'New rule', 'igny8-bridge' ) }
					</Button>
				</div>
			) }
			<DataView< AutomationRule >
				label={ __( 'Automation rules', 'igny8-bridge' ) }
				fields={ [
					{
						id: 'name',
						label: __( 'Rule', 'igny8-bridge' ),
						enableHiding: false,
						render: ( rule ) => (
							<>
								<a
									href={ placeUrl( {
										kind: 'rule',
										id: rule.id,
									} ) }
									onClick={ ( event ) => {
										event.preventDefault();
										open( rule );
									} }
								>
									{ nameOf( rule ) }
								</a>
								<span className="igny8-automation__trigger">
									{ triggerText( rule.trigger ) }
								</span>
							</>
						),
					},
					{
						id: 'sector',
						label: __( 'Sector', 'igny8-bridge' ),
						render: ( rule ) => sectorName( rule.sector_id ),
					},
					{
						id: 'actions',
						label: __( 'Steps', 'igny8-bridge' ),
						render: ( rule ) => actionsSummary( rule.actions ),
					},
					{
						id: 'state',
						label: __( 'State', 'igny8-bridge' ),
						render: ( rule ) => (
							<span
								className="igny8-status"
								data-status={ rule.enabled ? 'on' : 'paused' }
							>
								{ label(
									'automationRuleState',
									String( rule.enabled )
								) }
							</span>
						),
					},
					{
						id: 'next',
						label: __( 'Next run', 'igny8-bridge' ),
						render: nextRunText,
					},
					{
						id: 'credits',
						label: __( 'Credits this month', 'igny8-bridge' ),
						render: ( rule ) =>
							creditCount( rule.credits_this_month ),
					},
				] }
				filters={ [
					{
						id: 'enabled',
						type: 'select',
						label: __( 'State', 'igny8-bridge' ),
						anyLabel: __( 'On or paused', 'igny8-bridge' ),
						options: labelOptions( 'automationRuleState' ),
					},
				] }
				view={ view }
				onChangeView={ setView }
				perPageOptions={ PER_PAGE_OPTIONS }
				items={ rules.items }
				count={ rules.count }
				isLoading={ rules.isLoading }
				error={ rules.error }
				actions={ actions }
				itemTitle={ nameOf }
				countLabel={ ruleCount }
				selection={ canEdit ? selected : undefined }
				onChangeSelection={ canEdit ? setSelected : undefined }
				empty={ {
					title: canEdit
						? __(
								'No rules yet — choose “New rule” to make the pipeline run by itself.',
								'igny8-bridge'
							)
						: __( 'No rules yet.', 'igny8-bridge' ),
					body: (
						<p>
							{ __(
								'A rule starts on a schedule (every day at 06:00, say) or when something happens (keywords imported, a draft written), and runs its steps in order — cluster keywords, generate ideas, write drafts, optimize, add links, publish — within the credit caps you give it. Preview it with a dry run before saving: nothing is charged.',
								'igny8-bridge'
							) }
						</p>
					),
				} }
				emptyFiltered={ __(
					'No rule is in this state.',
					'igny8-bridge'
				) }
			/>
		</>
	);
}
