/**
 * External dependencies
 */
import type { AiRun, Balance } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Card, CardBody, CardHeader } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';
import { RunProgress } from '../components/ai-action';
import { EmptyState } from '../components/states';
import { useList } from '../hooks/use-list';
import { label } from '../labels';
import { safeUrl } from '../safe-url';
import { SetupGuide } from './setup/setup-guide';
import type { ScreenProps } from './types';

/**
 * The first-run guide until it is finished or hidden, then `fallback`.
 * @param props           Component props.
 * @param props.connected Whether the site has a cloud session.
 * @param props.sectorId  The sector in use, if any.
 * @param props.fallback  What to show once the guide is hidden.
 */
export function FirstRun( {
	connected,
	sectorId,
	fallback = null,
}: {
	connected: boolean;
	sectorId: number | null;
	fallback?: React.ReactNode;
} ) {
	const [ hidden, setHidden ] = useState(
		getBootData().setupDismissed === true
	);
	if ( hidden ) {
		return <>{ fallback }</>;
	}
	return (
		<SetupGuide
			connected={ connected }
			sectorId={ sectorId }
			onDismissed={ () => setHidden( true ) }
		/>
	);
}

function pipelineCount( list: {
	isLoading: boolean;
	error: string | null;
	count: number;
} ): string | number {
	if ( list.isLoading ) {
		return '…';
	}
	return list.error ? '!' : list.count;
}

function Count( {
	title,
	store,
	selector,
	kind,
	query,
	href,
}: {
	title: string;
	store: string;
	selector: string;
	kind: string;
	query: Record< string, string | number >;
	href?: string;
} ) {
	const list = useList( store, selector, kind, { ...query, page_size: 1 } );
	return (
		<li className="igny8-pipeline__step">
			<a href={ safeUrl( href ) ?? '#' }>
				<span className="igny8-pipeline__count">
					{ pipelineCount( list ) }
				</span>
				<span className="igny8-pipeline__label">{ title }</span>
			</a>
		</li>
	);
}

/**
 * The pipeline at a glance, credits, recent and running jobs.
 * @param props          Component props.
 * @param props.sectorId The sector in use.
 */
export function DashboardScreen( { sectorId }: ScreenProps ) {
	const { balance, active, recent } = useSelect( ( select ) => {
		const jobs = select( 'igny8/jobs' ) as any;
		return {
			balance: (
				select( 'igny8/settings' ) as any
			 ).getBalance() as Balance | null,
			active: jobs.getActiveRuns() as AiRun[],
			recent: jobs.getRecentRuns() as AiRun[],
		};
	}, [] );
	const { pages } = getBootData();
	if ( ! sectorId ) {
		// No sector yet: the guide creates the first one.
		return (
			<FirstRun
				connected
				sectorId={ null }
				fallback={
					<EmptyState
						title={ __(
							'This site has no sectors yet.',
							'igny8-bridge'
						) }
						action={ {
							label: __(
								'Add a sector in Settings',
								'igny8-bridge'
							),
							href: pages.settings,
						} }
					>
						<p>
							{ __(
								'Keywords, ideas and content live in a sector (a topic area of the site).',
								'igny8-bridge'
							) }
						</p>
					</EmptyState>
				}
			/>
		);
	}
	const scope = { sector_id: sectorId };
	return (
		<div className="igny8-screen igny8-dashboard">
			<FirstRun connected sectorId={ sectorId } />
			<Card>
				<CardHeader>
					<h2>{ __( 'Pipeline', 'igny8-bridge' ) }</h2>
				</CardHeader>
				<CardBody>
					<ol className="igny8-pipeline">
						<Count
							title={ __( 'Keywords', 'igny8-bridge' ) }
							store="igny8/planner"
							selector="getKeywords"
							kind="keywords"
							query={ scope }
							href={ pages.keywords }
						/>
						<Count
							title={ __( 'Clusters', 'igny8-bridge' ) }
							store="igny8/planner"
							selector="getClusters"
							kind="clusters"
							query={ scope }
							href={ pages.clusters }
						/>
						<Count
							title={ __( 'Ideas', 'igny8-bridge' ) }
							store="igny8/planner"
							selector="getIdeas"
							kind="ideas"
							query={ scope }
							href={ pages.ideas }
						/>
						<Count
							title={ __( 'Tasks', 'igny8-bridge' ) }
							store="igny8/writer"
							selector="getTasks"
							kind="tasks"
							query={ scope }
							href={ pages.tasks }
						/>
						<Count
							title={ __( 'Drafts', 'igny8-bridge' ) }
							store="igny8/writer"
							selector="getContentList"
							kind="content"
							query={ { ...scope, sync_status: 'draft' } }
							href={ pages.content }
						/>
						<Count
							title={ __( 'Published', 'igny8-bridge' ) }
							store="igny8/writer"
							selector="getContentList"
							kind="content"
							query={ { ...scope, sync_status: 'published' } }
							href={ pages.content }
						/>
					</ol>
				</CardBody>
			</Card>
			<div className="igny8-dashboard__row">
				<Card>
					<CardHeader>
						<h2>{ __( 'Credits', 'igny8-bridge' ) }</h2>
					</CardHeader>
					<CardBody>
						<p className="igny8-dashboard__credits">
							{ balance ? balance.credits.toLocaleString() : '…' }
						</p>
					</CardBody>
				</Card>
				<Card>
					<CardHeader>
						<h2>{ __( 'Jobs', 'igny8-bridge' ) }</h2>
					</CardHeader>
					<CardBody>
						{ active.map( ( run ) => (
							<div
								key={ run.id }
								className="igny8-dashboard__job"
							>
								<strong>
									{ label( 'aiFunction', run.function_name ) }
								</strong>
								<RunProgress runId={ run.id } />
							</div>
						) ) }
						{ active.length === 0 && (
							<p>{ __( 'Nothing running.', 'igny8-bridge' ) }</p>
						) }
						<ul className="igny8-dashboard__recent">
							{ recent
								.filter( ( run ) => ! active.includes( run ) )
								.slice( 0, 8 )
								.map( ( run ) => (
									<li key={ run.id }>
										{ sprintf(
											/* translators: 1: AI function, e.g. "Write drafts", 2: run status, e.g. "Finished", 3: credits charged. */
											_n(
												'%1$s — %2$s (%3$d credit)',
												'%1$s — %2$s (%3$d credits)',
												run.credits_charged ?? 0,
												'igny8-bridge'
											),
											label(
												'aiFunction',
												run.function_name
											),
											label( 'runStatus', run.status ),
											run.credits_charged ?? 0
										) }
									</li>
								) ) }
						</ul>
					</CardBody>
				</Card>
			</div>
		</div>
	);
}
