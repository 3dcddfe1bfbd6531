/**
 * External dependencies
 */
import type { AiRun, Balance } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Card, CardBody, CardHeader } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';
import { RunProgress } from '../components/ai-action';
import { useList } from '../hooks/use-list';
import { safeUrl } from '../safe-url';
import type { ScreenProps } from './types';

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
	label,
	store,
	selector,
	kind,
	query,
	href,
}: {
	label: string;
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
				<span className="igny8-pipeline__label">{ label }</span>
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
	if ( ! sectorId ) {
		return null;
	}
	const { pages } = getBootData();
	const scope = { sector_id: sectorId };
	return (
		<div className="igny8-screen igny8-dashboard">
			<Card>
				<CardHeader>
					<h2>{ __( 'Pipeline', 'igny8-bridge' ) }</h2>
				</CardHeader>
				<CardBody>
					<ol className="igny8-pipeline">
						<Count
							label={ __( 'Keywords', 'igny8-bridge' ) }
							store="igny8/planner"
							selector="getKeywords"
							kind="keywords"
							query={ scope }
							href={ pages.keywords }
						/>
						<Count
							label={ __( 'Clusters', 'igny8-bridge' ) }
							store="igny8/planner"
							selector="getClusters"
							kind="clusters"
							query={ scope }
							href={ pages.clusters }
						/>
						<Count
							label={ __( 'Ideas', 'igny8-bridge' ) }
							store="igny8/planner"
							selector="getIdeas"
							kind="ideas"
							query={ scope }
							href={ pages.ideas }
						/>
						<Count
							label={ __( 'Tasks', 'igny8-bridge' ) }
							store="igny8/writer"
							selector="getTasks"
							kind="tasks"
							query={ scope }
							href={ pages.tasks }
						/>
						<Count
							label={ __( 'Drafts', 'igny8-bridge' ) }
							store="igny8/writer"
							selector="getContentList"
							kind="content"
							query={ { ...scope, sync_status: 'draft' } }
							href={ pages.content }
						/>
						<Count
							label={ __( 'Published', 'igny8-bridge' ) }
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
								<strong>{ run.function_name }</strong>
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
											/* translators: 1: AI function, 2: status, 3: credits charged. */
											__(
												'%1$s — %2$s (%3$d credits)',
												'igny8-bridge'
											),
											run.function_name,
											run.status,
											run.credits_charged
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
