/**
 * WordPress dependencies
 */
import { TabPanel } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../../boot';
import { EmptyState } from '../../components/states';
import { useUrlTab } from '../../hooks/use-url-tab';
import '../../store/automation';
import type { SessionInfo } from '../../store/settings/types';
import { useCanEdit } from '../keywords';
import { WithCloudSession } from '../settings/index';
import type { ScreenProps } from '../types';
import { RuleBuilder } from './builder';
import { TABS, usePlace, type Place } from './place';
import { RunDetail } from './run-detail';
import { RulesTab } from './rules';
import { RunsTab } from './runs';
import { Spend } from './spend';
import './automation.scss';

function NotConnected() {
	const { settingsUrl } = getBootData();
	return (
		<EmptyState
			title={ __(
				'Connect this site to IGNY8 to let rules run the pipeline for you.',
				'igny8-bridge'
			) }
			action={
				settingsUrl
					? {
							label: __(
								'Connect it in Settings',
								'igny8-bridge'
							),
							href: settingsUrl,
						}
					: undefined
			}
		>
			<p>
				{ settingsUrl
					? __(
							'Automation rules cluster keywords, generate ideas, write, optimize, link and publish drafts on a schedule or when something happens, within the credit caps you set.',
							'igny8-bridge'
						)
					: __(
							'An administrator of this site can connect it under IGNY8 → Settings.',
							'igny8-bridge'
						) }
			</p>
		</EmptyState>
	);
}

/**
 * The Rules and Runs tabs.
 * @param props         Component props.
 * @param props.siteId  The session's site.
 * @param props.canEdit Whether the user may change rules and runs.
 * @param props.onGo    Goes to another place on the screen.
 */
function Tabs( {
	siteId,
	canEdit,
	onGo,
}: {
	siteId: number | null;
	canEdit: boolean;
	onGo: ( place: Place ) => void;
} ) {
	const { tab, panelKey, onSelect } = useUrlTab( TABS );
	return (
		<TabPanel
			key={ panelKey }
			className="igny8-automation__tabs"
			tabs={ [
				{ name: 'rules', title: __( 'Rules', 'igny8-bridge' ) },
				{ name: 'runs', title: __( 'Runs', 'igny8-bridge' ) },
			] }
			initialTabName={ tab }
			onSelect={ onSelect }
		>
			{ ( current ) => (
				<div className="igny8-automation__panel">
					{ current.name === 'rules' && (
						<RulesTab
							siteId={ siteId }
							canEdit={ canEdit }
							onGo={ onGo }
						/>
					) }
					{ current.name === 'runs' && (
						<RunsTab
							siteId={ siteId }
							canEdit={ canEdit }
							onGo={ onGo }
						/>
					) }
				</div>
			) }
		</TabPanel>
	);
}

/**
 * The place the URL names: a tab, the rule builder or one run.
 * @param props          Component props.
 * @param props.sectorId The sector chosen in the header.
 */
function Body( { sectorId }: { sectorId: number | null } ) {
	// A dry run needs the right to write content; saving, pausing, running,
	// resuming and cancelling need the right to manage the site (an
	// administrator of it).
	const canPreview = useCanEdit();
	const [ place, go ] = usePlace();
	const session = useSelect(
		( select ) =>
			(
				select( 'igny8/settings' ) as any
			 ).getSession() as SessionInfo | null,
		[]
	);
	const siteId = session?.siteId ?? null;
	const canEdit = session?.role === 'admin';
	return (
		<>
			{ place.kind === 'list' && <Spend siteId={ siteId } /> }
			{ place.kind === 'rule' && (
				<RuleBuilder
					key={ String( place.id ) }
					id={ place.id }
					sectorId={ sectorId }
					siteId={ siteId }
					canEdit={ canEdit }
					canPreview={ canPreview }
					onGo={ go }
				/>
			) }
			{ place.kind === 'run' && (
				<RunDetail
					key={ place.id }
					id={ place.id }
					canEdit={ canEdit }
					onGo={ go }
				/>
			) }
			{ place.kind === 'list' && (
				<Tabs
					// A place chosen from inside the screen (e.g. one rule's
					// runs) opens its tab afresh with the URL's filters.
					key={ `${ place.tab }-${ place.ruleId ?? '' }` }
					siteId={ siteId }
					canEdit={ canEdit }
					onGo={ go }
				/>
			) }
		</>
	);
}

/**
 * IGNY8 → Automation: this month's automation spend, the site's rules (when
 * each starts, what it does, its caps; a builder with a dry-run preview)
 * and the history of their runs, step by step. Rules cover the whole site,
 * each naming its sector. Where the person is (a tab, a rule, a run) and
 * the lists' views live in the URL.
 * @param props          Component props.
 * @param props.sectorId The sector chosen in the header (a new rule's).
 */
export function AutomationScreen( { sectorId }: ScreenProps ) {
	return (
		<div className="igny8-screen igny8-automation">
			<WithCloudSession notConnected={ <NotConnected /> }>
				<Body sectorId={ sectorId } />
			</WithCloudSession>
		</div>
	);
}
