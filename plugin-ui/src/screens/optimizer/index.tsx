/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../../boot';
import { EmptyState } from '../../components/states';
import '../../store/jobs';
import '../../store/optimizer';
import { useCanEdit } from '../keywords';
import { WithCloudSession } from '../settings/index';
import type { ScreenProps } from '../types';
import { AnalysisView } from './analysis';
import { Dashboard } from './dashboard';
import { useContentParam } from './use-content-param';
import './optimizer.scss';

function NotConnected() {
	const { settingsUrl } = getBootData();
	return (
		<EmptyState
			title={ __(
				'Connect this site to IGNY8 to score its content for SEO and readability.',
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
							'The Optimizer checks each draft and post against its focus keyphrase (title, introduction, density, links, images…) and for readability, keeps the score history, and can rewrite a draft with AI for you to compare and accept.',
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

function Body() {
	const canEdit = useCanEdit();
	const [ contentId, open ] = useContentParam();
	return contentId === null ? (
		<Dashboard canEdit={ canEdit } onOpen={ open } />
	) : (
		<AnalysisView
			key={ contentId }
			contentId={ contentId }
			canEdit={ canEdit }
			onBack={ () => open( null ) }
		/>
	);
}

/**
 * IGNY8 → Optimizer: the site's contents with their SEO and readability
 * scores, and one content's analysis (its checks, score history, “Fix with
 * AI” and the AI revisions waiting for review). Like the Linker it covers
 * the whole site, not one sector. The open content and the list's view live
 * in the URL.
 */
export function OptimizerScreen( {}: ScreenProps ) {
	return (
		<div className="igny8-screen igny8-optimizer">
			<WithCloudSession notConnected={ <NotConnected /> }>
				<Body />
			</WithCloudSession>
		</div>
	);
}
