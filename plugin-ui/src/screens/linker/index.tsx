/**
 * WordPress dependencies
 */
import { TabPanel } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { addQueryArgs, getQueryArg } from '@wordpress/url';

/**
 * Internal dependencies
 */
import { getBootData } from '../../boot';
import { EmptyState } from '../../components/states';
import { useUrlTab } from '../../hooks/use-url-tab';
import '../../store/linker';
import { useCanEdit } from '../keywords';
import { WithCloudSession } from '../settings/index';
import type { ScreenProps } from '../types';
import { OverviewTab } from './overview';
import { PostsTab } from './posts';
import './linker.scss';

type TabName = 'overview' | 'posts';
const TAB_NAMES: TabName[] = [ 'overview', 'posts' ];

/**
 * The Posts tab's address, filtered: where the Overview's figures lead.
 * @param filter `orphans` or `with_suggestions`; none for every post.
 */
function postsTabUrl( filter?: string ): string {
	return addQueryArgs( window.location.pathname, {
		page: getQueryArg( window.location.href, 'page' ),
		tab: 'posts',
		...( filter ? { filter } : {} ),
	} );
}

function NotConnected() {
	const { settingsUrl } = getBootData();
	return (
		<EmptyState
			title={ __(
				'Connect this site to IGNY8 to see how its posts link to each other.',
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
							'The Linker reads this site’s posts in IGNY8, finds the posts nothing links to and broken links, and suggests internal links you can add with one click.',
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

function Tabs() {
	const canEdit = useCanEdit();
	const { tab, panelKey, onSelect } = useUrlTab( TAB_NAMES );

	return (
		<TabPanel
			key={ panelKey }
			className="igny8-linker__tabs"
			tabs={ [
				{ name: 'overview', title: __( 'Overview', 'igny8-bridge' ) },
				{ name: 'posts', title: __( 'Posts', 'igny8-bridge' ) },
			] }
			initialTabName={ tab }
			onSelect={ onSelect }
		>
			{ ( current ) => (
				<div className="igny8-linker__panel">
					{ current.name === 'overview' && (
						<OverviewTab
							postsOf={ postsTabUrl }
							canEdit={ canEdit }
							// Whoever may manage the site's options may change its limits.
							canManage={ getBootData().settingsUrl !== '' }
						/>
					) }
					{ current.name === 'posts' && (
						<PostsTab canEdit={ canEdit } />
					) }
				</div>
			) }
		</TabPanel>
	);
}

/**
 * IGNY8 → Linker: the site's internal links — the report (orphans, broken
 * links, links to old addresses) and, per post, the links IGNY8 suggests.
 * It covers the whole site, not one sector. The tab and the list's view live
 * in the URL, so reload and back/forward keep them.
 */
export function LinkerScreen( {}: ScreenProps ) {
	return (
		<div className="igny8-screen igny8-linker">
			<WithCloudSession notConnected={ <NotConnected /> }>
				<Tabs />
			</WithCloudSession>
		</div>
	);
}
